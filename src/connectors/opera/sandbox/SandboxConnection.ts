import { Effect, Layer } from "effect"
import { OperaConnection } from "../client/OperaConnection.js"
import { Sandbox } from "./Sandbox.js"

/** The OPERA connection of a running sandbox: `serve --sandbox` and the tests talk to it. */
export const OperaConnectionFromSandbox: Layer.Layer<OperaConnection, never, Sandbox> = Layer.effect(
  OperaConnection,
  Effect.map(Sandbox, (sandbox) => sandbox.connection)
)
