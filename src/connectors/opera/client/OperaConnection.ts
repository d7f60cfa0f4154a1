import { Config, Context, Layer, Option, Redacted } from "effect"
import { httpUrl, optionalSecret, optionalText, secret, secretFromFile, text, wholeNumber } from "../../../config/settings.js"

/**
 * Where and as whom this server talks to OPERA Cloud. Two real sources:
 * the OPERA_* environment of a property, or the embedded sandbox.
 */
export interface OperaConnectionShape {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** Where the secret was read from, when it came from a file: the server follows changes to it (rotation). */
  readonly clientSecretFile: Option.Option<string>
  readonly appKey: Redacted.Redacted<string>
  readonly enterpriseId: Option.Option<string>
  readonly hotelId: string
  readonly scope: Option.Option<string>
  readonly username: Option.Option<string>
  readonly password: Option.Option<Redacted.Redacted<string>>
  readonly timeoutMs: number
}

export class OperaConnection extends Context.Tag("opera/OperaConnection")<
  OperaConnection,
  OperaConnectionShape
>() {}

export const operaConnectionConfig: Config.Config<OperaConnectionShape> = Config.all({
  baseUrl: httpUrl("OPERA_BASE_URL"),
  clientId: text("OPERA_CLIENT_ID"),
  clientSecret: secret("OPERA_CLIENT_SECRET").pipe(
    Config.orElse(() => secretFromFile("OPERA_CLIENT_SECRET_FILE"))
  ),
  clientSecretFile: optionalText("OPERA_CLIENT_SECRET_FILE"),
  appKey: secret("OPERA_APP_KEY"),
  enterpriseId: optionalText("OPERA_ENTERPRISE_ID"),
  // The canonical spelling, as hotel ids in tool arguments are decoded.
  hotelId: text("OPERA_HOTEL_ID").pipe(Config.map((hotel) => hotel.trim().toUpperCase())),
  scope: optionalText("OPERA_SCOPE"),
  username: optionalText("OPERA_USERNAME"),
  password: optionalSecret("OPERA_PASSWORD"),
  timeoutMs: wholeNumber("OPERA_TIMEOUT_MS", { min: 100, max: 300_000 }).pipe(Config.withDefault(30_000))
})

/** The connection of a real property, read from the environment at start-up. */
export const OperaConnectionFromEnv = Layer.effect(OperaConnection, operaConnectionConfig)
