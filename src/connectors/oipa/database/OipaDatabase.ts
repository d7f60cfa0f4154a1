import { SqlClient } from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import { Effect, Schema } from "effect"
import { canonicalRow, containsPattern, OipaDialect } from "./dialect.js"
import { fromDriverError } from "./driverErrors.js"
import { OipaBadRow, OipaNotFound } from "./errors.js"
import type {
  ClientPortfolio,
  ClientSummary,
  ExpiringPolicy,
  PolicyDetails,
  PolicyRole,
  PolicySegment,
  PolicySummary,
  StatusCount
} from "./records.js"

// Rows as the database returns them, in OIPA's column names (case-folded by canonicalRow).
const Text = Schema.NullOr(Schema.String)
const PolicyColumns = {
  PolicyGUID: Schema.String,
  PolicyNumber: Schema.String,
  PolicyName: Text,
  StatusCode: Schema.String,
  StatusLabel: Text,
  PlanName: Text,
  IssueStateCode: Text,
  PlanDate: Text
}
const ClientColumns = {
  ClientGUID: Schema.String,
  TypeCode: Schema.String,
  FirstName: Text,
  LastName: Text,
  CompanyName: Text,
  TaxID: Text,
  DateOfBirth: Text,
  Email: Text
}
const PolicyRow = Schema.Struct(PolicyColumns)
const ClientRow = Schema.Struct(ClientColumns)
const RoleRow = Schema.Struct({
  RoleGUID: Schema.String,
  RoleCode: Schema.String,
  RoleLabel: Text,
  RolePercent: Schema.NullOr(Schema.Number),
  ...ClientColumns
})
const SegmentRow = Schema.Struct({
  SegmentGUID: Schema.String,
  SegmentNameGUID: Schema.String,
  StatusCode: Schema.String,
  StatusLabel: Text,
  EffectiveDate: Text,
  ExpirationDate: Text
})
const CountRow = Schema.Struct({ StatusCode: Schema.String, StatusLabel: Text, PolicyCount: Schema.Number })
const PortfolioRow = Schema.Struct({ RoleCode: Schema.String, RoleLabel: Text, ...PolicyColumns })
const ExpiringRow = Schema.Struct({ SegmentGUID: Schema.String, ExpirationDate: Schema.String, ...PolicyColumns })

const policyOf = (row: typeof PolicyRow.Type): PolicySummary => ({
  policyGuid: row.PolicyGUID,
  policyNumber: row.PolicyNumber,
  policyName: row.PolicyName,
  statusCode: row.StatusCode,
  statusLabel: row.StatusLabel,
  planName: row.PlanName,
  issueState: row.IssueStateCode,
  planDate: row.PlanDate
})

const clientOf = (row: typeof ClientRow.Type): ClientSummary => ({
  clientGuid: row.ClientGUID,
  typeCode: row.TypeCode,
  firstName: row.FirstName,
  lastName: row.LastName,
  companyName: row.CompanyName,
  taxId: row.TaxID,
  dateOfBirth: row.DateOfBirth,
  email: row.Email
})

// Status and role labels come from AsCode rows, joined in the query.
const policyFrom = "FROM AsPolicy P LEFT JOIN AsPlan PL ON PL.PlanGUID = P.PlanGUID " +
  "LEFT JOIN AsCode SC ON SC.CodeName = 'AsCodeStatus' AND SC.CodeValue = P.StatusCode"
const policyColumns = "P.PolicyGUID, P.PolicyNumber, P.PolicyName, P.StatusCode, SC.ShortDescription AS StatusLabel, " +
  "PL.PlanName, P.IssueStateCode"
const clientColumns = "C.ClientGUID, C.TypeCode, C.FirstName, C.LastName, C.CompanyName, C.TaxID"

export interface PolicySearch {
  readonly term?: string | undefined
  readonly status?: string | undefined
  readonly limit: number
}

export interface DateRange {
  readonly from: string
  readonly to: string
  readonly limit: number
}

/**
 * Reads OIPA's policy and client tables through whichever SqlClient the
 * connector runs on (Oracle, or the SQLite sandbox). Every value is a bind
 * variable; the SQL around it comes from the OipaDialect.
 */
