//! Amounts of working time and effort estimates.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A unit of working time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum TimeUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
}

/// How long working days and weeks are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkTime {
    /// Working hours in a day (8 unless configured).
    pub hours_per_day: f64,
    /// Working days in a week (5 unless configured).
    pub days_per_week: f64,
}

impl Default for WorkTime {
    fn default() -> Self {
        WorkTime {
            hours_per_day: 8.0,
            days_per_week: 5.0,
        }
    }
}

/// An amount of working time in the unit it was written in: `1.5d`, `2 weeks`.
///
/// Kept in its unit so that the calendar decides how long a day is.
///
/// # Example
///
/// ```
/// use planmark::model::{Quantity, TimeUnit, WorkTime};
/// let q = Quantity { amount: 1.5, unit: TimeUnit::Days };
/// assert_eq!(q.hours(WorkTime::default()), 12.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quantity {
    /// The number written (negative for a lead).
    pub amount: f64,
    /// The unit written.
    pub unit: TimeUnit,
}

impl Quantity {
    /// Returns the amount in working hours.
    #[must_use]
    pub fn hours(&self, work: WorkTime) -> f64 {
        let per_unit = match self.unit {
            TimeUnit::Minutes => 1.0 / 60.0,
            TimeUnit::Hours => 1.0,
            TimeUnit::Days => work.hours_per_day,
            TimeUnit::Weeks => work.hours_per_day * work.days_per_week,
            // A working month: four working weeks.
            TimeUnit::Months => work.hours_per_day * work.days_per_week * 4.0,
        };
        self.amount * per_unit
    }
}

/// An effort estimate: a single value, a range, or three points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effort {
    /// `3d`.
    Single {
        /// The value.
        value: Quantity,
        /// The text as written.
        text: String,
    },
    /// `2-4d`: the likely value is the midpoint.
    Range {
        /// Lower bound.
        min: Quantity,
        /// Upper bound.
        max: Quantity,
        /// The text as written.
        text: String,
    },
    /// `1d/2d/5d`: optimistic / most likely / pessimistic.
    ThreePoint {
        /// Best case.
        optimistic: Quantity,
        /// Most likely.
        likely: Quantity,
        /// Worst case.
        pessimistic: Quantity,
        /// The text as written.
        text: String,
    },
}

impl Effort {
    /// Returns the most likely effort in working hours.
    #[must_use]
    pub fn likely_hours(&self, work: WorkTime) -> f64 {
        match self {
            Effort::Single { value, .. } => value.hours(work),
            Effort::Range { min, max, .. } => f64::midpoint(min.hours(work), max.hours(work)),
            Effort::ThreePoint { likely, .. } => likely.hours(work),
        }
    }

    /// Returns the lower bound in working hours, for ranges and three-point estimates.
    #[must_use]
    pub fn min_hours(&self, work: WorkTime) -> Option<f64> {
        match self {
            Effort::Single { .. } => None,
            Effort::Range { min, .. } => Some(min.hours(work)),
            Effort::ThreePoint { optimistic, .. } => Some(optimistic.hours(work)),
        }
    }

    /// Returns the upper bound in working hours, for ranges and three-point estimates.
    #[must_use]
    pub fn max_hours(&self, work: WorkTime) -> Option<f64> {
        match self {
            Effort::Single { .. } => None,
            Effort::Range { max, .. } => Some(max.hours(work)),
            Effort::ThreePoint { pessimistic, .. } => Some(pessimistic.hours(work)),
        }
    }

    /// Returns the estimate as written.
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Effort::Single { text, .. }
            | Effort::Range { text, .. }
            | Effort::ThreePoint { text, .. } => text,
        }
    }
}

impl Effort {
    /// Why the estimate's points are out of order, when they are: a range
    /// whose minimum exceeds its maximum, or three points not in
    /// optimistic ≤ likely ≤ pessimistic order. `None` when consistent.
    ///
    /// ```
    /// use planmark::model::{Effort, Quantity, TimeUnit};
    /// let d = |amount| Quantity { amount, unit: TimeUnit::Days };
    /// let e = Effort::Range { min: d(5.0), max: d(2.0), text: "5-2d".into() };
    /// assert!(e.out_of_order().is_some());
    /// ```
    #[must_use]
    pub fn out_of_order(&self) -> Option<String> {
        let work = WorkTime::default();
        match self {
            Effort::Single { .. } => None,
            Effort::Range { min, max, text } => (min.hours(work) > max.hours(work))
                .then(|| format!("range `{text}` has its minimum above its maximum")),
            Effort::ThreePoint {
                optimistic,
                likely,
                pessimistic,
                text,
            } => {
                let (o, l, p) = (
                    optimistic.hours(work),
                    likely.hours(work),
                    pessimistic.hours(work),
                );
                if o > l {
                    Some(format!(
                        "three-point estimate `{text}` has its optimistic value above its likely one"
                    ))
                } else if l > p {
                    Some(format!(
                        "three-point estimate `{text}` has its likely value above its pessimistic one"
                    ))
                } else {
                    None
                }
            }
        }
    }
}

/// A relative estimate in the team's own unit: story points (`5 SP`,
/// `8 points`, a Story Points column) or a T-shirt size (`M`, `XL`).
///
/// It has no duration of its own; `[estimates]` in planmark.toml maps it to
/// working time (per point, per size, or as a team velocity), and until then
/// the task is scheduled as unestimated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Size {
    /// Story points.
    Points {
        /// The number of points.
        points: f64,
        /// The text as written.
        text: String,
    },
    /// A T-shirt size, upper case: `XS`, `S`, `M`, `L`, `XL`, `XXL`.
    Shirt {
        /// The size.
        size: String,
        /// The text as written.
        text: String,
    },
}

impl Size {
    /// Returns the size as written.
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Size::Points { text, .. } | Size::Shirt { text, .. } => text,
        }
    }
}
