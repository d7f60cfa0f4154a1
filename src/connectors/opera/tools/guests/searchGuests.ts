import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { GuestSummary, guestsFromSearch, searchProfiles, SearchProfilesResponse } from "../../client/profiles.js"
import { PagingOutput } from "../reservations/shared.js"
import { HotelId, hotelFor, optional, Paging } from "../../../../tools/fields.js"
import { guestLine, pageLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"

const searchable = ["surname", "givenName", "email", "phone", "city", "membershipNumber"] as const
const Term = (max: number) => Schema.String.pipe(Schema.minLength(1), Schema.maxLength(max))

export const searchGuests = defineTool({
  name: "search_guests",
  domain: "guests",
  operations: ["crm.getProfiles"],
  description: "Find guest profiles by surname, given name, email, phone, city or membership number. " +
    "Contact details come back masked; use get_guest_profile for one guest's details.",
  annotations: {
    title: "Search guests",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true
  },
  touchesGuestData: true,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    surname: optional(Term(80)),
    givenName: optional(Term(80)),
    email: optional(Term(254)),
    phone: optional(Term(40)),
    city: optional(Term(80)),
    membershipNumber: optional(Term(40)),
    ...Paging
  }).pipe(
    Schema.filter((input) =>
      searchable.some((field) => input[field] !== undefined) ||
      `give at least one of ${searchable.join(", ")}: searching every guest is not allowed`
    )
  ),
  output: Schema.Struct({ guests: Schema.Array(GuestSummary), paging: PagingOutput }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(searchProfiles({ ...input, hotelId }), SearchProfilesResponse)
      return guestsFromSearch(body)
    }),
  render: ({ guests, paging }) => [pageLine(paging, "guests"), ...guests.map(guestLine)].join("\n")
})
