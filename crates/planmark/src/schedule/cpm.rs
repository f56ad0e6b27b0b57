//! The critical path method on an activity network: earliest and latest
//! times, total and free slack, with all four link types and lags.
//!
//! Times are whole minutes of working time from the project start, so that
//! `30m` and `1.5d` are exact; calendars turn them into dates.

use crate::model::LinkKind;

/// A precedence link: `to` waits for `from` as `kind` says, shifted by `lag`
/// (negative for a lead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// The predecessor.
    pub from: usize,
    /// The successor.
    pub to: usize,
    /// Finish-to-start, start-to-start, finish-to-finish or start-to-finish.
    pub kind: LinkKind,
    /// Minutes added to the constraint.
    pub lag: i64,
}

impl Link {
    /// A plain finish-to-start link without lag.
    #[must_use]
    pub fn finish_to_start(from: usize, to: usize) -> Link {
        Link {
            from,
            to,
            kind: LinkKind::FinishToStart,
            lag: 0,
        }
    }
}

/// Activities and their links.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// Each activity's duration in minutes.
    pub durations: Vec<i64>,
    /// Each activity's earliest allowed start (0 for none): a fixed start
    /// for work already done or under way.
    pub release: Vec<i64>,
    /// The links.
    pub links: Vec<Link>,
}

/// The computed times of every activity, in minutes from the project start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Times {
    /// Earliest start.
    pub early_start: Vec<i64>,
    /// Earliest finish.
    pub early_finish: Vec<i64>,
    /// Latest start that keeps the project finish.
    pub late_start: Vec<i64>,
    /// Latest finish that keeps the project finish.
    pub late_finish: Vec<i64>,
    /// How far an activity can slip without moving the project finish.
    pub total_slack: Vec<i64>,
    /// How far it can slip without moving any successor's earliest start.
    pub free_slack: Vec<i64>,
    /// The project finish: the latest earliest finish.
    pub finish: i64,
}

impl Times {
    /// Whether activity `i` is critical (no total slack).
    #[must_use]
    pub fn is_critical(&self, i: usize) -> bool {
        self.total_slack[i] <= 0
    }
}

/// The earliest time `to` may start given one link, from `from`'s times.
pub(crate) fn bound(
    kind: LinkKind,
    lag: i64,
    from_start: i64,
    from_finish: i64,
    to_duration: i64,
) -> i64 {
    match kind {
        LinkKind::FinishToStart => from_finish + lag,
        LinkKind::StartToStart => from_start + lag,
        LinkKind::FinishToFinish => from_finish + lag - to_duration,
        LinkKind::StartToFinish => from_start + lag - to_duration,
    }
}

