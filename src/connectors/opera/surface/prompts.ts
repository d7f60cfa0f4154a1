import { Effect, Schema } from "effect"
import { Redactor } from "../../../security/Redactor.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../tools/fields.js"
import type { PromptArgumentInfo, PromptDefinition } from "../../../tools/surface/definitions.js"
import { defineTool } from "../../../tools/Tool.js"
import type { ToolDomain } from "../../../tools/ToolInfo.js"
import type { OperaToolServices } from "../tools/catalog.js"
import { operaTools } from "../tools/catalog.js"
import { RatePlanCode, ReservationId, RoomTypeCode } from "../tools/reservations/shared.js"

// A prompt naming a tool that does not exist is a programming error: test/tools/surface.test.ts finds it.
const toolsNamed = (names: ReadonlyArray<string>) => operaTools.filter((tool) => names.includes(tool.name))

// Not `text`: the redactor wraps fields of that name as OPERA's untrusted free text, and this is the server's own.
const PromptText = Schema.Struct({ description: Schema.String, guidance: Schema.String })

const hotelArgument: PromptArgumentInfo = { name: "hotelId", description: "Hotel code; default: the configured hotel", required: false }
const dateArgument = (what: string): PromptArgumentInfo => ({ name: "date", description: `${what} (YYYY-MM-DD); default today`, required: false })

