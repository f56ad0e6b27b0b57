//! `planmark serve` on a 10,000-task workspace: how long the board, the
//! timeline and the other pages take to answer, and how long an edit on
//! disk takes to reach an open page. The bars: pages in under 1 s, a
//! change at an open page in under 500 ms.
//!
//! `cargo bench -p planmark-server --bench serve` (with
//! `PLANMARK_SERVE_HOLD=60` it then keeps serving for a browser to time).

use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../../planmark/benches/common/workspace.rs"]
mod generated;
#[path = "common/http.rs"]
mod http;

/// Plans in the workspace: sessions of 18 tasks and guides of 24, about
/// 10,000 tasks in all.
const PLANS: usize = 476;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    generated::write(dir.path(), PLANS);
    let mut opts = planmark_server::Options::new(dir.path().to_path_buf());
    opts.port = 0;
    opts.today = Some(jiff::civil::date(2026, 11, 21));
    let t = Instant::now();
    let server = planmark_server::Server::bind(opts).unwrap();
    let loaded = t.elapsed();
    let running = server.spawn().unwrap();
    let addr = http::addr(&running.url);
    let (_, board) = http::get(&addr, "/board");
    let tasks = board.matches("<article class=\"card").count();
    println!(
        "workspace: {PLANS} plans, {tasks} tasks on the board; first load and analysis {loaded:.0?}"
    );
    println!(
        "{:<12} {:>10} {:>10} {:>10}",
        "page", "median", "slowest", "size"
    );
    for page in [
        "/",
        "/board",
        "/timeline",
        "/findings",
        "/task?plan=docs/plans/importer-00001.md&id=2.3",
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let (status, body) = http::get(&addr, page);
            times.push(t.elapsed());
            assert_eq!(status, 200, "{page}");
            size = body.len();
        }
        let slowest = *times.iter().max().unwrap();
        println!(
            "{:<12} {:>10.0?} {:>10.0?} {:>9} KB",
            page.split('?').next().unwrap(),
            median(times),
            slowest,
            size / 1024
        );
    }
    // An editor saves a plan: how long until an open page hears of it, and
    // until the board it then asks for has the change.
    let mut events = http::Events::open(&addr);
    let mut version = events.next();
    let (name, text) = generated::plan_file(PLANS / 2 + 1);
    let path = dir.path().join("docs/plans").join(name);
    let ticked = text.replacen("- [ ] Task 2.1", "- [x] Task 2.1", 1);
    let (mut heard, mut shown) = (Vec::new(), Vec::new());
    for i in 0..10 {
        std::thread::sleep(Duration::from_millis(200));
        let t = Instant::now();
        std::fs::write(&path, if i % 2 == 0 { &ticked } else { &text }).unwrap();
        let mut v = events.next();
        while v <= version {
            v = events.next();
        }
        version = v;
        heard.push(t.elapsed());
        let (status, _) = http::get(&addr, "/board");
        assert_eq!(status, 200);
        shown.push(t.elapsed());
    }
    println!(
        "change on disk: heard by an open page in {:.0?} (median; slowest {:.0?}), its board fetched again by {:.0?} (slowest {:.0?})",
        median(heard.clone()),
        heard.iter().max().unwrap(),
        median(shown.clone()),
        shown.iter().max().unwrap()
    );
    // To look at the pages in a browser meanwhile: PLANMARK_SERVE_HOLD=60.
    if let Some(s) = std::env::var("PLANMARK_SERVE_HOLD")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        println!("holding {} for {s} s", running.url);
        std::thread::sleep(Duration::from_secs(s));
    }
    running.stop().unwrap();
}
