import type { AuditRecord, AuditSensitive } from "./model.js"

/**
 * Masks for an export without `--reveal`: enough to tell records apart and
 * follow an incident, not enough to identify the guest.
 */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf("@")
  if (at <= 0) return "***"
  return `${email.slice(0, 1)}***@${email.slice(at + 1)}`
}

export const maskName = (name: string): string =>
  name.split(/\s+/).filter((part) => part.length > 0).map((part) => `${part.slice(0, 1)}***`).join(" ")

export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/\D/g, "")
  return digits.length <= 2 ? "***" : `***${digits.slice(-2)}`
}

export const maskIp = (ip: string): string => {
  const v4 = ip.split(".")
  if (v4.length === 4) return `${v4[0]}.${v4[1]}.x.x`
  const v6 = ip.split(":")
  return v6.length > 2 ? `${v6[0]}:${v6[1]}:…` : "***"
}

export const maskUserAgent = (agent: string): string => {
  const product = agent.split(/[\s/]/)[0] ?? ""
  return product.length === 0 ? "***" : `${product}/***`
}

export const maskText = (text: string): string => `[masked, ${text.length} chars]`

export const maskClientId = (clientId: string): string => `${clientId.slice(0, 2)}***`

export const maskSensitive = (sensitive: AuditSensitive): AuditSensitive => ({
  ...(sensitive.details === undefined ? {} : { details: maskText(sensitive.details) }),
  ...(sensitive.guestNames === undefined ? {} : { guestNames: sensitive.guestNames.map(maskName) }),
  ...(sensitive.emails === undefined ? {} : { emails: sensitive.emails.map(maskEmail) }),
  ...(sensitive.phones === undefined ? {} : { phones: sensitive.phones.map(maskPhone) }),
  ...(sensitive.ipAddress === undefined ? {} : { ipAddress: maskIp(sensitive.ipAddress) }),
  ...(sensitive.userAgent === undefined ? {} : { userAgent: maskUserAgent(sensitive.userAgent) })
})

export const maskRecord = (record: AuditRecord): AuditRecord => ({
  ...record,
  clientId: maskClientId(record.clientId),
  sensitive: maskSensitive(record.sensitive)
})
