import { Layer } from "effect"
import { ClientStore } from "../../security/clients/ClientStore.js"
import { HttpSettings } from "./HttpSettings.js"

/** What `serve --http` needs beyond AppLayer: its settings and the API-key clients. */
export const HttpTransportLive = Layer.mergeAll(HttpSettings.Default, ClientStore.Default)
