//! Working days: which dates count, and the mapping between dates and
//! working-day offsets from a project start that schedules are computed in.

use std::collections::BTreeSet;

use jiff::civil::{Date, Weekday};

use crate::config::CalendarConfig;

/// Why a calendar cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// A working day is not a weekday name.
    #[error("`{0}` is not a weekday (write mon, tue, wed, thu, fri, sat or sun)")]
    Weekday(String),
    /// No day of the week is a working day.
    #[error("a calendar needs at least one working day a week")]
    NoWorkingDays,
    /// Hours per day out of range.
    #[error("hours per day must be more than 0 and at most 24, not {0}")]
    Hours(String),
}

/// Which dates are working days, and how many hours a working day has.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// Working weekdays, Monday first.
    working: [bool; 7],
    /// Dates off, whatever their weekday.
    holidays: BTreeSet<Date>,
    /// Working hours in a day.
    pub hours_per_day: f64,
}

impl Default for Calendar {
    /// Monday to Friday, eight hours, no holidays.
    fn default() -> Self {
        Calendar {
            working: [true, true, true, true, true, false, false],
            holidays: BTreeSet::new(),
            hours_per_day: 8.0,
        }
    }
}

fn weekday_index(w: Weekday) -> usize {
    usize::from(w.to_monday_zero_offset().unsigned_abs())
}

impl Calendar {
    /// Whether days of weekday `w` are working days (holidays aside).
    #[must_use]
    pub fn works_on(&self, w: Weekday) -> bool {
        self.working[weekday_index(w)]
    }

    /// The holidays, in order.
    pub fn holidays(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().copied()
    }

    /// The calendar `planmark.toml` describes (defaults for what it leaves out).
    ///
    /// # Errors
    ///
    /// Returns an error for unknown weekday names, a week without working
    /// days, or hours per day outside (0, 24].
    pub fn from_config(c: &CalendarConfig) -> Result<Calendar, CalendarError> {
        let mut cal = Calendar::default();
        if let Some(days) = &c.working_days {
            cal.working = [false; 7];
            for d in days {
                let i = match d.trim().to_ascii_lowercase().get(..3) {
                    Some("mon") => 0,
                    Some("tue") => 1,
                    Some("wed") => 2,
                    Some("thu") => 3,
                    Some("fri") => 4,
                    Some("sat") => 5,
                    Some("sun") => 6,
                    _ => return Err(CalendarError::Weekday(d.clone())),
                };
                cal.working[i] = true;
            }
            if !cal.working.contains(&true) {
                return Err(CalendarError::NoWorkingDays);
            }
        }
        if let Some(h) = c.hours_per_day {
            if !(h > 0.0 && h <= 24.0) {
                return Err(CalendarError::Hours(h.to_string()));
            }
            cal.hours_per_day = h;
        }
        cal.holidays = c
            .holidays
            .iter()
            .filter_map(|d| {
                d.date.and_then(|d| {
                    Date::new(
                        d.year.cast_signed(),
                        d.month.cast_signed(),
                        d.day.cast_signed(),
                    )
                    .ok()
                })
            })
            .collect();
        Ok(cal)
    }

    /// Working time as estimates are converted: hours a day, days a week.
    #[must_use]
    pub fn work_time(&self) -> crate::model::WorkTime {
        crate::model::WorkTime {
            hours_per_day: self.hours_per_day,
            days_per_week: self.working.iter().filter(|&&w| w).count() as f64,
        }
    }

    /// Adds days off.
    #[must_use]
    pub fn with_holidays(mut self, days: impl IntoIterator<Item = Date>) -> Self {
        self.holidays.extend(days);
        self
    }

    /// Whether `d` is a working day.
    #[must_use]
    pub fn is_working(&self, d: Date) -> bool {
        self.working[weekday_index(d.weekday())] && !self.holidays.contains(&d)
    }

    /// Working days counted from `start`: offset 0 is the first working
    /// day on or after `start`.
    #[must_use]
    pub fn days_from(&self, start: Date) -> WorkingDays<'_> {
        let mut w = WorkingDays {
            calendar: self,
            dates: Vec::new(),
        };
        w.dates.push(w.next_working(start));
        w
    }
}

