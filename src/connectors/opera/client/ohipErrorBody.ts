import { Option, Schema } from "effect"

/** The parts of an OHIP error body (exceptionDetailType) worth showing a person. */
const OhipErrorBody = Schema.Struct({
  title: Schema.optional(Schema.String),
  detail: Schema.optional(Schema.String),
  "o:errorCode": Schema.optional(Schema.String)
})

const decode = Schema.decodeUnknownOption(Schema.parseJson(OhipErrorBody))

// Control characters are stripped and length capped: the text is OPERA's, not ours.
const clean = (text: string) =>
  text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, 200).replace(/[.\s]+$/, "")

/** OPERA's own one-line explanation of a refusal, when its body carries one. */
export const describeOhipError = (body: string): Option.Option<string> =>
  decode(body).pipe(
    Option.flatMap((error) => {
      const text = [error.title, error.detail].filter((part): part is string => part !== undefined && part !== "")
        .map(clean)
        .filter((part, index, all) => all.indexOf(part) === index)
        .join(" — ")
      return text === "" ? Option.none() : Option.some(text)
    })
  )
