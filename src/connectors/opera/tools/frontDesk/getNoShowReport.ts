import { Effect } from "effect"
import { defineTool } from "../../../../tools/Tool.js"
import { daysFrom, reservationList, today } from "./shared.js"

export const getNoShowReport = defineTool(reservationList({
  name: "get_no_show_report",
  title: "No-show report",
  description: "List the reservations that were due to arrive on a date but did not come (status NoShow, set by " +
    "the night audit). Default date: yesterday. Returns OHIP paging (limit/offset/hasMore).",
  noun: "no-shows",
  dateDescription: "Arrival date as YYYY-MM-DD; default yesterday",
  defaultDate: Effect.map(today, (date) => daysFrom(date, -1)),
  criteria: (date) => ({ arrivalFrom: date, arrivalTo: date, statuses: ["NoShow"] })
}))
