//! Scheduling: the working calendar first; the critical path method,
//! resource levelling and explanations build on it.

mod calendar;
pub mod cpm;

pub use calendar::{Calendar, CalendarError, WorkingDays};
