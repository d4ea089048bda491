//! ## What it does
//! Reports a baseline whose `tags.detections` names no detection.
//!
//! ## Why is this bad?
//! A baseline fills a lookup for the detections it names. When the name is wrong (often
//! after a detection was renamed), docs and the app lose the link, and nobody knows the
//! baseline must run before the detection works.
//!
//! ## Example
//! ```yaml
//! tags:
//!   detections:
//!   - Detect Spike in blocked Outbound Traffic from AWS
//! ```
//!
//! ## Use instead
//! ```yaml
//! tags:
//!   detections:
//!   - Detect Spike in blocked Outbound Traffic from your AWS
//! ```

use super::sf201_unknown_story::report_unresolved;
use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::ContentKind;

pub(super) static RULE: Rule = Rule {
    code: "SF203",
    name: "unknown-detection",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "a baseline names a detection that does not exist",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for baseline in &ctx.content.baselines {
        report_unresolved(
            ctx,
            out,
            &RULE,
            ContentKind::Detection,
            baseline.header.file,
            &baseline.detections,
        );
    }
}
