import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { testCardNumber } from "./arbitraries.js"
import type { RawServer } from "./rawServer.js"
import { startRawServer } from "./rawServer.js"
import { fuzzSettings, scanForLeaks, stackTrace, writeSummary } from "./support.js"

describe("broken protocol over stdio: clear JSON-RPC errors or a clean exit, never a hang", () => {
  let opera: RunningSandbox
  let server: RawServer | undefined
  const transcripts: Record<string, string> = {}
  const outcomes: Record<string, string> = {}

  beforeAll(async () => {
    opera = await startSandbox(fuzzSettings)
  })
  afterEach((context) => {
    if (server !== undefined) {
      transcripts[`stdout: ${context.task.name}`] = server.stdout()
      transcripts[`stderr: ${context.task.name}`] = server.stderr()
      outcomes[context.task.name] = context.task.result?.state ?? "unknown"
      server.kill()
      server = undefined
    }
  })
  afterAll(async () => {
    const hits = await scanForLeaks(opera, transcripts)
    await writeSummary("protocol", { cases: Object.keys(outcomes).length, outcomes, leaks: hits.length })
    await opera?.stop()
    expect(hits).toEqual([])
    for (const [name, text] of Object.entries(transcripts)) expect(stackTrace.test(text), name).toBe(false)
  })

  const listHotels = (id: number) => ({ id, method: "tools/call", params: { name: "list_hotels", arguments: {} } })

  it("invalid JSON lines are dropped and the server keeps answering", async () => {
    server = startRawServer(opera.env)
    await server.initialize()
    for (const line of ["{", "not json at all", "{\"jsonrpc\":\"2.0\",\"id\":", "\u0000\u0001\u0002", "[1,2,3]", "null"]) {
      server.writeLine(line)
    }
    server.send(listHotels(1))
    const answer = await server.answer(1)
    expect(answer.error).toBeUndefined()
    expect(answer.result?.isError).toBeFalsy()
  })

  it("an unknown method gets -32601 Method not found", async () => {
    server = startRawServer(opera.env)
    await server.initialize()
    server.send({ id: 1, method: "opera/dumpSecrets", params: {} })
    const answer = await server.answer(1)
    expect(answer.error?.code).toBe(-32601)
    server.send(listHotels(2))
    expect((await server.answer(2)).result?.isError).toBeFalsy()
  })

  it("tools/call with arguments that are not an object gets a JSON-RPC error, not a crash", async () => {
    server = startRawServer(opera.env)
    await server.initialize()
    server.send({ id: 1, method: "tools/call", params: { name: "get_reservation", arguments: ["500001"] } })
    server.send({ id: 2, method: "tools/call", params: { name: 42 } })
    const [first, second] = [await server.answer(1), await server.answer(2)]
    expect(first.error?.code ?? (first.result?.isError === true ? 0 : undefined)).toBeDefined()
    // The SDK answers a request that fails its schema with -32603 and the validation message.
    expect(second.error?.code).toBeTypeOf("number")
    expect(second.error?.message).toMatch(/name|string|invalid/i)
    server.send(listHotels(3))
    expect((await server.answer(3)).result?.isError).toBeFalsy()
  })

  it("an oversize message (8 MB) is refused without taking the server down or hanging", async () => {
    server = startRawServer(opera.env)
    await server.initialize()
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "search_guests", arguments: { surname: "x".repeat(8 * 1024 * 1024) } }
    })
    server.writeLine(huge)
    server.send(listHotels(2))
    // Either the transport drops the oversize line and goes on, or it closes and the process exits cleanly.
    const outcome = await Promise.race([
      server.answer(2, 20_000).then((answer) => ({ answered: answer })),
      server.exited(20_000).then((code) => ({ exited: code }))
    ])
    if ("exited" in outcome) expect(outcome.exited).toBe(0)
    else expect(outcome.answered.result?.isError).toBeFalsy()
  })

  it("calls before initialize get an answer (an error or a result), never silence", async () => {
    server = startRawServer(opera.env)
    server.send(listHotels(1))
    server.send({ id: 2, method: "tools/list", params: {} })
    const [first, second] = [await server.answer(1), await server.answer(2)]
    expect(first.error !== undefined || first.result !== undefined).toBe(true)
    expect(second.error !== undefined || second.result !== undefined).toBe(true)
  })

  it("stdin closed in the middle of a call: the process exits cleanly", async () => {
    server = startRawServer(opera.env)
    await server.initialize()
    server.send({ id: 1, method: "tools/call", params: { name: "search_reservations", arguments: { limit: 50 } } })
    server.process.stdin.end()
    expect(await server.exited(20_000)).toBe(0)
  })

  it("stdin closed half-way through a message: the process exits cleanly", async () => {
    server = startRawServer(opera.env)
    await server.initialize()
    server.process.stdin.end("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/ca")
    expect(await server.exited(20_000)).toBe(0)
  })

  it("an unknown tool named like a card number is refused without echoing the number", async () => {
    server = startRawServer(opera.env)
    await server.initialize()
    server.send({ id: 1, method: "tools/call", params: { name: testCardNumber, arguments: {} } })
    const answer = await server.answer(1)
    expect(answer.result?.isError).toBe(true)
    expect(JSON.stringify(answer)).not.toContain(testCardNumber)
  })
})
