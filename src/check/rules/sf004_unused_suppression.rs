//! ## What it does
//! Reports an inline suppression comment (`# splforge: ignore SF201 -- reason`) that
//! suppresses nothing: no finding of the rules it names is on the line it covers, or it
//! names a rule that does not exist.
//!
//! A suppression written after the YAML on a line covers that line; one alone on its line
//! covers the next line that is not a comment. Several codes are separated by commas, and
//! everything after ` -- ` is the reason, for the reader.
//!
//! ## Why is this bad?
//! A stale suppression hides the next real problem on that line, long after the one it
//! was written for is fixed, and a misspelt code suppresses nothing at all.
//!
//! ## Example
//! ```yaml
//! tags:
//!   analytic_story:
//!   - Ransomware  # splforge: ignore SF201 -- story lands in the next release
//! ```
//! (where the story "Ransomware" exists, so SF201 reports nothing here)
//!
//! ## Use instead
//! ```yaml
//! tags:
//!   analytic_story:
//!   - Ransomware
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF004",
    name: "unused-suppression",
    severity: Severity::Warning,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "an inline `# splforge: ignore` comment suppresses nothing",
    check,
};

/// Reported by `check::suppression` once every other rule has run: whether a suppression
/// is used depends on all their findings.
fn check(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}
