import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The correlation ids of a tool call's requests to OPERA, in a clear column: random ids this server
 * made (no person or secret in them), so an operator can find the row from a failure's stderr line.
 * The row MAC covers the column only where it is set, so every row written before still verifies.
 */
export default Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe("ALTER TABLE audit_events ADD COLUMN upstream_request_ids TEXT")
})
