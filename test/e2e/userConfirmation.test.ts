import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { builtBinary, startServer } from "../support/serverProcess.js"
import type { Era, UserAnswer, V2Session } from "../support/v2Client.js"
import { connectV2Http, startV2Stdio } from "../support/v2Client.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"
import { mcpHeaders, rawRequest } from "../mcp/http/harness.js"

const textOf = (result: { readonly content: ReadonlyArray<{ readonly type: string; readonly text?: string }> }) =>
  result.content.map((part) => part.type === "text" ? part.text ?? "" : "").join("\n")

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

interface Row {
  readonly kind: string
  readonly tool?: string
  readonly outcome: string
  readonly errorTag?: string
  readonly confirmedBy?: string
  readonly objectIds: ReadonlyArray<string>
}

const auditRows = (env: Record<string, string>): ReadonlyArray<Row> => {
  const run = spawnSync(process.execPath, [builtBinary, "audit", "export"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 30_000
  })
  expect(run.status, run.stderr).toBe(0)
  return run.stdout.trim().split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Row)
}

type Session = Pick<V2Session, "call">

const book = async (session: Session, surname: string) => {
  const created = await session.call("create_reservation", {
    guest: { givenName: "Ada", surname },
    arrivalDate: inDays(40),
    departureDate: inDays(42),
    roomType: "KING",
    ratePlanCode: "BAR",
    adults: 1
  })
  expect(created.isError, textOf(created)).toBeFalsy()
  return (created.structuredContent as { reservation: { reservationId: string } }).reservation.reservationId
}

const statusOf = async (session: Session, reservationId: string) => {
  const read = await session.call("get_reservation", { reservationId })
  return (read.structuredContent as { reservation: { status: string } }).reservation.status
}

/** The outcome row of the last cancel_reservation of this reservation. */
const cancelOutcome = (env: Record<string, string>, reservationId: string) =>
  auditRows(env).filter((row) =>
    row.tool === "cancel_reservation" && row.kind !== "tool_intent" && row.objectIds.includes(reservationId)
  ).at(-1)

const eras: ReadonlyArray<Era> = ["modern", "legacy"]

describe("a person confirms destructive calls through the client's elicitation (stdio)", () => {
  let opera: RunningSandbox
  beforeAll(async () => {
    opera = await startSandbox({ OPERA_MCP_REQUIRE_CONFIRMATION: "true" })
  })
  afterAll(async () => {
    await opera?.stop()
  })

  const withSession = async (era: Era, answer: UserAnswer, run: (session: V2Session) => Promise<void>, env = {}) => {
    const session = await startV2Stdio({ args: ["serve"], env: { ...opera.env, ...env }, era, answer })
    try {
      await run(session)
    } finally {
      await session.close()
    }
  }

  for (const era of eras) {
    it(`${era}: the user accepts, the reservation is cancelled, the audit says the user confirmed`, async () => {
      await withSession(era, "accept", async (session) => {
        const reservationId = await book(session, `Accept${era}`)
        const cancelled = await session.call("cancel_reservation", { reservationId })
        expect(cancelled.isError, textOf(cancelled)).toBeFalsy()
        expect(session.asked).toHaveLength(1)
        expect(session.asked[0]?.message).toContain(reservationId)
        expect(await statusOf(session, reservationId)).toBe("Cancelled")
        expect(cancelOutcome(opera.env, reservationId)).toMatchObject({ outcome: "success", confirmedBy: "user" })
      })
    })

    it(`${era}: the user declines, nothing changes in OPERA, and the refusal is audited`, async () => {
      await withSession(era, "decline", async (session) => {
        const reservationId = await book(session, `Decline${era}`)
        const refused = await session.call("cancel_reservation", { reservationId })
        expect(refused.isError).toBe(true)
        expect(textOf(refused)).toMatch(/declined.*Nothing was changed/)
        expect(session.asked).toHaveLength(1)
        expect(await statusOf(session, reservationId)).toBe("Reserved")
        expect(cancelOutcome(opera.env, reservationId)).toMatchObject({ outcome: "refused", errorTag: "ConfirmationDeclined" })
      })
    })
  }

  it("modern: a dismissed form (cancel) changes nothing either", async () => {
    await withSession("modern", "cancel", async (session) => {
      const reservationId = await book(session, "Dismiss")
      expect((await session.call("cancel_reservation", { reservationId })).isError).toBe(true)
      expect(await statusOf(session, reservationId)).toBe("Reserved")
    })
  })

  for (const era of eras) {
    it(`${era}: a client without elicitation gets a structured "confirmation required" first, not an error`, async () => {
      await withSession(era, undefined, async (session) => {
        const reservationId = await book(session, `Token${era}`)
        const first = await session.call("cancel_reservation", { reservationId })
        expect(first.isError).toBeFalsy()
        const required = (first.structuredContent as { confirmationRequired: { confirmationToken: string; summary: string } })
          .confirmationRequired
        expect(required.summary).toContain(reservationId)
        expect(await statusOf(session, reservationId)).toBe("Reserved")
        const confirmed = await session.call("cancel_reservation", {
          reservationId,
          confirmationToken: required.confirmationToken
        })
        expect(confirmed.isError, textOf(confirmed)).toBeFalsy()
        expect(await statusOf(session, reservationId)).toBe("Cancelled")
        expect(cancelOutcome(opera.env, reservationId)).toMatchObject({ outcome: "success", confirmedBy: "token" })
      })
    })
  }

  it("the 1.x SDK client keeps the token flow", async () => {
    const session = await startServer({ args: ["serve"], env: opera.env })
    try {
      const reservationId = await book(session, "LegacySdk")
      const first = await session.call("cancel_reservation", { reservationId })
      expect(first.isError).toBeFalsy()
      const token = (first.structuredContent as { confirmationRequired: { confirmationToken: string } })
        .confirmationRequired.confirmationToken
      expect((await session.call("cancel_reservation", { reservationId, confirmationToken: token })).isError).toBeFalsy()
    } finally {
      await session.close()
    }
  })

  it("OPERA_MCP_CONFIRMATION_MODE=elicit-only refuses destructive calls from a client that cannot ask its user", async () => {
    await withSession("modern", undefined, async (session) => {
      const reservationId = await book(session, "ElicitOnly")
      const refused = await session.call("cancel_reservation", { reservationId })
      expect(refused.isError).toBe(true)
      expect(textOf(refused)).toContain("elicit-only")
      expect(await statusOf(session, reservationId)).toBe("Reserved")
    }, { OPERA_MCP_CONFIRMATION_MODE: "elicit-only" })
  })

  it("OPERA_MCP_CONFIRMATION_MODE=token never asks the user", async () => {
    await withSession("modern", "accept", async (session) => {
      const reservationId = await book(session, "TokenMode")
      const first = await session.call("cancel_reservation", { reservationId })
      expect(first.structuredContent).toHaveProperty("confirmationRequired")
      expect(session.asked).toHaveLength(0)
    }, { OPERA_MCP_CONFIRMATION_MODE: "token" })
  })

  it("a misspelt OPERA_MCP_CONFIRMATION_MODE stops start-up and names the setting", () => {
    const run = spawnSync(process.execPath, [builtBinary, "serve", "--sandbox"], {
      env: { PATH: process.env.PATH ?? "", OPERA_MCP_CONFIRMATION_MODE: "elicit" },
      encoding: "utf8",
      timeout: 30_000,
      input: ""
    })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain("OPERA_MCP_CONFIRMATION_MODE")
  })
})

