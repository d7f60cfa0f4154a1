import * as Statement from "@effect/sql/Statement"

const escape = Statement.defaultEscape("\"")

/**
 * Compiles @effect/sql statements for Oracle: positional binds `:1`, `:2` …
 * (oracledb binds an array by position), double-quoted identifiers.
 * @effect/sql names no Oracle dialect; the label given only steers
 * `sql.onDialect` and INSERT … RETURNING, which this read-only connector does
 * not use. Oracle's own SQL differences live in dialect.ts.
 */
export const oracleCompiler = Statement.makeCompiler({
  dialect: "pg",
  placeholder: (index) => `:${index}`,
  onIdentifier: (value) => escape(value),
  onRecordUpdate: (placeholders, alias, columns, values) => [
    `(SELECT * FROM (VALUES ${placeholders})) ${alias}${columns}`,
    values.flat()
  ],
  onCustom: () => ["", []]
})
