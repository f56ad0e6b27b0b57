"""Reads an iCalendar file with the `icalendar` package and prints what a
calendar sees in it, as JSON: each component's kind, UID, summary, dates
and status. Exits non-zero when the file does not parse."""

import json
import sys

from icalendar import Calendar

with open(sys.argv[1], "rb") as f:
    cal = Calendar.from_ical(f.read())

out = {"version": str(cal.get("VERSION")), "prodid": str(cal.get("PRODID")), "items": []}
for c in cal.walk():
    if c.name not in ("VEVENT", "VTODO"):
        continue
    def date(key):
        v = c.get(key)
        return v.dt.isoformat() if v is not None else None
    out["items"].append({
        "kind": c.name,
        "uid": str(c.get("UID")),
        "summary": str(c.get("SUMMARY")),
        "start": date("DTSTART"),
        "end": date("DTEND"),
        "due": date("DUE"),
        "status": str(c.get("STATUS")) if c.get("STATUS") else None,
        "stamp": date("DTSTAMP"),
    })
print(json.dumps(out))
