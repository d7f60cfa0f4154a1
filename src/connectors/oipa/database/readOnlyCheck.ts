import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Schema } from "effect"
import { canonicalRow } from "./dialect.js"
import { fromDriverError } from "./driverErrors.js"
import { OipaBadRow, OipaWritePrivileges } from "./errors.js"

/**
 * The connector refuses to start when its database user could change data.
 * Oracle is asked through its own dictionary views: the system privileges of
 * the session (SESSION_PRIVS, roles included), object privileges granted to
 * the user (USER_TAB_PRIVS) or to its enabled roles (ROLE_TAB_PRIVS), and
 * tables it owns (USER_TABLES: an owner can change its tables without any
 * grant). Only reading is allowed; anything else, known or not, is refused.
 */
export const readOnlyQueries = {
  user: "SELECT USERNAME FROM USER_USERS",
  system: "SELECT PRIVILEGE FROM SESSION_PRIVS",
  granted: "SELECT GRANTEE, OWNER, TABLE_NAME, PRIVILEGE FROM USER_TAB_PRIVS",
  roles: "SELECT ROLE, OWNER, TABLE_NAME, PRIVILEGE FROM ROLE_TAB_PRIVS",
  owned: "SELECT TABLE_NAME FROM USER_TABLES"
} as const

const readingSystemPrivilege = /^(CREATE SESSION|ALTER SESSION|SET CONTAINER|SELECT ANY (TABLE|SEQUENCE|DICTIONARY)|READ ANY TABLE)$/
const readingObjectPrivilege = new Set(["SELECT", "READ"])

const UserRow = Schema.Struct({ USERNAME: Schema.String })
const SystemRow = Schema.Struct({ PRIVILEGE: Schema.String })
const GrantRow = Schema.Struct({ GRANTEE: Schema.String, OWNER: Schema.String, TABLE_NAME: Schema.String, PRIVILEGE: Schema.String })
const RoleRow = Schema.Struct({ ROLE: Schema.String, OWNER: Schema.String, TABLE_NAME: Schema.String, PRIVILEGE: Schema.String })
const OwnedRow = Schema.Struct({ TABLE_NAME: Schema.String })

const rowsOf = <F extends Schema.Struct.Fields>(schema: Schema.Struct<F>, view: string, text: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient
    const rows = yield* sql.unsafe<Record<string, unknown>>(text).pipe(Effect.mapError(fromDriverError))
    const canonical = canonicalRow(Object.keys(schema.fields))
    return yield* Schema.decodeUnknown(Schema.Array(schema))(rows.map(canonical)).pipe(
      Effect.mapError(() => new OipaBadRow({ table: view, message: `Unexpected rows from ${view} during the read-only check` }))
    )
  })

/** The write-capable privileges among what the dictionary views returned (pure: tested on its own). */
export const writePrivileges = (found: {
  readonly user: string
  readonly system: ReadonlyArray<string>
  readonly granted: ReadonlyArray<typeof GrantRow.Type>
  readonly roles: ReadonlyArray<typeof RoleRow.Type>
  readonly owned: ReadonlyArray<string>
}): ReadonlyArray<string> => [
  ...found.system.filter((privilege) => !readingSystemPrivilege.test(privilege.toUpperCase())),
  ...found.granted
    .filter((grant) => grant.GRANTEE.toUpperCase() === found.user.toUpperCase())
    .filter((grant) => !readingObjectPrivilege.has(grant.PRIVILEGE.toUpperCase()))
    .map((grant) => `${grant.PRIVILEGE} ON ${grant.OWNER}.${grant.TABLE_NAME}`),
  ...found.roles
    .filter((grant) => !readingObjectPrivilege.has(grant.PRIVILEGE.toUpperCase()))
    .map((grant) => `${grant.PRIVILEGE} ON ${grant.OWNER}.${grant.TABLE_NAME} (role ${grant.ROLE})`),
  ...found.owned.map((table) => `OWNER OF ${table}`)
]

/** Fails with OipaWritePrivileges, naming each privilege, unless the Oracle user can only read. */
export const verifyOracleReadOnly = Effect.gen(function*() {
  const users = yield* rowsOf(UserRow, "USER_USERS", readOnlyQueries.user)
  const system = yield* rowsOf(SystemRow, "SESSION_PRIVS", readOnlyQueries.system)
  const granted = yield* rowsOf(GrantRow, "USER_TAB_PRIVS", readOnlyQueries.granted)
  const roles = yield* rowsOf(RoleRow, "ROLE_TAB_PRIVS", readOnlyQueries.roles)
  const owned = yield* rowsOf(OwnedRow, "USER_TABLES", readOnlyQueries.owned)
  const user = users[0]?.USERNAME ?? ""
  const found = writePrivileges({
    user,
    system: system.map((row) => row.PRIVILEGE),
    granted,
    roles,
    owned: owned.map((row) => row.TABLE_NAME)
  })
  if (found.length > 0) {
    const shown = found.slice(0, 10).join(", ") + (found.length > 10 ? ` and ${found.length - 10} more` : "")
    return yield* new OipaWritePrivileges({
      privileges: found,
      message: `The OIPA database user can change data (${shown}): connect as a user with only ` +
        "CREATE SESSION and SELECT on the OIPA tables; the connector does not start otherwise"
    })
  }
})

const QueryOnly = Schema.Struct({ query_only: Schema.Number })

/** The sandbox connection must refuse writes (PRAGMA query_only), or the connector does not start. */
export const verifySqliteReadOnly = Effect.gen(function*() {
  const sql = yield* SqlClient
  const rows = yield* sql.unsafe<Record<string, unknown>>("PRAGMA query_only").pipe(Effect.mapError(fromDriverError))
  const setting = yield* Schema.decodeUnknown(Schema.Array(QueryOnly))(rows).pipe(
    Effect.mapError(() => new OipaBadRow({ table: "PRAGMA query_only", message: "Unexpected answer to PRAGMA query_only" }))
  )
  if (setting[0]?.query_only !== 1) {
    return yield* new OipaWritePrivileges({
      privileges: ["SQLITE WRITE"],
      message: "The OIPA sandbox database accepts writes (query_only is off); the connector does not start"
    })
  }
})
