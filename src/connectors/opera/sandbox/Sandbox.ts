import { createServer } from "node:http"
import { make as makeNodeHttpServer } from "@effect/platform-node/NodeHttpServer"
import { Clock, Effect, Option, Redacted } from "effect"
import type { OperaConnectionShape } from "../client/OperaConnection.js"
import type { SandboxCredentials, SandboxCredentialsInput } from "./credentials.js"
import { makeCredentials } from "./credentials.js"
import { makeSandboxApp } from "./dispatch.js"
import type { FaultRule } from "./faults.js"
import { makeFaultStore } from "./faults.js"
import type { GuestRecord, PropertySnapshot } from "./property.js"
import { makePropertyState } from "./PropertyState.js"
import { routeMap } from "./routeTable.js"
import { defaultSeed, primaryHotel, secondaryHotel, seedProperty } from "./seed.js"
import { makeTokenStore } from "./tokens.js"
import { makeTrafficLog } from "./traffic.js"

export interface SandboxOptions {
  /** TCP port; 0 (the default) lets the OS pick a free one. */
  readonly port?: number
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string
  /** PRNG seed of the property's data; the same seed (and Clock date) gives the same hotel. */
  readonly seed?: number
  /** Lifetime of issued access tokens; default 3600 s as in OHIP. */
  readonly tokenLifetimeSeconds?: number
  /** Fixed credentials; anything not given is random per start. */
  readonly credentials?: SandboxCredentialsInput
  /** How many exchanges `traffic` keeps; default 1000. */
  readonly trafficCapacity?: number
}

const urlHost = (host: string) => host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host

/**
 * An embedded OPERA Cloud: a real HTTP server on 127.0.0.1 that serves the
 * OHIP operations in `routeMap` over a seeded property, with OAuth tokens,
 * fault injection and a record of the traffic. It lives as long as its scope.
 */
export class Sandbox extends Effect.Service<Sandbox>()("sandbox/Sandbox", {
  scoped: (options: SandboxOptions = {}) =>
    Effect.gen(function*() {
      const host = options.host ?? "127.0.0.1"
      const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600
      const credentials: SandboxCredentials = yield* makeCredentials(options.credentials)
      const initial: PropertySnapshot = seedProperty(options.seed ?? defaultSeed, yield* Clock.currentTimeMillis)
      const property = yield* makePropertyState(initial)
      const tokens = yield* makeTokenStore
      const faults = yield* makeFaultStore
      const traffic = yield* makeTrafficLog(options.trafficCapacity ?? 1000)

      const server = yield* makeNodeHttpServer(() => createServer(), { port: options.port ?? 0, host }).pipe(Effect.orDie)
      const port = server.address._tag === "TcpAddress" ? server.address.port : 0
      const baseUrl = `http://${urlHost(host)}:${port}`
      const env = { property, tokens, credentials, tokenLifetimeSeconds, baseUrl }
      yield* server.serve(makeSandboxApp({ env, faults, traffic, hotelIds: initial.hotels.map((hotel) => hotel.hotelId) }))

      const connection: OperaConnectionShape = {
        baseUrl,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        clientSecretFile: Option.none(),
        appKey: credentials.appKey,
        enterpriseId: Option.some(credentials.enterpriseId),
        hotelId: primaryHotel.hotelId,
        scope: Option.some(credentials.scope),
        username: Option.none(),
        password: Option.none(),
        timeoutMs: 30_000
      }

      return {
        baseUrl,
        port,
        hotelId: primaryHotel.hotelId,
        otherHotelId: secondaryHotel.hotelId,
        /** The property's business date ("today" in the seeded data). */
        businessDate: initial.businessDate,
        credentials,
        /** A client-credentials connection to this sandbox, ready for the OPERA client. */
        connection,
        /** The OHIP operations served: route → module, operationId, method, spec path. */
        routes: routeMap,
        faults: {
          inject: (rule: FaultRule): Effect.Effect<void> => faults.inject(rule),
          clear: faults.clear
        },
        /** Every exchange (request and answer), oldest first. Holds tokens as sent: never print it. */
        traffic: traffic.all,
        clearTraffic: traffic.clear,
        /** Requests to the token endpoint so far, successful or not. */
        tokenRequests: tokens.requests,
        /** Every access token issued so far (for leak scans). */
        issuedTokens: tokens.issued,
        /** Invalidates every token issued so far: the next data call with one of them gets 401. */
        revokeTokens: tokens.revokeAll,
        /** Accepts a second client secret, as OHIP does while a rotation is under way. */
        addClientSecret: (secret: Redacted.Redacted<string>) => tokens.acceptSecret(Redacted.value(secret)),
        /** The guests as seeded (for PII leak scans: names, e-mails, phones). */
        seededGuests: [...initial.guests.values()] as ReadonlyArray<GuestRecord>,
        /** The property's current state. */
        snapshot: property.snapshot
      } as const
    })
}) {
  /** A sandbox for the lifetime of the layer; needs nothing from the caller. */
  static layer = (options?: SandboxOptions) => Sandbox.Default(options)
}
