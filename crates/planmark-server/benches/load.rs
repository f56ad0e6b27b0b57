//! `planmark serve` under load on the bundled examples: 50 clients reading
//! pages and 8 changing different tasks, for 30 s on loopback. The bars:
//! no error, no lost edit, the 99th percentile of page times under 100 ms.
//!
//! `cargo bench -p planmark-server --bench load` (`PLANMARK_LOAD_SECONDS`
//! sets the duration).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/http.rs"]
mod http;

const READERS: usize = 50;
const WRITERS: usize = 8;

/// The tasks the writers change, one each: (plan, id).
const TASKS: [(&str, &str); WRITERS] = [
    ("csv-importer-guide.md", "2.3"),
    ("csv-importer-guide.md", "2.4"),
    ("csv-importer-guide.md", "3.1"),
    ("csv-importer-guide.md", "3.3"),
    ("2026-11-23-search-rewrite.md", "2.1"),
    ("2026-11-23-search-rewrite.md", "2.4"),
    ("2026-11-23-search-rewrite.md", "3.2"),
    ("roadmap-2027.md", "design-review-of-offline-states"),
];

fn main() {
    let seconds: u64 = std::env::var("PLANMARK_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for e in std::fs::read_dir(&examples).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let mut opts = planmark_server::Options::new(dir.path().to_path_buf());
    opts.port = 0;
    opts.today = Some(jiff::civil::date(2026, 12, 1));
    let running = planmark_server::Server::bind(opts)
        .unwrap()
        .spawn()
        .unwrap();
    let addr = http::addr(&running.url);
    let token = http::token(&http::get(&addr, "/").1);
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicUsize::new(0));
    let pages = [
        "/",
        "/board",
        "/board?owner=dmitri",
        "/timeline",
        "/findings",
        "/task?plan=csv-importer-guide.md&id=2.2",
    ];
    let readers: Vec<_> = (0..READERS)
        .map(|i| {
            let (addr, stop, errors) = (addr.clone(), stop.clone(), errors.clone());
            std::thread::spawn(move || {
                let mut times = Vec::new();
                let mut k = i;
                while !stop.load(Ordering::Relaxed) {
                    let page = pages[k % pages.len()];
                    k += 1;
                    let t = Instant::now();
                    let (status, body) = http::get(&addr, page);
                    times.push((page, t.elapsed()));
                    if status != 200 || !body.contains("</html>") {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                times
            })
        })
        .collect();
    // Each writer moves its own task between todo and in progress, and
    // remembers the last status it was told was written.
    let writers: Vec<_> = TASKS
        .iter()
        .map(|&(plan, id)| {
            let (addr, stop, errors, token) =
                (addr.clone(), stop.clone(), errors.clone(), token.clone());
            std::thread::spawn(move || {
                let mut last = None;
                let mut written = 0;
                let mut flip = false;
                while !stop.load(Ordering::Relaxed) {
                    flip = !flip;
                    let to = if flip { "in_progress" } else { "todo" };
                    let (status, body) = http::request(
                        &addr,
                        "POST",
                        "/api/status",
                        &format!("Content-Type: application/json\r\nX-Planmark-Token: {token}\r\n"),
                        &format!(r#"{{"plan":"{plan}","id":"{id}","to":"{to}"}}"#),
                    );
                    if status == 200 {
                        last = Some(to);
                        written += 1;
                    } else {
                        eprintln!("edit of {plan}#{id} refused: {status} {body}");
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                (plan, id, last, written)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut times: Vec<Duration> = Vec::new();
    let mut by_page: std::collections::BTreeMap<&str, Vec<Duration>> =
        std::collections::BTreeMap::new();
    for r in readers {
        for (page, t) in r.join().unwrap() {
            times.push(t);
            by_page.entry(page).or_default().push(t);
        }
    }
    let mut edits = 0;
    let mut lost = 0;
    let outcomes: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    running.stop().unwrap();
    // Every task is in the status its writer last wrote.
    for (plan, id, last, written) in outcomes {
        edits += written;
        let text = std::fs::read_to_string(dir.path().join(plan)).unwrap();
        let doc = planmark::syntax::parse_str(plan, &text);
        let t = doc.tasks.iter().find(|t| t.id == id).unwrap();
        let want = match last {
            Some("in_progress") => planmark::model::Status::InProgress,
            _ => planmark::model::Status::Todo,
        };
        if last.is_some() && t.status != want {
            lost += 1;
            eprintln!("{plan}#{id}: last written {last:?}, on disk {:?}", t.status);
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "{seconds} s, {READERS} readers, {WRITERS} writers: {} pages ({:.0}/s), {edits} edits ({:.0}/s), {} errors, {lost} lost edits",
        times.len(),
        times.len() as f64 / seconds as f64,
        f64::from(edits) / seconds as f64,
        errors.load(Ordering::Relaxed)
    );
    println!(
        "page times: p50 {:.1?}, p90 {:.1?}, p99 {:.1?}, max {:.1?}",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        times.last().unwrap()
    );
    for (page, mut t) in by_page {
        t.sort();
        println!(
            "  {page:<44} p50 {:>8.1?}  p99 {:>8.1?}",
            t[t.len() / 2],
            t[(t.len() * 99 / 100).min(t.len() - 1)]
        );
    }
    assert_eq!(errors.load(Ordering::Relaxed), 0, "errors under load");
    assert_eq!(lost, 0, "lost edits");
}
