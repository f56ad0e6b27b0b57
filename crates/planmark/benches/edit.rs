//! `planmark done` on 1,000 tasks of a 10,000-task plan in one call, and
//! on one. The bar: under 100 ms, reading the plan, checking dependencies,
//! editing, reading the result back and writing it atomically under the
//! plan's lock.
//!
//! `cargo bench -p planmark --bench edit`

use std::fmt::Write as _;

use planmark::config::Config;
use planmark::links::Links;
use planmark::model::Status;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// 100 phases of 100 checkbox tasks; each task after the first of a phase
/// depends on the one before.
fn plan() -> String {
    let mut s = String::from("# Big plan\n\n## Task Breakdown\n\n");
    for p in 0..100 {
        let _ = writeln!(s, "### Phase {}: Package {p}\n", p + 1);
        for t in 0..100 {
            let i = p * 100 + t;
            let dep = if t > 0 {
                format!(" (depends on T{})", i - 1)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "- [ ] T{i}: Implement part {t} of package {p} ({}d) @dev{}{dep}",
                t % 5 + 1,
                t % 4
            );
        }
        s.push('\n');
    }
    s
}

/// What `planmark done` does for `ids`: load, check dependencies, edit,
/// verify, write through the locked path.
fn done(dir: &std::path::Path, path: &std::path::Path, ids: &[String]) {
    let ws = planmark::workspace::load(dir, &[path.to_path_buf()], &Config::default()).unwrap();
    let links = Links::new(&ws);
    let targets: Vec<(usize, usize)> = ids.iter().map(|id| links.find_all(id)[0]).collect();
    for &(di, ti) in &targets {
        assert!(links.blockers(di, ti).iter().all(|b| targets.contains(b)));
    }
    let doc = &ws.documents[0];
    let tasks: Vec<usize> = targets.iter().map(|t| t.1).collect();
    let new = planmark::edit::set_statuses(doc, &tasks, Status::Done, None).unwrap();
    planmark::edit::commit(path, doc, &tasks, &new, &|d, found| {
        planmark::edit::set_statuses(d, found, Status::Done, None)
    })
    .unwrap();
}

/// 1,000 tasks in one call: the first ten of every phase, each one's
/// dependency done in the same call.
#[divan::bench(sample_count = 20)]
fn done_1000_of_10000(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.md");
    let text = plan();
    let ids: Vec<String> = (0..100)
        .flat_map(|p| (0..10).map(move |t| format!("T{}", p * 100 + t)))
        .collect();
    bencher
        .with_inputs(|| std::fs::write(&path, &text).unwrap())
        .bench_local_refs(|()| done(dir.path(), &path, &ids));
}

/// One task, the usual call.
#[divan::bench(sample_count = 20)]
fn done_1_of_10000(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.md");
    let text = plan();
    let ids = vec!["T5000".to_owned()];
    bencher
        .with_inputs(|| std::fs::write(&path, &text).unwrap())
        .bench_local_refs(|()| done(dir.path(), &path, &ids));
}
