import { Command, Options } from "@effect/cli"
import { Console, Effect, Schema } from "effect"
import { masterKeySetting } from "../crypto/Keyring.js"
import { generateKeyBase64 } from "../crypto/keyMaterial.js"
import { generateSigningKey } from "../crypto/signing.js"
import { AuditLog } from "../security/AuditLog.js"
import { signingKeySetting, verifyKeySetting } from "../security/audit/auditKeys.js"
import { withEnvironment } from "./environmentHelp.js"

const json = Options.boolean("json").pipe(Options.withDescription("print JSON for machines"))

/**
 * `keys generate`: the one place a key is printed, on request, to stdout, as
 * env lines an operator pastes into a secret store. Nothing is written to disk.
 */
const generate = Command.make("generate", { json }, ({ json }) =>
  Effect.gen(function*() {
    const signing = generateSigningKey()
    const keys = {
      [masterKeySetting]: generateKeyBase64(32),
      [signingKeySetting]: signing.seedBase64,
      [verifyKeySetting]: signing.publicKeyBase64
    }
    if (json) return yield* Console.log(JSON.stringify(keys))
    yield* Console.error("# New audit keys. Keep the first two secret (a secret manager, not a repo);")
    yield* Console.error("# the verify key is public and can be given to whoever checks exported checkpoints.")
    for (const [name, value] of Object.entries(keys)) yield* Console.log(`${name}=${value}`)
  })).pipe(
  Command.withDescription(withEnvironment(
    "keys generate",
    "print a fresh audit encryption key and Ed25519 checkpoint signing key pair as env lines"
  ))
)

/** `keys rotate`: a new data key generation for the audit log; old rows stay readable by key id. */
const rotate = Command.make("rotate", { json }, ({ json }) =>
  Effect.gen(function*() {
    const audit = yield* AuditLog
    const rotated = yield* audit.rotateKey("cli: keys rotate")
    yield* json
      ? Console.log(JSON.stringify(rotated))
      : Console.log(`new audit data key ${rotated.keyId} (generation ${rotated.generation}); new rows use it, ` +
        "older rows stay readable by their key id")
  })).pipe(
  Command.withDescription(withEnvironment(
    "keys rotate",
    "add a new audit data key; rows written from now on are encrypted with it"
  )),
  Command.provide(AuditLog.Maintenance)
)

export const keysCommand = Command.make("keys").pipe(
  Command.withDescription("generate and rotate the audit log's keys"),
  Command.withSubcommands([generate, rotate])
)

/** Parsed output of `keys generate --json`, for scripts and tests. */
export const GeneratedKeys = Schema.Struct({
  [masterKeySetting]: Schema.String,
  [signingKeySetting]: Schema.String,
  [verifyKeySetting]: Schema.String
})
