//! Any bytes read as a plan, scheduled and forecast: no panic, no hang,
//! and a schedule that keeps its own promises (every task starts no later
//! than it finishes, and the critical path names tasks).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(ws) = planmark_fuzz::workspace(data) else {
        return;
    };
    let config = planmark::config::Config::default();
    let mut opts = planmark::schedule::Options::new(planmark_fuzz::today());
    // A small search: the fuzzer looks for crashes, not for good schedules.
    opts.schedules = Some(20);
    let Ok(s) = planmark::schedule::schedule(&ws, &config, &opts) else {
        return;
    };
    assert!(s.tasks.len() <= ws.documents[0].tasks.len());
    for t in &s.tasks {
        assert!(t.start <= t.finish, "{} starts after it finishes", t.id);
        assert!(t.start_day <= t.finish_day, "{}", t.id);
    }
    for &i in &s.critical_path {
        assert!(i < s.tasks.len());
    }
    let fopts = planmark::forecast::Options {
        runs: Some(50),
        seed: Some(7),
        ..Default::default()
    };
    if let Ok(f) = planmark::forecast::forecast(&ws, &config, &s, &fopts, None) {
        assert!(f.runs > 0);
    }
});
