/**
 * The sandbox's fictional book of business, the same on every start: a
 * seeded PRNG (mulberry32) picks names, plans, dates and roles. Tax ids use
 * the 9xx area, which no person is issued; e-mails are at example.com.
 */
export interface SandboxRows {
  readonly AsCode: ReadonlyArray<Record<string, string | null>>
  readonly AsPlan: ReadonlyArray<Record<string, string>>
  readonly AsPolicy: ReadonlyArray<Record<string, string | null>>
  readonly AsClient: ReadonlyArray<Record<string, string | null>>
  readonly AsRole: ReadonlyArray<Record<string, string | number>>
  readonly AsSegment: ReadonlyArray<Record<string, string | null>>
}

const mulberry32 = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const statusCodes = [
  ["01", "Active", "Policy is in force"],
  ["02", "Pending", "Application received, not yet issued"],
  ["08", "Lapsed", "Premium not paid within the grace period"],
  ["09", "Surrendered", "Owner surrendered the policy"],
  ["14", "Terminated", "Coverage ended"]
] as const

const roleCodes = [
  ["01", "Owner", "Owns the policy"],
  ["02", "Insured", "Life insured under the policy"],
  ["03", "Beneficiary", "Receives the benefit"],
  ["04", "Payor", "Pays the premium"]
] as const

const firstNames = ["Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko", "Luis"]
const lastNames = ["Alvarez", "Brennan", "Castell", "Dubois", "Eriksen", "Fontaine", "Garrido", "Halvorsen", "Ivanova"]
const states = ["CA", "NY", "TX", "FL", "IL", "WA"]
const plans = ["Term Life 20", "Whole Life Classic", "Universal Life Flex", "Fixed Annuity 5"]

const companyGuid = "C0A1B2C3-0000-4000-8000-000000000001"

const pad = (n: number, width: number) => String(n).padStart(width, "0")

/** A calendar date `days` after 2020-01-01, as YYYY-MM-DD (pure arithmetic on a fixed epoch). */
const dayAfterEpoch = (days: number): string => {
  const date = new Date(Date.UTC(2020, 0, 1 + days))
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`
}

export const seedRows = (seed = 18): SandboxRows => {
  const random = mulberry32(seed)
  const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)]!
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
  const guid = (kind: number, n: number) =>
    `${pad(kind, 8)}-${pad(int(0, 9999), 4)}-4${pad(int(0, 999), 3)}-8${pad(n % 1000, 3)}-${pad(n, 12)}`

  const planRows = plans.map((PlanName, n) => ({
    PlanGUID: guid(1, n + 1),
    CompanyGUID: companyGuid,
    PlanName,
    StatusCode: "01"
  }))

  const clientRows: Array<Record<string, string | null>> = Array.from({ length: 40 }, (_, n) => {
    const firstName = pick(firstNames)
    // One name shaped like an injection, to prove it is only ever data.
    const lastName = n === 7 ? "O'Brien; DROP TABLE AsPolicy--" : pick(lastNames)
    return {
      ClientGUID: guid(2, n + 1),
      TypeCode: "01",
      FirstName: firstName,
      MiddleName: null,
      LastName: lastName,
      CompanyName: null,
      TaxID: `9${pad(int(0, 99), 2)}-${pad(int(70, 99), 2)}-${pad(int(0, 9999), 4)}`,
      DateOfBirth: dayAfterEpoch(-int(9000, 27000)),
      Sex: pick(["F", "M"]),
      Email: `${firstName.toLowerCase()}.${n + 1}@example.com`,
      StatusCode: "01"
    }
  })
  clientRows.push({
    ClientGUID: guid(2, 41),
    TypeCode: "02",
    FirstName: null,
    MiddleName: null,
    LastName: null,
    CompanyName: "Harbour Trust Fiduciaries",
    TaxID: "98-7654321",
    DateOfBirth: null,
    Sex: null,
    Email: "trustees@example.com",
    StatusCode: "01"
  })

  const policyRows: Array<Record<string, string | null>> = []
  const roleRows: Array<Record<string, string | number>> = []
  const segmentRows: Array<Record<string, string | null>> = []
  for (let n = 0; n < 60; n++) {
    const planDays = int(600, 2200)
    const status = n % 10 === 9 ? "08" : n % 13 === 12 ? "09" : n % 7 === 6 ? "02" : n % 17 === 16 ? "14" : "01"
    const policyGuid = guid(3, n + 1)
    const owner = clientRows[n % clientRows.length]!
    const plan = pick(planRows)
    policyRows.push({
      PolicyGUID: policyGuid,
      CompanyGUID: companyGuid,
      PlanGUID: plan.PlanGUID,
      PolicyNumber: `PN${pad(100001 + n, 7)}`,
      PolicyName: `${plan.PlanName} #${n + 1}`,
      StatusCode: status,
      IssueStateCode: pick(states),
      PlanDate: dayAfterEpoch(planDays),
      CreationDate: dayAfterEpoch(planDays - int(5, 40))
    })
    const insured = clientRows[(n * 7 + 3) % clientRows.length]!
    const beneficiary = clientRows[(n * 11 + 5) % clientRows.length]!
    const roles: ReadonlyArray<readonly [string, Record<string, string | null>, number]> = [
      ["01", owner, 100],
      ["02", insured, 100],
      ["03", beneficiary, 100]
    ]
    roles.forEach(([RoleCode, client, RolePercent], r) =>
      roleRows.push({
        RoleGUID: guid(4, n * 3 + r + 1),
        PolicyGUID: policyGuid,
        ClientGUID: client.ClientGUID!,
        RoleCode,
        StatusCode: "01",
        RolePercent
      })
    )
    const termYears = int(1, 4)
    segmentRows.push({
      SegmentGUID: guid(5, n + 1),
      PolicyGUID: policyGuid,
      SegmentNameGUID: guid(6, (n % 3) + 1),
      StatusCode: status,
      EffectiveDate: dayAfterEpoch(planDays),
      ExpirationDate: dayAfterEpoch(planDays + termYears * 365)
    })
  }

  const code = (CodeName: string) => ([CodeValue, ShortDescription, LongDescription]: readonly [string, string, string]) => ({
    CodeName,
    CodeValue,
    ShortDescription,
    LongDescription
  })
  return {
    AsCode: [...statusCodes.map(code("AsCodeStatus")), ...roleCodes.map(code("AsCodeRole"))],
    AsPlan: planRows,
    AsPolicy: policyRows,
    AsClient: clientRows,
    AsRole: roleRows,
    AsSegment: segmentRows
  }
}
