/**
 * The test booking the reliability suites make through `create_reservation`:
 * the nth one has its own guest surname and a one-night stay from 30 days
 * out, the arrival moving one day per booking over `spreadDays` days.
 */

/** `days` from today as an OHIP date (YYYY-MM-DD). */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

export interface TestGuest {
  readonly givenName: string
  /** The nth booking's surname is this followed by n. */
  readonly surname: string
}

/** The arguments of the nth test booking. */
export const bookingArguments = (n: number, guest: TestGuest, spreadDays: number) => ({
  guest: { givenName: guest.givenName, surname: `${guest.surname}${n}` },
  arrivalDate: inDays(30 + (n % spreadDays)),
  departureDate: inDays(31 + (n % spreadDays)),
  roomType: "KING",
  ratePlanCode: "BAR",
  adults: 1
})
