import { defineTool } from "../../../../tools/Tool.js"
import { reservationList, today } from "./shared.js"

export const listInHouseGuests = defineTool(reservationList({
  name: "list_in_house_guests",
  title: "List in-house guests",
  description: "List the checked-in (in-house) reservations whose stay covers a date (default today), including " +
    "guests due out that day, with guest, room and departure date. Returns OHIP paging (limit/offset/hasMore).",
  noun: "in-house guests",
  dateDescription: "Date as YYYY-MM-DD; default today",
  defaultDate: today,
  criteria: (date) => ({ arrivalTo: date, departureFrom: date, statuses: ["InHouse"] })
}))
