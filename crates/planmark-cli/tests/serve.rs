//! `planmark serve` over HTTP: its pages, its edits, its defences. Each
//! test starts its own server on a free port of 127.0.0.1 and stops it
//! when done, failed or not.

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Served, examples_copy, get, post, raw, session_token};

const PLAN: &str = "csv-importer-guide.md";

#[test]
fn every_page_answers_and_reads_without_javascript() {
    let dir = examples_copy();
    let s = Served::start(dir.path(), &[]);
    let home = get(&s, "/");
    assert_eq!(home.status, 200, "{home:?}");
    assert!(home.body.contains("CSV importer for bulk price updates"));
    assert!(home.body.contains("Planned finish"));
    let board = get(&s, "/board");
    assert_eq!(board.status, 200);
    for col in ["todo", "in_progress", "blocked", "done"] {
        assert!(
            board.body.contains(&format!("data-status=\"{col}\"")),
            "{col}"
        );
    }
    // A card has its id, title, owner, estimate and phase, and a menu.
    assert!(board.body.contains("data-id=\"3.1\""));
    assert!(board.body.contains("Email summary when the job finishes"));
    assert!(board.body.contains("<details class=\"menu\"><summary>Move"));
    assert!(board.body.contains("<button name=\"to\" value=\"done\">"));
    // Filters are a plain form; the board filtered by owner shows only theirs.
    let lee = get(&s, "/board?owner=lee");
    assert!(lee.body.contains("data-id=\"3.3\"") && !lee.body.contains("data-id=\"3.1\""));
    let task = get(&s, "/task?plan=csv-importer-guide.md&id=2.3");
    assert_eq!(task.status, 200);
    for what in [
        "Apply job with batching and retries",
        "Depends on",
        "Why then",
        "action=\"/api/set\"",
    ] {
        assert!(task.body.contains(what), "{what}");
    }
    // What it holds back: tasks link to their pages; a milestone has none.
    let held = get(&s, "/task?plan=csv-importer-guide.md&id=2.2").body;
    assert!(
        held.contains("It holds back") && held.contains(", M2."),
        "{held}"
    );
    assert!(!held.contains("id=M2"));
    let timeline = get(&s, "/timeline?zoom=week");
    assert_eq!(timeline.status, 200);
    assert!(
        timeline.body.contains("class=\"planmark gantt\"")
            || timeline.body.contains("planmark gantt")
    );
    // Each bar links to its task.
    assert!(
        timeline
            .body
            .contains("href=\"/task?plan=csv-importer-guide.md&amp;id=2.3\"")
    );
    assert_eq!(get(&s, "/findings").status, 200);
    // Security headers on every page: no script or request to elsewhere.
    let csp = home.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"));
    assert_eq!(get(&s, "/nothing-here").status, 404);
    assert_eq!(get(&s, "/assets/app.js").status, 200);
}

#[test]
fn a_move_changes_the_plan_by_exactly_its_checkbox() {
    let dir = examples_copy();
    let path = dir.path().join(PLAN);
    let before = std::fs::read_to_string(&path).unwrap();
    let s = Served::start(dir.path(), &[]);
    let token = session_token(&get(&s, "/board").body);
    let a = post(
        &s,
        "/api/status",
        "application/json",
        &format!("X-Planmark-Token: {token}\r\n"),
        r#"{"plan":"csv-importer-guide.md","id":"3.1","to":"done"}"#,
    );
    assert_eq!(a.status, 200, "{a:?}");
    assert!(a.body.contains("\"to\":\"done\""), "{}", a.body);
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        before.replace("- [ ] Task 3.1:", "- [x] Task 3.1:"),
        "only the checkbox changes"
    );
    // A plain form (no script) works too, and goes back to the page.
    let a = post(
        &s,
        "/api/status",
        "application/x-www-form-urlencoded",
        "",
        &format!(
            "token={token}&plan=csv-importer-guide.md&id=3.3&to=in_progress&back=%2Fboard%3Fowner%3Dlee"
        ),
    );
    assert_eq!(a.status, 303, "{a:?}");
    assert_eq!(a.header("location"), Some("/board?owner=lee"));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("- [~] Task 3.3:")
    );
    // Never back to another site.
    let a = post(
        &s,
        "/api/status",
        "application/x-www-form-urlencoded",
        "",
        &format!(
            "token={token}&plan=csv-importer-guide.md&id=3.3&to=todo&back=%2F%2Fevil.example%2F"
        ),
    );
    assert_eq!(a.header("location"), Some("/board"));
    // Done waits for the dependencies: refused, and said why.
    let a = post(
        &s,
        "/api/status",
        "application/json",
        &format!("X-Planmark-Token: {token}\r\n"),
        r#"{"plan":"csv-importer-guide.md","id":"2.4","to":"done"}"#,
    );
    assert_eq!(a.status, 409, "{a:?}");
    assert!(a.body.contains("depends on"), "{}", a.body);
}

