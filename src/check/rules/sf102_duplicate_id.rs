//! ## What it does
//! Reports two content objects (of any kind) with the same `id`.
//!
//! ## Why is this bad?
//! Ids identify content everywhere downstream: a copied file that keeps its original's id
//! makes one of the two vanish or overwrite the other in Splunk ES and the content API.
//!
//! ## Example
//! ```yaml
//! # detections/endpoint/new_detection.yml, copied from another file
//! id: 723b861a-92eb-11eb-93b8-acde48001122
//! ```
//!
//! ## Use instead
//! ```yaml
//! id: 0f6e6c1e-4f5d-4f8a-9d47-2b1e9c0b7a11   # a fresh UUID
//! ```

use std::collections::HashMap;

use super::{Rule, RuleDefault, RuleScope, all_headers};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;
use crate::model::Text;

pub(super) static RULE: Rule = Rule {
    code: "SF102",
    name: "duplicate-id",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "two objects share an id",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut first_seen: HashMap<String, (usize, &Text)> = HashMap::new();
    let mut headers: Vec<_> = all_headers(ctx.content).collect();
    // Files are numbered in path order (`Repository::files` is sorted), so this is path order.
    headers.sort_by_key(|(_, h)| h.file);
    for (_, header) in headers {
        let Some(id) = &header.id else { continue };
        let key = id.value.to_ascii_lowercase();
        match first_seen.get(&key) {
            Some(&(first_file, first_id)) => out.push(
                RULE.at(
                    ctx,
                    header.file,
                    id.span,
                    format!("id `{}` is already used", excerpt(&id.value)),
                )
                .with_related(ctx.path(first_file), first_id.span, "first used here")
                .with_help("give one of the two a fresh UUID"),
            ),
            None => {
                first_seen.insert(key, (header.file, id));
            }
        }
    }
}
