import { FileSystem } from "@effect/platform"
import { Clock, Config, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import { createHash } from "node:crypto"
import path from "node:path"
import { OperaConnection } from "./OperaConnection.js"
import { SecurityConfig } from "../../../config/SecurityConfig.js"
import { optionalText } from "../../../config/settings.js"
import { openAesGcm, sealAesGcm } from "../../../crypto/aead.js"
import { decodeKeySetting, KeyMisconfigured } from "../../../crypto/keyMaterial.js"
import { masterKeySetting } from "../../../crypto/Keyring.js"
import { deriveKey } from "../../../crypto/mac.js"
import type { CachedToken } from "./TokenStore.js"
import { localTokenStore, TokenStore } from "./TokenStore.js"

const CacheFile = Schema.parseJson(Schema.Struct({ version: Schema.Literal(1), sealed: Schema.String }))
/** A token as sealed: the access token in clear only inside the AEAD. */
export const CachedPlain = Schema.parseJson(Schema.Struct({
  accessToken: Schema.String,
  fetchedAt: Schema.Number,
  expiresAt: Schema.Number
}))

/**
 * The binding: a hash of where and as whom the token was issued. A cache file
 * copied to another configuration (other OPERA, client or enterprise) fails
 * to open, because this is the AEAD's associated data.
 */
export const bindingOf = (baseUrl: string, clientId: string, enterpriseId: Option.Option<string>): Buffer =>
  createHash("sha256").update(["opera-token-cache/v1", baseUrl, clientId, Option.getOrElse(enterpriseId, () => "")]
    .join("\u0000")).digest()

const cachePathConfig = Config.all({
  explicit: optionalText("OPERA_SECURITY_TOKEN_CACHE_PATH"),
  xdgDataHome: optionalText("XDG_DATA_HOME"),
  home: optionalText("HOME")
})

/**
 * Token binding (OPERA_SECURITY_ENABLE_TOKEN_BINDING): the current token in a
 * file (mode 0600) sealed with AES-256-GCM under a key derived from the audit
 * master key, bound to this configuration. A tampered, foreign or too old file
 * is refused and a fresh token is fetched instead. Without binding, tokens
 * live in memory only.
 */
export const TokenStoreLive = Layer.unwrapEffect(Effect.gen(function*() {
  const security = yield* SecurityConfig
  if (!security.enableTokenBinding) return TokenStore.none
  const connection = yield* OperaConnection
  const fs = yield* FileSystem.FileSystem
  const master = yield* Option.match(security.auditDbEncryptionKey, {
    onNone: () =>
      Effect.fail(new KeyMisconfigured({
        setting: masterKeySetting,
        message: `OPERA_SECURITY_ENABLE_TOKEN_BINDING=true needs ${masterKeySetting} to seal the token cache`
      })),
    onSome: (value) => Either.match(decodeKeySetting(masterKeySetting, value), { onLeft: Effect.fail, onRight: Effect.succeed })
  })
  const locations = yield* cachePathConfig
  const file = Option.getOrElse(
    Option.orElse(locations.explicit, () =>
      Option.map(
        Option.orElse(locations.xdgDataHome, () => Option.map(locations.home, (home) => path.join(home, ".local/share"))),
        (dir) => path.join(dir, "opera-cloud-mcp", "token-cache.json")
      )),
    () => "token-cache.json"
  )
  const key = deriveKey(master, "opera-cloud-mcp", "token-cache/v1")
  const aad = bindingOf(connection.baseUrl, connection.clientId, connection.enterpriseId)
  const maxAgeMs = security.tokenBindingLifetimeHours * 3_600_000

  const refuse = (why: string) =>
    Effect.logWarning("token cache refused; a fresh token will be fetched", { why }).pipe(Effect.as(Option.none<CachedToken>()))

  const load = Effect.gen(function*() {
    if (!(yield* fs.exists(file))) return Option.none<CachedToken>()
    const raw = yield* fs.readFileString(file)
    const envelope = yield* Schema.decodeUnknown(CacheFile)(raw)
    const opened = openAesGcm(key, Buffer.from(envelope.sealed, "base64"), aad)
    if (Either.isLeft(opened)) return yield* refuse("the file was changed or belongs to another configuration")
    const plain = yield* Schema.decodeUnknown(CachedPlain)(opened.right.toString("utf8"))
    const now = yield* Clock.currentTimeMillis
    if (now - plain.fetchedAt > maxAgeMs) return yield* refuse("older than OPERA_SECURITY_TOKEN_BINDING_LIFETIME_HOURS")
    return Option.some<CachedToken>({ ...plain, accessToken: Redacted.make(plain.accessToken) })
  }).pipe(Effect.catchAll(() => refuse("the file is not a token cache")))

  const save = (token: CachedToken) =>
    Effect.gen(function*() {
      const plain = JSON.stringify({ ...token, accessToken: Redacted.value(token.accessToken) })
      const sealed = sealAesGcm(key, Buffer.from(plain, "utf8"), aad).toString("base64")
      yield* fs.makeDirectory(path.dirname(file), { recursive: true, mode: 0o700 })
      const temporary = `${file}.${process.pid}.tmp`
      yield* fs.writeFileString(temporary, JSON.stringify({ version: 1, sealed }), { mode: 0o600 })
      yield* fs.chmod(temporary, 0o600)
      yield* fs.rename(temporary, file)
    }).pipe(Effect.catchAll((error) => Effect.logWarning("token cache not written", { reason: error._tag })))

  const clear = fs.remove(file).pipe(Effect.ignore)

  return Layer.succeed(TokenStore, localTokenStore({ load, save, clear }))
}))
