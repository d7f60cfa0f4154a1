import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Config, Console, Effect, Layer, Option, Redacted, Schema, Stream } from "effect"
import { OperaConnection, OperaConnectionFromEnv } from "../connectors/opera/client/OperaConnection.js"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { TokenStoreLive } from "../connectors/opera/client/TokenFileStore.js"
import { TokenCache } from "../connectors/opera/client/TokenCache.js"
import { AuditLog } from "../security/AuditLog.js"
import { reportStartupErrors } from "./startupErrors.js"
import { HttpClientLive } from "../Runtime.js"
import { withEnvironment } from "./environmentHelp.js"

export class CredentialRotationFailed extends Schema.TaggedError<CredentialRotationFailed>()("CredentialRotationFailed", {
  message: Schema.String
}) {}

const fromEnv = Options.text("from-env").pipe(
  Options.optional,
  Options.withDescription("Read the new client secret from this environment variable instead of stdin (never a flag value)")
)

const readStdin = Stream.fromAsyncIterable(process.stdin, () =>
  new CredentialRotationFailed({ message: "could not read the new client secret from stdin" })).pipe(
    Stream.map((chunk) => (typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"))),
    Stream.runFold("", (text, chunk) => text + chunk)
  )

const newSecret = (variable: Option.Option<string>) =>
  Option.match(variable, {
    onNone: () => readStdin,
    onSome: (name) =>
      Config.string(name).pipe(
        Effect.mapError(() => new CredentialRotationFailed({ message: `${name} is not set` }))
      )
  }).pipe(
    Effect.map((text) => text.trim()),
    Effect.filterOrFail(
      (text) => text.length >= 8 && !/\s/.test(text),
      () => new CredentialRotationFailed({ message: "the new client secret is empty or malformed" })
    ),
    Effect.map(Redacted.make)
  )

const RotationLive = TokenCache.Default.pipe(
  Layer.provide(TokenStoreLive),
  Layer.provideMerge(AuditLog.Default),
  Layer.provideMerge(Layer.mergeAll(OperaConnectionFromEnv, HttpClientLive, NodeFileSystem.layer)),
  Layer.provideMerge(SecurityConfig.Default)
)

/**
 * `credentials rotate`: proves a new OPERA client secret by fetching a token
 * with it, records the rotation in the audit log, and leaves everything as it
 * was when OPERA refuses it. The secret comes from stdin or a named variable.
 */
const rotate = Command.make("rotate", { fromEnv }, ({ fromEnv }) =>
  Effect.gen(function*() {
    const secret = yield* newSecret(fromEnv)
    const tokens = yield* TokenCache
    yield* tokens.rotate(secret).pipe(
      Effect.mapError((error) =>
        new CredentialRotationFailed({
          message: `OPERA refused the new client secret (${error.message}); nothing was changed`
        })
      )
    )
    const connection = yield* OperaConnection
    if (Option.isSome(connection.clientSecretFile)) {
      // The running server follows this file: it proves the secret again and switches without a failed call.
      const fs = yield* FileSystem.FileSystem
      const file = connection.clientSecretFile.value
      const temporary = `${file}.rotating`
      yield* fs.writeFileString(temporary, `${Redacted.value(secret)}\n`, { mode: 0o600 }).pipe(
        Effect.zipRight(fs.chmod(temporary, 0o600)),
        Effect.zipRight(fs.rename(temporary, file)),
        Effect.mapError(() =>
          new CredentialRotationFailed({ message: "the new client secret works, but OPERA_CLIENT_SECRET_FILE could not be written" })
        )
      )
      yield* Console.log(
        "The new client secret works: OPERA issued a token with it, and the rotation is in the audit log.\n" +
          "It is now in OPERA_CLIENT_SECRET_FILE; a running server switches to it within 30 seconds. " +
          "Retire the old secret in the OHIP developer portal after that."
      )
      return
    }
    yield* Console.log(
      "The new client secret works: OPERA issued a token with it, and the rotation is in the audit log.\n" +
        "Next: set OPERA_CLIENT_SECRET to it where the server runs and restart the server (or keep the secret in " +
        "OPERA_CLIENT_SECRET_FILE, which a running server follows), then retire the old secret in the OHIP portal."
    )
  }).pipe(Effect.provide(RotationLive), reportStartupErrors)).pipe(
    Command.withDescription(withEnvironment(
      "credentials rotate",
      "Validate a new OPERA client secret (from stdin or --from-env) and record the rotation"
    ))
  )

export const credentialsCommand = Command.make("credentials").pipe(
  Command.withDescription("OPERA credential maintenance"),
  Command.withSubcommands([rotate])
)
