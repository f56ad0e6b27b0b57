//! Duration distributions as quantile tables.
//!
//! Every estimate's distribution is a standard shape on `[0, 1]`, set by
//! where its most likely value lies, stretched over the estimate's range.
//! A shape is tabulated once as its quantile function at `CELLS + 1`
//! points; a sample is one random word: the top bits pick a cell, the next
//! ones a point inside it (linear interpolation). That is a few
//! nanoseconds per task and run, where drawing a beta variate by its
//! gamma variates costs ten times as much.

use rustc_hash::FxHashMap as HashMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Cells of a quantile table.
pub(crate) const CELLS: usize = 1024;
const CELL_BITS: u32 = CELLS.trailing_zeros();
/// Bits of the random word used for the point inside a cell.
const FRACTION_BITS: u32 = 24;

/// How a range or three-point estimate is spread between its ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// PERT: a beta distribution with mean `(o + 4m + p) / 6`.
    Pert,
    /// Triangular: density rising linearly to the most likely value and
    /// falling to the pessimistic one; heavier tails than PERT.
    Triangular,
}

impl Shape {
    /// The shape named `pert` or `triangular` (any case).
    #[must_use]
    pub fn parse(name: &str) -> Option<Shape> {
        match name.trim().to_ascii_lowercase().as_str() {
            "pert" | "beta" | "beta-pert" => Some(Shape::Pert),
            "triangular" | "triangle" => Some(Shape::Triangular),
            _ => None,
        }
    }

    /// The lower-case name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Shape::Pert => "PERT",
            Shape::Triangular => "triangular",
        }
    }
}

/// Draws a point of the table starting at `t[0]`, scaled to `width`, from
/// one random word. The tables hold quantiles as fractions of 2³², so a
/// draw is integer arithmetic only.
#[inline]
pub(crate) fn draw(t: &[u32], word: u64, width: u64) -> u64 {
    let i = (word >> (64 - CELL_BITS)) as usize;
    let frac = (word >> (64 - CELL_BITS - FRACTION_BITS)) & ((1 << FRACTION_BITS) - 1);
    let (a, b) = (u64::from(t[i]), u64::from(t[i + 1]));
    let q = a + (((b - a) * frac) >> FRACTION_BITS);
    ((u128::from(width) * u128::from(q) + (1 << 31)) >> 32) as u64
}

/// Quantile tables, one per shape and mode, in one flat array.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    pub(crate) values: Vec<u32>,
    by_key: HashMap<(Shape, u32), u32>,
}

/// Distinct modes tabulated exactly; past this many, modes are rounded
/// to 1/256 so that a plan of thousands of different three-point
/// estimates does not build thousands of tables.
const EXACT_MODES: usize = 256;

impl Tables {
    /// The offset of the table for `shape` with its mode at `r` (0 to 1).
    pub(crate) fn offset(&mut self, shape: Shape, r: f64) -> usize {
        let r = r.clamp(0.0, 1.0);
        let r = if self.by_key.len() < EXACT_MODES {
            r
        } else {
            (r * 256.0).round() / 256.0
        };
        // Modes equal to 1e-6 share a table.
        let key = (shape, (r * 1e6).round() as u32);
        let next = self.values.len() / (CELLS + 1);
        let slot = *self.by_key.entry(key).or_insert(next as u32);
        if slot as usize == next {
            // Fractions of 2³² (1.0 is one step short of it).
            self.values.extend(
                quantiles(shape, r)
                    .into_iter()
                    .map(|x| (x * 4_294_967_296.0).min(4_294_967_295.0) as u32),
            );
        }
        slot as usize * (CELLS + 1)
    }
}

/// The quantile function of `shape` on `[0, 1]` with its mode at `r`, at
/// `CELLS + 1` evenly spaced probabilities.
pub(crate) fn quantiles(shape: Shape, r: f64) -> Vec<f64> {
    let u = |k: usize| k as f64 / CELLS as f64;
    match shape {
        Shape::Triangular => (0..=CELLS)
            .map(|k| {
                let u = u(k);
                if u < r {
                    (u * r).sqrt()
                } else {
                    1.0 - ((1.0 - u) * (1.0 - r)).sqrt()
                }
            })
            .collect(),
        Shape::Pert => beta_quantiles(1.0 + 4.0 * r, 1.0 + 4.0 * (1.0 - r)),
    }
}

/// Intervals of the grid the beta distribution function is integrated on.
const GRID: usize = 8192;

