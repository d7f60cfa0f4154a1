/**
 * ArcSight Common Event Format (CEF, revision 25): one event per line,
 * `CEF:0|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`.
 */

export interface CefDevice {
  readonly vendor: string
  readonly product: string
  readonly version: string
}

export interface CefEvent {
  readonly signatureId: string
  readonly name: string
  /** 0 (lowest) to 10 (highest). */
  readonly severity: number
  /** key=value pairs in this order; an undefined value leaves its key out. */
  readonly extension: ReadonlyArray<readonly [key: string, value: string | number | undefined]>
}

const headerSpecial = /[\\|\r\n]/
const extensionSpecial = /[\\=\r\n]/

/** Header fields: `\` and `|` are escaped; a line break would end the event, so it becomes a space. */
export const escapeHeader = (value: string): string =>
  !headerSpecial.test(value)
    ? value
    : value.replace(/[\r\n]+/g, " ").replace(/\\/g, "\\\\").replace(/\|/g, "\\|")

/** Extension values: `\`, `=` and line breaks are escaped (a pipe needs none there). */
export const escapeExtension = (value: string): string =>
  !extensionSpecial.test(value)
    ? value
    : value.replace(/\\/g, "\\\\").replace(/=/g, "\\=").replace(/\r\n|\n/g, "\\n").replace(/\r/g, "\\r")

export const cefLine = (device: CefDevice, event: CefEvent): string => {
  const severity = Math.min(10, Math.max(0, Math.round(event.severity)))
  const header = [device.vendor, device.product, device.version, event.signatureId, event.name].map(escapeHeader)
  // Keys are ours (letters and digits), never input; only values need escaping.
  const extension = event.extension.flatMap(([key, value]) =>
    value === undefined ? [] : [`${key}=${escapeExtension(String(value))}`]
  )
  return `CEF:0|${header.join("|")}|${severity}|${extension.join(" ")}`
}

const unescapeExtension = (value: string): string =>
  value.replace(/\\(.)/g, (_, escaped: string) => escaped === "n" ? "\n" : escaped === "r" ? "\r" : escaped)

/**
 * The extension of one of our own CEF lines, as key → value: what a restart reads back from an output
 * file to find how far it got. Undefined when the line is not a CEF line with its seven header fields.
 */
export const readCefExtension = (line: string): ReadonlyMap<string, string> | undefined => {
  const start = line.indexOf("CEF:")
  if (start < 0) return undefined
  let pipes = 0
  let index = start
  for (; index < line.length && pipes < 7; index++) {
    if (line[index] === "\\") index++
    else if (line[index] === "|") pipes++
  }
  if (pipes < 7) return undefined
  const extension = line.slice(index)
  // A key starts after a space (or at the start) and ends at an `=`: in a value every `=` is escaped,
  // and a key holds no backslash, so `key=` never matches inside a value.
  const keys: Array<{ readonly key: string; readonly from: number; readonly valueFrom: number }> = []
  const keyPattern = /(?:^| )([A-Za-z0-9_]+)=/g
  for (let match = keyPattern.exec(extension); match !== null; match = keyPattern.exec(extension)) {
    keys.push({ key: match[1] ?? "", from: match.index, valueFrom: match.index + match[0].length })
  }
  const values = new Map<string, string>()
  keys.forEach((entry, position) => {
    const end = keys[position + 1]?.from ?? extension.length
    values.set(entry.key, unescapeExtension(extension.slice(entry.valueFrom, end)))
  })
  return values
}
