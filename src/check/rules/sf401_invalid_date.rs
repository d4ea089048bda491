//! ## What it does
//! Reports a `date` that is not a real calendar date in `YYYY-MM-DD` form, or that lies
//! in the future.
//!
//! ## Why is this bad?
//! Dates order the release notes and the docs ("last updated"). A future date is almost
//! always a typo in the year, and an invalid one breaks every tool that parses it.
//! contentctl rejects a future date only from 5.5.15: in an older format version (set or
//! inferred) a future date is a warning, an invalid one an error in every version.
//!
//! ## Example
//! ```yaml
//! date: '2024-02-30'
//! ```
//!
//! ## Use instead
//! ```yaml
//! date: '2024-02-29'
//! ```

use super::{Rule, RuleDefault, RuleScope, all_headers};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF401",
    name: "invalid-date",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a date is not a valid YYYY-MM-DD date, or is in the future",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (_, header) in all_headers(ctx.content) {
        let Some(date) = &header.date else { continue };
        if !is_calendar_date(&date.value) {
            out.push(
                RULE.at(
                    ctx,
                    header.file,
                    date.span,
                    format!("`{}` is not a valid date", excerpt(&date.value)),
                )
                .with_help("write the date as YYYY-MM-DD"),
            );
        } else if date.value.as_str() > ctx.options.today.as_str() {
            // contentctl rejects a future date from 5.5.15 on; before, it is a warning.
            let severity = match ctx.config.format() {
                Some(format) if !format.rejects_future_dates => Severity::Warning,
                _ => Severity::Error,
            };
            out.push(
                RULE.at(
                    ctx,
                    header.file,
                    date.span,
                    format!(
                        "date {} is in the future (today is {})",
                        excerpt(&date.value),
                        ctx.options.today
                    ),
                )
                .with_severity(severity),
            );
        }
    }
}

/// `YYYY-MM-DD` naming a day that exists (leap years included).
pub fn is_calendar_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |r: std::ops::Range<usize>| text.get(r)?.parse::<u32>().ok();
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
        && text
            .bytes()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::is_calendar_date;

    #[test]
    fn knows_the_calendar() {
        assert!(is_calendar_date("2024-02-29"));
        assert!(!is_calendar_date("2023-02-29"));
        assert!(!is_calendar_date("2024-13-01"));
        assert!(!is_calendar_date("2024-1-01"));
        assert!(!is_calendar_date("+024-01-01"));
    }
}
