/**
 * The OIPA tables the connector reads, as the sandbox creates them: OIPA's
 * own table and column names, dates as ISO text (see dialect.ts).
 */
export const sandboxTables: ReadonlyArray<string> = [
  `CREATE TABLE AsCode (
    CodeName TEXT NOT NULL,
    CodeValue TEXT NOT NULL,
    ShortDescription TEXT NOT NULL,
    LongDescription TEXT,
    PRIMARY KEY (CodeName, CodeValue)
  )`,
  `CREATE TABLE AsPlan (
    PlanGUID TEXT PRIMARY KEY,
    CompanyGUID TEXT NOT NULL,
    PlanName TEXT NOT NULL,
    StatusCode TEXT NOT NULL
  )`,
  `CREATE TABLE AsPolicy (
    PolicyGUID TEXT PRIMARY KEY,
    CompanyGUID TEXT NOT NULL,
    PlanGUID TEXT NOT NULL REFERENCES AsPlan (PlanGUID),
    PolicyNumber TEXT NOT NULL UNIQUE,
    PolicyName TEXT,
    StatusCode TEXT NOT NULL,
    IssueStateCode TEXT,
    PlanDate TEXT NOT NULL,
    CreationDate TEXT NOT NULL
  )`,
  `CREATE TABLE AsClient (
    ClientGUID TEXT PRIMARY KEY,
    TypeCode TEXT NOT NULL,
    FirstName TEXT,
    MiddleName TEXT,
    LastName TEXT,
    CompanyName TEXT,
    TaxID TEXT,
    DateOfBirth TEXT,
    Sex TEXT,
    Email TEXT,
    StatusCode TEXT NOT NULL
  )`,
  `CREATE TABLE AsRole (
    RoleGUID TEXT PRIMARY KEY,
    PolicyGUID TEXT NOT NULL REFERENCES AsPolicy (PolicyGUID),
    ClientGUID TEXT NOT NULL REFERENCES AsClient (ClientGUID),
    RoleCode TEXT NOT NULL,
    StatusCode TEXT NOT NULL,
    RolePercent REAL
  )`,
  `CREATE TABLE AsSegment (
    SegmentGUID TEXT PRIMARY KEY,
    PolicyGUID TEXT NOT NULL REFERENCES AsPolicy (PolicyGUID),
    SegmentNameGUID TEXT NOT NULL,
    StatusCode TEXT NOT NULL,
    EffectiveDate TEXT NOT NULL,
    ExpirationDate TEXT
  )`,
  "CREATE INDEX AsRole_Policy ON AsRole (PolicyGUID)",
  "CREATE INDEX AsRole_Client ON AsRole (ClientGUID)",
  "CREATE INDEX AsSegment_Policy ON AsSegment (PolicyGUID)"
]

export const sandboxTableNames = ["AsCode", "AsPlan", "AsPolicy", "AsClient", "AsRole", "AsSegment"] as const
