import { Clock, Effect, Option, Schema, SynchronizedRef } from "effect"
import { StateStore } from "../state/StateStore.js"
import type { StateUnavailable } from "../state/StateStore.js"
import type { ClientRecord } from "./ClientRecord.js"

/**
 * A replica re-reads the shared revocations at most this long after it last
 * read them, so a key revoked on one replica is refused on every replica
 * within a second (this, plus one round trip).
 */
export const revocationRefreshMs = 500

/** The id a key is revoked by: the salted HMAC the clients file keeps (never the key). */
export const keyIdOf = (client: Pick<ClientRecord, "keyHash">): string => client.keyHash

export class RevocationNotPublished extends Schema.TaggedError<RevocationNotPublished>()("RevocationNotPublished", {
  message: Schema.String
}) {}

interface Snapshot {
  readonly readAt: number
  readonly revoked: (keyId: string) => boolean
}

/**
 * API-key revocations every replica honours: `clients revoke` marks the key
 * in the clients file and publishes its id to the `StateStore` (with Redis,
 * shared by the replicas); authentication refuses a key whose id is there.
 * The revocations are read at most every `revocationRefreshMs` per replica,
 * not on every request; when they cannot be read, the revocations read
 * last still hold, and a replica that has none refuses keys (fail closed)
 * until the store answers.
 */
export class KeyRevocations extends Effect.Service<KeyRevocations>()("opera/KeyRevocations", {
  effect: Effect.gen(function*() {
    const store = yield* StateStore
    const snapshot = yield* SynchronizedRef.make<Option.Option<Snapshot>>(Option.none())

    const current = SynchronizedRef.modifyEffect(snapshot, (held) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        if (Option.isSome(held) && now - held.value.readAt < revocationRefreshMs) return [held.value.revoked, held] as const
        return yield* store.revokedKeys.pipe(
          Effect.map((revoked) => [revoked, Option.some({ readAt: now, revoked })] as const),
          // While the store is away, the revocations read before it went keep being refused: nothing can be
          // published meanwhile (`clients revoke` fails and says to run it again), and calls that change data
          // are refused by the pipeline then anyway. A replica that never read them refuses every key.
          Effect.catchTag("StateUnavailable", (unavailable) =>
            Option.isSome(held)
              ? Effect.logWarning("http: the shared key revocations cannot be read; using those read before").pipe(
                Effect.as([held.value.revoked, held] as const)
              )
              : Effect.fail(unavailable)
          )
        )
      }))

    /** Whether this client's key has been revoked anywhere (StateUnavailable when that cannot be told). */
    const isRevoked = Effect.fn("KeyRevocations.isRevoked")(function*(client: Pick<ClientRecord, "keyHash">) {
      const revoked: (keyId: string) => boolean = yield* current
      return revoked(keyIdOf(client))
    })

    /** Publish the revocation of these clients' keys to every replica. */
    const publish = Effect.fn("KeyRevocations.publish")(function*(clients: ReadonlyArray<Pick<ClientRecord, "keyHash">>) {
      const now = yield* Clock.currentTimeMillis
      yield* Effect.forEach(clients, (client) => store.revokeKey(keyIdOf(client), now), { discard: true }).pipe(
        Effect.mapError((_: StateUnavailable) =>
          new RevocationNotPublished({
            message: "The key is revoked in the clients file, but the shared security state (OPERA_MCP_STATE_URL) " +
              "could not be told, so replicas that read another clients file may still accept it. Run the same " +
              "`clients revoke` again once the state store answers."
          })
        )
      )
      yield* SynchronizedRef.set(snapshot, Option.none())
    })

    return { isRevoked, publish } as const
  })
}) {}
