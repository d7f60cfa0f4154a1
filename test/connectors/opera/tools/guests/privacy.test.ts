import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { ok, refusal, structured, withRuntime } from "../reservations/harness.js"

describe("set_guest_privacy_options", () => {
  it.effect("records consent, changes only what is given, and doNotContact withdraws everything", () =>
    withRuntime(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const profileId = sandbox.seededGuests[3]!.profileId
      const first = structured(yield* ok("set_guest_privacy_options", { profileId, allowEmail: true, optInMailingList: true }))
      expect(first.privacy).toEqual({ allowEmail: true, optInMailingList: true })
      const second = structured(yield* ok("set_guest_privacy_options", { profileId, allowPhone: false }))
      expect(second.privacy).toEqual({ allowEmail: true, optInMailingList: true, allowPhone: false })
      const none = structured(yield* ok("set_guest_privacy_options", { profileId, doNotContact: true }))
      expect(none.privacy).toEqual({
        allowEmail: false,
        allowPhone: false,
        allowSms: false,
        optInMailingList: false,
        optInMarketResearch: false,
        optInThirdParty: false
      })
      // OPERA holds it: the stored profile carries the flags.
      const guest = (yield* sandbox.snapshot).guests.get(profileId)
      expect(guest?.privacy?.["allowEmail"]).toBe(false)
    })))

  it.effect("refuses an empty or contradictory request, and an unknown profile", () =>
    withRuntime(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const profileId = sandbox.seededGuests[4]!.profileId
      expect(yield* refusal("set_guest_privacy_options", { profileId })).toMatch(/doNotContact: true or at least one/)
      expect(yield* refusal("set_guest_privacy_options", { profileId, doNotContact: true, allowEmail: true }))
        .toMatch(/cannot be combined/)
      expect(yield* refusal("set_guest_privacy_options", { profileId: "999999999", allowEmail: false }))
        .toMatch(/OPERA found no such record|no such/i)
    })))
})
