//! `planmark mcp` as agents meet it: the official Python MCP client (the
//! `mcp` package, pinned by tests/mcp/requirements.txt and installed into
//! a virtual environment under target/ when missing) drives the server
//! over stdio and over streamable HTTP at `/mcp` of `planmark serve`. The
//! scenarios are in tests/mcp/agent.py; this file sets up each project,
//! runs one, and checks what it left in the plan files.

mod common;

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp")
}

/// The virtual environment's Python, with the pinned client installed.
fn python() -> PathBuf {
    common::venv("mcp-venv", &here().join("requirements.txt"))
}

/// Runs one scenario of agent.py on the project in `root`; `url` for
/// HTTP, else over stdio. Returns what it printed.
fn agent(scenario: &str, root: &Path, url: Option<&str>, extra: &[&str]) -> Value {
    let mut cmd = Command::new(python());
    cmd.arg(here().join("agent.py"))
        .arg(scenario)
        .arg("--planmark")
        .arg(env!("CARGO_BIN_EXE_planmark"))
        .arg("--root")
        .arg(root)
        .args(extra)
        .env("NO_COLOR", "1");
    if let Some(u) = url {
        cmd.args(["--url", u]);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scenario {scenario} failed:\n{stderr}\n{stdout}"
    );
    assert!(
        !stderr.contains("Traceback") && !stderr.contains("failed"),
        "scenario {scenario} left messages:\n{stderr}"
    );
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("scenario {scenario} printed no JSON ({e}): {stdout}"))
}

/// `planmark serve` on the project, with its MCP endpoint's URL.
fn served(root: &Path) -> (common::Served, String) {
    let s = common::Served::start(root, &[]);
    let url = format!("{}mcp", s.url);
    (s, url)
}

/// A plan of four parallel phases of ten tasks each, for agents at once.
fn team(root: &Path) -> String {
    let mut s = String::from("---\nphases: parallel\n---\n\n# Team plan\n\n## Task Breakdown\n\n");
    for p in 1..=4 {
        let _ = write!(s, "### Phase {p}: Part {p}\n\n");
        for i in 1..=10 {
            let _ = writeln!(s, "- [ ] Task {p}.{i}: Piece {p}.{i} (1d)");
        }
        s.push('\n');
    }
    std::fs::write(root.join("team.md"), &s).unwrap();
    s
}

fn read(root: &Path, name: &str) -> String {
    std::fs::read_to_string(root.join(name)).unwrap()
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(name),
    )
    .unwrap()
}

/// The lines of `after` that differ from `before`, as (before, after).
fn changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
    assert_eq!(
        before.lines().count(),
        after.lines().count(),
        "lines were added or removed"
    );
    before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
}

fn tour(root: &Path, url: Option<&str>) -> Value {
    let out = agent("tour", root, url, &[]);
    for (tool, bytes) in out["sizes"].as_object().unwrap() {
        assert!(bytes.as_u64().unwrap() <= 4096, "{tool}: {bytes} bytes");
    }
    assert!(out["tools_list"].as_u64().unwrap() <= 8192, "{out}");
    // The add and the update wrote exactly their lines; nothing else moved.
    let before = example("csv-importer-guide.md");
    let after = read(root, "csv-importer-guide.md");
    assert_eq!(
        after.lines().count(),
        before.lines().count() + 1,
        "one task was added"
    );
    assert!(
        after.contains("- [ ] Task 3.3: Docs and merchant help article (2d) @lee"),
        "{after}"
    );
    assert!(root.join("docs/plans/webhooks.md").exists());
    for other in ["2026-11-23-search-rewrite.md", "roadmap-2027.md"] {
        assert_eq!(read(root, other), example(other), "{other} changed");
    }
    out
}

fn transcript(root: &Path, url: Option<&str>) {
    let before = example("csv-importer-guide.md");
    let out = agent("transcript", root, url, &[]);
    assert_eq!(out["task"], "csv-importer-guide#2.3");
    let start = "- [ ] Task 2.3: Apply job with batching and retries (3d) @dmitri (depends on 2.1)";
    let middle = out["middle"].as_str().unwrap();
    assert_eq!(
        changed_lines(&before, middle),
        vec![(start.to_owned(), start.replace("[ ]", "[~]"))]
    );
    let after = read(root, "csv-importer-guide.md");
    assert_eq!(
        changed_lines(&before, &after),
        vec![(start.to_owned(), start.replace("[ ]", "[x]"))]
    );
}

