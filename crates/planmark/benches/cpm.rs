//! The critical path method alone on 1,000,000 activities and 3,000,000
//! links. The bar: under 1 s.
//!
//! `cargo bench -p planmark --bench cpm`

use planmark::model::LinkKind;
use planmark::schedule::cpm::{Link, Network, compute};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// A random acyclic network: each activity links to three earlier ones
/// (a fixed-seed generator, so every run measures the same network), with
/// all four link kinds and some lags.
fn network(n: usize) -> Network {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let kinds = [
        LinkKind::FinishToStart,
        LinkKind::FinishToStart,
        LinkKind::StartToStart,
        LinkKind::FinishToFinish,
        LinkKind::StartToFinish,
    ];
    let mut links = Vec::with_capacity(3 * n);
    for to in 1..n {
        for _ in 0..3 {
            let r = next();
            // Mostly recent predecessors, as real plans have.
            let back = 1 + (r % 1_000) as usize;
            let from = to.saturating_sub(back);
            links.push(Link {
                from,
                to,
                kind: kinds[(r >> 20) as usize % kinds.len()],
                lag: ((r >> 40) % 5).cast_signed() * 60 - 60,
            });
        }
    }
    Network {
        durations: (0..n)
            .map(|_| (next() % 40 + 1).cast_signed() * 60)
            .collect(),
        release: Vec::new(),
        links,
    }
}

#[divan::bench(sample_count = 10)]
fn cpm_1m_tasks_3m_links(bencher: divan::Bencher) {
    let net = network(1_000_000);
    bencher.bench(|| compute(divan::black_box(&net)).unwrap().finish);
}
