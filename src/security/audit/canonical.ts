/**
 * Canonical bytes: the one unambiguous encoding that MACs and signatures are
 * computed over. Every field is typed and length-prefixed, so no two different
 * rows (or a field boundary moved between two columns) encode the same way.
 *   null   → 0x00
 *   text   → 0x01 ‖ u32be(byteLength) ‖ utf8
 *   number → 0x02 ‖ float64be
 *   bytes  → 0x03 ‖ u32be(length) ‖ bytes
 * The domain string goes first, encoded as text.
 */
export type CanonicalField = string | number | Uint8Array | null

/**
 * One allocation per encoding: this runs once per row on append and on verify.
 * Self-contained on purpose (no reference to anything outside its body, only
 * the global Buffer): verify's worker threads run this same function from its
 * source text, so there is one encoder, not a copy that could drift.
 */
export const canonicalBytes = (domain: string, fields: ReadonlyArray<CanonicalField>): Buffer => {
  const sizeOf = (field: CanonicalField): number =>
    field === null
      ? 1
      : typeof field === "string"
      ? 5 + Buffer.byteLength(field, "utf8")
      : typeof field === "number"
      ? 9
      : 5 + field.length
  const writeField = (out: Buffer, offset: number, field: CanonicalField): number => {
    if (field === null) {
      out[offset] = 0
      return offset + 1
    }
    if (typeof field === "string") {
      out[offset] = 1
      const length = out.write(field, offset + 5, "utf8")
      out.writeUInt32BE(length, offset + 1)
      return offset + 5 + length
    }
    if (typeof field === "number") {
      out[offset] = 2
      out.writeDoubleBE(field, offset + 1)
      return offset + 9
    }
    out[offset] = 3
    out.writeUInt32BE(field.length, offset + 1)
    out.set(field, offset + 5)
    return offset + 5 + field.length
  }
  let size = sizeOf(domain)
  for (const field of fields) size += sizeOf(field)
  const out = Buffer.allocUnsafe(size)
  let offset = writeField(out, 0, domain)
  for (const field of fields) offset = writeField(out, offset, field)
  return out
}