fn concurrent(root: &Path, url: Option<&str>) {
    let before = team(root);
    let out = agent("concurrent", root, url, &[]);
    let after = read(root, "team.md");
    let mut expected = before.clone();
    for (agent, ids) in out.as_object().unwrap() {
        for id in ids.as_array().unwrap() {
            let id = id.as_str().unwrap();
            let line = format!("- [ ] Task {id}: Piece {id} (1d)\n");
            assert!(expected.contains(&line), "{id}");
            expected = expected.replace(
                &line,
                &format!("- [~] Task {id}: Piece {id} (1d) @{agent}\n"),
            );
        }
    }
    assert_eq!(
        after, expected,
        "every edit of every agent, and nothing else"
    );
    assert!(!after.contains("- [ ]"), "a task was left out");
}

#[test]
fn an_agent_uses_every_tool_within_the_budgets_over_stdio() {
    let dir = common::examples_copy();
    tour(dir.path(), None);
}

#[test]
fn refusals_say_what_to_do_and_bad_calls_are_protocol_errors() {
    let dir = common::examples_copy();
    // A folder in the project that leads out of it.
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("linked")).unwrap();
    agent("errors", dir.path(), None, &[]);
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    for name in [
        "csv-importer-guide.md",
        "2026-11-23-search-rewrite.md",
        "roadmap-2027.md",
    ] {
        assert_eq!(read(dir.path(), name), example(name), "{name} changed");
    }
}

#[test]
fn without_roots_or_root_the_server_reads_nothing_and_says_how_to_set_it() {
    // Started inside a project, the server still does not read it.
    let dir = common::examples_copy();
    let cwd = dir.path().to_str().unwrap();
    let out = agent("no-roots", dir.path(), None, &["--no-roots", "--cwd", cwd]);
    assert!(
        out["message"]
            .as_str()
            .unwrap()
            .contains("planmark mcp --root"),
        "{out}"
    );
}

#[test]
fn an_agent_transcript_leaves_exactly_its_edits() {
    let dir = common::examples_copy();
    transcript(dir.path(), None);
}

#[test]
fn four_agents_updating_one_plan_at_once_lose_nothing_over_stdio() {
    let dir = common::examples_copy();
    concurrent(dir.path(), None);
}

#[test]
fn a_subscribed_plan_notifies_its_change_on_disk() {
    let dir = common::examples_copy();
    agent("subscribe", dir.path(), None, &[]);
}

#[test]
fn the_same_over_streamable_http_in_planmark_serve() {
    let dir = common::examples_copy();
    let (_s, url) = served(dir.path());
    tour(dir.path(), Some(&url));
    let dir = common::examples_copy();
    let (_s, url) = served(dir.path());
    transcript(dir.path(), Some(&url));
    let dir = common::examples_copy();
    let (_s, url) = served(dir.path());
    agent("subscribe", dir.path(), Some(&url), &[]);
}

#[test]
fn four_agents_at_once_over_http_lose_nothing() {
    let dir = common::examples_copy();
    let (_s, url) = served(dir.path());
    concurrent(dir.path(), Some(&url));
}

/// One JSON-RPC exchange over stdio, as the bytes go: for the sizes that
/// count against an agent's context.
struct Wire {
    child: std::process::Child,
    out: BufReader<std::process::ChildStdout>,
    next: u64,
}

