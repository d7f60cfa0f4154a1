import pg from "pg"

/** Runs one statement as the role of `url`; the SQLSTATE it failed with, or "ok". */
export const sqlStateOf = async (url: string, text: string): Promise<string> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(text)
    return "ok"
  } catch (error) {
    return typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown"
  } finally {
    await client.end()
  }
}
