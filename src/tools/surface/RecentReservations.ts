import { Effect, Ref } from "effect"

/** A reservation a client has seen in one of its own results. */
export interface RecentReservation {
  readonly hotelId: string
  readonly reservationId: string
}

// Enough to complete on; bounded so a busy server holds at most clients × ids entries.
const idsPerClient = 25
const maxClients = 1000

/**
 * The reservations each client saw most recently, for completing a
 * `reservationId`. Keyed by the caller's authenticated client id, so one
 * client is never offered another's reservations (tenancy), and kept in this
 * process only: a restart or another replica starts empty, which costs a
 * completion, never a refusal.
 */
export class RecentReservations extends Effect.Service<RecentReservations>()("opera/RecentReservations", {
  effect: Effect.gen(function*() {
    const byClient = yield* Ref.make<ReadonlyMap<string, ReadonlyArray<RecentReservation>>>(new Map())

    /** Notes the reservations a successful call showed this client, newest first. */
    const note = (clientId: string, hotelId: string, reservationIds: ReadonlyArray<string>) =>
      reservationIds.length === 0 ? Effect.void : Ref.update(byClient, (current) => {
        const seen = reservationIds.map((reservationId) => ({ hotelId, reservationId }))
        const kept = (current.get(clientId) ?? []).filter((entry) =>
          !seen.some((fresh) => fresh.hotelId === entry.hotelId && fresh.reservationId === entry.reservationId)
        )
        const next = new Map(current)
        // Re-inserted last, so the oldest client is the first key when one has to go.
        next.delete(clientId)
        next.set(clientId, [...seen, ...kept].slice(0, idsPerClient))
        while (next.size > maxClients) next.delete(next.keys().next().value as string)
        return next
      })

    /** This client's recent reservations, newest first (only its own). */
    const of = (clientId: string) => Ref.get(byClient).pipe(Effect.map((current) => current.get(clientId) ?? []))

    return { note, of } as const
  })
}) {}
