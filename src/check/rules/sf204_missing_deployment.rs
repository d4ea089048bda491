//! ## What it does
//! Reports a detection whose `type` has no deployment in `deployments/`, in a repository
//! that has deployments. In 2021 content a deployment has no `type`: it covers what its
//! `tags` name (the detection by `detection_name`, one of its stories or `all` by
//! `analytic_story`, one of its products by `product`), and so does this rule.
//!
//! ## Why is this bad?
//! The deployment of a type gives its detections their schedule and alert actions. A
//! type with none builds a saved search that is never scheduled (contentctl fails).
//!
//! ## Example
//! ```yaml
//! type: TTP   # and deployments/ has no `type: TTP` file
//! ```
//!
//! ## Use instead
//! ```yaml
//! # deployments/escu_default_configuration_ttp.yml
//! type: TTP
//! scheduling:
//!   cron_schedule: 0 * * * *
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF204",
    name: "missing-deployment",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "no deployment covers a detection's type",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let deployments = &ctx.content.deployments;
    if deployments.is_empty() {
        return;
    }
    let covered = |t: &str| {
        deployments.iter().any(|d| {
            d.detection_type
                .as_ref()
                .is_some_and(|dt| dt.as_str().eq_ignore_ascii_case(t))
        })
    };
    for detection in &ctx.content.detections {
        let Some(t) = &detection.detection_type else {
            continue;
        };
        if !covered(&t.value) && ctx.content.deployment_by_tags(detection).is_none() {
            out.push(
                RULE.at(
                    ctx,
                    detection.header.file,
                    t.span,
                    format!(
                        "no deployment in deployments/ has type `{}`",
                        excerpt(&t.value)
                    ),
                )
                .with_help("add a deployment for this type or use a type that has one"),
            );
        }
    }
}
