import { Config, ConfigError, Either, Option, Redacted } from "effect"
import { flag, oneOf } from "../../config/settings.js"
import type { FieldClass } from "./fieldClasses.js"

/**
 * `full`: the value is replaced by a marker; `masked`: a short hint stays
 * (first letter, last digits, the email domain); `none`: shown as is.
 */
export type RedactionLevel = "full" | "masked" | "none"
export type RedactionPolicy = Readonly<Record<FieldClass, RedactionLevel>>

const level = (name: string) => Config.option(oneOf(name, ["full", "masked", "none"] as const))

/** Cards and ID documents are always masked at least: `none` is not accepted. */
const strictLevel = (name: string) =>
  oneOf(name, ["full", "masked"] as const).pipe(Config.withDefault<RedactionLevel>("masked"))

/**
 * One setting per field class, `OPERA_SECURITY_REDACT_<CLASS>`: CARD and
 * ID_DOCUMENT (full | masked, default masked), EMAIL and PHONE (default
 * masked), BIRTH_DATE (default masked), NAME and ADDRESS (default none, or
 * masked when GDPR mode is on).
 */
export const redactionPolicyConfig: Config.Config<RedactionPolicy> = Config.all({
  gdpr: flag("OPERA_SECURITY_ENABLE_GDPR_MODE").pipe(Config.withDefault(false)),
  card: strictLevel("OPERA_SECURITY_REDACT_CARD"),
  idDocument: strictLevel("OPERA_SECURITY_REDACT_ID_DOCUMENT"),
  email: level("OPERA_SECURITY_REDACT_EMAIL"),
  phone: level("OPERA_SECURITY_REDACT_PHONE"),
  birthDate: level("OPERA_SECURITY_REDACT_BIRTH_DATE"),
  name: level("OPERA_SECURITY_REDACT_NAME"),
  address: level("OPERA_SECURITY_REDACT_ADDRESS")
}).pipe(
  Config.map(({ gdpr, ...levels }): RedactionPolicy => ({
    card: levels.card,
    idDocument: levels.idDocument,
    email: Option.getOrElse(levels.email, () => "masked"),
    phone: Option.getOrElse(levels.phone, () => "masked"),
    birthDate: Option.getOrElse(levels.birthDate, () => "masked"),
    name: Option.getOrElse(levels.name, () => gdpr ? "masked" : "none"),
    address: Option.getOrElse(levels.address, () => gdpr ? "masked" : "none")
  }))
)

/**
 * `OPERA_SECURITY_PII_HASH_KEY`: base64, at least 32 bytes, the key of the
 * keyed hash for IP addresses and user agents. When unset a random key is made
 * per process (hashes then do not correlate across restarts).
 */
export const piiHashKeyConfig: Config.Config<Option.Option<Redacted.Redacted<Buffer>>> = Config.option(
  Config.string("OPERA_SECURITY_PII_HASH_KEY").pipe(
    Config.mapOrFail((raw) => {
      const text = raw.trim()
      if (text === "") return Either.right(Option.none())
      const bytes = Buffer.from(text, "base64")
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || bytes.length < 32) {
        return Either.left(ConfigError.InvalidData([], "must be base64 of at least 32 bytes"))
      }
      return Either.right(Option.some(Redacted.make(bytes)))
    })
  )
).pipe(Config.map(Option.flatten))
