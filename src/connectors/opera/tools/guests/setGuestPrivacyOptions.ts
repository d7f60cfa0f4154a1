import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import type { PrivacyChoices } from "../../client/profiles.js"
import { setPrivacyOptions, SetPrivacyOptionsResponse } from "../../client/profiles.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { ProfileId } from "./getGuestProfile.js"

const Consent = (what: string) => optional(Schema.Boolean.annotations({ description: what }))

const choices = ["allowEmail", "allowPhone", "allowSms", "optInMailingList", "optInMarketResearch", "optInThirdParty"] as const

const Privacy = Schema.Struct({
  allowEmail: Schema.Boolean,
  allowPhone: Schema.Boolean,
  allowSms: Schema.Boolean,
  optInMailingList: Schema.Boolean,
  optInMarketResearch: Schema.Boolean,
  optInThirdParty: Schema.Boolean
}).pipe(Schema.partial)

export const setGuestPrivacyOptions = defineTool({
  name: "set_guest_privacy_options",
  domain: "guests",
  operations: ["crm.putProfile"],
  description: "Record a guest's consent (GDPR): whether the hotel may email, phone or text them and whether they " +
    "opt in to mailing lists, market research or third-party sharing. doNotContact: true withdraws all of it. " +
    "Only the choices given change.",
  annotations: {
    title: "Set guest privacy options",
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true
  },
  touchesGuestData: true,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    profileId: ProfileId,
    doNotContact: Consent("true: no email, phone or SMS and no opt-ins (the guest asked not to be contacted)"),
    allowEmail: Consent("May the hotel email the guest"),
    allowPhone: Consent("May the hotel phone the guest"),
    allowSms: Consent("May the hotel text the guest"),
    optInMailingList: Consent("Guest opts in to the mailing list"),
    optInMarketResearch: Consent("Guest opts in to market research"),
    optInThirdParty: Consent("Guest opts in to sharing with third parties")
  }).pipe(
    Schema.filter((input) =>
      input.doNotContact === true || choices.some((choice) => input[choice] !== undefined) ||
      `give doNotContact: true or at least one of ${choices.join(", ")}`
    ),
    Schema.filter((input) =>
      input.doNotContact !== true || choices.every((choice) => input[choice] !== true) ||
      "doNotContact: true cannot be combined with a consent set to true"
    )
  ),
  output: Schema.Struct({ profileId: Schema.String, privacy: Privacy }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.profileId] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const withdrawAll = input.doNotContact === true
      const pick = (value: boolean | undefined) => (withdrawAll ? false : value)
      const requested: Record<string, boolean | undefined> = {
        allowEmail: pick(input.allowEmail),
        allowPhone: pick(input.allowPhone),
        allowSMS: pick(input.allowSms),
        optInMailingList: pick(input.optInMailingList),
        optInMarketResearch: pick(input.optInMarketResearch),
        optInThirdParty: pick(input.optInThirdParty)
      }
      const privacy = Object.fromEntries(
        Object.entries(requested).filter((entry): entry is [string, boolean] => entry[1] !== undefined)
      ) as PrivacyChoices
      const body = yield* client.execute(
        setPrivacyOptions({ hotelId, profileId: input.profileId, privacy }),
        SetPrivacyOptionsResponse
      )
      const stored = body.profileDetails?.privacyInfo
      if (stored === undefined) {
        return yield* new ToolError({ message: "OPERA accepted the change but did not return the guest's privacy options." })
      }
      return {
        profileId: input.profileId,
        privacy: {
          ...(stored.allowEmail !== undefined ? { allowEmail: stored.allowEmail } : {}),
          ...(stored.allowPhone !== undefined ? { allowPhone: stored.allowPhone } : {}),
          ...(stored.allowSMS !== undefined ? { allowSms: stored.allowSMS } : {}),
          ...(stored.optInMailingList !== undefined ? { optInMailingList: stored.optInMailingList } : {}),
          ...(stored.optInMarketResearch !== undefined ? { optInMarketResearch: stored.optInMarketResearch } : {}),
          ...(stored.optInThirdParty !== undefined ? { optInThirdParty: stored.optInThirdParty } : {})
        }
      }
    }),
  render: ({ profileId, privacy }) =>
    `Privacy options of profile ${profileId}: ` +
    (Object.entries(privacy).map(([choice, given]) => `${choice} ${given ? "yes" : "no"}`).join(", ") || "none recorded")
})
