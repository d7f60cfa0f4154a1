import { Effect, Schema } from "effect"
import { OipaDatabase } from "../database/OipaDatabase.js"
import { ClientSummary } from "../database/records.js"
import { defineTool } from "../../../tools/Tool.js"
import { clientLine, countLine, Limit, readOnly, SearchTerm } from "./shared.js"

export const searchClients = defineTool({
  name: "oipa_search_clients",
  domain: "policy-clients",
  description: "Find OIPA clients (people and organisations) whose last, first or company name contains a term. " +
    "Tax ids, birth dates and e-mails come back masked; use oipa_client_portfolio for a client's policies.",
  annotations: readOnly("Search clients"),
  touchesGuestData: true,
  reveals: ["name"],
  input: Schema.Struct({ term: SearchTerm, limit: Limit }),
  output: Schema.Struct({ clients: Schema.Array(ClientSummary) }),
  facts: () => Effect.succeed({}),
  handler: (input) =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      return { clients: yield* database.searchClients(input) }
    }),
  render: ({ clients }) => [countLine(clients.length, "client", "clients"), ...clients.map(clientLine)].join("\n")
})
