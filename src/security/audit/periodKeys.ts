import type { SqlClient } from "@effect/sql/SqlClient"
import { DateTime, Effect, Either, Option, Schema } from "effect"
import type { KeyObject } from "node:crypto"
import { createSecretKey } from "node:crypto"
import type { KeyringShape } from "../../crypto/Keyring.js"
import { SealedOpenFailed } from "../../crypto/Keyring.js"
import type { OpeningKey } from "../../crypto/sealedCheck.js"
import type { SigningKeyPair } from "../../crypto/signing.js"
import { signEd25519, verifyEd25519 } from "../../crypto/signing.js"
import type { DataKey } from "../../crypto/wrappedKeys.js"
import { newWrappedKey, openingKeyOf, openUnder, sealedHeader, sealedKeyIdOf, unwrapKey } from "../../crypto/wrappedKeys.js"
import { canonicalBytes } from "./canonical.js"
import type { TrustedKey } from "./checkpoints.js"
import type { AuditUnavailable } from "./errors.js"

export const dayMs = 86_400_000

/** The UTC day `at` falls in: personal fields of that day share one data key. */
export const periodOf = (at: number) => {
  const start = Math.floor(at / dayMs) * dayMs
  return { start, end: start + dayMs } as const
}

export const periodDate = (start: number): string => DateTime.formatIsoDateUtc(DateTime.unsafeMake(start))

/** `<fingerprint>.d<YYYY-MM-DD>.<rotation>`; a legacy master-derived key id is `<fingerprint>.<generation>`. */
export const periodKeyId = (fingerprint: string, start: number, rotation: number) =>
  `${fingerprint}.d${periodDate(start)}.${rotation}`
const periodKeyPattern = /^([0-9a-f]{16})\.d\d{4}-\d{2}-\d{2}\.\d{1,6}$/
export const isPeriodKeyId = (keyId: string) => periodKeyPattern.test(keyId)

const KeyRow = Schema.Struct({
  key_id: Schema.String,
  period_start: Schema.Number,
  period_end: Schema.Number,
  rotation: Schema.Number,
  wrapped: Schema.Uint8ArrayFromSelf
})
type KeyRow = typeof KeyRow.Type
export const ShredRow = Schema.Struct({
  key_id: Schema.String,
  period_start: Schema.Number,
  period_end: Schema.Number,
  rows: Schema.Number,
  shredded_at: Schema.Number,
  signer: Schema.String,
  signature: Schema.Uint8ArrayFromSelf
})
export type ShredRow = typeof ShredRow.Type

// The wrapped key is bound to its log, id, period and purpose: moved to another row or log it does not unwrap.
const wrapAad = (logId: string, row: Pick<KeyRow, "key_id" | "period_start" | "period_end">) =>
  canonicalBytes("opera-audit/period-key/v1", [logId, row.key_id, row.period_start, row.period_end, "audit-sealed"])

const shredMessage = (logId: string, row: Omit<ShredRow, "signer" | "signature">) =>
  canonicalBytes("opera-audit/shred/v1", [
    logId, row.key_id, row.period_start, row.period_end, row.rows, row.shredded_at
  ])

/** A sealed value whose data key was destroyed by personal-data retention: nobody can open it any more. */
export interface PersonalFieldsShredded {
  readonly _tag: "PersonalFieldsShredded"
  readonly keyId: string
  readonly shreddedAt: number
}

interface LiveKey {
  readonly dataKey: DataKey
  readonly periodStart: number
  readonly periodEnd: number
  readonly rotation: number
}

/**
 * The audit log's period data keys, for one open connection: random keys
 * wrapped under a key-encryption key derived from the master key, a fresh one
 * for each UTC day a row is written in. The master key can unwrap a stored key
 * but cannot re-create a deleted one, so deleting a key's row destroys it.
 * Caches live in this instance only; `reload` picks up keys made or shredded by
 * another process on the same file.
 */