/// Dates and working-day offsets from a project start, extended on demand.
#[derive(Debug, Clone)]
pub struct WorkingDays<'a> {
    calendar: &'a Calendar,
    /// The working dates, in order: `dates[i]` is offset `i`.
    dates: Vec<Date>,
}

impl WorkingDays<'_> {
    /// The first working day on or after `d`. Holidays are finite and every
    /// week has a working day, so this ends.
    fn next_working(&self, mut d: Date) -> Date {
        while !self.calendar.is_working(d) {
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => return d,
            }
        }
        d
    }

    fn extend_to(&mut self, day: usize) {
        while self.dates.len() <= day {
            let last = self.dates[self.dates.len() - 1];
            let Ok(next) = last.tomorrow() else { return };
            let next = self.next_working(next);
            if next == last {
                return;
            }
            self.dates.push(next);
        }
    }

    /// The date of working-day offset `day`.
    pub fn date(&mut self, day: usize) -> Date {
        self.extend_to(day);
        self.dates[day.min(self.dates.len() - 1)]
    }

    /// The offset of `d`: of the first working day on or after it (a date
    /// before the start is offset 0).
    pub fn day_of(&mut self, d: Date) -> usize {
        if d <= self.dates[0] {
            return 0;
        }
        loop {
            let last = self.dates[self.dates.len() - 1];
            if last >= d {
                return self.dates.partition_point(|&x| x < d);
            }
            let len = self.dates.len();
            self.extend_to(len * 2);
            if self.dates.len() == len {
                return len - 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn weekends_and_holidays_are_skipped() {
        // 2026-12-24 is a Thursday; the 25th a holiday, then the weekend.
        let cal = Calendar::default().with_holidays([date(2026, 12, 25)]);
        let mut w = cal.days_from(date(2026, 12, 24));
        assert_eq!(w.date(0), date(2026, 12, 24));
        assert_eq!(w.date(1), date(2026, 12, 28));
        assert_eq!(w.date(5), date(2027, 1, 1));
        assert_eq!(w.day_of(date(2026, 12, 26)), 1);
        assert_eq!(w.day_of(date(2027, 1, 1)), 5);
        for d in 0..300 {
            let x = w.date(d);
            assert!(cal.is_working(x));
            assert_eq!(w.day_of(x), d);
        }
    }

    #[test]
    fn a_start_on_a_weekend_moves_to_monday() {
        let cal = Calendar::default();
        let mut w = cal.days_from(date(2026, 11, 21));
        assert_eq!(w.date(0), date(2026, 11, 23));
        assert_eq!(w.day_of(date(2026, 11, 1)), 0);
    }

    #[test]
    fn configured_weeks_and_bad_configuration() {
        let c = crate::config::Config::parse(
            "[calendar]\nworking_days = [\"sun\", \"mon\", \"tue\", \"wed\", \"thu\"]\nhours_per_day = 7.5\nholidays = [2026-11-24]\n",
        )
        .unwrap();
        let cal = Calendar::from_config(&c.calendar).unwrap();
        assert!((cal.hours_per_day - 7.5).abs() < 1e-9);
        let mut w = cal.days_from(date(2026, 11, 23));
        // Mon, (Tue off), Wed, Thu, Sun.
        let got: Vec<Date> = (0..4).map(|d| w.date(d)).collect();
        assert_eq!(
            got,
            [
                date(2026, 11, 23),
                date(2026, 11, 25),
                date(2026, 11, 26),
                date(2026, 11, 29)
            ]
        );
        let bad =
            crate::config::Config::parse("[calendar]\nworking_days = [\"funday\"]\n").unwrap();
        assert_eq!(
            Calendar::from_config(&bad.calendar),
            Err(CalendarError::Weekday("funday".to_owned()))
        );
        let none = crate::config::Config::parse("[calendar]\nworking_days = []\n").unwrap();
        assert_eq!(
            Calendar::from_config(&none.calendar),
            Err(CalendarError::NoWorkingDays)
        );
    }
}
