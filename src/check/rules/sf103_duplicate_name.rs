//! ## What it does
//! Reports two objects of the same kind with the same `name` (in any case), and in 5.x
//! content two objects of any kinds with exactly the same `name`: contentctl 5.6.2 keeps
//! one map of names for all content (a record in `removed/` included) and rejects the
//! second ("Duplicate name").
//!
//! ## Why is this bad?
//! Names are what references use (a detection's `analytic_story`, `data_source`) and what
//! saved-search stanzas are named after: a duplicate makes one object shadow the other.
//!
//! ## Example
//! ```yaml
//! # detections/cloud/a.yml and detections/cloud/b.yml
//! name: AWS IAM Failure Group Deletion
//! ```
//!
//! ## Use instead
//! ```yaml
//! name: AWS IAM Failure Group Deletion Burst   # one distinct name each
//! ```

use std::collections::HashMap;

use super::{Rule, RuleDefault, RuleScope, all_headers};
use crate::check::{Context, Finding, Severity};
use crate::load::ContentKind;
use crate::load::excerpt;
use crate::model::{Generation, Text};

pub(super) static RULE: Rule = Rule {
    code: "SF103",
    name: "duplicate-name",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "two objects of one kind share a name",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut first_seen: HashMap<(ContentKind, String), (usize, &Text)> = HashMap::new();
    let mut first_in_5x: HashMap<&str, (usize, ContentKind, &Text)> = HashMap::new();
    let mut headers: Vec<_> = all_headers(ctx.content).collect();
    // Files are numbered in path order (`Repository::files` is sorted), so this is path order.
    headers.sort_by_key(|(_, h)| h.file);
    for (kind, header) in headers {
        let Some(name) = &header.name else { continue };
        let key = (kind, name.value.to_lowercase());
        if header.generation == Generation::Contentctl5 {
            match first_in_5x.get(name.as_str()) {
                Some(&(first_file, first_kind, first_name)) if first_kind != kind => {
                    out.push(
                        RULE.at(
                            ctx,
                            header.file,
                            name.span,
                            format!(
                                "{} name \"{}\" is already the name of a {}: contentctl 5 wants one name per object of any kind",
                                kind.name(),
                                excerpt(&name.value),
                                first_kind.name()
                            ),
                        )
                        .with_related(ctx.path(first_file), first_name.span, "first used here"),
                    );
                    continue;
                }
                Some(_) => {}
                None => {
                    first_in_5x.insert(name.as_str(), (header.file, kind, name));
                }
            }
        }
        match first_seen.get(&key) {
            Some(&(first_file, first_name)) => out.push(
                RULE.at(
                    ctx,
                    header.file,
                    name.span,
                    format!(
                        "{} name \"{}\" is already used",
                        kind.name(),
                        excerpt(&name.value)
                    ),
                )
                .with_related(
                    ctx.path(first_file),
                    first_name.span,
                    "first used here",
                ),
            ),
            None => {
                first_seen.insert(key, (header.file, name));
            }
        }
    }
}
