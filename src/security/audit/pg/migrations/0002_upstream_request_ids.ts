import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** As SQLite's 0004: the correlation ids of a tool call's requests to OPERA, covered by the MAC where set. */
export default Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe("ALTER TABLE audit_events ADD COLUMN upstream_request_ids text")
})
