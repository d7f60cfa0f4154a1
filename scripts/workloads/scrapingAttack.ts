import type { WorkloadCall } from "./frontDeskDay.js"
import { businessDayStart, hourMs, seededRandom, tools } from "./frontDeskDay.js"

/**
 * A scraping attack by one client (a stolen assistant session or a rogue
 * agent): it pages through guest search results with broad terms, 20 guests a
 * page, and reads every profile it finds, one call every half second or so.
 * `pages` pages of 20 give 20 × pages distinct profiles in about 11 × pages
 * seconds. It starts at `start` (default 10:00 on the business day).
 */
export const scrapingAttack = (options: {
  readonly start?: number
  readonly clientId?: string
  readonly pages?: number
  readonly seed?: number
} = {}): ReadonlyArray<WorkloadCall> => {
  const random = seededRandom(options.seed ?? 666)
  const clientId = options.clientId ?? "rogue-agent"
  const pages = options.pages ?? 15
  let at = options.start ?? businessDayStart + 10 * hourMs
  const calls: Array<WorkloadCall> = []
  const step = () => 400 + Math.floor(random() * 300)
  for (let page = 0; page < pages; page++) {
    const guestIds = Array.from({ length: 20 }, (_, index) => `P${900_000 + page * 20 + index}`)
    calls.push({
      at,
      clientId,
      tool: tools.searchGuests,
      args: { surname: String.fromCharCode(65 + (page % 26)), page: page + 1 },
      outcome: { success: true, guestIds, durationMs: 300 }
    })
    for (const profileId of guestIds) {
      at += step()
      calls.push({
        at,
        clientId,
        tool: tools.getGuestProfile,
        args: { profileId },
        outcome: { success: true, guestIds: [profileId], durationMs: 150 }
      })
    }
    at += step()
  }
  return calls
}
