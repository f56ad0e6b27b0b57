"""An agent talking to `planmark mcp` through the official Python MCP client.

Run by tests/mcp.rs: `python agent.py SCENARIO --planmark BIN --root DIR
[--url URL]`. Over stdio (no --url) it starts `planmark mcp` itself, in
another folder than the project, and shares the project as its root; with
--url it talks streamable HTTP to a running `planmark serve`.

Each scenario asserts what an agent relies on and prints one JSON object
on stdout for the Rust side (sizes, ids it edited). A failed assertion
exits non-zero with the reason.
"""

import argparse
import json
import os
import sys
import tempfile
import time

import anyio
import mcp_types as types
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

TODAY = "2026-12-01"
BUDGET = 4096
TOOLS_BUDGET = 8192


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("scenario")
    p.add_argument("--planmark", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--url")
    p.add_argument("--no-roots", action="store_true")
    p.add_argument("--cwd")
    return p.parse_args()


ARGS = parse_args()


def root_uri():
    return "file://" + os.path.abspath(ARGS.root)


async def share_roots(_context):
    return types.ListRootsResult(roots=[types.Root(uri=root_uri(), name="project")])


def client(message_handler=None):
    """A client of the server under test: HTTP, or stdio from elsewhere."""
    if ARGS.url:
        return Client(ARGS.url, message_handler=message_handler)
    # Started in another folder than the project: the server must take the
    # project from the roots, never from where it runs.
    cwd = ARGS.cwd or tempfile.gettempdir()
    params = StdioServerParameters(
        command=ARGS.planmark, args=["mcp", "--today", TODAY], cwd=cwd
    )
    return Client(
        params,
        list_roots_callback=None if ARGS.no_roots else share_roots,
        message_handler=message_handler,
    )


def size(result):
    """Bytes of a tool result as the client holds it (text and structured)."""
    return len(result.model_dump_json(by_alias=True, exclude_none=True))


def text(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def ok(c, name, args=None):
    r = await c.call_tool(name, args or {})
    assert not r.is_error, f"{name} {args}: {text(r)}"
    assert r.structured_content is not None, f"{name}: no structured content"
    assert size(r) <= BUDGET, f"{name} {args}: {size(r)} bytes"
    return r


async def refused(c, name, args, *words):
    r = await c.call_tool(name, args)
    assert r.is_error, f"{name} {args} should be refused: {text(r)}"
    for w in words:
        assert w in text(r), f"{name} {args}: `{w}` not in {text(r)!r}"
    return text(r)


async def bad_call(c, name, args, words):
    try:
        r = await c.call_tool(name, args)
    except MCPError as e:
        assert e.code == -32602, f"{name} {args}: code {e.code}"
        assert words in e.error.message, f"{name} {args}: {e.error.message!r}"
        return e.error.message
    raise AssertionError(f"{name} {args} should be a JSON-RPC error, got {text(r)!r}")


def plan_path(name):
    return os.path.join(ARGS.root, name)


def read(name):
    with open(plan_path(name), encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------- scenarios


async def tour():
    """Every tool, resource and prompt on the examples, within the budgets."""
    out = {"sizes": {}}
    async with client() as c:
        tools = await c.list_tools()
        names = [t.name for t in tools.tools]
        assert names == ["status", "tasks", "task", "next", "update", "add", "check", "plan"], names
        listed = len(tools.model_dump_json(by_alias=True, exclude_none=True))
        assert listed <= TOOLS_BUDGET, f"tools/list is {listed} bytes"
        out["tools_list"] = listed
        for t in tools.tools:
            assert t.output_schema and t.output_schema.get("type") == "object", t.name
            assert t.description and len(t.description) < 160, t.name

        calls = [
            ("status", {}),
            ("tasks", {}),
            ("tasks", {"owner": "dmitri", "fields": ["title", "status", "start", "finish", "critical"]}),
            ("tasks", {"ready": True}),
            ("tasks", {"critical": True, "status": ["todo", "in_progress"]}),
            ("task", {"id": "csv-importer-guide#2.3"}),
            ("next", {}),
            ("check", {}),
        ]
        for name, args in calls:
            r = await ok(c, name, args)
            key = name if name not in out["sizes"] else f"{name} {json.dumps(args)}"
            out["sizes"][key] = size(r)

        status = (await ok(c, "status", {})).structured_content
        assert len(status["plans"]) == 3, status
        guide = next(p for p in status["plans"] if p["plan"] == "csv-importer-guide.md")
        assert guide["done"] == 4 and guide["total"] == 10, guide
        assert guide["p50"] and guide["p80"] and guide["finish"], guide
        assert any("likely" in d for d in guide["deadlines"]), guide

        task = (await ok(c, "task", {"id": "csv-importer-guide#2.3"})).structured_content
        assert task["title"] == "Apply job with batching and retries", task
        assert task["depends"] == ["2.1"] and task["dependents"] == ["csv-importer-guide#2.4"], task
        assert task["start"] and task["finish"] and task["why"], task

        # Paging: every open task once, in pages of 4.
        seen, cursor, pages = [], None, 0
        while True:
            args = {"limit": 4} | ({"cursor": cursor} if cursor else {})
            page = (await ok(c, "tasks", args)).structured_content
            seen += page["tasks"]
            pages += 1
            cursor = page.get("next_cursor")
            if not cursor:
                break
        assert len(seen) == page["total"] == len(set(seen)), (len(seen), page["total"])
        assert pages == (page["total"] + 3) // 4, pages
        first = (await ok(c, "tasks", {})).structured_content
        out["open_tasks"] = first["total"]

        # Writing tools, each once.
        r = await ok(c, "add", {"title": "Load test with a 1M-row file", "plan": "csv-importer-guide", "phase": "3", "estimate": "1d", "owner": "sara"})
        out["sizes"]["add"] = size(r)
        added = r.structured_content
        assert added["plan"] == "csv-importer-guide.md" and added["written"], added
        assert "Load test with a 1M-row file (1d) @sara" in read("csv-importer-guide.md")
        r = await ok(c, "update", {"ids": ["csv-importer-guide#3.3"], "owner": "lee", "estimate": "2d"})
        out["sizes"]["update"] = size(r)
        assert r.structured_content["changed"], r.structured_content
        r = await ok(c, "plan", {
            "template": "guide",
            "topic": "Webhooks for import results",
            "path": "docs/plans/webhooks.md",
            "phases": [
                {"name": "Delivery", "tasks": [
                    {"title": "Signed payloads", "estimate": "1d"},
                    {"title": "Retry with backoff", "estimate": "2d", "depends": ["1.1"]},
                ]},
                {"name": "Settings", "tasks": [{"title": "Endpoint settings page", "estimate": "1d/2d/4d", "owner": "sara"}]},
            ],
        })
        out["sizes"]["plan"] = size(r)
        assert r.structured_content["tasks"] == 3, r.structured_content
        assert "- [ ] Task 1.2: Retry with backoff (2d) (depends on 1.1)" in read("docs/plans/webhooks.md")
        t = (await ok(c, "task", {"id": "webhooks#1.2"})).structured_content
        assert t["depends"] == ["1.1"] and t["estimate"] == "2d", t

        # Resources: the templates and every plan, as written on disk.
        res = await c.list_resources()
        uris = [r.uri for r in res.resources]
        assert "planmark://template/session" in uris and "planmark://template/guide" in uris, uris
        uri = "planmark://plan/csv-importer-guide.md"
        assert uri in uris, uris
        body = await c.read_resource(uri)
        assert body.contents[0].text == read("csv-importer-guide.md")
        tpl = await c.read_resource("planmark://template/session")
        assert "# Planning Session" in tpl.contents[0].text

        prompts = await c.list_prompts()
        assert [p.name for p in prompts.prompts] == ["plan-feature", "break-down"]
        p = await c.get_prompt("plan-feature", {"feature": "Bulk price import"})
        assert "Bulk price import" in p.messages[0].content.text
        assert "## Task Breakdown" in p.messages[0].content.text
        p = await c.get_prompt("break-down", {"goal": "csv-importer-guide.md"})
        assert "### Phase 1" in p.messages[0].content.text
    print(json.dumps(out))


async def errors():
    """Refusals an agent can act on; bad arguments as JSON-RPC errors."""
    async with client() as c:
        msg = await refused(c, "task", {"id": "2.9"}, "no task `2.9`", "near matches")
        assert "#2.3" in msg or "#2.4" in msg, msg
        await refused(c, "task", {"id": "Apply job"}, "near matches", "csv-importer-guide#2.3")
        await refused(c, "task", {"id": "2.3"}, "several plans", "csv-importer-guide#2.3", "2026-11-23-search-rewrite#2.3")
        await refused(c, "update", {"ids": ["csv-importer-guide#2.4"], "status": "done"}, "2.3", "force")
        await refused(c, "update", {"ids": ["nope"], "owner": "x"}, "no task `nope`")
        await refused(c, "plan", {"template": "guide", "topic": "x", "path": "../outside.md"}, "inside the project")
        await refused(c, "plan", {"template": "session", "topic": "x", "path": "csv-importer-guide.md"}, "already exists")
        await refused(c, "plan", {"template": "guide", "topic": "x", "path": "linked/escape.md"}, "outside the project")
        await refused(c, "tasks", {"cursor": "zz"}, "bad cursor")
        await bad_call(c, "tasks", {"status": ["doing"]}, "unknown variant `doing`")
        await bad_call(c, "update", {"status": "done"}, "missing field `ids`")
        await bad_call(c, "next", {"limit": "three"}, "invalid type")
        await bad_call(c, "check", {"severity": "fatal"}, "unknown variant `fatal`")
        await bad_call(c, "update", {"ids": ["1.1"]}, "nothing to change")
        try:
            await c.call_tool("frobnicate", {})
            raise AssertionError("an unknown tool should be a JSON-RPC error")
        except MCPError as e:
            assert "status, tasks" in e.error.message, e.error.message
        try:
            await c.read_resource("planmark://plan/nope.md")
            raise AssertionError("an unknown plan should be a JSON-RPC error")
        except MCPError as e:
            assert "no such plan" in e.error.message, e.error.message
    print(json.dumps({"ok": True}))


async def no_roots():
    """Without roots or --root, tools say how to set the project."""
    async with client() as c:
        msg = await refused(c, "status", {}, "--root")
        tools = await c.list_tools()
        assert len(tools.tools) == 8
    print(json.dumps({"message": msg}))


async def transcript():
    """status, next, update (start), update (done), check: as an agent works."""
    async with client() as c:
        status = await ok(c, "status", {})
        assert "csv-importer-guide.md" in text(status)
        nxt = (await ok(c, "next", {"owner": "dmitri"})).structured_content["tasks"]
        todo = [line for line in nxt if "[todo]" in line]
        assert todo, nxt
        task = todo[0].split(" ")[0]
        r = await ok(c, "update", {"ids": [task], "status": "in_progress"})
        assert "todo → in progress" in text(r), text(r)
        middle = read("csv-importer-guide.md")
        r = await ok(c, "update", {"ids": [task], "status": "done"})
        assert "in progress → done" in text(r), text(r)
        again = await ok(c, "update", {"ids": [task], "status": "done"})
        assert again.structured_content["unchanged"] == [task], again.structured_content
        check = await ok(c, "check", {"severity": "warning"})
        assert "csv-importer-guide" not in text(check), text(check)
    print(json.dumps({"task": task, "middle": middle}))


async def concurrent():
    """Four clients at once, each starting and owning its own ten tasks."""
    ids = [f"{p}.{i}" for p in range(1, 5) for i in range(1, 11)]

    async def worker(k):
        mine = ids[k::4]
        async with client() as c:
            for t in mine:
                await ok(c, "update", {"ids": [f"team#{t}"], "status": "in_progress"})
                await ok(c, "update", {"ids": [f"team#{t}"], "owner": f"agent{k}"})
        return mine

    results = {}
    async with anyio.create_task_group() as tg:
        for k in range(4):
            async def run(k=k):
                results[k] = await worker(k)
            tg.start_soon(run)
    print(json.dumps({f"agent{k}": v for k, v in results.items()}))


async def subscribe():
    """A subscribed plan's change on disk reaches the client."""
    uri = "planmark://plan/csv-importer-guide.md"
    got = anyio.Event()

    async def on_message(message):
        m = message
        for _ in range(3):
            if getattr(m, "method", None) == "notifications/resources/updated":
                if m.params.uri == uri:
                    got.set()
                return
            m = getattr(m, "root", None) or getattr(m, "notification", None)
            if m is None:
                return

    async with client(message_handler=on_message) as c:
        await ok(c, "status", {})
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await c.subscribe_resource(uri)
        started = time.monotonic()
        # Someone ticks a task off in their editor.
        before = read("csv-importer-guide.md")
        line = "- [ ] Task 3.3: Docs and merchant help article"
        assert line in before
        with open(plan_path("csv-importer-guide.md"), "w", encoding="utf-8") as f:
            f.write(before.replace(line, line.replace("[ ]", "[x]")))
        with anyio.fail_after(10):
            await got.wait()
        waited = time.monotonic() - started
        t = await ok(c, "task", {"id": "csv-importer-guide#3.3"})
        assert t.structured_content["status"] == "done", t.structured_content
    print(json.dumps({"notified_after_s": round(waited, 3)}))


SCENARIOS = {
    "tour": tour,
    "errors": errors,
    "no-roots": no_roots,
    "transcript": transcript,
    "concurrent": concurrent,
    "subscribe": subscribe,
}

if __name__ == "__main__":
    try:
        anyio.run(SCENARIOS[ARGS.scenario])
    except AssertionError as e:
        print(f"{ARGS.scenario}: {e}", file=sys.stderr)
        sys.exit(1)
    except BaseExceptionGroup as g:
        failed = g.subgroup(AssertionError)
        if failed is None:
            raise
        for e in failed.exceptions:
            while isinstance(e, BaseExceptionGroup):
                e = e.exceptions[0]
            print(f"{ARGS.scenario}: {e}", file=sys.stderr)
        sys.exit(1)
