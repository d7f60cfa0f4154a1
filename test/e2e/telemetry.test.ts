import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createServer } from "node:http"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { startServer } from "../support/serverProcess.js"

// An OTLP/HTTP receiver on loopback: keeps every export the server posts.
interface Export {
  readonly path: string
  readonly contentType: string
  readonly body: Buffer
}
const startReceiver = async () => {
  const exports: Array<Export> = []
  const server: Server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      exports.push({ path: request.url ?? "", contentType: request.headers["content-type"] ?? "", body: Buffer.concat(chunks) })
      response.writeHead(200, { "content-type": "application/json" }).end("{}")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

interface OtlpAttribute {
  readonly key: string
  readonly value: { readonly stringValue?: string; readonly intValue?: string | number; readonly boolValue?: boolean }
}
interface OtlpSpan {
  readonly name: string
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly attributes: ReadonlyArray<OtlpAttribute>
  readonly status?: { readonly code: number }
}
const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((entry) => entry.key === key)?.value
  return value?.stringValue ?? value?.intValue ?? value?.boolValue
}
const spansIn = (exports: ReadonlyArray<Export>): Array<OtlpSpan> =>
  exports.filter((post) => post.path === "/v1/traces").flatMap((post) => {
    const body = JSON.parse(post.body.toString("utf8")) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<OtlpSpan> }> }>
    }
    return body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans))
  })

