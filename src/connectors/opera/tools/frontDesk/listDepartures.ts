import { defineTool } from "../../../../tools/Tool.js"
import { reservationList, today } from "./shared.js"

export const listDepartures = defineTool(reservationList({
  name: "list_departures",
  title: "List departures",
  description: "List the reservations departing on a date (default today): DueOut while the guest is in house, " +
    "CheckedOut once gone. Returns OHIP paging (limit/offset/hasMore).",
  noun: "departures",
  dateDescription: "Departure date as YYYY-MM-DD; default today",
  defaultDate: today,
  criteria: (date) => ({ departureFrom: date, departureTo: date })
}))
