import { Clock, Effect, Option, Redacted, Schema } from "effect"
import { createHmac } from "node:crypto"
import { Keyring } from "../../crypto/Keyring.js"
import { AuditLog } from "../AuditLog.js"
import { ClientStore } from "../clients/ClientStore.js"
import { isoInstant } from "../errors.js"
import { piiHashKeyConfig } from "../redaction/policy.js"
import { operatorBlockId, StateStore } from "./StateStore.js"

/** An operator command named a client or lockout that is not there. */
export class OperatorTargetUnknown extends Schema.TaggedError<OperatorTargetUnknown>()("OperatorTargetUnknown", {
  message: Schema.String
}) {}

/** A row of `lockouts list`: a lockout (of a client or a source address) or a block. */
export interface RefusedEntry {
  readonly kind: "lockout" | "block"
  /** The client's name, or `source:ip:<12 hex>` for a network source (never the address). */
  readonly label: string
  readonly until: number
  /** The incident behind a block (`operator` for `clients block`). */
  readonly incidentId?: string
}

const sourcePrefix = "source:"
const minute = 60_000

/**
 * The operator's commands on the security state (`clients block|unblock`,
 * `lockouts list|clear`), against whichever store the server uses: the local
 * state file (a running server sees the change on its next call) or Redis
 * (every replica at once). Each change is audited (kind `admin`) before it is
 * made: no unaudited unblock. A source address shows only as a keyed
 * fingerprint `source:ip:<12 hex>` — the same as the health check's when
 * `OPERA_SECURITY_PII_HASH_KEY` is set; else keyed with a subkey of the audit
 * key, so one command's labels are accepted by the next.
 */
export class StateOperator extends Effect.Service<StateOperator>()("opera/StateOperator", {
  effect: Effect.gen(function*() {
    const store = yield* StateStore
    const audit = yield* AuditLog
    const clients = yield* ClientStore
    const keyring = yield* Keyring
    const labelKey = Option.match(yield* piiHashKeyConfig, {
      onNone: () => keyring.subkey("operator/source-labels"),
      onSome: Redacted.value
    })
    // The formula of Redactor.fingerprint, over what follows `source:` in the limiter's id.
    const labelOf = (clientId: string) =>
      clientId.startsWith(sourcePrefix)
        ? `${sourcePrefix}ip:${
          createHmac("sha256", labelKey).update(`ip\u0000${clientId.slice(sourcePrefix.length)}`, "utf8").digest("hex")
            .slice(0, 12)
        }`
        : clientId

    const record = (command: string, target: string, details: string) =>
      audit.append({
        kind: "admin",
        clientId: `cli: ${command}`,
        tool: command.replace(" ", "_"),
        outcome: "success",
        sensitive: { details: `${target}: ${details}` }
      })

    const knownClient = (name: string) =>
      clients.list.pipe(Effect.map((all) => all.some((client) => client.name === name)))
    const unknownClient = (name: string) =>
      new OperatorTargetUnknown({
        message: `no client named "${name}" in ${clients.path}: \`opera-cloud-mcp clients list\` shows the names`
      })

    /**
     * Block `name` for `minutes` on every server that uses this store. A longer
     * block in force (an incident's) is kept, not shortened.
     */
    const block = Effect.fn("StateOperator.block")(function*(name: string, minutes: number) {
      if (!(yield* knownClient(name))) return yield* unknownClient(name)
      const now = yield* Clock.currentTimeMillis
      const until = now + minutes * minute
      const current = yield* store.blockOf(name, now)
      if (Option.isSome(current) && current.value.until >= until) {
        return { until: current.value.until, incidentId: current.value.incidentId, changed: false } as const
      }
      yield* record("clients block", name, `blocked by an operator for ${minutes} minute(s), until ${isoInstant(until)}`)
      yield* store.setBlock(name, { clientId: name, until, incidentId: operatorBlockId }, now)
      return { until, incidentId: operatorBlockId, changed: true } as const
    })

    /** Lift the block on `name` (an operator's or an incident's); false when none was in force. */
    const unblock = Effect.fn("StateOperator.unblock")(function*(name: string) {
      const now = yield* Clock.currentTimeMillis
      const current = yield* store.blockOf(name, now)
      if (Option.isNone(current)) {
        if (!(yield* knownClient(name))) return yield* unknownClient(name)
        return false
      }
      yield* record("clients unblock", name, `block lifted (was until ${isoInstant(current.value.until)}, ${current.value.incidentId})`)
      yield* store.clearBlock(name)
      return true
    })

    /** Lockouts and blocks in force, sources by their fingerprint only. */
    const list = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const lockouts = yield* store.heldLockouts(now)
      const blocks = yield* store.blocks(now)
      return [
        ...lockouts.map((held): RefusedEntry => ({ kind: "lockout", label: labelOf(held.clientId), until: held.until })),
        ...blocks.map((held): RefusedEntry => ({
          kind: "block",
          label: labelOf(held.clientId),
          until: held.until,
          incidentId: held.incidentId
        }))
      ]
    }).pipe(Effect.withSpan("StateOperator.list"))

    /**
     * End the lockout of a client (`NAME`) or a source (`source:ip:<12 hex>`, as
     * `list` shows it) and its failure count. False when `target` is a known
     * client that is not locked out.
     */
    const clearLockout = Effect.fn("StateOperator.clearLockout")(function*(target: string) {
      const now = yield* Clock.currentTimeMillis
      const held = (yield* store.heldLockouts(now)).filter((lockout) => labelOf(lockout.clientId) === target)
      if (held.length === 0) {
        if (target.startsWith(sourcePrefix)) {
          return yield* new OperatorTargetUnknown({
            message: `no lockout of ${target} is in force: \`opera-cloud-mcp lockouts list\` shows the sources locked out`
          })
        }
        if (!(yield* knownClient(target))) return yield* unknownClient(target)
        return false
      }
      const latest = Math.max(...held.map((lockout) => lockout.until))
      yield* record("lockouts clear", target, `lockout lifted (was until ${isoInstant(latest)})`)
      for (const lockout of held) yield* store.releaseLockout(lockout.ref)
      return true
    })

    return { block, unblock, list, clearLockout, kind: store.kind } as const
  })
}) {}
