import type { ElicitRequestFormParams, InputRequiredResult, Server, ServerContext } from "@modelcontextprotocol/server"
import { CLIENT_CAPABILITIES_META_KEY, inputRequired, PROTOCOL_VERSION_META_KEY } from "@modelcontextprotocol/server"
import { Effect, Option, Schema } from "effect"
import { Confirmation } from "../security/Confirmation.js"
import { ConfirmationPending } from "../security/errors.js"
import type { CallContextShape, ConfirmationForm, UserDecision } from "../tools/CallContext.js"

// The key of the one input request a confirmation round carries.
const answerKey = "confirm"

const requestedSchema: ElicitRequestFormParams["requestedSchema"] = {
  type: "object",
  properties: {
    confirm: { type: "boolean", title: "Go ahead with this change", description: "Leave unticked or decline to change nothing." }
  },
  required: ["confirm"]
}

const formParams = (form: ConfirmationForm): ElicitRequestFormParams => ({
  mode: "form",
  message: `${form.title}: ${form.summary} Confirm to go ahead; decline and nothing changes.`,
  requestedSchema
})

// What the client sent back, decoded at the boundary: only an accepted form with confirm ticked is a yes.
const ElicitAnswer = Schema.Struct({
  action: Schema.Literal("accept", "decline", "cancel"),
  content: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })))
})
const decodeAnswer = Schema.decodeUnknownOption(ElicitAnswer)
const decisionOf = (answer: unknown): UserDecision =>
  Option.match(decodeAnswer(answer), {
    onNone: () => "cancel",
    onSome: ({ action, content }) => action !== "accept" ? action : content?.[answerKey] === true ? "accept" : "decline"
  })

const Capabilities = Schema.Struct({
  elicitation: Schema.optional(Schema.Struct({ form: Schema.optional(Schema.Unknown), url: Schema.optional(Schema.Unknown) }))
})
const decodeCapabilities = Schema.decodeUnknownOption(Capabilities)

/** Whether the client declared form elicitation (an empty `elicitation: {}` means form, as the spec says). */
const asksForms = (capabilities: unknown): boolean =>
  Option.match(decodeCapabilities(capabilities), {
    onNone: () => false,
    onSome: ({ elicitation }) =>
      elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined)
  })

/** What the glue gives one tools/call: the asking capability for the pipeline, and the form to send if it asked. */
export interface RequestConfirmation {
  readonly context: Pick<CallContextShape, "confirmWithUser">
  readonly pending: () => InputRequiredResult | undefined
}

/**
 * Asking the person behind the client before a destructive call. On 2025
 * connections the server sends `elicitation/create` while the call waits. On
 * 2026-07-28 the call answers with an input-required result carrying the form
 * and a `requestState`; the client repeats the call with the answer, and the
 * pipeline runs again from the top, the answer counting only for the exact call
 * it was asked for (the round's state is sealed and redeemed by Confirmation:
 * signed, expiring, accepted once across every replica through the StateStore).
 */
export const makeUserConfirmation = Effect.gen(function*() {
  const confirmation = yield* Confirmation
  const ttlMs = confirmation.ttlSeconds * 1000

  const forRequest = (server: Server, ctx: ServerContext): RequestConfirmation => {
    const envelope: Record<string, unknown> = { ...ctx.mcpReq.envelope }
    const modern = envelope[PROTOCOL_VERSION_META_KEY] !== undefined
    const capabilities = modern ? envelope[CLIENT_CAPABILITIES_META_KEY] : server.getClientCapabilities()
    if (!asksForms(capabilities)) return { context: {}, pending: () => undefined }
    let pending: InputRequiredResult | undefined

    const askNow = (form: ConfirmationForm) =>
      Effect.tryPromise({
        try: (signal) => ctx.mcpReq.elicitInput(formParams(form), { signal, timeout: ttlMs }),
        catch: () => "cancel" as const
      }).pipe(
        Effect.map(decisionOf),
        // No answer (timeout, dropped connection, a client error) is no consent.
        Effect.catchAll(() => Effect.succeed<UserDecision>("cancel"))
      )

    const askOnRetry = (form: ConfirmationForm) =>
      Effect.gen(function*() {
        const answer = ctx.mcpReq.inputResponses?.[answerKey]
        const state = ctx.mcpReq.requestState()
        if (answer !== undefined && typeof state === "string" && (yield* confirmation.redeemRound(state, form.binding))) {
          return decisionOf(answer)
        }
        // First round, or an answer that is not for this call (other arguments, expired, replayed, forged): ask.
        pending = inputRequired({
          inputRequests: { [answerKey]: inputRequired.elicit(formParams(form)) },
          requestState: yield* confirmation.sealRound(form.binding)
        })
        return yield* new ConfirmationPending({
          tool: form.tool,
          message: `Waiting for the user to confirm ${form.tool}; nothing has changed yet.`
        })
      })

    return { context: { confirmWithUser: modern ? askOnRetry : askNow }, pending: () => pending }
  }

  return { forRequest } as const
})

export type UserConfirmation = Effect.Effect.Success<typeof makeUserConfirmation>