const definePrompt = <I extends { readonly hotelId?: string | undefined }, IE>(definition: {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly domain: ToolDomain
  readonly tools: ReadonlyArray<string>
  readonly arguments: ReadonlyArray<PromptArgumentInfo>
  readonly input: Schema.Schema<I, IE, never>
  readonly text: (input: I, hotelId: string) => Effect.Effect<string, never, OperaToolServices>
}): PromptDefinition<OperaToolServices> => ({
  name: definition.name,
  title: definition.title,
  description: definition.description,
  tools: definition.tools,
  arguments: definition.arguments,
  tool: defineTool({
    name: `prompt:${definition.name}`,
    domain: definition.domain,
    description: definition.description,
    annotations: { title: definition.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    touchesGuestData: false,
    requires: toolsNamed(definition.tools),
    input: definition.input,
    output: PromptText,
    facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
    handler: (input) =>
      hotelFor(input.hotelId).pipe(
        Effect.flatMap((hotelId) => definition.text(input, hotelId)),
        Effect.map((guidance) => ({ description: definition.description, guidance }))
      ),
    render: (prompt) => prompt.guidance
  })
})

const toolList = (names: ReadonlyArray<string>) => names.map((name) => `\`${name}\``).join(", ")

/** Free text the user typed into a prompt argument: masked (a card number, an email) before any model sees it. */
const userText = (text: string) => Redactor.pipe(Effect.map((redactor) => redactor.redactText(text).slice(0, 2000)))

const prepareArrivalsTools = ["list_arrivals", "get_reservation", "get_guest_preferences", "get_suggested_rooms", "assign_room"]
const checkInTools = ["get_reservation", "get_suggested_rooms", "assign_room", "check_in_guest", "get_folio"]
const nightAuditTools = ["get_occupancy_report", "get_daily_revenue", "get_posting_summary", "get_no_show_report", "list_departures"]
const groupBlockTools = ["search_blocks", "get_block", "get_hotel_availability", "create_block", "pick_up_block_reservation"]
const billingTools = ["get_reservation", "get_folio", "get_financial_postings", "get_package"]

/** OPERA's prompts: arrivals, check-in, the night audit, group blocks, billing questions. */
export const promptDefinitions: ReadonlyArray<PromptDefinition<OperaToolServices>> = [
  definePrompt({
    name: "prepare_todays_arrivals",
    title: "Prepare today's arrivals",
    description: "Go through the day's arrivals: who comes, what they asked for, which rooms are ready, what to assign.",
    domain: "front-desk",
    tools: prepareArrivalsTools,
    arguments: [hotelArgument, dateArgument("Arrival date")],
    input: Schema.Struct({ hotelId: optional(HotelId), date: optional(IsoDate) }),
    text: (input, hotelId) =>
      Effect.succeed(
        `Prepare the arrivals at hotel ${hotelId} for ${input.date ?? "today"}. ` +
          `Call list_arrivals${input.date !== undefined ? ` with date ${input.date}` : ""}, then for each arrival without a room ` +
          "read it with get_reservation and its guest's wishes with get_guest_preferences, ask get_suggested_rooms for " +
          "clean vacant rooms of its type, and propose an assignment (assign_room) for me to approve. " +
          "Finish with a short table: guest, room type, proposed room, special wishes. " +
          `Tools: ${toolList(prepareArrivalsTools)}.`
      )
  }),
  definePrompt({
    name: "check_in_guest",
    title: "Check a guest in",
    description: "Check one reservation in: confirm the stay, pick and assign a room, check in, show the opening folio.",
    domain: "front-desk",
    tools: checkInTools,
    arguments: [
      { name: "reservationId", description: "The reservation to check in", required: true },
      hotelArgument,
      { name: "roomType", description: "Room type to look at instead of the booked one (an upgrade)", required: false }
    ],
    input: Schema.Struct({ reservationId: ReservationId, hotelId: optional(HotelId), roomType: optional(RoomTypeCode) }),
    text: (input, hotelId) =>
      Effect.succeed(
        `Check in reservation ${input.reservationId} at hotel ${hotelId}. Read it with get_reservation and tell me ` +
          "the guest, dates, room type and rate. If no room is assigned, call get_suggested_rooms" +
          `${input.roomType !== undefined ? ` with roomType ${input.roomType}` : ""} and assign the room I choose with ` +
          "assign_room. Then call check_in_guest (it asks for confirmation) and show the folio with get_folio. " +
          `Tools: ${toolList(checkInTools)}.`
      )
  }),
  definePrompt({
    name: "night_audit_summary",
    title: "Night audit summary",
    description: "Summarise the day for the night audit: occupancy, revenue, postings, no-shows and open departures.",
    domain: "cashiering",
    tools: nightAuditTools,
    arguments: [hotelArgument, dateArgument("Business date")],
    input: Schema.Struct({ hotelId: optional(HotelId), date: optional(IsoDate) }),
    text: (input, hotelId) =>
      Effect.succeed(
        `Write the night audit summary for hotel ${hotelId}, business date ${input.date ?? "today"}. ` +
          "Use get_occupancy_report, get_daily_revenue and get_posting_summary for the figures, get_no_show_report " +
          "for reservations that did not arrive, and list_departures for guests still due out. Report occupancy, " +
          "room revenue and ADR, postings by transaction code, no-shows and open departures, and anything unusual. " +
          `Change nothing. Tools: ${toolList(nightAuditTools)}.`
      )
  }),
  definePrompt({
    name: "handle_group_block",
    title: "Handle a group block",
    description: "Find or set up a group block, check availability for it, and pick up rooms for the group's guests.",
    domain: "blocks",
    tools: groupBlockTools,
    arguments: [
      hotelArgument,
      { name: "blockName", description: "Part of the group's or block's name, e.g. wedding", required: false },
      { name: "roomType", description: "Room type the group wants", required: false },
      { name: "ratePlanCode", description: "Rate plan for a new block", required: false }
    ],
    input: Schema.Struct({
      hotelId: optional(HotelId),
      blockName: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(80))),
      roomType: optional(RoomTypeCode),
      ratePlanCode: optional(RatePlanCode)
    }),
    text: (input, hotelId) =>
      Effect.gen(function*() {
        const name = input.blockName === undefined ? undefined : yield* userText(input.blockName)
        return `Help me with a group block at hotel ${hotelId}` + (name !== undefined ? ` (the group: "${name}")` : "") +
          `. Look for an existing block with search_blocks${name !== undefined ? " by that name" : ""} and read it with ` +
          "get_block (rooms held, picked up and left per night). If there is none, check get_hotel_availability" +
          `${input.roomType !== undefined ? ` for room type ${input.roomType}` : ""} and propose a block for create_block` +
          `${input.ratePlanCode !== undefined ? ` on rate plan ${input.ratePlanCode}` : ""}. Pick up rooms for the ` +
          "guests I name with pick_up_block_reservation. Every change waits for my confirmation. " +
          `Tools: ${toolList(groupBlockTools)}.`
      })
  }),
  definePrompt({
    name: "answer_billing_question",
    title: "Answer a guest's billing question",
    description: "Explain a guest's bill: what each charge is, when it was posted, and what is still open.",
    domain: "cashiering",
    tools: billingTools,
    arguments: [
      { name: "reservationId", description: "The guest's reservation", required: true },
      { name: "question", description: "The guest's question, in their words", required: false },
      hotelArgument,
      { name: "packageCode", description: "A package the question is about, e.g. BRKF", required: false }
    ],
    input: Schema.Struct({
      reservationId: ReservationId,
      question: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2000))),
      hotelId: optional(HotelId),
      packageCode: optional(Schema.String.pipe(Schema.pattern(/^[A-Z0-9_-]{1,20}$/)))
    }),
    text: (input, hotelId) =>
      Effect.gen(function*() {
        const question = input.question === undefined ? undefined : yield* userText(input.question)
        return `A guest of reservation ${input.reservationId} at hotel ${hotelId} asks about their bill` +
          (question !== undefined ? `: "${question}"` : ".") +
          " Read the folio with get_folio and the postings with get_financial_postings (get_reservation for the rate " +
          `and stay dates${input.packageCode !== undefined ? `, get_package for package ${input.packageCode}` : ""}). ` +
          "Answer in plain words: which postings the question is about, their dates and amounts, and the balance. " +
          "Post, move or refund nothing; if a correction is needed, say which and let me decide. " +
          `Tools: ${toolList(billingTools)}.`
      })
  })
]