export class OipaDatabase extends Effect.Service<OipaDatabase>()("oipa/OipaDatabase", {
  effect: Effect.gen(function*() {
    const sql = yield* SqlClient
    const dialect = yield* OipaDialect

    const rows = <F extends Schema.Struct.Fields>(table: string, schema: Schema.Struct<F>, statement: Fragment) =>
      sql`${statement}`.pipe(
        Effect.mapError(fromDriverError),
        Effect.flatMap((found) =>
          Schema.decodeUnknown(Schema.Array(schema))(found.map(canonicalRow(Object.keys(schema.fields))))
        ),
        Effect.catchTag("ParseError", () =>
          new OipaBadRow({ table, message: `Rows from ${table} do not have the columns the OIPA connector reads` }))
      )

    const planDate = dialect.dateText(sql, "P.PlanDate", "PlanDate")
    const likeTerm = (term: string, columns: ReadonlyArray<string>) =>
      sql.or(columns.map((column) => sql`UPPER(${sql.literal(column)}) LIKE ${containsPattern(term)} ESCAPE '\\'`))

    const policyWhere = (where: Fragment) =>
      sql`SELECT ${sql.literal(policyColumns)}, ${planDate} ${sql.literal(policyFrom)} WHERE ${where}`

    const rolesOf = (policyGuid: string) =>
      rows(
        "AsRole",
        RoleRow,
        sql`SELECT R.RoleGUID, R.RoleCode, RC.ShortDescription AS RoleLabel, R.RolePercent, ${sql.literal(clientColumns)},
          ${dialect.dateText(sql, "C.DateOfBirth", "DateOfBirth")}, C.Email
          FROM AsRole R JOIN AsClient C ON C.ClientGUID = R.ClientGUID
          LEFT JOIN AsCode RC ON RC.CodeName = 'AsCodeRole' AND RC.CodeValue = R.RoleCode
          WHERE R.PolicyGUID = ${policyGuid} ORDER BY R.RoleCode, R.RoleGUID`
      ).pipe(Effect.map((found) =>
        found.map((row): PolicyRole => ({
          roleGuid: row.RoleGUID,
          roleCode: row.RoleCode,
          roleLabel: row.RoleLabel,
          rolePercent: row.RolePercent,
          client: clientOf(row)
        }))
      ))

    const segmentsOf = (policyGuid: string) =>
      rows(
        "AsSegment",
        SegmentRow,
        sql`SELECT S.SegmentGUID, S.SegmentNameGUID, S.StatusCode, SC.ShortDescription AS StatusLabel,
          ${dialect.dateText(sql, "S.EffectiveDate", "EffectiveDate")},
          ${dialect.dateText(sql, "S.ExpirationDate", "ExpirationDate")}
          FROM AsSegment S LEFT JOIN AsCode SC ON SC.CodeName = 'AsCodeStatus' AND SC.CodeValue = S.StatusCode
          WHERE S.PolicyGUID = ${policyGuid} ORDER BY S.EffectiveDate, S.SegmentGUID`
      ).pipe(Effect.map((found) =>
        found.map((row): PolicySegment => ({
          segmentGuid: row.SegmentGUID,
          segmentNameGuid: row.SegmentNameGUID,
          statusCode: row.StatusCode,
          statusLabel: row.StatusLabel,
          effectiveDate: row.EffectiveDate,
          expirationDate: row.ExpirationDate
        }))
      ))

    return {
      /** Whether the database answers a trivial query now (for the connector's health check); never fails. */
      ping: Effect.fn("OipaDatabase.ping")(function*() {
        const answered = yield* sql.unsafe(dialect.ping).pipe(Effect.mapError(fromDriverError), Effect.either)
        return answered._tag === "Right"
          ? { healthy: true as const }
          : { healthy: false as const, reason: answered.left.message }
      }),

      /** Policies whose number or name contains `term`, optionally in one status (code or AsCode label). */
      searchPolicies: Effect.fn("OipaDatabase.searchPolicies")(function*(search: PolicySearch) {
        const filters: Array<Fragment> = []
        if (search.term !== undefined) filters.push(likeTerm(search.term, ["P.PolicyNumber", "P.PolicyName"]))
        if (search.status !== undefined) {
          filters.push(sql`(P.StatusCode = ${search.status} OR UPPER(SC.ShortDescription) = ${search.status.toUpperCase()})`)
        }
        const found = yield* rows(
          "AsPolicy",
          PolicyRow,
          sql`${policyWhere(sql.and(filters))} ORDER BY P.PolicyNumber ${dialect.firstRows(sql, search.limit)}`
        )
        return found.map(policyOf)
      }),

      /** One policy by GUID or number, with its roles (and their clients) and segments. */
      policyDetails: Effect.fn("OipaDatabase.policyDetails")(function*(id: { readonly policyGuid: string } | { readonly policyNumber: string }) {
        const where = "policyGuid" in id ? sql`P.PolicyGUID = ${id.policyGuid}` : sql`P.PolicyNumber = ${id.policyNumber}`
        const [row] = yield* rows("AsPolicy", PolicyRow, policyWhere(where))
        if (row === undefined) return yield* new OipaNotFound({ message: "No policy has that GUID or number" })
        const roles = yield* rolesOf(row.PolicyGUID)
        const segments = yield* segmentsOf(row.PolicyGUID)
        return { policy: policyOf(row), roles, segments } satisfies PolicyDetails
      }),

      /** How many policies are in each status, with the status labels from AsCode. */
      countsByStatus: Effect.fn("OipaDatabase.countsByStatus")(function*() {
        const found = yield* rows(
          "AsPolicy",
          CountRow,
          sql`SELECT P.StatusCode, SC.ShortDescription AS StatusLabel, COUNT(*) AS PolicyCount
            FROM AsPolicy P LEFT JOIN AsCode SC ON SC.CodeName = 'AsCodeStatus' AND SC.CodeValue = P.StatusCode
            GROUP BY P.StatusCode, SC.ShortDescription ORDER BY P.StatusCode`
        )
        return found.map((row): StatusCount => ({
          statusCode: row.StatusCode,
          statusLabel: row.StatusLabel,
          policies: row.PolicyCount
        }))
      }),

      /** Clients whose last, first or company name contains `term`. */
      searchClients: Effect.fn("OipaDatabase.searchClients")(function*(search: { readonly term: string; readonly limit: number }) {
        const found = yield* rows(
          "AsClient",
          ClientRow,
          sql`SELECT ${sql.literal(clientColumns)}, ${dialect.dateText(sql, "C.DateOfBirth", "DateOfBirth")}, C.Email
            FROM AsClient C WHERE ${likeTerm(search.term, ["C.LastName", "C.FirstName", "C.CompanyName"])}
            ORDER BY C.LastName, C.FirstName, C.ClientGUID ${dialect.firstRows(sql, search.limit)}`
        )
        return found.map(clientOf)
      }),

      /** A client and every policy they hold a role on, with the role. */
      clientPortfolio: Effect.fn("OipaDatabase.clientPortfolio")(function*(clientGuid: string, limit: number) {
        const [client] = yield* rows(
          "AsClient",
          ClientRow,
          sql`SELECT ${sql.literal(clientColumns)}, ${dialect.dateText(sql, "C.DateOfBirth", "DateOfBirth")}, C.Email
            FROM AsClient C WHERE C.ClientGUID = ${clientGuid}`
        )
        if (client === undefined) return yield* new OipaNotFound({ message: "No client has that GUID" })
        const found = yield* rows(
          "AsRole",
          PortfolioRow,
          sql`SELECT R.RoleCode, RC.ShortDescription AS RoleLabel, ${sql.literal(policyColumns)}, ${planDate}
            ${sql.literal(policyFrom)} JOIN AsRole R ON R.PolicyGUID = P.PolicyGUID
            LEFT JOIN AsCode RC ON RC.CodeName = 'AsCodeRole' AND RC.CodeValue = R.RoleCode
            WHERE R.ClientGUID = ${clientGuid} ORDER BY P.PolicyNumber, R.RoleCode ${dialect.firstRows(sql, limit)}`
        )
        return {
          client: clientOf(client),
          policies: found.map((row) => ({ roleCode: row.RoleCode, roleLabel: row.RoleLabel, policy: policyOf(row) }))
        } satisfies ClientPortfolio
      }),

      /** Policies with a segment expiring between two dates (inclusive), soonest first. */
      expiringPolicies: Effect.fn("OipaDatabase.expiringPolicies")(function*(range: DateRange) {
        const found = yield* rows(
          "AsSegment",
          ExpiringRow,
          sql`SELECT ${sql.literal(policyColumns)}, ${planDate}, S.SegmentGUID,
            ${dialect.dateText(sql, "S.ExpirationDate", "ExpirationDate")}
            ${sql.literal(policyFrom)} JOIN AsSegment S ON S.PolicyGUID = P.PolicyGUID
            WHERE S.ExpirationDate >= ${dialect.date(sql, range.from)} AND S.ExpirationDate <= ${dialect.date(sql, range.to)}
            ORDER BY S.ExpirationDate, P.PolicyNumber ${dialect.firstRows(sql, range.limit)}`
        )
        return found.map((row): ExpiringPolicy => ({
          policy: policyOf(row),
          segmentGuid: row.SegmentGUID,
          expirationDate: row.ExpirationDate
        }))
      })
    } as const
  })
}) {}
