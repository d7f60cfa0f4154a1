import { Config, Option } from "effect"

/**
 * The OIPA database settings, read in the Oracle layer's constructor. The
 * table below is the connector's contribution to the README's settings
 * reference (src/config/settingsCatalogue.ts adds the commands that read them).
 */
export const oipaSettingDocs: ReadonlyArray<{ readonly name: string; readonly defaultValue?: string; readonly meaning: string }> = [
  { name: "OIPA_DB_CONNECT_STRING", meaning: "OIPA database: Easy Connect (`tcps://host:2484/service`), a full descriptor with (PROTOCOL=TCPS), or a tnsnames alias from OIPA_DB_WALLET_DIR" },
  { name: "OIPA_DB_USER", meaning: "Read-only database user (CREATE SESSION and SELECT on the OIPA tables only; the connector refuses to start otherwise) (secret)" },
  { name: "OIPA_DB_PASSWORD", meaning: "That user's password (secret)" },
  { name: "OIPA_DB_WALLET_DIR", meaning: "Directory with the wallet (ewallet.pem) and tnsnames.ora for TCPS connections" },
  { name: "OIPA_DB_WALLET_PASSWORD", meaning: "Password of an encrypted ewallet.pem (secret)" },
  { name: "OIPA_DB_SCHEMA", meaning: "Schema that owns the OIPA tables, set as the session's CURRENT_SCHEMA (when the read-only user has no synonyms)" },
  { name: "OIPA_DB_CALL_TIMEOUT_MS", defaultValue: "10000", meaning: "Longest one database round-trip may take before it is cancelled" },
  { name: "OIPA_DB_POOL_MAX", defaultValue: "4", meaning: "Most open connections to the OIPA database" },
  { name: "OIPA_DB_REQUIRE_TLS", defaultValue: "true", meaning: "Refuse a connect string without TCPS (a plain connection is only allowed to a loopback host)" }
]

const identifier = /^[A-Za-z][A-Za-z0-9_$#]{0,127}$/

export const oipaDatabaseSettings = Config.all({
  connectString: Config.string("OIPA_DB_CONNECT_STRING").pipe(
    Config.validate({ message: "must not be empty", validation: (value) => value.trim().length > 0 })
  ),
  user: Config.redacted("OIPA_DB_USER"),
  password: Config.redacted("OIPA_DB_PASSWORD"),
  walletDir: Config.option(Config.string("OIPA_DB_WALLET_DIR")),
  walletPassword: Config.option(Config.redacted("OIPA_DB_WALLET_PASSWORD")),
  // Not a bind variable (ALTER SESSION takes none), so only a plain Oracle identifier is accepted.
  schema: Config.option(
    Config.string("OIPA_DB_SCHEMA").pipe(
      Config.validate({ message: "must be a plain Oracle identifier (letters, digits, _ $ #)", validation: (value) => identifier.test(value) })
    )
  ),
  callTimeoutMs: Config.integer("OIPA_DB_CALL_TIMEOUT_MS").pipe(
    Config.validate({ message: "must be between 100 and 600000", validation: (ms) => ms >= 100 && ms <= 600_000 }),
    Config.withDefault(10_000)
  ),
  poolMax: Config.integer("OIPA_DB_POOL_MAX").pipe(
    Config.validate({ message: "must be between 1 and 64", validation: (n) => n >= 1 && n <= 64 }),
    Config.withDefault(4)
  ),
  requireTls: Config.boolean("OIPA_DB_REQUIRE_TLS").pipe(Config.withDefault(true))
})
export type OipaDatabaseSettings = Config.Config.Success<typeof oipaDatabaseSettings>

const loopbackHost = /^(?:[a-z]+:\/\/)?(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?(?:\/|$)/i

/** How a connect string reaches the database: over TLS, through a wallet's alias, plainly to loopback, or plainly. */
export const transportOf = (
  connectString: string,
  walletDir: Option.Option<string>
): "tcps" | "alias" | "loopback" | "plain" => {
  const text = connectString.trim()
  if (/^tcps:\/\//i.test(text) || /\(\s*PROTOCOL\s*=\s*TCPS\s*\)/i.test(text)) return "tcps"
  if (Option.isSome(walletDir) && /^[A-Za-z][\w.-]*$/.test(text)) return "alias"
  if (loopbackHost.test(text)) return "loopback"
  return "plain"
}
