"""Reads MS Project XML files with MPXJ (through JPype) and prints what
MPXJ finds in each, as JSON: tasks with their outline, durations, dates,
percent complete and predecessors; resources; assignments. Exits non-zero
when a file cannot be read."""

import json
import sys

import jpype
import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)

jpype.startJVM()
from org.mpxj.mspdi import MSPDIReader  # noqa: E402


def duration(d):
    if d is None:
        return None
    return {"value": float(d.getDuration()), "units": str(d.getUnits())}


out = {}
for path in sys.argv[1:]:
    project = MSPDIReader().read(path)
    tasks = []
    for t in project.getTasks():
        tasks.append({
            "uid": int(t.getUniqueID()),
            "name": str(t.getName()),
            "level": int(t.getOutlineLevel() or 0),
            "summary": bool(t.getSummary()),
            "milestone": bool(t.getMilestone()),
            "duration": duration(t.getDuration()),
            "start": str(t.getStart())[:10],
            "finish": str(t.getFinish())[:10],
            "percent": float(t.getPercentageComplete() or 0),
            "preds": [
                {
                    "uid": int(r.getPredecessorTask().getUniqueID()),
                    "type": str(r.getType()),
                    "lag": duration(r.getLag()),
                }
                for r in (t.getPredecessors() or [])
            ],
        })
    out[path] = {
        "tasks": tasks,
        "resources": [
            {"name": str(r.getName()), "max": float(r.getMaxUnits() or 0)}
            for r in project.getResources()
            if r.getName() is not None
        ],
        "assignments": [
            {"task": int(a.getTaskUniqueID()), "resource": str(a.getResource().getName())}
            for a in project.getResourceAssignments()
        ],
        "calendar": {
            "minutes_per_day": int(project.getProjectProperties().getMinutesPerDay()),
            "holidays": [str(e.getFromDate()) for e in project.getDefaultCalendar().getCalendarExceptions()],
        },
    }
print(json.dumps(out))
