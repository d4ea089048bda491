//! Calendar dates, the one type for every place that computes with them: a build's stamp
//! (`render::BuildStamp`), a detection's `publish_time` (`render/view.rs`), SF401's and the
//! schema pre-check's `YYYY-MM-DD` test, and today's date in the CLI. The proleptic
//! Gregorian calendar in UTC, by Howard Hinnant's `days_from_civil` / `civil_from_days`.

use std::fmt;

const SECONDS_PER_DAY: i64 = 86_400;
const MAX_YEAR: i64 = 1_000_000;

/// A day: year, month (1-12) and day of the month, always one that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i64,
    month: u32,
    day: u32,
}

impl Date {
    /// The day `year-month-day`, if it exists (leap years included) and its year is within
    /// a million years of ours (so that no arithmetic on it can overflow).
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        if !(-MAX_YEAR..=MAX_YEAR).contains(&year) {
            return None;
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Exactly `YYYY-MM-DD` (four, two and two ASCII digits) naming a day that exists.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shaped {
            return None;
        }
        let number = |r: std::ops::Range<usize>| text.get(r)?.parse::<u32>().ok();
        Date::from_ymd(i64::from(number(0..4)?), number(5..7)?, number(8..10)?)
    }

    /// The day `days` after 1970-01-01 (before it, for a negative count).
    pub fn from_epoch_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        // Both are in range by construction (1-12, 1-31).
        Date {
            year,
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }

    /// The day of a Unix time, and the seconds from its midnight.
    pub fn from_epoch_seconds(seconds: i64) -> (Date, i64) {
        (
            Date::from_epoch_days(seconds.div_euclid(SECONDS_PER_DAY)),
            seconds.rem_euclid(SECONDS_PER_DAY),
        )
    }

    /// Days from 1970-01-01 to this day.
    pub fn epoch_days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { self.year - 1 } else { self.year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Seconds from the Unix epoch to this day's midnight (UTC).
    pub fn epoch_seconds(self) -> i64 {
        self.epoch_days() * SECONDS_PER_DAY
    }

    pub fn year(self) -> i64 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }
}

/// `YYYY-MM-DD`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn knows_the_calendar() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2000-02-29").is_some());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("2024-04-31").is_none());
        assert!(Date::parse("2024-1-01").is_none());
        assert!(Date::parse("+024-01-01").is_none());
        assert!(Date::parse("2024-01-0١").is_none());
    }

    #[test]
    fn civil_dates() {
        let day = |seconds| Date::from_epoch_seconds(seconds).0.to_string();
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(19_723 * 86_400), "2024-01-01");
        assert_eq!(day(20_781 * 86_400 + 86_399), "2026-11-24");
        assert_eq!(day(-1), "1969-12-31");
        assert_eq!(Date::from_epoch_seconds(3_723).1, 3_723);
    }

    /// Days to a date and back agree on every day from 1600 to 2400 (leap centuries on
    /// both sides), and each next day is one more.
    #[test]
    fn epoch_days_round_trip() {
        let first = Date::parse("1600-01-01").unwrap().epoch_days();
        let last = Date::parse("2400-12-31").unwrap().epoch_days();
        let mut previous: Option<Date> = None;
        for days in first..=last {
            let date = Date::from_epoch_days(days);
            assert_eq!(date.epoch_days(), days);
            assert_eq!(Date::parse(&date.to_string()), Some(date));
            if let Some(previous) = previous {
                assert!(previous < date);
            }
            previous = Some(date);
        }
        assert_eq!(
            Date::parse("2024-09-30").unwrap().epoch_seconds(),
            1_727_654_400
        );
    }
}
