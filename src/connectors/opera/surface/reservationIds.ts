// Enough to complete on: a result names at most this many reservations for completions.
const maxIdsPerResult = 50

/** The reservation ids in a result (the `reservationId` fields, a few levels down). */
export const reservationIdsIn = (value: unknown): ReadonlyArray<string> => {
  const found: Array<string> = []
  const walk = (node: unknown, depth: number) => {
    if (depth > 6 || found.length >= maxIdsPerResult || typeof node !== "object" || node === null) return
    for (const [key, child] of Object.entries(node)) {
      if (key === "reservationId" && typeof child === "string") {
        if (!found.includes(child)) found.push(child)
      } else walk(child, depth + 1)
    }
  }
  walk(value, 0)
  return found
}
