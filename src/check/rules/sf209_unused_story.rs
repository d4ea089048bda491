//! ## What it does
//! Reports an analytic story that no detection, baseline or investigation names in its
//! `analytic_story` (names compare exactly, as SF201 resolves them). A story whose
//! `status` is `deprecated` is left alone.
//!
//! Off by default: enable it with `[lint] extend_select = ["SF209"]`. In the 2024-10
//! corpus the only two such stories are kept on purpose, under `stories/deprecated/`.
//!
//! ## Why is this bad?
//! The build still ships the story: ES lists it in the use-case library and the docs site
//! gives it a page, both with no detection to run. It is usually a story whose detections
//! were renamed, retired or given a misspelt story name (which SF201 reports from their side).
//!
//! ## Example
//! ```yaml
//! # stories/ransomware.yml
//! name: Ransomware
//! # ...while every detection writes
//! tags:
//!   analytic_story:
//!   - Ransomware Cloud
//! ```
//!
//! ## Use instead
//! ```yaml
//! tags:
//!   analytic_story:
//!   - Ransomware
//! ```

use std::collections::HashSet;

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF209",
    name: "unused-story",
    severity: Severity::Warning,
    scope: RuleScope::Repository,
    default: RuleDefault::Off,
    summary: "no detection, baseline or investigation names an analytic story",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let c = ctx.content;
    let named: HashSet<&str> = (c.detections.iter().map(|d| &d.analytic_stories))
        .chain(c.baselines.iter().map(|b| &b.analytic_stories))
        .chain(c.investigations.iter().map(|i| &i.analytic_stories))
        .flatten()
        .map(|story| story.value.as_str())
        .collect();
    for story in &c.stories {
        let Some(name) = &story.header.name else {
            continue;
        };
        let deprecated = story
            .status
            .as_ref()
            .is_some_and(|s| s.value == "deprecated");
        if deprecated || named.contains(name.value.as_str()) {
            continue;
        }
        out.push(
            RULE.at(
                ctx,
                story.header.file,
                name.span,
                format!(
                    "no detection, baseline or investigation names the story \"{}\"",
                    excerpt(&name.value)
                ),
            )
            .with_help("name it in a detection's `analytic_story`, or remove the story"),
        );
    }
}
