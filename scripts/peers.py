#!/usr/bin/env python3
"""Runs TaskJuggler (tj3) and utf8proj on the same plans planmark schedules,
for docs/benchmarks.md.

Input: plans in planmark's benchmark form (front matter `start:` and
`resources:`, one table `ID | Task | Estimate | Dependencies | Owner or
Resources`), as written by `cargo bench -p planmark --bench psplib -- ...
--write DIR` or `PLANMARK_WRITE_PLAN=FILE cargo bench -p planmark --bench
schedule`.

    scripts/peers.py PLAN.md... [--bound-csv ../shared/psplib/j30/bounds-2025.csv]

For each plan and each tool: the makespan in working days, checked against
the plan's links and capacities (a tool's schedule that breaks them is
reported as infeasible, not counted), and the wall time.
"""

import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time

UNITS = {"h": 1 / 8, "d": 1, "w": 5}


def read_plan(path):
    text = open(path, encoding="utf-8").read()
    fm = text.split("---\n")[1]
    start = re.search(r"^start: (\S+)", fm, re.M).group(1)
    caps = {m.group(1): int(m.group(2)) for m in re.finditer(r"^  (\w+): (\d+)$", fm, re.M)}
    tasks = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("ID", "---") or not line.startswith("|"):
            continue
        tid, title, est, deps, owners = cells
        m = re.fullmatch(r"([\d.]+)([hdw])", est)
        days = float(m.group(1)) * UNITS[m.group(2)]
        deps = [] if deps in ("-", "") else [d.strip() for d in deps.split(",")]
        demand = {}
        for o in filter(None, (o.strip() for o in owners.split(","))):
            name, _, n = o.lstrip("@").partition(" x")
            demand[name] = int(n or 1)
            caps.setdefault(name, 1)
        tasks.append((tid, title, days, deps, demand))
    return start, caps, tasks


def workdays(start, end):
    """Working days from start (inclusive) to end (exclusive)."""
    n, d = 0, start
    while d < end:
        if d.weekday() < 5:
            n += 1
        d += dt.timedelta(days=1)
    return n


def verify(tasks, caps, sched):
    """sched: id -> (start_day, finish_day) in working days. Returns an error or None."""
    for tid, _, days, deps, _ in tasks:
        s, f = sched[tid]
        if round((f - s) * 8) < round(days * 8):
            return f"{tid} is shorter than its estimate"
        for d in deps:
            if sched[d][1] > s + 1e-9:
                return f"{tid} starts before {d} ends"
    events = {}
    for tid, _, _, _, demand in tasks:
        s, f = sched[tid]
        for r, q in demand.items():
            for x in (s, f):
                events.setdefault(r, [])
            events[r].append((s, q))
            events[r].append((f, -q))
    for r, ev in events.items():
        used = 0
        for t, q in sorted(ev, key=lambda e: (e[0], e[1])):
            used += q
            if used > caps[r]:
                return f"{r} over capacity at day {t}"
    return None


