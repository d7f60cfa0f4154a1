import { Config, ConfigError, Either, Option, Redacted } from "effect"
import { readFileSync } from "node:fs"

/**
 * Setting readers whose error messages never echo the value that was read:
 * a malformed secret must not land in a start-up error line.
 */
const invalid = (message: string) => ConfigError.InvalidData([], message)

export const text = (name: string) => Config.string(name)

export const optionalText = (name: string) =>
  Config.option(Config.string(name)).pipe(
    Config.map(Option.filter((value) => value.trim().length > 0))
  )

export const secret = (name: string) => Config.redacted(name)

/**
 * A secret kept in a file (mode 0600, e.g. a mounted secret) named by the setting: read once at
 * start-up; the file's content is the secret, surrounding whitespace ignored.
 */
export const secretFromFile = (name: string) =>
  Config.string(name).pipe(
    Config.mapOrFail((file) =>
      Either.try({ try: () => readFileSync(file.trim(), "utf8").trim(), catch: () => invalid("names a file that cannot be read") })
        .pipe(Either.flatMap((text) => text.length > 0 ? Either.right(Redacted.make(text)) : Either.left(invalid("names an empty file"))))
    )
  )

export const optionalSecret = (name: string) =>
  Config.option(Config.redacted(name)).pipe(
    Config.map(Option.filter((value) => Redacted.value(value).length > 0))
  )

export const wholeNumber = (name: string, bounds: { readonly min: number; readonly max: number }) =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      const value = Number(raw.trim())
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
        return Either.left(invalid("must be a whole number"))
      }
      if (value < bounds.min || value > bounds.max) {
        return Either.left(invalid(`must be between ${bounds.min} and ${bounds.max}`))
      }
      return Either.right(value)
    })
  )

export const fraction = (name: string) =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      const value = Number(raw.trim())
      return raw.trim() !== "" && Number.isFinite(value) && value >= 0 && value <= 1
        ? Either.right(value)
        : Either.left(invalid("must be a number from 0 to 1"))
    })
  )

export const flag = (name: string) =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      const value = raw.trim().toLowerCase()
      if (["true", "1", "yes", "on"].includes(value)) return Either.right(true)
      if (["false", "0", "no", "off"].includes(value)) return Either.right(false)
      return Either.left(invalid("must be true or false"))
    })
  )

export const oneOf = <const A extends string>(name: string, choices: ReadonlyArray<A>) =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      const value = raw.trim() as A
      return choices.includes(value)
        ? Either.right(value)
        : Either.left(invalid(`must be one of ${choices.join(", ")}`))
    })
  )

export const list = (name: string) =>
  Config.string(name).pipe(
    Config.map((raw) =>
      raw.split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0)
    )
  )

export const httpUrl = (name: string) =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      const parsed = URL.canParse(raw.trim()) ? new URL(raw.trim()) : undefined
      if (parsed === undefined || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
        return Either.left(invalid("must be an http(s) URL"))
      }
      if (parsed.username !== "" || parsed.password !== "") {
        return Either.left(invalid("must not carry credentials in the URL"))
      }
      return Either.right(parsed.origin + parsed.pathname.replace(/\/+$/, ""))
    })
  )

/** One line per problem: the variable's name and what is wrong, never its value. */
export const describeConfigError = (error: ConfigError.ConfigError): ReadonlyArray<string> =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left: ReadonlyArray<string>, right: ReadonlyArray<string>) => [...left, ...right],
    orCase: (_, left: ReadonlyArray<string>, right: ReadonlyArray<string>) => [...left, ...right],
    invalidDataCase: (_, path, message) => [`${path.join("_")}: ${message}`],
    missingDataCase: (_, path) => [`${path.join("_")}: is not set`],
    sourceUnavailableCase: (_, path) => [`${path.join("_")}: could not be read`],
    unsupportedCase: (_, path) => [`${path.join("_")}: is not supported`]
  }).filter((line, index, all) => all.indexOf(line) === index)
