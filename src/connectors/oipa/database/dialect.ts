import type { SqlClient } from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import { Context } from "effect"

/**
 * Everything that differs between OIPA's Oracle database and the SQLite
 * sandbox, in one place: row limits, date values and date text, and the case
 * of column names in result rows. Queries are written once against these.
 * Every value still goes in as a bind variable; only the SQL around it differs.
 */
export interface OipaDialect {
  readonly name: "oracle" | "sqlite"
  /** The clause that ends a query after `rows` rows (a bind, never literal text). */
  readonly firstRows: (sql: SqlClient, rows: number) => Fragment
  /** A calendar date (YYYY-MM-DD) as a value of the database's date type, bound. */
  readonly date: (sql: SqlClient, isoDate: string) => Fragment
  /** A date column as YYYY-MM-DD text, named `alias` in the row. */
  readonly dateText: (sql: SqlClient, column: string, alias: string) => Fragment
  /** The cheapest query that proves the database answers (Oracle needs a FROM). */
  readonly ping: string
}

export const OipaDialect = Context.GenericTag<OipaDialect>("oipa/OipaDialect")

// Oracle DATE columns carry a time of day; the tools speak in calendar dates.
export const oracleDialect: OipaDialect = {
  name: "oracle",
  firstRows: (sql, rows) => sql`FETCH FIRST ${rows} ROWS ONLY`,
  date: (sql, isoDate) => sql`TO_DATE(${isoDate}, 'YYYY-MM-DD')`,
  dateText: (sql, column, alias) => sql.literal(`TO_CHAR(${column}, 'YYYY-MM-DD') AS ${alias}`),
  ping: "SELECT 1 AS ALIVE FROM DUAL"
}

// The sandbox stores dates as ISO text, which compares in date order.
export const sqliteDialect: OipaDialect = {
  name: "sqlite",
  firstRows: (sql, rows) => sql`LIMIT ${rows}`,
  date: (sql, isoDate) => sql`${isoDate}`,
  dateText: (sql, column, alias) => sql.literal(`substr(${column}, 1, 10) AS ${alias}`),
  ping: "SELECT 1 AS ALIVE"
}

/**
 * Oracle folds unquoted names to upper case (POLICYGUID); SQLite returns them
 * as declared (PolicyGUID). A row's keys are matched to the names the
 * connector reads without regard to case, so one row Schema serves both.
 */
export const canonicalRow = (names: ReadonlyArray<string>) => {
  const byFolded = new Map(names.map((name) => [name.toUpperCase(), name]))
  return (row: Readonly<Record<string, unknown>>): Record<string, unknown> => {
    const canonical: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(row)) canonical[byFolded.get(key.toUpperCase()) ?? key] = value
    return canonical
  }
}

/** A search term as a LIKE pattern matching it anywhere, with its own % and _ taken literally (ESCAPE '\'). */
export const containsPattern = (term: string): string => `%${term.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
