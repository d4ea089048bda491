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
use crate::date::Date;
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
        if Date::parse(&date.value).is_none() {
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
