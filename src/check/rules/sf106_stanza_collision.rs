//! ## What it does
//! Reports two objects that the build would write as the same stanza of one `.conf` file:
//! a macro `m` with one argument beside a macro named `m(1)` (both `[m(1)]` in
//! macros.conf), a baseline named `<detection name> - Rule` beside that detection (both
//! `[ESCU - <name> - Rule]` in savedsearches.conf), a baseline `<name> - Response Task`
//! beside an investigation, two investigations whose panel names are the same once lower
//! cased with ` -./` as `_`, a lookup named `data_sources` (the build writes that lookup
//! itself). The names are computed by the functions the build uses
//! (`render::view::object_stanzas`), and compared exactly: Splunk's stanza names are
//! case-sensitive. Two objects of one kind with the same name are SF103's.
//!
//! ## Why is this bad?
//! Splunk merges stanzas of the same name: the later object's settings silently replace
//! the earlier one's (a baseline's `search` runs as the detection, with the detection's
//! schedule), and one of the two objects is gone. `build` refuses such content, even with
//! `--force`.
//!
//! ## Example
//! ```yaml
//! # macros/m.yml
//! name: m
//! arguments: [x]
//! # macros/m_1.yml
//! name: m(1)
//! ```
//!
//! ## Use instead
//! ```yaml
//! # macros/m_1.yml: a name of its own
//! name: m_one
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::render::view::{ObjectStanza, object_stanzas, stanza_collisions};

pub(super) static RULE: Rule = Rule {
    code: "SF106",
    name: "stanza-collision",
    severity: Severity::Error,
    default: RuleDefault::On,
    scope: RuleScope::Repository,
    summary: "two objects render to the same .conf stanza",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let stanzas = object_stanzas(ctx.content, &ctx.config.app);
    for (first, second) in stanza_collisions(&stanzas) {
        let (first, second) = (&stanzas[first], &stanzas[second]);
        if same_name_and_kind(first, second) {
            continue;
        }
        report(ctx, second, first, out);
        report(ctx, first, second, out);
    }
}

/// Two objects of one kind whose names differ only in case are SF103's.
fn same_name_and_kind(a: &ObjectStanza<'_>, b: &ObjectStanza<'_>) -> bool {
    a.header.is_some()
        && b.header.is_some()
        && a.kind == b.kind
        && a.object_name().to_lowercase() == b.object_name().to_lowercase()
}

/// A finding at `stanza`'s object name, with `other` as the related place when it is an
/// object of the content.
fn report(
    ctx: &Context<'_>,
    stanza: &ObjectStanza<'_>,
    other: &ObjectStanza<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(header) = stanza.header else {
        return;
    };
    let span = header.name.as_ref().map_or(header.span, |n| n.span);
    let finding = RULE
        .at(
            ctx,
            header.file,
            span,
            format!(
                "{} {:?} is written as [{}] in {}, as is {}",
                stanza.kind,
                header.name(),
                stanza.name,
                stanza.file,
                other.describe()
            ),
        )
        .with_help("rename one of them: Splunk merges stanzas of the same name, and the later one's settings win");
    out.push(match other.header {
        Some(o) => finding.with_related(
            ctx.path(o.file),
            o.name.as_ref().map_or(o.span, |n| n.span),
            "the other object",
        ),
        None => finding,
    });
}