/// Computes the times of `net`. Returns the activities caught in cycles
/// (and those waiting on them) when the links are not acyclic.
///
/// # Errors
///
/// Returns the activities that could not be ordered, when the links have a cycle.
pub fn compute(net: &Network) -> Result<Times, Vec<usize>> {
    let n = net.durations.len();
    // Links by predecessor and successor, as index ranges (no per-node vectors).
    let mut out_start = vec![0usize; n + 1];
    let mut in_start = vec![0usize; n + 1];
    for l in &net.links {
        out_start[l.from + 1] += 1;
        in_start[l.to + 1] += 1;
    }
    for i in 0..n {
        out_start[i + 1] += out_start[i];
        in_start[i + 1] += in_start[i];
    }
    let mut out = vec![0usize; net.links.len()];
    let mut inc = vec![0usize; net.links.len()];
    let (mut o_fill, mut i_fill) = (out_start.clone(), in_start.clone());
    for (k, l) in net.links.iter().enumerate() {
        out[o_fill[l.from]] = k;
        o_fill[l.from] += 1;
        inc[i_fill[l.to]] = k;
        i_fill[l.to] += 1;
    }
    // Kahn's order.
    let mut indegree: Vec<usize> = (0..n).map(|i| in_start[i + 1] - in_start[i]).collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let v = order[head];
        head += 1;
        for &k in &out[out_start[v]..out_start[v + 1]] {
            let w = net.links[k].to;
            indegree[w] -= 1;
            if indegree[w] == 0 {
                order.push(w);
            }
        }
    }
    if order.len() < n {
        return Err((0..n).filter(|&i| indegree[i] > 0).collect());
    }
    let d = &net.durations;
    let mut es = vec![0i64; n];
    for &v in &order {
        let mut s = net.release.get(v).copied().unwrap_or(0).max(0);
        for &k in &inc[in_start[v]..in_start[v + 1]] {
            let l = net.links[k];
            s = s.max(bound(
                l.kind,
                l.lag,
                es[l.from],
                es[l.from] + d[l.from],
                d[v],
            ));
        }
        es[v] = s;
    }
    let ef: Vec<i64> = (0..n).map(|i| es[i] + d[i]).collect();
    let finish = ef.iter().copied().max().unwrap_or(0);
    // Backward: the latest finish each activity can have.
    let mut lf = vec![finish; n];
    for &v in order.iter().rev() {
        let mut f = finish;
        for &k in &out[out_start[v]..out_start[v + 1]] {
            let l = net.links[k];
            let (ls_to, lf_to) = (lf[l.to] - d[l.to], lf[l.to]);
            f = f.min(match l.kind {
                LinkKind::FinishToStart => ls_to - l.lag,
                LinkKind::StartToStart => ls_to - l.lag + d[v],
                LinkKind::FinishToFinish => lf_to - l.lag,
                LinkKind::StartToFinish => lf_to - l.lag + d[v],
            });
        }
        lf[v] = f;
    }
    let ls: Vec<i64> = (0..n).map(|i| lf[i] - d[i]).collect();
    let total_slack: Vec<i64> = (0..n).map(|i| ls[i] - es[i]).collect();
    let free_slack: Vec<i64> = (0..n)
        .map(|v| {
            let mut free = finish - ef[v];
            for &k in &out[out_start[v]..out_start[v + 1]] {
                let l = net.links[k];
                let room = es[l.to] - bound(l.kind, l.lag, es[v], ef[v], d[l.to]);
                free = free.min(room);
            }
            free.max(0)
        })
        .collect();
    Ok(Times {
        early_start: es,
        early_finish: ef,
        late_start: ls,
        late_finish: lf,
        total_slack,
        free_slack,
        finish,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(from: usize, to: usize, kind: LinkKind, lag: i64) -> Link {
        Link {
            from,
            to,
            kind,
            lag,
        }
    }

    /// A textbook network: A(3) → B(2), A → C(4), B → D(1), C → D.
    #[test]
    fn finish_to_start_slack_and_critical_path() {
        let fs = LinkKind::FinishToStart;
        let net = Network {
            durations: vec![3, 2, 4, 1],
            release: vec![],
            links: vec![
                link(0, 1, fs, 0),
                link(0, 2, fs, 0),
                link(1, 3, fs, 0),
                link(2, 3, fs, 0),
            ],
        };
        let t = compute(&net).unwrap();
        assert_eq!(t.early_start, [0, 3, 3, 7]);
        assert_eq!(t.finish, 8);
        assert_eq!(t.late_start, [0, 5, 3, 7]);
        assert_eq!(t.total_slack, [0, 2, 0, 0]);
        assert_eq!(t.free_slack, [0, 2, 0, 0]);
        let critical: Vec<usize> = (0..4).filter(|&i| t.is_critical(i)).collect();
        assert_eq!(critical, [0, 2, 3]);
    }

    #[test]
    fn every_link_type_with_lags_and_leads() {
        // A(4); B SS+1 after A; C FF+2 after A (C lasts 3); D SF after A (D lasts 2); E FS-1 after A.
        let net = Network {
            durations: vec![4, 2, 3, 2, 2],
            release: vec![],
            links: vec![
                link(0, 1, LinkKind::StartToStart, 1),
                link(0, 2, LinkKind::FinishToFinish, 2),
                link(0, 3, LinkKind::StartToFinish, 5),
                link(0, 4, LinkKind::FinishToStart, -1),
            ],
        };
        let t = compute(&net).unwrap();
        assert_eq!(t.early_start, [0, 1, 3, 3, 3]);
        assert_eq!(t.early_finish, [4, 3, 6, 5, 5]);
        assert_eq!(t.finish, 6);
        // C drives the finish through its FF link, so A is critical too.
        assert_eq!(t.total_slack, [0, 3, 0, 1, 1]);
    }

    #[test]
    fn releases_fix_work_in_the_past_or_future() {
        let net = Network {
            durations: vec![2, 2],
            release: vec![0, 10],
            links: vec![link(0, 1, LinkKind::FinishToStart, 0)],
        };
        let t = compute(&net).unwrap();
        assert_eq!(t.early_start, [0, 10]);
        // A may slip up to the released start of B.
        assert_eq!(t.total_slack, [8, 0]);
        assert_eq!(t.free_slack, [8, 0]);
    }

    #[test]
    fn cycles_are_reported_not_looped() {
        let fs = LinkKind::FinishToStart;
        let net = Network {
            durations: vec![1, 1, 1, 1],
            release: vec![],
            links: vec![
                link(0, 1, fs, 0),
                link(1, 2, fs, 0),
                link(2, 1, fs, 0),
                link(2, 3, fs, 0),
            ],
        };
        assert_eq!(compute(&net), Err(vec![1, 2, 3]));
    }

    #[test]
    fn a_long_chain_is_computed_without_recursion() {
        let n = 200_000;
        let net = Network {
            durations: vec![1; n],
            release: vec![],
            links: (1..n)
                .map(|i| link(i - 1, i, LinkKind::FinishToStart, 0))
                .collect(),
        };
        let t = compute(&net).unwrap();
        assert_eq!(t.finish, i64::try_from(n).unwrap());
        assert!(t.total_slack.iter().all(|&s| s == 0));
    }
}
