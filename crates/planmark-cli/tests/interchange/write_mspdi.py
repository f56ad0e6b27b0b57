"""Builds a small project with MPXJ (phases as summary tasks, durations,
links of each kind with lags, resources and assignments) and writes it as
MS Project XML to the path given, for planmark to import."""

import sys

import jpype
import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)

jpype.startJVM()
from java.time import LocalDateTime  # noqa: E402
from org.mpxj import Duration, ProjectFile, Relation, RelationType, TimeUnit  # noqa: E402
from org.mpxj.mspdi import MSPDIWriter  # noqa: E402

p = ProjectFile()
p.getProjectProperties().setStartDate(LocalDateTime.of(2026, 12, 1, 8, 0))
cal = p.addDefaultBaseCalendar()
p.setDefaultCalendar(cal)
ana = p.addResource()
ana.setName("Ana")
bo = p.addResource()
bo.setName("Bo")


def task(parent, name, amount, unit, percent=0):
    t = parent.addTask()
    t.setName(name)
    t.setDuration(Duration.getInstance(amount, unit))
    t.setPercentageComplete(percent)
    return t


build = p.addTask()
build.setName("Build")
schema = task(build, "Schema", 2, TimeUnit.DAYS, 100)
reader = task(build, "Reader", 12, TimeUnit.HOURS, 50)
writer = task(build, "Writer", 4, TimeUnit.HOURS)
ship = p.addTask()
ship.setName("Ship")
docs = task(ship, "Docs", 1, TimeUnit.DAYS)
notes = task(ship, "Release notes", 3, TimeUnit.HOURS)


def link(succ, pred, kind, lag_hours):
    succ.addPredecessor(
        Relation.Builder()
        .predecessorTask(pred)
        .type(kind)
        .lag(Duration.getInstance(lag_hours, TimeUnit.HOURS))
    )


link(reader, schema, RelationType.FINISH_START, 0)
link(writer, schema, RelationType.START_START, 8)
link(docs, reader, RelationType.FINISH_FINISH, 0)
link(notes, docs, RelationType.FINISH_START, 2)
schema.addResourceAssignment(ana)
reader.addResourceAssignment(bo)
MSPDIWriter().write(p, sys.argv[1])
