import { Schema } from "effect"
import type { OperaRequest } from "./OperaRequest.js"
import { OhipNumber } from "./schemas/common.js"

/**
 * OHIP inventory (inv): getInventoryStatistics with the
 * RoomsAvailabilitySummary report, its answer Schema (`inventoryStatistics`,
 * an array of `statisticType`), and the compact per-day record.
 */
const optional = Schema.optional
const text = optional(Schema.String)

export const InventoryStatisticsResponse = Schema.Array(Schema.Struct({
  statistics: optional(Schema.Array(Schema.Struct({
    statisticDate: optional(Schema.Array(Schema.Struct({
      inventory: optional(Schema.Array(Schema.Struct({ value: optional(OhipNumber), code: text }))),
      statisticDate: text,
      weekendDate: optional(Schema.Boolean)
    }))),
    statCode: text,
    description: text
  }))),
  hotelName: text,
  reportCode: text
}))

/** The inventory counts the sandbox and OPERA report per day. */
export const inventoryCodes = ["PhysicalRooms", "OutOfOrderRooms", "OutOfServiceRooms", "ReservedRooms", "AvailableRooms"] as const

/** inv getInventoryStatistics. */
export const inventoryStatistics = (input: { readonly hotelId: string; readonly from: string; readonly to: string }): OperaRequest => ({
  module: "inv",
  operationId: "getInventoryStatistics",
  method: "GET",
  template: "/hotels/{hotelId}/inventoryStatistics",
  params: { hotelId: input.hotelId },
  query: { dateRangeStart: input.from, dateRangeEnd: input.to, reportCode: "RoomsAvailabilitySummary" },
  hotelId: input.hotelId
})

export const InventoryDay = Schema.Struct({
  date: Schema.String,
  /** "ALL" for the whole hotel, else a room type code. */
  roomType: Schema.String,
  physicalRooms: Schema.optional(Schema.Number),
  outOfOrder: Schema.optional(Schema.Number),
  outOfService: Schema.optional(Schema.Number),
  reserved: Schema.optional(Schema.Number),
  available: Schema.optional(Schema.Number)
})
export type InventoryDay = typeof InventoryDay.Type

const fields = {
  PhysicalRooms: "physicalRooms",
  OutOfOrderRooms: "outOfOrder",
  OutOfServiceRooms: "outOfService",
  ReservedRooms: "reserved",
  AvailableRooms: "available"
} as const

/** getInventoryStatistics answer → one record per day and room type. */
export const inventoryDays = (body: typeof InventoryStatisticsResponse.Type): ReadonlyArray<InventoryDay> =>
  body.flatMap((report) =>
    (report.statistics ?? []).flatMap((code) =>
      (code.statisticDate ?? []).flatMap((day) => {
        if (day.statisticDate === undefined) return []
        const record: Record<string, string | number> = { date: day.statisticDate, roomType: code.statCode ?? "ALL" }
        for (const entry of day.inventory ?? []) {
          const field = entry.code === undefined ? undefined : fields[entry.code as keyof typeof fields]
          if (field !== undefined && entry.value !== undefined) record[field] = entry.value
        }
        return [record as InventoryDay]
      })
    )
  )
