//! ## What it does
//! Reports an `analytic_story` (on a detection, baseline or investigation) that names no
//! story in `stories/`.
//!
//! ## Why is this bad?
//! The detection silently drops out of the story it was written for: the story page and
//! the ES use-case library miss it, and `build` emits a dangling reference.
//!
//! ## Example
//! ```yaml
//! tags:
//!   analytic_story:
//!   - Ransomwares
//! ```
//!
//! ## Use instead
//! ```yaml
//! tags:
//!   analytic_story:
//!   - Ransomware
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::ContentKind;
use crate::load::excerpt;
use crate::model::{FileId, Text};

pub(super) static RULE: Rule = Rule {
    code: "SF201",
    name: "unknown-story",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "an analytic story reference does not resolve",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let c = ctx.content;
    let references = c
        .detections
        .iter()
        .map(|d| (d.header.file, &d.analytic_stories))
        .chain(
            c.baselines
                .iter()
                .map(|b| (b.header.file, &b.analytic_stories)),
        )
        .chain(
            c.investigations
                .iter()
                .map(|i| (i.header.file, &i.analytic_stories)),
        );
    for (file, stories) in references {
        report_unresolved(ctx, out, &RULE, ContentKind::Story, file, stories);
    }
}

/// Reports each name in `names` that no object of `kind` has, with a suggestion.
pub(super) fn report_unresolved(
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
    rule: &Rule,
    kind: ContentKind,
    file: FileId,
    names: &[Text],
) {
    let paths = |f: FileId| crate::load::source::display_path(ctx.path(f));
    // Names `[lint.external]` says another app defines.
    let external = &ctx.config.lint.external;
    let external: &[String] = match kind {
        ContentKind::Story => &external.stories,
        ContentKind::DataSource => &external.data_sources,
        _ => &[],
    };
    for name in names {
        if ctx.index.find(kind, &name.value).is_some() || external.contains(&name.value) {
            continue;
        }
        let noun = kind.name().replace('_', " ");
        out.push(
            rule.at(
                ctx,
                file,
                name.span,
                format!("{noun} \"{}\" does not exist", excerpt(&name.value)),
            )
            .with_label(format!("no {noun} with this name"))
            .with_help_opt(ctx.index.suggestion(kind, &name.value, &paths)),
        );
    }
}