const waitFor = async (done: () => boolean, what: string) => {
  for (let tries = 0; tries < 100 && !done(); tries++) await new Promise((resolve) => setTimeout(resolve, 100))
  if (!done()) throw new Error(`timed out waiting for ${what}`)
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

describe.each([
  { protocol: "http/json", contentType: "application/json" },
  { protocol: "http/protobuf", contentType: "application/x-protobuf" }
])("OpenTelemetry from the built server over OTLP/HTTP ($protocol) to a receiver on loopback", ({ protocol, contentType }) => {
  let opera: RunningSandbox
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  const personal: Array<string> = []
  let stderr = ""

  beforeAll(async () => {
    opera = await startSandbox()
    receiver = await startReceiver()
    const session = await startServer({
      args: ["serve"],
      env: {
        ...opera.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20receiver-credential-7f3a",
        OTEL_SERVICE_NAME: "hotel-telemetry-test"
      }
    })
    const found = await session.call("search_reservations", { arrivalFrom: inDays(0), arrivalTo: inDays(7), limit: 3 })
    expect(found.isError).toBeFalsy()
    const reservations = (found.structuredContent as { reservations: Array<{ reservationId: string; guest: { name: string } }> })
      .reservations
    const first = reservations[0]!
    personal.push(first.reservationId)
    const surname = first.guest.name.split(" ").at(-1)!
    const guests = await session.call("search_guests", { surname, limit: 3 })
    const guestList = (guests.structuredContent as { guests: Array<{ profileId: string }> }).guests
    const profile = await session.call("get_guest_profile", { profileId: guestList[0]!.profileId })
    expect(profile.isError).toBeFalsy()
    // The profile as the tool that exists to show it shows it: every name, email and phone in it is PII.
    const shown = JSON.stringify(profile.structuredContent)
    for (const match of shown.matchAll(/"(?:givenName|surname|name|email|phone|phoneNumber)":"([^"*]{3,})"/g)) personal.push(match[1]!)
    personal.push(surname, guestList[0]!.profileId)
    const created = await session.call("create_reservation", {
      guest: { givenName: "Ottoline", surname: "Quillfeather" },
      arrivalDate: inDays(30),
      departureDate: inDays(32),
      roomType: "QUEEN",
      ratePlanCode: "BAR",
      adults: 1
    })
    expect(created.isError, JSON.stringify(created.content)).toBeFalsy()
    personal.push("Ottoline", "Quillfeather")
    const missing = await session.call("get_reservation", { reservationId: "88880000" })
    expect(missing.isError).toBe(true)
    personal.push("88880000")
    stderr = session.stderr()
    // Closing stdin ends the server, which flushes its exporters on the way out.
    await session.close()
    await waitFor(() => receiver.exports.some((post) => post.path === "/v1/traces"), "the trace export")
    await waitFor(() => receiver.exports.some((post) => post.path === "/v1/metrics"), "the metrics export")
  }, 60_000)
  afterAll(async () => {
    await receiver?.stop()
    await opera?.stop()
  })

  it("posts to the OTLP/HTTP paths with the protocol's content type and the configured headers", () => {
    for (const post of receiver.exports) {
      expect(["/v1/traces", "/v1/metrics"]).toContain(post.path)
      expect(post.contentType).toContain(contentType)
    }
    const everything = Buffer.concat(receiver.exports.map((post) => post.body)).toString("utf8")
    expect(everything).toContain("hotel-telemetry-test")
    expect(everything).toContain("mcp.tool.call")
    expect(everything).toContain("opera.request.duration")
    expect(everything).toContain("mcp.tool.calls")
  })

  it("exports no secret and no guest data: not in attributes, events or failure details", async () => {
    const everything = Buffer.concat(receiver.exports.map((post) => post.body)).toString("utf8")
    const secrets = [...await opera.secrets(), "receiver-credential-7f3a"]
    expect(personal.length).toBeGreaterThan(6)
    for (const needle of [...secrets, ...personal]) {
      const at = everything.indexOf(needle)
      expect(at, `${needle} in …${everything.slice(Math.max(0, at - 300), at + 100)}`).toBe(-1)
    }
    expect(stderr).not.toContain("receiver-credential-7f3a")
  })

  it.runIf(protocol === "http/json")("has a span per tool call with its pipeline steps and the OPERA request inside", () => {
    const spans = spansIn(receiver.exports)
    const calls = spans.filter((span) => span.name === "mcp.tool.call")
    expect(calls.map((span) => attribute(span, "mcp.tool.name")).sort()).toEqual(
      ["create_reservation", "get_guest_profile", "get_reservation", "search_guests", "search_reservations"]
    )
    const search = calls.find((span) => attribute(span, "mcp.tool.name") === "search_reservations")!
    expect(attribute(search, "mcp.tool.outcome")).toBe("success")
    expect(attribute(search, "mcp.transport")).toBe("stdio")
    const inSearch = spans.filter((span) => span.traceId === search.traceId)
    const names = new Set(inSearch.map((span) => span.name))
    for (const step of ["pipeline.access_policy", "pipeline.rate_limit", "pipeline.decode_arguments", "pipeline.threat_screen",
      "pipeline.handler", "pipeline.redact", "pipeline.audit_outcome", "opera.request"]) {
      expect(names.has(step), step).toBe(true)
    }
    const handler = inSearch.find((span) => span.name === "pipeline.handler")!
    expect(handler.parentSpanId).toBe(search.spanId)
    const request = inSearch.find((span) => span.name === "opera.request")!
    expect(attribute(request, "http.response.status_code")).toBe(200)
    expect(attribute(request, "http.request.method")).toBe("GET")
    expect(typeof attribute(request, "opera.operation_id")).toBe("string")

    // A write records its intent first; a failed call says how it failed by error tag only.
    const create = calls.find((span) => attribute(span, "mcp.tool.name") === "create_reservation")!
    expect(spans.some((span) => span.traceId === create.traceId && span.name === "pipeline.audit_intent")).toBe(true)
    const failedCall = calls.find((span) => attribute(span, "mcp.tool.name") === "get_reservation")!
    expect(attribute(failedCall, "mcp.tool.error_tag")).toBe("OperaNotFound")
    const notFound = spans.find((span) => span.traceId === failedCall.traceId && span.name === "opera.request")!
    expect(attribute(notFound, "http.response.status_code")).toBe(404)
    expect(notFound.status?.code).toBe(2)
  })
})
