import { defineTool } from "../../../../tools/Tool.js"
import { reservationList, today } from "./shared.js"

export const listArrivals = defineTool(reservationList({
  name: "list_arrivals",
  title: "List arrivals",
  description: "List the reservations arriving on a date (default today) with status (DueIn until checked in, " +
    "then InHouse), guest, room type and assigned room. Returns OHIP paging (limit/offset/hasMore).",
  noun: "arrivals",
  dateDescription: "Arrival date as YYYY-MM-DD; default today",
  defaultDate: today,
  criteria: (date) => ({ arrivalFrom: date, arrivalTo: date })
}))
