//! Scheduling: the working calendar, the critical path method, resource
//! levelling, the timeline of a workspace and explanations of it.

mod calendar;
pub mod cpm;
mod explain;
pub mod level;
mod project;

pub use calendar::{Calendar, CalendarError, WorkingDays};
pub use explain::{Explanation, Reason, explain};
pub use project::{
    DateSource, Deadline, Levelling, Options, Overallocation, Resource, Schedule, ScheduleError,
    ScheduledMilestone, ScheduledTask, default_schedules, schedule, timeframe,
};