def run_tj3(start, caps, tasks, tmp):
    lines = [
        f'project p "p" {start} +20y {{',
        "  timingresolution 60min",
        "  dailyworkinghours 8",
        "  workinghours mon - fri 9:00 - 17:00",
        "  workinghours sat, sun off",
        "}",
    ]
    for r, c in caps.items():
        if c == 1:
            lines.append(f'resource {r} "{r}"')
        else:
            lines.append(f'resource {r} "{r}" {{')
            lines += [f'  resource {r}_{k} "{r} {k}"' for k in range(c)]
            lines.append("}")
    for tid, title, days, deps, demand in tasks:
        lines.append(f'task {tid} "{title}" {{')
        # Only effort-driven tasks wait for their resources in TaskJuggler:
        # q units for `days` days is an effort of q * days.
        units = sum(demand.values())
        lines.append(f"  effort {days * units}d" if units else f"  length {days}d")
        if deps:
            lines.append("  depends " + ", ".join(deps))
        for r, q in demand.items():
            if caps[r] == 1:
                lines.append(f"  allocate {r} {{ mandatory }}")
            else:
                members = [f"{r}_{k}" for k in range(caps[r])]
                for k in range(q):
                    alts = ", ".join(m for m in members if m != members[k])
                    lines.append(f"  allocate {members[k]} {{ alternative {alts} select minloaded mandatory }}")
        lines.append("}")
    lines.append('taskreport "out" { formats csv columns id, start, end timeformat "%Y-%m-%d-%H:%M" }')
    path = os.path.join(tmp, "p.tjp")
    open(path, "w").write("\n".join(lines) + "\n")
    t0 = time.time()
    try:
        r = subprocess.run(["tj3", "--no-color", "p.tjp"], cwd=tmp, capture_output=True,
                           text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return None, 600.0, ["no result in 600 s"]
    secs = time.time() - t0
    if r.returncode != 0:
        return None, secs, r.stderr.strip().splitlines()[-1:] or ["failed"]
    sched = {}
    base = dt.datetime.fromisoformat(start)
    for row in csv.reader(open(os.path.join(tmp, "out.csv")), delimiter=";"):
        if row[0] == "Id" or not row[0]:
            continue
        s = dt.datetime.strptime(row[1], "%Y-%m-%d-%H:%M")
        e = dt.datetime.strptime(row[2], "%Y-%m-%d-%H:%M")
        sched[row[0].split(".")[-1]] = (position(base, s), position(base, e))
    return sched, secs, None


def position(base, t):
    """Working days from base to t, with the hours of a 9:00-17:00 day."""
    worked = min(max(t.hour + t.minute / 60 - 9, 0), 8)
    return workdays(base.date(), t.date()) + worked / 8


def run_utf8proj(start, caps, tasks, tmp):
    lines = [f'project "p" {{ start: {start} }}']
    for r, c in caps.items():
        lines.append(f'resource {r} "{r}" {{ capacity: {c} }}')
    for tid, title, days, deps, demand in tasks:
        body = [f"duration: {round(days * 8)}h" if days != int(days) else f"duration: {int(days)}d"]
        if deps:
            body.append("depends: " + ", ".join(deps))
        if demand:
            body.append("assign: " + ", ".join(f"{r} * {q}" if q > 1 else r for r, q in demand.items()))
        lines.append(f'task {tid} "{title}" {{ ' + " ".join(body) + " }")
    path = os.path.join(tmp, "p.proj")
    open(path, "w").write("\n".join(lines) + "\n")
    exe = os.environ.get("UTF8PROJ", "utf8proj")
    t0 = time.time()
    r = subprocess.run([exe, "schedule", "-l", "-f", "json", path], capture_output=True, text=True)
    secs = time.time() - t0
    if r.returncode != 0:
        return None, secs, (r.stderr.strip().splitlines() or ["failed"])[-1:]
    out = json.loads(r.stdout)
    out = out.get("schedule", out)
    base = dt.date.fromisoformat(start)
    sched = {}
    for t in out.get("tasks", []):
        tid = t.get("id") or t.get("task_id")
        s = dt.date.fromisoformat(t["start"][:10])
        f = dt.date.fromisoformat(t["finish"][:10])
        sched[tid] = (workdays(base, s), workdays(base, f) + 1)
    return sched, secs, None


def main():
    args = sys.argv[1:]
    bounds = {}
    if "--bound-csv" in args:
        i = args.index("--bound-csv")
        for row in csv.DictReader(open(args[i + 1])):
            ub = row["optimum"].split("..")[-1]
            bounds[row["problem"].replace(".sm", "")] = int(ub)
        del args[i : i + 2]
    totals = {}
    for plan in args:
        start, caps, tasks = read_plan(plan)
        name = os.path.splitext(os.path.basename(plan))[0]
        for tool, fn in (("tj3", run_tj3), ("utf8proj", run_utf8proj)):
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    sched, secs, err = fn(start, caps, tasks, tmp)
                except Exception as e:  # a tool's output we cannot read
                    sched, secs, err = None, 0, [repr(e)]
            if sched is not None and len(sched) < len(tasks):
                err, sched = [f"{len(tasks) - len(sched)} tasks missing"], None
            if sched is not None:
                err = verify(tasks, caps, sched)
                err = [err] if err else None
            makespan = max((f for _, f in (sched or {}).values()), default=None)
            ref = bounds.get(name)
            dev = 100 * (makespan - ref) / ref if (makespan and ref) else None
            print(json.dumps({"plan": name, "tool": tool, "makespan_days": makespan,
                              "deviation_pct": dev, "seconds": round(secs, 3),
                              "error": err}))
            t = totals.setdefault(tool, [0, 0.0, 0.0, 0, 0])
            t[0] += 1
            t[2] += secs
            if dev is not None:
                t[1] += dev
                t[3] += 1
            if sched is not None and not err:
                t[4] += 1
    for tool, (n, dev, secs, scored, ok) in totals.items():
        avg = f"{dev / scored:.2f} %" if scored else "n/a"
        print(f"{tool}: {n} plans, {ok} schedules feasible without splitting tasks; "
              f"mean deviation {avg} over {scored}; {1000 * secs / n:.0f} ms per plan",
              file=sys.stderr)


if __name__ == "__main__":
    main()
