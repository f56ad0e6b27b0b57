//! Scheduling: the working calendar, the critical path method, resource
//! levelling, the timeline of a workspace and explanations of it.

// Working-day offsets and ticks are bounded by the plan's length (a
// hundred years at most), far from where usize and i64 differ.
#![allow(clippy::cast_possible_wrap)]

mod calendar;
pub mod cpm;
mod explain;
pub mod level;
mod project;

pub(crate) use project::{Node, in_ticks, resource_links};

pub use calendar::{Calendar, CalendarError, WorkingDays};
pub use explain::{Explanation, Reason, explain};
pub use project::{
    DateSource, Deadline, Levelling, Options, Overallocation, Resource, Schedule, ScheduleError,
    ScheduledMilestone, ScheduledTask, default_schedules, schedule, timeframe,
};
