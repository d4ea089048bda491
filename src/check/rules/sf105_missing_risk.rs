//! ## What it does
//! Reports a production TTP, Anomaly or Correlation detection (contentctl 4.x or 5.x)
//! that declares no alert/risk message or no risk object.
//!
//! In 5.x content, only detections whose type's deployment enables risk-based alerting
//! need `rba:` (contentctl 5 rejects it elsewhere), so a 5.x Correlation search needs none;
//! and there every detection of such a type needs an `rba:` block, whatever its status or
//! type, as contentctl 5.6.2 requires ("Detection is expected to have an RBA object based
//! on its deployment config"): an experimental or deprecated one too.
//!
//! ## Why is this bad?
//! Risk-based alerting needs both: a detection without a risk object writes no risk
//! event, and one without a message writes risk events nobody can read. The search runs,
//! costs, and produces nothing an analyst sees.
//!
//! ## Example
//! ```yaml
//! status: production
//! type: TTP
//! tags:
//!   observable: []
//! ```
//!
//! ## Use instead
//! ```yaml
//! status: production
//! type: TTP
//! rba:
//!   message: Suspicious group deletion by $user$
//!   risk_objects:
//!   - field: user
//!     type: user
//!     score: 40
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::model::{Generation, RiskSource};

pub(super) static RULE: Rule = Rule {
    code: "SF105",
    name: "missing-risk",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a production alerting detection has no message or no risk object",
    check,
};

const ALERTING_TYPES: [&str; 3] = ["TTP", "Anomaly", "Correlation"];

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for detection in &ctx.content.detections {
        if detection.generation == Generation::Contentctl5
            && detection.status() != Some("production")
            && detection.risk_source != RiskSource::Rba
            && rba_deployed(ctx, detection)
        {
            let header = &detection.header;
            let at = header.name.as_ref().map_or(header.span, |n| n.span);
            out.push(RULE.at(
                ctx,
                header.file,
                at,
                format!(
                    "{} detection has no `rba:` block, which contentctl 5 requires of every detection its type's deployment sends to risk-based alerting, whatever its status",
                    type_of(detection)
                ),
            ));
            continue;
        }
        let alerting = detection
            .detection_type
            .as_ref()
            .is_some_and(|t| ALERTING_TYPES.contains(&t.as_str()));
        if !alerting
            || detection.generation == Generation::Legacy2022
            || detection.status() != Some("production")
        {
            continue;
        }
        // contentctl 5 wants `rba:` exactly where the deployment for the type enables
        // risk-based alerting; a 5.x Correlation search (notables only) has none.
        if detection.generation == Generation::Contentctl5
            && !ctx.content.deployments.is_empty()
            && !rba_deployed(ctx, detection)
        {
            continue;
        }
        let header = &detection.header;
        let at = header.name.as_ref().map_or(header.span, |n| n.span);
        if detection.message.is_none() {
            out.push(RULE.at(
                ctx,
                header.file,
                at,
                format!(
                    "production {} detection has no alert/risk message",
                    type_of(detection)
                ),
            ));
        }
        if detection.risk_objects.is_empty() {
            out.push(RULE.at(
                ctx,
                header.file,
                at,
                format!(
                    "production {} detection has no risk object",
                    type_of(detection)
                ),
            ));
        }
    }
}

/// Whether a deployment for the detection's type enables risk-based alerting.
fn rba_deployed(ctx: &Context<'_>, detection: &crate::model::Detection) -> bool {
    let kind = type_of(detection);
    ctx.content.deployments.iter().any(|d| {
        d.detection_type
            .as_ref()
            .is_some_and(|t| t.as_str().eq_ignore_ascii_case(kind))
            && d.rba_enabled.is_some_and(|e| e.value)
    })
}

fn type_of(detection: &crate::model::Detection) -> &str {
    detection.detection_type.as_ref().map_or("", |t| t.as_str())
}
