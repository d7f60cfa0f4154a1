/** Levenshtein distance, two rows: names are short. */
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** Up to three real tool names close to `name`, closest first. */
export const closestToolNames = (name: string, knownToolNames: ReadonlyArray<string>): ReadonlyArray<string> =>
  knownToolNames
    .map((known) => ({ known, distance: editDistance(name, known) }))
    .filter(({ distance }) => distance <= Math.max(3, Math.floor(name.length / 3)))
    .sort((a, b) => a.distance - b.distance || a.known.localeCompare(b.known))
    .slice(0, 3)
    .map(({ known }) => known)

/**
 * One message per name in an allow-list that is no tool of this server, with
 * the closest real names. Names are quoted short: they are the operator's text.
 */
export const unknownToolNames = (names: ReadonlyArray<string>, knownToolNames: ReadonlyArray<string>): ReadonlyArray<string> =>
  names.filter((name) => !knownToolNames.includes(name)).map((name) => {
    const shown = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name)
    const close = closestToolNames(name.slice(0, 64), knownToolNames)
    return close.length > 0
      ? `names no tool ${shown} (did you mean ${close.join(", ")}?)`
      : `names no tool ${shown} (describe_tools or tools/list shows the names)`
  })