export const makePeriodKeys = (options: {
  readonly sql: SqlClient
  readonly failed: (doing: string) => <A, R>(effect: Effect.Effect<A, unknown, R>) => Effect.Effect<A, AuditUnavailable, R>
  readonly keyring: KeyringShape
  readonly logId: string
  readonly signer: SigningKeyPair
  readonly trusted: TrustedKey
}) =>
  Effect.gen(function*() {
    const { failed, keyring, logId, sql } = options
    const kek: KeyObject = createSecretKey(keyring.subkey("audit-period-kek"))
    const live = new Map<string, LiveKey>()
    const shredded = new Map<string, ShredRow>()
    /** Key rows that do not unwrap, and shred records not signed by the trusted key: both are damage. */
    const broken = new Set<string>()
    const forged = new Map<string, ShredRow>()
    let current: LiveKey | undefined

    const decode = <A, I>(schema: Schema.Schema<A, I>) => (rows: ReadonlyArray<unknown>) =>
      Effect.orDie(Schema.decodeUnknown(Schema.Array(schema))(rows))

    const shredHolds = (row: ShredRow) =>
      row.signer === options.trusted.publicKeyBase64 &&
      verifyEd25519(options.trusted.publicKey, shredMessage(logId, row), row.signature)

    const reload = Effect.gen(function*() {
      const keyRows = yield* sql`SELECT key_id, period_start, period_end, rotation, wrapped FROM audit_period_keys
        ORDER BY period_start, rotation`.pipe(Effect.flatMap(decode(KeyRow)))
      const shredRows = yield* sql`SELECT key_id, period_start, period_end, rows, shredded_at, signer, signature
        FROM audit_shreds`.pipe(Effect.flatMap(decode(ShredRow)))
      const present = new Set(keyRows.map((row) => row.key_id))
      for (const keyId of [...live.keys()]) if (!present.has(keyId)) live.delete(keyId)
      broken.clear()
      for (const row of keyRows) {
        if (live.has(row.key_id)) continue
        const unwrapped = unwrapKey(row.key_id, kek, row.wrapped, wrapAad(logId, row))
        if (Either.isLeft(unwrapped)) broken.add(row.key_id)
        else {
          live.set(row.key_id, {
            dataKey: unwrapped.right,
            periodStart: row.period_start,
            periodEnd: row.period_end,
            rotation: row.rotation
          })
        }
      }
      shredded.clear()
      forged.clear()
      for (const row of shredRows) (shredHolds(row) ? shredded : forged).set(row.key_id, row)
      // The newest live key seals new rows: the latest period, its highest rotation.
      current = [...live.values()].reduce<LiveKey | undefined>(
        (top, key) =>
          top === undefined || key.periodStart > top.periodStart ||
            (key.periodStart === top.periodStart && key.rotation > top.rotation)
            ? key
            : top,
        undefined
      )
    }).pipe(failed("read the data keys"))

    const insertKey = (start: number, end: number, rotation: number, now: number) =>
      Effect.gen(function*() {
        const keyId = periodKeyId(keyring.fingerprint, start, rotation)
        const { wrapped } = newWrappedKey(keyId, kek, wrapAad(logId, { key_id: keyId, period_start: start, period_end: end }))
        // Another process may make this period's key at the same moment: the first insert wins, both use it.
        // (ON CONFLICT DO NOTHING: the same statement on SQLite and PostgreSQL.)
        yield* sql`INSERT INTO audit_period_keys (key_id, period_start, period_end, rotation, wrapped, created_at)
          VALUES (${keyId}, ${start}, ${end}, ${rotation}, ${wrapped}, ${now})
          ON CONFLICT DO NOTHING`.pipe(failed("record a data key"))
        yield* reload
      })

    /**
     * The key that seals a row written at `at`: the current key while `at` is in its day, else a
     * new key for `at`'s day. A clock that went back keeps the newest key (a key is never made
     * for a day before it, so never for a day already shredded).
     */
    const sealingKey = (at: number): Effect.Effect<DataKey, AuditUnavailable> =>
      current !== undefined && at < current.periodEnd
        ? Effect.succeed(current.dataKey)
        : Effect.gen(function*() {
          const period = periodOf(at)
          yield* insertKey(period.start, period.end, 0, at)
          if (current === undefined) return yield* Effect.die("no data key after making one")
          return current.dataKey
        })

    /** The current key when `at` is in its day (no key to make), else undefined: then use `sealingKey`. */
    const sealingKeyNow = (at: number): DataKey | undefined =>
      current !== undefined && at < current.periodEnd ? current.dataKey : undefined

    /** A new key for the current day (keys rotate); rows from now on are sealed with it. */
    const rotate = (at: number) =>
      Effect.gen(function*() {
        yield* reload
        const period = current === undefined || at >= current.periodEnd ? periodOf(at) : {
          start: current.periodStart,
          end: current.periodEnd
        }
        const rotation = current !== undefined && current.periodStart === period.start ? current.rotation + 1 : 0
        yield* insertKey(period.start, period.end, rotation, at)
        if (current === undefined) return yield* Effect.die("no data key after making one")
        return current.dataKey
      })

    const notOpened = (reason: SealedOpenFailed["reason"], keyId: string, message: string) =>
      Either.left(new SealedOpenFailed({ reason, keyId, message }))

    /** Opens a sealed value under whichever key its header names: a period key, or a legacy master-derived one. */
    const open = (
      sealed: Uint8Array,
      aad: Uint8Array
    ): Either.Either<Buffer, SealedOpenFailed | PersonalFieldsShredded> => {
      const keyId = sealedKeyIdOf(sealed)
      if (Option.isNone(keyId) || !isPeriodKeyId(keyId.value)) return keyring.open(sealed, aad)
      const id = keyId.value
      if (!id.startsWith(`${keyring.fingerprint}.`)) {
        return notOpened("wrong_key", id, `key does not match (value sealed under key id ${id}, configured key is ${keyring.fingerprint})`)
      }
      const key = live.get(id)
      if (key !== undefined) {
        return openUnder(key.dataKey, sealed, aad).pipe(
          Either.mapLeft((reason) =>
            new SealedOpenFailed({
              reason: reason === "malformed" ? "malformed" : "tampered",
              keyId: id,
              message: `encrypted value failed authentication (key id ${id})`
            })
          )
        )
      }
      const shred = shredded.get(id)
      if (shred !== undefined) return Either.left({ _tag: "PersonalFieldsShredded", keyId: id, shreddedAt: shred.shredded_at })
      if (broken.has(id)) return notOpened("tampered", id, `the stored data key ${id} does not unwrap (it was changed)`)
      if (forged.has(id)) {
        return notOpened("key_missing", id, `data key ${id} is gone and its shred record is not signed by the trusted key`)
      }
      return notOpened("key_missing", id, `data key ${id} is gone without a shred record (deleted, not shredded)`)
    }

    /** Whether a key id is unknown here (made by another process since the last reload). */
    const unknown = (keyId: string) =>
      isPeriodKeyId(keyId) && !live.has(keyId) && !shredded.has(keyId) && !broken.has(keyId)

    /** Keys for verify's fast pass: legacy generations, live period keys, and shredded ones (header only). */
    const openingKeys = (legacyGenerations: ReadonlyArray<number>): ReadonlyArray<OpeningKey> => [
      ...legacyGenerations.map((generation) => keyring.openingKey(generation)),
      ...[...live.values()].map((key) => openingKeyOf(key.dataKey)),
      ...[...shredded.keys()].map((keyId): OpeningKey => ({ header: sealedHeader(keyId), key: null }))
    ]

    /** Live keys whose whole day ended before `cutoff`. */
    const expired = (cutoff: number) =>
      [...live.entries()].filter(([, key]) => key.periodEnd <= cutoff).map(([keyId, key]) => ({
        keyId,
        periodStart: key.periodStart,
        periodEnd: key.periodEnd
      }))

    const signShred = (row: Omit<ShredRow, "signer" | "signature">): ShredRow => ({
      ...row,
      signer: options.signer.publicKeyBase64,
      signature: signEd25519(options.signer.privateKey, shredMessage(logId, row))
    })

    yield* reload
    return {
      reload,
      sealingKey,
      sealingKeyNow,
      rotate,
      open,
      unknown,
      openingKeys,
      expired,
      signShred,
      currentKeyId: () => current?.dataKey.keyId,
      shreddedKeyIds: () => [...shredded.keys()]
    } as const
  })

export type PeriodKeys = Effect.Effect.Success<ReturnType<typeof makePeriodKeys>>
