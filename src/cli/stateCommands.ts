import { Args, Command, Options } from "@effect/cli"
import type { ConfigError } from "effect"
import { Console, Effect, Layer, Option, ParseResult, Schema } from "effect"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { Keyring } from "../crypto/Keyring.js"
import { AuditLog } from "../security/AuditLog.js"
import { ClientStore } from "../security/clients/ClientStore.js"
import { isoInstant } from "../security/errors.js"
import { InProcessStateStoreForOperators } from "../security/state/InProcessStateStore.js"
import type { StateStoreMisconfigured } from "../security/state/RedisStateStore.js"
import { RedisStateStore, stateUrlIsSet } from "../security/state/RedisStateStore.js"
import type { StateStore } from "../security/state/StateStore.js"
import { StateUnavailable } from "../security/state/StateStore.js"
import type { RefusedEntry } from "../security/state/StateOperator.js"
import { StateOperator } from "../security/state/StateOperator.js"
import { ThreatConfig } from "../security/threat/ThreatConfig.js"
import { reportStartupErrors } from "./startupErrors.js"
import { withEnvironment } from "./environmentHelp.js"

/** A flag of an operator command has a value it cannot use. */
export class OperatorOptionInvalid extends Schema.TaggedError<OperatorOptionInvalid>()("OperatorOptionInvalid", {
  message: Schema.String
}) {}

// The store the server uses: Redis when OPERA_MCP_STATE_URL is set, else the server's local state file.
const OperatorStateStore = Layer.unwrapEffect(
  stateUrlIsSet.pipe(
    Effect.map((shared): Layer.Layer<StateStore, ConfigError.ConfigError | StateUnavailable | StateStoreMisconfigured, SecurityConfig> =>
      shared ? RedisStateStore : InProcessStateStoreForOperators
    )
  )
)

const OperatorLive = StateOperator.Default.pipe(
  Layer.provide(Layer.mergeAll(OperatorStateStore, AuditLog.Maintenance, ClientStore.Default, Keyring.Default)),
  Layer.provide(SecurityConfig.Default)
)

// The tool-call wording of an outage ("this call cannot be checked…") said for an operator's command.
const unreachable = <A, E, R>(command: Effect.Effect<A, E, R>) =>
  command.pipe(
    Effect.mapError((error) =>
      error instanceof StateUnavailable && error.message === StateUnavailable.refused.message
        ? new StateUnavailable({
          message: "the shared security state (Redis, OPERA_MCP_STATE_URL) is unreachable: nothing was changed. " +
            "Check that Redis answers and the OPERA_MCP_STATE_* settings are the server's"
        })
        : error
    )
  )

const json = Options.boolean("json").pipe(Options.withDescription("print JSON for machines"))
const name = Args.text({ name: "NAME" }).pipe(Args.withDescription("the client's name (as `clients list` shows it)"))
const maxMinutes = 525_600
const minutesOption = Options.text("minutes").pipe(
  Options.optional,
  Options.withDescription(
    `how long the block lasts, 1 to ${maxMinutes} minutes (default OPERA_SECURITY_INCIDENT_BLOCK_MINUTES, 60)`
  )
)
const Minutes = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, maxMinutes))

const decodeMinutes = (raw: Option.Option<string>) =>
  Option.match(raw, {
    onNone: () => ThreatConfig.pipe(Effect.map((threat) => threat.incidentBlockMinutes), Effect.provide(ThreatConfig.Default)),
    onSome: (text) =>
      Schema.decodeUnknown(Minutes)(text.trim()).pipe(
        Effect.mapError((error) =>
          new OperatorOptionInvalid({
            message: `--minutes must be a whole number from 1 to ${maxMinutes}, not "${text.slice(0, 40)}" ` +
              `(${ParseResult.ArrayFormatter.formatErrorSync(error)[0]?.message ?? "invalid"})`
          })
        )
      )
  })

const where = (kind: "in-process" | "redis") =>
  kind === "redis" ? "on every replica sharing this Redis" : "on the server using this state file, from its next call"

/** `clients block NAME [--minutes N]`. */
export const blockCommand = Command.make("block", { name, minutes: minutesOption }, (options) =>
  Effect.gen(function*() {
    const minutes = yield* decodeMinutes(options.minutes)
    const operator = yield* StateOperator
    const result = yield* operator.block(options.name, minutes)
    if (!result.changed) {
      return yield* Console.log(
        `client "${options.name}" is already blocked until ${isoInstant(result.until)} (${result.incidentId}); unchanged`
      )
    }
    yield* Console.log(`blocked client "${options.name}" until ${isoInstant(result.until)}, ${where(operator.kind)}`)
  }).pipe(unreachable, reportStartupErrors)).pipe(
    Command.withDescription(withEnvironment(
      "clients block",
      "refuse every call of a client for a while (audited)"
    )),
    Command.provide(OperatorLive)
  )

/** `clients unblock NAME`. */
export const unblockCommand = Command.make("unblock", { name }, (options) =>
  Effect.gen(function*() {
    const operator = yield* StateOperator
    const lifted = yield* operator.unblock(options.name)
    yield* Console.log(
      lifted ? `unblocked client "${options.name}", ${where(operator.kind)}` : `client "${options.name}" is not blocked`
    )
  }).pipe(unreachable, reportStartupErrors)).pipe(
    Command.withDescription(withEnvironment(
      "clients unblock",
      "lift the block on a client (an operator's or an incident's; audited)"
    )),
    Command.provide(OperatorLive)
  )

const rowOf = (entry: RefusedEntry) =>
  [entry.kind, entry.label, isoInstant(entry.until), entry.incidentId ?? ""].join("\t").trimEnd()

const list = Command.make("list", { json }, (options) =>
  Effect.gen(function*() {
    const operator = yield* StateOperator
    const entries = yield* operator.list
    if (options.json) {
      return yield* Console.log(JSON.stringify(entries.map((entry) => ({ ...entry, until: isoInstant(entry.until) }))))
    }
    if (entries.length === 0) return yield* Console.log("no lockouts or blocks in force")
    for (const entry of entries) yield* Console.log(rowOf(entry))
  }).pipe(unreachable)).pipe(Command.withDescription(withEnvironment(
    "lockouts list",
    "lockouts (clients and source addresses) and blocks in force"
  )))

const clear = Command.make("clear", {
  target: Args.text({ name: "NAME|SOURCE" }).pipe(
    Args.withDescription("a client's name, or a source as `lockouts list` shows it (source:ip:<12 hex>)")
  )
}, (options) =>
  Effect.gen(function*() {
    const operator = yield* StateOperator
    const cleared = yield* operator.clearLockout(options.target)
    yield* Console.log(
      cleared ? `cleared the lockout of ${options.target}, ${where(operator.kind)}` : `${options.target} is not locked out`
    )
  }).pipe(unreachable)).pipe(Command.withDescription(withEnvironment(
    "lockouts clear",
    "end a lockout and its failure count (audited)"
  )))

export const lockoutsCommand = Command.make("lockouts").pipe(
  Command.withDescription("lockouts after failed calls or keys, in the server's security state (file or Redis)"),
  Command.withSubcommands([list, clear]),
  Command.transformHandler(reportStartupErrors),
  Command.provide(OperatorLive)
)
