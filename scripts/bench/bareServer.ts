/**
 * The baseline of `npm run bench`: a bare MCP SDK low-level Server with one
 * tool, get_reservation, that calls the same sandbox route with plain fetch and
 * a bearer token fetched once at start-up. No policy, rate limit, decoding,
 * audit or redaction: what the security pipeline is compared against.
 *
 * Settings come from the OPERA_* environment the real server reads.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js"

const setting = (name: string): string => {
  const value = process.env[name]
  if (value === undefined || value === "") throw new Error(`${name} is not set`)
  return value
}

const baseUrl = setting("OPERA_BASE_URL")
const appKey = setting("OPERA_APP_KEY")
const hotelId = setting("OPERA_HOTEL_ID")

const fetchToken = async (): Promise<string> => {
  const basic = Buffer.from(`${setting("OPERA_CLIENT_ID")}:${setting("OPERA_CLIENT_SECRET")}`).toString("base64")
  const response = await fetch(`${baseUrl}/oauth/v1/tokens`, {
    method: "POST",
    headers: {
      authorization: `Basic ${basic}`,
      "x-app-key": appKey,
      enterpriseId: setting("OPERA_ENTERPRISE_ID"),
      "content-type": "application/x-www-form-urlencoded"
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: setting("OPERA_SCOPE") }).toString()
  })
  if (!response.ok) throw new Error(`token request failed with HTTP ${response.status}`)
  const body = (await response.json()) as { access_token?: unknown }
  if (typeof body.access_token !== "string") throw new Error("token response without access_token")
  return body.access_token
}

const main = async () => {
  const token = await fetchToken()
  const server = new Server({ name: "bare-baseline", version: "1.0.0" }, { capabilities: { tools: {} } })
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [{
      name: "get_reservation",
      description: "Read one reservation (no security layer)",
      inputSchema: { type: "object", properties: { reservationId: { type: "string" } }, required: ["reservationId"] }
    }]
  }))
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const reservationId = String(request.params.arguments?.reservationId ?? "")
    const url = `${baseUrl}/rsv/v1/hotels/${encodeURIComponent(hotelId)}/reservations/${encodeURIComponent(reservationId)}`
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, "x-app-key": appKey, "x-hotelid": hotelId, accept: "application/json" }
    })
    const text = await response.text()
    if (!response.ok) return { content: [{ type: "text", text: `HTTP ${response.status}` }], isError: true }
    return { content: [{ type: "text", text }], structuredContent: JSON.parse(text) as Record<string, unknown> }
  })
  await server.connect(new StdioServerTransport())
  process.stdin.once("end", () => void server.close())
}

main().catch((error: unknown) => {
  process.stderr.write(`bare server: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
