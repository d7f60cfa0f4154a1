import { Command, Options } from "@effect/cli"
import { Console, Effect, Redacted } from "effect"
import { Sandbox } from "../connectors/opera/sandbox/Sandbox.js"
import { withEnvironment } from "./environmentHelp.js"

const port = Options.integer("port").pipe(
  Options.withDefault(0),
  Options.withDescription("TCP port on 127.0.0.1 (0 lets the system choose)")
)

// These are the sandbox's own throw-away credentials: showing them is the point of this command.
const banner = (sandbox: Sandbox) => {
  const { clientId, clientSecret, appKey } = sandbox.credentials
  const basic = Buffer.from(`${clientId}:${Redacted.value(clientSecret)}`).toString("base64")
  return [
    `OPERA Cloud sandbox listening on ${sandbox.baseUrl} (hotel ${sandbox.hotelId})`,
    `client id: ${clientId}`,
    `client secret: ${Redacted.value(clientSecret)}`,
    `app key: ${Redacted.value(appKey)}`,
    "",
    "Try:",
    `  curl -s -X POST ${sandbox.baseUrl}/oauth/v1/tokens -H 'Authorization: Basic ${basic}' \\`,
    `    -H 'x-app-key: ${Redacted.value(appKey)}' -d 'grant_type=client_credentials&scope=urn:opc:hgbu:ws:__myscopes__'`,
    `  curl -s ${sandbox.baseUrl}/rsv/v1/hotels/${sandbox.hotelId}/reservations?limit=5 \\`,
    `    -H "Authorization: Bearer $TOKEN" -H 'x-app-key: ${Redacted.value(appKey)}' -H 'x-hotelid: ${sandbox.hotelId}'`,
    "",
    "Press Ctrl+C to stop."
  ].join("\n")
}

export const sandboxCommand = Command.make("sandbox", { port }, ({ port }) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox
    yield* Console.log(banner(sandbox))
    return yield* Effect.never
  }).pipe(Effect.provide(Sandbox.layer({ port })))).pipe(
    Command.withDescription(withEnvironment(
      "sandbox",
      "Run the OPERA Cloud sandbox alone, so you can try OHIP requests with curl"
    ))
  )
