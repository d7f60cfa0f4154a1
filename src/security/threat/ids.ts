/**
 * The ids the enumeration detector follows: what a call looked up (its
 * arguments) and what a result showed the client. Raw ids never leave the
 * ThreatMonitor: it keeps keyed hashes of them and of their neighbourhoods.
 */
const idFields = new Set([
  "reservationId",
  "linkToReservationId",
  "confirmationNumber",
  "cancellationNumber",
  "profileId",
  "guestId",
  "membershipNumber",
  "blockId",
  "activityId"
])

const maxIds = 500
const maxDepth = 8

/** Ids named by the id fields anywhere in a result, at most 500. */
export const idsReturnedBy = (value: unknown): ReadonlyArray<string> => {
  const found = new Set<string>()
  const walk = (node: unknown, depth: number) => {
    if (depth > maxDepth || found.size >= maxIds || typeof node !== "object" || node === null) return
    for (const [key, child] of Object.entries(node)) {
      if (idFields.has(key) && (typeof child === "string" || typeof child === "number")) found.add(String(child))
      else walk(child, depth + 1)
    }
  }
  walk(value, 0)
  return Array.from(found)
}

/** Ids a call looks up: id fields of its arguments, at the top level or one object down (`guest.profileId`). */
export const idsLookedUpBy = (args: unknown): ReadonlyArray<string> => {
  const found = new Set<string>()
  const take = (node: unknown, depth: number) => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return
    for (const [key, child] of Object.entries(node)) {
      if (idFields.has(key) && (typeof child === "string" || typeof child === "number")) found.add(String(child))
      else if (depth === 0) take(child, 1)
    }
  }
  take(args, 0)
  return Array.from(found).slice(0, 20)
}

/** Ids whose numbers differ by less than this often share a neighbourhood. */
export const neighbourhoodWidth = 16

/**
 * The neighbourhood of an id: its text before the last run of digits and that
 * number divided by 16, so 500017 and 500029 share one; an id without digits
 * is its own.
 */
export const neighbourhoodOf = (id: string): string => {
  const match = /^(.*?)(\d{1,15})(\D*)$/.exec(id)
  if (match === null) return `id:${id}`
  return `${match[1]}#${Math.floor(Number(match[2]) / neighbourhoodWidth)}#${match[3]}`
}
