/**
 * The main job, end to end: an MCP client session (the SDK's Client over
 * stdio) against the built server running on the embedded OPERA sandbox.
 * Run with `npm run demo`.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const binary = path.resolve(here, "../opera-cloud-mcp.mjs")

const print = (line = "") => process.stdout.write(`${line}\n`)
const indent = (text: string) => text.split("\n").map((line) => `    ${line}`).join("\n")
const textOf = (result: CallToolResult) =>
  result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n")

const isoDate = (daysFromToday: number) => {
  const day = new Date()
  day.setUTCDate(day.getUTCDate() + daysFromToday)
  return day.toISOString().slice(0, 10)
}

const main = async () => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binary, "serve", "--sandbox"],
    stderr: "ignore"
  })
  const client = new Client({ name: "opera-cloud-mcp-demo", version: "1.0.0" })
  await client.connect(transport)
  const info = client.getServerVersion()
  print(`connected to ${info?.name} ${info?.version} over stdio (OPERA sandbox)`)

  const step = async (title: string, name: string, args: Record<string, unknown>) => {
    print()
    print(`▶ ${title}: ${name} ${JSON.stringify(args)}`)
    let result = (await client.callTool({ name, arguments: args })) as CallToolResult
    const structured = result.structuredContent as Record<string, unknown> | undefined
    // A destructive tool answers first with what would change and a single-use token (this client has no elicitation).
    const required = structured?.confirmationRequired as { confirmationToken?: string } | undefined
    const token = required?.confirmationToken
    if (token !== undefined) {
      print(indent(textOf(result)))
      print(`▶ confirming: ${name} with confirmationToken`)
      result = (await client.callTool({ name, arguments: { ...args, confirmationToken: token } })) as CallToolResult
    }
    print(indent(textOf(result)))
    if (result.isError) throw new Error(`${name} failed`)
    return (result.structuredContent ?? structured ?? {}) as Record<string, unknown>
  }

  const { tools } = await client.listTools()
  print()
  print(`▶ tools/list: ${tools.length} tools`)
  print(indent(tools.map((tool) => `${tool.name}${tool.annotations?.readOnlyHint ? "" : " (writes)"}`).join(", ")))

  const found = await step("Reservations arriving in the next week", "search_reservations", {
    arrivalFrom: isoDate(0),
    arrivalTo: isoDate(7),
    limit: 5
  })
  const first = (found.reservations as Array<{ reservationId: string; guest: { name?: string } }>)[0]
  if (first === undefined) throw new Error("the sandbox returned no reservations")
  await step("One reservation", "get_reservation", { reservationId: first.reservationId })

  const created = await step("A new reservation", "create_reservation", {
    guest: { givenName: "Ada", surname: "Lovelace" },
    arrivalDate: isoDate(14),
    departureDate: isoDate(16),
    roomType: "KING",
    ratePlanCode: "BAR",
    adults: 2
  })
  await step("Cancel it (a destructive tool: two steps)", "cancel_reservation", {
    reservationId: (created.reservation as { reservationId: string }).reservationId,
    reason: "Demo booking"
  })

  const surname = first.guest.name?.split(" ").at(-1) ?? "Smith"
  const guests = await step(`Guests named ${surname}`, "search_guests", { surname, limit: 3 })
  const guest = (guests.guests as Array<{ profileId: string }>)[0]
  if (guest !== undefined) await step("One guest profile", "get_guest_profile", { profileId: guest.profileId })

  await step("Security health check", "security_health_check", {})
  await client.close()

  // The second connector, behind the same pipeline: OIPA (insurance policies), read-only, on its seeded SQLite sandbox.
  const oipa = new Client({ name: "opera-cloud-mcp-demo", version: "1.0.0" })
  await oipa.connect(new StdioClientTransport({
    command: process.execPath,
    args: [binary, "serve", "--sandbox", "--connector", "oipa"],
    stderr: "ignore"
  }))
  print()
  print("connected again with --connector oipa (Oracle Insurance Policy Administration sandbox)")
  const policies = (await oipa.callTool({
    name: "oipa_search_policies",
    arguments: { status: "Active", limit: 3 }
  })) as CallToolResult
  print()
  print(`▶ Active policies: oipa_search_policies {"status":"Active","limit":3}`)
  print(indent(textOf(policies)))
  if (policies.isError) throw new Error("oipa_search_policies failed")
  await oipa.close()
  print()
  print("done: every call above went through access policy, rate limiting, audit and redaction.")
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