#[test]
fn a_change_against_a_task_edited_meanwhile_is_refused() {
    let dir = examples_copy();
    let path = dir.path().join(PLAN);
    let s = Served::start(dir.path(), &[]);
    let page = get(&s, "/task?plan=csv-importer-guide.md&id=2.3").body;
    let token = session_token(&page);
    let at = page.find("name=\"base\" value=\"").unwrap() + 19;
    let base = &page[at..at + 16];
    // Someone edits the task on disk; the page still shows the old one.
    let edited = std::fs::read_to_string(&path)
        .unwrap()
        .replace("retries (3d)", "retries (4d)");
    std::fs::write(&path, &edited).unwrap();
    let a = post(
        &s,
        "/api/set",
        "application/json",
        &format!("X-Planmark-Token: {token}\r\n"),
        &format!(r#"{{"plan":"csv-importer-guide.md","id":"2.3","base":"{base}","owner":"@lee"}}"#),
    );
    assert_eq!(a.status, 409, "{a:?}");
    assert!(a.body.contains("changed on disk"), "{}", a.body);
    assert!(a.body.contains("\"conflict\":true"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        edited,
        "nothing lost"
    );
}

#[test]
fn foreign_host_or_origin_is_refused() {
    let dir = examples_copy();
    let path = dir.path().join(PLAN);
    let before = std::fs::read_to_string(&path).unwrap();
    let s = Served::start(dir.path(), &[]);
    let token = session_token(&get(&s, "/").body);
    // DNS rebinding: a page of another site whose name points here.
    for host in [
        "evil.example",
        "evil.example:80",
        "127.0.0.1.evil.example",
        "",
    ] {
        let a = raw(
            &s.addr,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(a.status, 403, "Host {host}: {a:?}");
    }
    // A change from another origin, even with the token.
    let body = r#"{"plan":"csv-importer-guide.md","id":"3.1","to":"done"}"#;
    let a = raw(
        &s.addr,
        &format!(
            "POST /api/status HTTP/1.1\r\nHost: {a}\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\nX-Planmark-Token: {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len(),
            a = s.addr
        ),
    );
    assert_eq!(a.status, 403, "{a:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn changes_need_the_session_token() {
    let dir = examples_copy();
    let path = dir.path().join(PLAN);
    let before = std::fs::read_to_string(&path).unwrap();
    let s = Served::start(dir.path(), &[]);
    let json = r#"{"plan":"csv-importer-guide.md","id":"3.1","to":"done"}"#;
    for (ct, headers, body) in [
        ("application/json", String::new(), json.to_owned()),
        (
            "application/json",
            "X-Planmark-Token: 0123456789abcdef0123456789abcdef\r\n".to_owned(),
            json.to_owned(),
        ),
        (
            "application/x-www-form-urlencoded",
            String::new(),
            "plan=csv-importer-guide.md&id=3.1&to=done".to_owned(),
        ),
        (
            "application/x-www-form-urlencoded",
            String::new(),
            "token=nope&plan=csv-importer-guide.md&id=3.1&to=done".to_owned(),
        ),
        ("text/plain", String::new(), json.to_owned()),
    ] {
        let a = post(&s, "/api/status", ct, &headers, &body);
        assert_eq!(a.status, 403, "{ct} {headers} {body}: {a:?}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn nothing_outside_the_workspace_is_read_or_written() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    let secret_text = "# Secret\n\n## Tasks\n- [ ] 1.1 SECRETTASK (1d)\n";
    std::fs::write(&secret, secret_text).unwrap();
    let dir = examples_copy();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, dir.path().join("linked.md")).unwrap();
    let s = Served::start(dir.path(), &[]);
    let token = session_token(&get(&s, "/").body);
    let rel = format!(
        "../{}/secret.md",
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let abs = secret.display().to_string();
    for path in [
        format!("/task?plan={rel}&id=1.1"),
        format!(
            "/task?plan={}&id=1.1",
            rel.replace('.', "%2e").replace('/', "%2f")
        ),
        format!("/task?plan={abs}&id=1.1"),
        "/task?plan=linked.md&id=1.1".to_owned(),
        "/../../etc/passwd".to_owned(),
        "/%2e%2e/%2e%2e/etc/passwd".to_owned(),
        "/assets/..%2f..%2fCargo.toml".to_owned(),
        "/assets/%2e%2e/%2e%2e/etc/passwd".to_owned(),
        "//etc/passwd".to_owned(),
    ] {
        let a = get(&s, &path);
        assert!(a.status == 404 || a.status == 400, "{path}: {a:?}");
        assert!(
            !a.body.contains("SECRETTASK") && !a.body.contains("root:"),
            "{path}"
        );
    }
    for page in ["/", "/board", "/findings", "/timeline"] {
        assert!(
            !get(&s, page).body.contains("SECRETTASK"),
            "{page} shows a file outside"
        );
    }
    for plan in [rel.as_str(), abs.as_str(), "linked.md"] {
        let a = post(
            &s,
            "/api/status",
            "application/json",
            &format!("X-Planmark-Token: {token}\r\n"),
            &format!(r#"{{"plan":"{plan}","id":"1.1","to":"done"}}"#),
        );
        assert_eq!(a.status, 404, "{plan}: {a:?}");
    }
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), secret_text);
}

#[test]
fn request_bodies_are_limited() {
    let dir = examples_copy();
    let s = Served::start(dir.path(), &[]);
    let token = session_token(&get(&s, "/").body);
    let big = format!(
        r#"{{"plan":"csv-importer-guide.md","id":"3.1","to":"done","title":"{}"}}"#,
        "x".repeat(200_000)
    );
    let a = post(
        &s,
        "/api/status",
        "application/json",
        &format!("X-Planmark-Token: {token}\r\n"),
        &big,
    );
    assert_eq!(a.status, 413, "{}", a.head);
}

#[test]
fn a_public_address_asks_for_the_access_token() {
    let dir = examples_copy();
    let s = Served::start(dir.path(), &["--host", "0.0.0.0"]);
    assert!(s.url.contains("?token="), "{}", s.url);
    let port = s.addr.rsplit(':').next().unwrap();
    let local = format!("127.0.0.1:{port}");
    let token = s.url.split("?token=").nth(1).unwrap().to_owned();
    let ask = |path: &str, extra: &str| {
        raw(
            &local,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: planner.lan:{port}\r\n{extra}Connection: close\r\n\r\n"
            ),
        )
    };
    assert_eq!(ask("/", "").status, 401);
    assert_eq!(ask("/?token=wrong", "").status, 401);
    let first = ask(&format!("/?token={token}"), "");
    assert_eq!(first.status, 200);
    let cookie = first.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().unwrap();
    assert_eq!(ask("/board", &format!("Cookie: {cookie}\r\n")).status, 200);
}

#[test]
fn an_open_page_hears_of_a_change_on_disk() {
    let dir = examples_copy();
    let path = dir.path().join(PLAN);
    let s = Served::start(dir.path(), &[]);
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET /events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        s.addr
    )
    .unwrap();
    let mut lines = BufReader::new(stream).lines();
    let version = |lines: &mut std::io::Lines<BufReader<TcpStream>>| -> u64 {
        loop {
            let l = lines
                .next()
                .expect("stream ended")
                .expect("no event in time");
            // A stamp: the workspace's version, then its forecast's.
            if let Some(v) = l.strip_prefix("data: ").or_else(|| l.strip_prefix("data:")) {
                return v.trim().split('.').next().unwrap().parse().unwrap();
            }
        }
    };
    let first = version(&mut lines);
    let text = std::fs::read_to_string(&path).unwrap();
    let t0 = Instant::now();
    std::fs::write(&path, text.replace("- [ ] Task 3.1:", "- [x] Task 3.1:")).unwrap();
    let mut next = version(&mut lines);
    while next == first {
        next = version(&mut lines);
    }
    assert!(next > first);
    assert!(t0.elapsed() < Duration::from_secs(1), "{:?}", t0.elapsed());
    // The page asked for now shows it.
    let board = get(&s, "/board");
    let done = board
        .body
        .split("data-status=\"done\" aria-label")
        .nth(1)
        .unwrap();
    assert!(done.contains("data-id=\"3.1\""));
}

#[test]
fn a_changed_configuration_applies_without_a_restart() {
    let dir = examples_copy();
    let s = Served::start(dir.path(), &[]);
    let finish = |page: &str| -> String {
        let at = page.find("<dt>Timeline</dt><dd>").unwrap();
        page[at..at + 80].to_owned()
    };
    let before = finish(&get(&s, "/").body);
    // A three-day week: the same work ends later.
    std::fs::write(
        dir.path().join("planmark.toml"),
        "[calendar]\nworking_days = [\"mon\", \"tue\", \"wed\"]\n",
    )
    .unwrap();
    let t0 = Instant::now();
    loop {
        let now = finish(&get(&s, "/").body);
        if now != before {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(5), "still {now}");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A configuration that cannot be read keeps the last good one serving.
    std::fs::write(dir.path().join("planmark.toml"), "[calendar\n").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(get(&s, "/board").status, 200);
}

#[test]
fn attributes_and_new_tasks_are_written_in_the_plans_own_form() {
    let dir = examples_copy();
    let path = dir.path().join(PLAN);
    let before = std::fs::read_to_string(&path).unwrap();
    let s = Served::start(dir.path(), &[]);
    let token = session_token(&get(&s, "/").body);
    let header = format!("X-Planmark-Token: {token}\r\n");
    // A form sends every field; only the owner differs from the task's.
    let a = post(
        &s,
        "/api/set",
        "application/json",
        &header,
        r#"{"plan":"csv-importer-guide.md","id":"3.3","owner":"@sara","estimate":"1d","depends":""}"#,
    );
    assert_eq!(a.status, 200, "{a:?}");
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        before.replace(
            "Task 3.3: Docs and merchant help article (1d) @lee",
            "Task 3.3: Docs and merchant help article (1d) @sara"
        )
    );
    // A new task lands at the end of its phase, numbered and shaped like
    // the others.
    let a = post(
        &s,
        "/api/add",
        "application/x-www-form-urlencoded",
        "",
        &format!(
            "token={token}&plan=csv-importer-guide.md&phase=Phase+3&title=Export+failed+rows&estimate=1d&owner=%40lee"
        ),
    );
    assert_eq!(a.status, 303, "{a:?}");
    let added = std::fs::read_to_string(&path).unwrap();
    let new_lines: Vec<&str> = added
        .lines()
        .filter(|l| !after.lines().any(|o| o == *l))
        .collect();
    assert_eq!(
        new_lines,
        ["- [ ] Task 3.5: Export failed rows (1d) @lee"],
        "{added}"
    );
    assert_eq!(added.lines().count(), after.lines().count() + 1);
    // The board shows it.
    assert!(get(&s, "/board").body.contains("Export failed rows"));
    // A value the plan's form cannot hold is refused, and nothing changes.
    let a = post(
        &s,
        "/api/set",
        "application/json",
        &header,
        r#"{"plan":"csv-importer-guide.md","id":"3.3","estimate":"soon"}"#,
    );
    assert_eq!(a.status, 422, "{a:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), added);
}

#[test]
fn a_plan_in_a_new_folder_is_found_while_serving() {
    let dir = examples_copy();
    let s = Served::start(dir.path(), &[]);
    assert!(!get(&s, "/board").body.contains("Wire the new importer"));
    let deeper = dir.path().join("teams/data");
    std::fs::create_dir_all(&deeper).unwrap();
    std::fs::write(
        deeper.join("importer.md"),
        "# Importer\n\n## Tasks\n\n- [ ] 1.1 Wire the new importer (2d)\n",
    )
    .unwrap();
    let t0 = Instant::now();
    while !get(&s, "/board").body.contains("Wire the new importer") {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the new plan never showed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // And a change to it later, inside the new folder, shows too.
    std::fs::write(
        deeper.join("importer.md"),
        "# Importer\n\n## Tasks\n\n- [ ] 1.1 Wire the new importer (2d)\n- [ ] 1.2 Backfill last year (1d)\n",
    )
    .unwrap();
    while !get(&s, "/board").body.contains("Backfill last year") {
        assert!(
            t0.elapsed() < Duration::from_secs(8),
            "the change never showed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let dir = examples_copy();
    let s = Served::start(dir.path(), &[]);
    let port = s.addr.rsplit(':').next().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planmark"))
        .args(["serve", "--port", port])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot serve on 127.0.0.1:{port}")),
        "{err}"
    );
    assert_eq!(err.matches("in use").count(), 1, "{err}");
}