describe("a person confirms destructive calls over Streamable HTTP", () => {
  const env = {
    OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-confirm-")), "clients.json"),
    OPERA_SECURITY_AUDIT_DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), "opera-confirm-audit-")), "audit.db"),
    OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    OPERA_MCP_REQUIRE_CONFIRMATION: "true"
  }
  let server: HttpServerProcess
  let url: string
  let key: string
  const keys: Record<string, string> = {}
  beforeAll(async () => {
    key = addClient(env, "front-desk")
    for (const name of ["modern-accept", "modern-decline", "legacy-accept", "legacy-decline"]) keys[name] = addClient(env, name)
    const port = await freePort()
    url = `http://127.0.0.1:${port}/mcp`
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], env)
  })
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) server.child.kill("SIGKILL")
  })

  for (const [era, answer, expected] of [
    ["modern", "accept", "Cancelled"],
    ["modern", "decline", "Reserved"],
    ["legacy", "accept", "Cancelled"],
    ["legacy", "decline", "Reserved"]
  ] as const) {
    it(`${era}: the user answers ${answer}; the reservation ends ${expected}`, async () => {
      const session = await connectV2Http(url, keys[`${era}-${answer}`]!, era, answer)
      try {
        const reservationId = await book(session, `Http${era}${answer}`)
        const answered = await session.call("cancel_reservation", { reservationId })
        expect(answered.isError ?? false).toBe(answer !== "accept")
        expect(session.asked).toHaveLength(1)
        expect(await statusOf(session, reservationId)).toBe(expected)
      } finally {
        await session.close()
      }
    })
  }

  it("an answer counts only for the call it was asked for, once: another reservation, a forged or a replayed state is asked again", async () => {
    const setup = await connectV2Http(url, key, "modern")
    const [first, second] = [await book(setup, "StateA"), await book(setup, "StateB")]
    let id = 100
    const cancel = async (reservationId: string, retry?: { readonly state: string }) => {
      const body = {
        jsonrpc: "2.0",
        id: ++id,
        method: "tools/call",
        params: {
          name: "cancel_reservation",
          arguments: { reservationId },
          ...(retry !== undefined
            ? { inputResponses: { confirm: { action: "accept", content: { confirm: true } } }, requestState: retry.state }
            : {}),
          _meta: {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": { elicitation: { form: {} } }
          }
        }
      }
      const answer = await rawRequest(url, {
        headers: {
          ...mcpHeaders(key),
          "mcp-protocol-version": "2026-07-28",
          "mcp-method": "tools/call",
          "mcp-name": "cancel_reservation"
        },
        body: JSON.stringify(body)
      })
      expect(answer.status, answer.body).toBe(200)
      return (JSON.parse(answer.body) as { result: { resultType?: string; requestState?: string; isError?: boolean } }).result
    }
    try {
      const asked = await cancel(first)
      expect(asked.resultType).toBe("input_required")
      const state = asked.requestState!
      expect((await cancel(second, { state })).resultType).toBe("input_required")
      const [payload, mac] = state.split(".")
      const forged = `${Buffer.from(JSON.stringify({ binding: "x", expiresAt: 9e15, nonce: "n" })).toString("base64url")}.${mac}`
      expect((await cancel(second, { state: forged })).resultType).toBe("input_required")
      expect(payload).toBeDefined()
      expect(await statusOf(setup, second)).toBe("Reserved")
      const done = await cancel(first, { state })
      expect(done.resultType ?? "complete").toBe("complete")
      expect(done.isError ?? false).toBe(false)
      expect(await statusOf(setup, first)).toBe("Cancelled")
      expect((await cancel(first, { state })).resultType).toBe("input_required")
    } finally {
      await setup.close()
    }
  })
})
