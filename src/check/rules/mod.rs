//! The rule registry: every rule, by stable code.
//!
//! One rule per file, named `sfNNN_<name>.rs`, declaring `static RULE: Rule`. build.rs
//! finds the files: the module of each and [`RULES`] are generated, so a new rule is its
//! file (and its fixtures under `tests/fixtures/rules/<CODE>/`; CONTRIBUTING.md). The
//! file's `//!` comment is the rule's documentation (build.rs collects it too), with the
//! sections **What it does**, **Why is this bad?**, **Example** and **Use instead**.

use crate::load::{ContentKind, Span};
use crate::model::{Content, FileId, Header};

use super::{Context, Finding, Severity};

/// Whether a rule looks at one file at a time or across the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleScope {
    File,
    Repository,
}

/// Whether a rule runs when `[lint]` does not name it (ruff's default rule set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleDefault {
    /// Runs unless `[lint] ignore` (or a `select` without it) turns it off.
    On,
    /// Runs only when `[lint] select` or `extend_select` names it (by code, prefix, name or
    /// `ALL`): a check whose findings on real content are mostly judgement, not defects.
    Off,
}

pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub scope: RuleScope,
    /// Whether the rule runs by default.
    pub default: RuleDefault,
    /// One line: what the rule reports.
    pub summary: &'static str,
    pub check: fn(&Context<'_>, &mut Vec<Finding>),
}

impl Rule {
    /// Whether the rule runs when `[lint]` does not name it.
    pub fn on_by_default(&self) -> bool {
        self.default == RuleDefault::On
    }

    /// The rule's documentation, from the `//!` comment of its file.
    pub fn doc(&self) -> &'static str {
        RULE_DOCS
            .iter()
            .find(|(code, _)| *code == self.code)
            .map_or("", |(_, doc)| doc)
    }

    /// A finding of this rule in a file of the repository.
    pub fn at(
        &self,
        ctx: &Context<'_>,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(self.code, self.severity, ctx.path(file), span, message)
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).finish()
    }
}

static RULE_DOCS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

// `mod sfNNN_<name>;` for every rule file, and `pub static RULES: &[&Rule]` in code order.
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

pub use crate::model::file_name::{MAX_FILE_NAME_BYTES, expected_stem, longest_file_name};

pub(crate) use sf301_lookup_file_missing::lookup_file_path;

pub fn rule_by_code(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}

/// The header of every object, with its kind.
pub(crate) fn all_headers(content: &Content) -> impl Iterator<Item = (ContentKind, &Header)> {
    let c = content;
    c.detections
        .iter()
        .map(|o| (ContentKind::Detection, &o.header))
        .chain(
            c.baselines
                .iter()
                .map(|o| (ContentKind::Baseline, &o.header)),
        )
        .chain(
            c.investigations
                .iter()
                .map(|o| (ContentKind::Investigation, &o.header)),
        )
        .chain(c.stories.iter().map(|o| (ContentKind::Story, &o.header)))
        .chain(c.macros.iter().map(|o| (ContentKind::Macro, &o.header)))
        .chain(c.lookups.iter().map(|o| (ContentKind::Lookup, &o.header)))
        .chain(
            c.data_sources
                .iter()
                .map(|o| (ContentKind::DataSource, &o.header)),
        )
        .chain(
            c.deployments
                .iter()
                .map(|o| (ContentKind::Deployment, &o.header)),
        )
        .chain(
            c.dashboards
                .iter()
                .map(|o| (ContentKind::Dashboard, &o.header)),
        )
        .chain(c.removed.iter().map(|o| (ContentKind::Removed, &o.header)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_documented() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for rule in RULES {
            let doc = rule.doc();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(doc.contains(section), "{} lacks {section}", rule.code);
            }
        }
    }
}