/// Quantiles of Beta(a, b) for a, b ≥ 1 (bounded densities, as PERT's
/// are): the distribution function is integrated by Simpson's rule on a
/// fine grid and inverted by linear interpolation.
fn beta_quantiles(a: f64, b: f64) -> Vec<f64> {
    let h = 1.0 / GRID as f64;
    let density = |x: f64| -> f64 {
        let l = if a <= 1.0 { 0.0 } else { (a - 1.0) * x.ln() };
        let r = if b <= 1.0 {
            0.0
        } else {
            (b - 1.0) * (1.0 - x).ln()
        };
        (l + r).exp()
    };
    let mut cdf = Vec::with_capacity(GRID + 1);
    cdf.push(0.0f64);
    let mut left = density(0.0);
    let mut total = 0.0;
    for j in 0..GRID {
        let x = j as f64 * h;
        let right = density(x + h);
        total += (left + 4.0 * density(x + h / 2.0) + right) * h / 6.0;
        cdf.push(total);
        left = right;
    }
    for c in &mut cdf {
        *c /= total;
    }
    let mut out = Vec::with_capacity(CELLS + 1);
    let mut j = 0;
    for k in 0..=CELLS {
        let u = k as f64 / CELLS as f64;
        while j + 1 < GRID && cdf[j + 1] < u {
            j += 1;
        }
        let (c0, c1) = (cdf[j], cdf[j + 1]);
        let t = if c1 > c0 {
            ((u - c0) / (c1 - c0)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out.push((j as f64 + t) * h);
    }
    out[0] = 0.0;
    out[CELLS] = 1.0;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Beta(3, 3)'s distribution function: 10x³ − 15x⁴ + 6x⁵.
    fn beta33(x: f64) -> f64 {
        x.powi(3) * (10.0 - 15.0 * x + 6.0 * x * x)
    }

    #[test]
    fn pert_quantiles_invert_the_distribution_function() {
        let t = beta_quantiles(3.0, 3.0);
        for k in (0..=CELLS).step_by(16) {
            let u = k as f64 / CELLS as f64;
            assert!((beta33(t[k]) - u).abs() < 1e-5, "{k}");
        }
        // Beta(1, 5): 1 − (1 − x)⁵.
        let t = beta_quantiles(1.0, 5.0);
        for k in (0..=CELLS).step_by(16) {
            let u = k as f64 / CELLS as f64;
            let f = 1.0 - (1.0 - t[k]).powi(5);
            assert!((f - u).abs() < 1e-5, "{k}");
        }
    }

    #[test]
    fn draws_span_the_table() {
        let mut tables = Tables::default();
        let o = tables.offset(Shape::Triangular, 0.5);
        let t = &tables.values[o..];
        assert_eq!(draw(t, 0, 1000), 0);
        assert_eq!(draw(t, u64::MAX, 1000), 1000);
        assert_eq!(draw(t, 1 << 63, 1000), 500);
        // A quarter of the way: the triangular quantile √(0.25·0.5).
        assert_eq!(draw(t, 1 << 62, 1_000_000), 353_553);
    }

    /// The largest gap between the empirical distribution functions of
    /// two sorted samples.
    fn ks(a: &[f64], b: &[f64]) -> f64 {
        let (mut i, mut j, mut d) = (0, 0, 0.0f64);
        while i < a.len() && j < b.len() {
            if a[i] <= b[j] {
                i += 1;
            } else {
                j += 1;
            }
            d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
        }
        d
    }

    /// The tables against rand_distr's PERT and triangular samplers, an
    /// independent implementation: a two-sample Kolmogorov–Smirnov test at
    /// the 0.1 % level for several modes.
    #[test]
    fn draws_match_an_independent_sampler() {
        use rand::{Rng, SeedableRng};
        use rand_distr::{Distribution, Pert, Triangular};
        let n = 40_000;
        // Critical value of the two-sample test, equal sizes, α = 0.001.
        let critical = 1.95 * (2.0 / f64::from(n)).sqrt();
        let mut rng = rand_xorshift::XorShiftRng::seed_from_u64(11);
        for (shape, r) in [
            (Shape::Pert, 0.0),
            (Shape::Pert, 1.0 / 6.0),
            (Shape::Pert, 0.5),
            (Shape::Pert, 0.9),
            (Shape::Triangular, 0.25),
            (Shape::Triangular, 1.0),
        ] {
            let mut tables = Tables::default();
            let o = tables.offset(shape, r);
            let width = 1u64 << 40;
            let mut ours: Vec<f64> = (0..n)
                .map(|_| draw(&tables.values[o..], rng.next_u64(), width) as f64 / width as f64)
                .collect();
            let mut theirs: Vec<f64> = match shape {
                Shape::Pert => {
                    let d = Pert::new(0.0, 1.0).with_mode(r).unwrap();
                    (0..n).map(|_| d.sample(&mut rng)).collect()
                }
                Shape::Triangular => {
                    let d = Triangular::new(0.0, 1.0, r).unwrap();
                    (0..n).map(|_| d.sample(&mut rng)).collect()
                }
            };
            ours.sort_by(f64::total_cmp);
            theirs.sort_by(f64::total_cmp);
            let d = ks(&ours, &theirs);
            assert!(d < critical, "{shape:?} mode {r}: KS {d} ≥ {critical}");
        }
    }

    #[test]
    fn tables_are_shared_by_shape_and_mode() {
        let mut tables = Tables::default();
        let a = tables.offset(Shape::Pert, 0.25);
        let b = tables.offset(Shape::Triangular, 0.25);
        assert_eq!(tables.offset(Shape::Pert, 0.25), a);
        assert_ne!(a, b);
        assert_eq!(tables.values.len(), 2 * (CELLS + 1));
    }
}
