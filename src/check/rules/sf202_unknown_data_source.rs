//! ## What it does
//! Reports a detection `data_source` that names no data source in `data_sources/`.
//!
//! ## Why is this bad?
//! Data sources tell users which logs and add-ons a detection needs, and drive the
//! data-source pages of the docs. A dangling name leaves the detection's requirements
//! undocumented (contentctl 4 fails the build on it).
//!
//! ## Example
//! ```yaml
//! data_source:
//! - Sysmon Event ID 1
//! ```
//!
//! ## Use instead
//! ```yaml
//! data_source:
//! - Sysmon EventID 1
//! ```

use super::sf201_unknown_story::report_unresolved;
use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::ContentKind;

pub(super) static RULE: Rule = Rule {
    code: "SF202",
    name: "unknown-data-source",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "a data source reference does not resolve",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // A repository without data sources (2022 format) has nothing to resolve against.
    if ctx.content.data_sources.is_empty() {
        return;
    }
    for detection in &ctx.content.detections {
        report_unresolved(
            ctx,
            out,
            &RULE,
            ContentKind::DataSource,
            detection.header.file,
            &detection.data_sources,
        );
    }
}
