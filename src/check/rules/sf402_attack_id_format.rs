//! ## What it does
//! Reports a `mitre_attack_id` that is not written as an ATT&CK technique id: `T` and
//! four digits, optionally `.` and three digits for a sub-technique.
//!
//! ## Why is this bad?
//! Ids like `t1059.1`, `T1059-001` or `T1059.001 ` match nothing in ATT&CK: the detection
//! drops out of coverage maps and the ES annotations carry a dead id.
//!
//! ## Example
//! ```yaml
//! mitre_attack_id:
//! - T1059-001
//! ```
//!
//! ## Use instead
//! ```yaml
//! mitre_attack_id:
//! - T1059.001
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::attack::is_technique_id;
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF402",
    name: "attack-id-format",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "an ATT&CK id is not of the form T1234 or T1234.567",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for detection in &ctx.content.detections {
        for id in &detection.mitre_attack_ids {
            if !is_technique_id(&id.value) {
                out.push(
                    RULE.at(
                        ctx,
                        detection.header.file,
                        id.span,
                        format!("`{}` is not an ATT&CK technique id", excerpt(&id.value)),
                    )
                    .with_help(match likely_meant(&id.value) {
                        Some(meant) => format!("did you mean `{meant}`?"),
                        None => "write T1234 or T1234.567".to_owned(),
                    }),
                );
            }
        }
    }
}

/// The id a malformed one most likely stands for: upper case, trimmed, `-` or `/` for the
/// `.`, and a sub-technique padded to three digits (`t1059.1` is `T1059.001`); `None`
/// when that is no technique id either.
fn likely_meant(written: &str) -> Option<String> {
    let upper = written.trim().to_ascii_uppercase().replace(['-', '/'], ".");
    let meant = match upper.split_once('.') {
        Some((technique, sub))
            if !sub.is_empty() && sub.len() <= 3 && sub.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{technique}.{sub:0>3}")
        }
        _ => upper,
    };
    is_technique_id(&meant).then_some(meant)
}

#[cfg(test)]
mod tests {
    use super::likely_meant;

    #[test]
    fn the_id_meant_is_suggested() {
        assert_eq!(likely_meant("t1059").as_deref(), Some("T1059"));
        assert_eq!(likely_meant("T1059.1").as_deref(), Some("T1059.001"));
        assert_eq!(likely_meant("T1059-001").as_deref(), Some("T1059.001"));
        assert_eq!(likely_meant(" t1003.003 ").as_deref(), Some("T1003.003"));
        assert_eq!(likely_meant("TA0001"), None);
        assert_eq!(likely_meant("T1059.0001"), None);
        assert_eq!(likely_meant("1059"), None);
    }
}