impl Wire {
    fn start(args: &[&str]) -> Wire {
        let mut child = Command::new(env!("CARGO_BIN_EXE_planmark"))
            .arg("mcp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let mut w = Wire {
            child,
            out,
            next: 1,
        };
        let init = w.call(
            "initialize",
            &json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": { "name": "wire", "version": "1" }
            }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "planmark", "{init}");
        w.send(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));
        w
    }

    fn send(&mut self, v: &Value) {
        let stdin = self.child.stdin.as_mut().unwrap();
        std::io::Write::write_all(stdin, format!("{v}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends a request; returns the answer and its size in bytes.
    fn call_sized(&mut self, method: &str, params: &Value) -> (Value, usize) {
        let id = self.next;
        self.next += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let mut line = String::new();
            assert!(
                self.out.read_line(&mut line).unwrap() > 0,
                "the server closed"
            );
            let v: Value = serde_json::from_str(&line).unwrap();
            if v["id"] == id {
                return (v, line.trim_end().len());
            }
        }
    }

    fn call(&mut self, method: &str, params: &Value) -> Value {
        self.call_sized(method, params).0
    }
}

impl Drop for Wire {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn tool_definitions_and_answers_fit_their_budgets_on_the_wire() {
    let dir = common::examples_copy();
    let root = dir.path().to_str().unwrap();
    let mut w = Wire::start(&["--root", root, "--today", "2026-12-01"]);
    let (tools, bytes) = w.call_sized("tools/list", &json!({}));
    assert_eq!(tools["result"]["tools"].as_array().unwrap().len(), 8);
    assert!(bytes <= 8192, "tools/list is {bytes} bytes");
    eprintln!("tools/list: {bytes} bytes");
    for (name, args) in [
        ("status", json!({})),
        ("tasks", json!({})),
        (
            "tasks",
            json!({ "status": ["done", "cancelled"], "fields": ["title", "plan", "line"] }),
        ),
        ("task", json!({ "id": "csv-importer-guide#2.3" })),
        ("next", json!({ "limit": 10 })),
        ("check", json!({})),
        (
            "update",
            json!({ "ids": ["csv-importer-guide#3.1"], "status": "in_progress" }),
        ),
        (
            "add",
            json!({ "title": "Retry failed rows", "plan": "csv-importer-guide", "phase": "2", "estimate": "1d" }),
        ),
        (
            "plan",
            json!({ "template": "session", "topic": "Price alerts", "phases": [
            { "name": "Backend", "tasks": [{ "title": "Alert rules", "estimate": "2d" }, { "title": "Sending", "estimate": "1d", "depends": ["1.1"] }] }
        ] }),
        ),
    ] {
        let (r, bytes) = w.call_sized("tools/call", &json!({ "name": name, "arguments": args }));
        assert_eq!(r["result"]["isError"], false, "{r}");
        assert!(bytes <= 4096, "{name} {args}: {bytes} bytes");
        eprintln!("{name} {args}: {bytes} bytes");
    }
    // A page asked for holds what was asked, past the default size.
    let (r, _) = w.call_sized(
        "tools/call",
        &json!({ "name": "tasks", "arguments": { "status": ["todo", "in_progress", "done", "cancelled", "blocked"], "limit": 500 } }),
    );
    let all = &r["result"]["structuredContent"];
    assert_eq!(
        all["tasks"].as_array().unwrap().len(),
        all["total"].as_u64().unwrap() as usize,
        "{all}"
    );
    assert!(all.get("next_cursor").is_none());
}

#[test]
fn a_root_that_is_not_a_folder_is_refused_at_start() {
    let out = Command::new(env!("CARGO_BIN_EXE_planmark"))
        .args(["mcp", "--root", "/nonexistent/planmark-project"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--root") && err.contains("no such folder"),
        "{err}"
    );
}

/// An MCP `initialize` as raw HTTP, with the headers given.
fn initialize(addr: &str, host: &str, extra: &str) -> common::Answer {
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "raw", "version": "1" } }
    })
    .to_string();
    common::raw(
        addr,
        &format!(
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

#[test]
fn the_http_endpoint_checks_host_origin_and_the_access_token() {
    let dir = common::examples_copy();
    let s = common::Served::start(dir.path(), &[]);
    let ok = initialize(&s.addr, &s.addr, "");
    assert_eq!(ok.status, 200, "{}", ok.head);
    assert!(ok.body.contains("\"planmark\""), "{}", ok.body);
    // A page of another site, its name resolved to 127.0.0.1.
    let port = s.addr.rsplit(':').next().unwrap();
    let rebound = initialize(&s.addr, &format!("evil.example:{port}"), "");
    assert_eq!(rebound.status, 403, "{}", rebound.head);
    let cross = initialize(&s.addr, &s.addr, "Origin: http://evil.example\r\n");
    assert_eq!(cross.status, 403, "{}", cross.head);
    drop(s);

    let s = common::Served::start(dir.path(), &["--host", "0.0.0.0"]);
    let token = s.url.split("?token=").nth(1).unwrap().to_owned();
    let port = s.addr.rsplit(':').next().unwrap();
    let local = format!("127.0.0.1:{port}");
    let host = format!("planner.lan:{port}");
    assert_eq!(initialize(&local, &host, "").status, 401);
    let wrong = initialize(&local, &host, "Authorization: Bearer wrong\r\n");
    assert_eq!(wrong.status, 401);
    let right = initialize(&local, &host, &format!("Authorization: Bearer {token}\r\n"));
    assert_eq!(right.status, 200, "{}", right.head);
}
