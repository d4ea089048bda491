//! The rule registry: every rule, by stable code.
//!
//! One rule per file, named `sfNNN_<name>.rs`. The file's `//!` comment is the rule's
//! documentation (build.rs collects it), with the sections **What it does**, **Why is this
//! bad?**, **Example** and **Use instead**.

use crate::load::{ContentKind, Span};
use crate::model::{Content, FileId, Header};

use super::{Context, Finding, Severity};

mod sf001_yaml_syntax;
mod sf002_duplicate_key;
mod sf003_not_a_mapping;
mod sf004_unused_suppression;
mod sf010_schema;
mod sf011_unknown_field;
mod sf101_invalid_uuid;
mod sf102_duplicate_id;
mod sf103_duplicate_name;
mod sf104_file_name;
pub use sf104_file_name::{MAX_FILE_NAME_BYTES, expected_stem, longest_file_name};
mod sf105_missing_risk;
mod sf106_stanza_collision;
mod sf107_macro_argument_name;
mod sf201_unknown_story;
mod sf202_unknown_data_source;
mod sf203_unknown_detection;
mod sf204_missing_deployment;
mod sf205_unknown_macro;
mod sf206_missing_filter_macro;
mod sf207_duplicate_list_entry;
mod sf208_name_whitespace;
mod sf301_lookup_file_missing;
mod sf302_csv_row_width;
mod sf303_orphan_lookup_file;
mod sf304_unknown_lookup;
mod sf401_invalid_date;
mod sf402_attack_id_format;
mod sf403_unknown_attack_technique;
mod sf404_revoked_attack_technique;
mod sf405_redundant_attack_technique;
mod sf406_unknown_kill_chain_phase;
mod sf407_kill_chain_mismatch;
mod sf501_placeholder_not_output;
mod sf502_filter_macro_not_last;
mod sf503_unproduced_field;
mod sf504_spl_syntax;
mod sf505_malformed_placeholder;

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

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &sf001_yaml_syntax::RULE,
    &sf002_duplicate_key::RULE,
    &sf003_not_a_mapping::RULE,
    &sf004_unused_suppression::RULE,
    &sf010_schema::RULE,
    &sf011_unknown_field::RULE,
    &sf101_invalid_uuid::RULE,
    &sf102_duplicate_id::RULE,
    &sf103_duplicate_name::RULE,
    &sf104_file_name::RULE,
    &sf105_missing_risk::RULE,
    &sf106_stanza_collision::RULE,
    &sf107_macro_argument_name::RULE,
    &sf201_unknown_story::RULE,
    &sf202_unknown_data_source::RULE,
    &sf203_unknown_detection::RULE,
    &sf204_missing_deployment::RULE,
    &sf205_unknown_macro::RULE,
    &sf206_missing_filter_macro::RULE,
    &sf207_duplicate_list_entry::RULE,
    &sf208_name_whitespace::RULE,
    &sf301_lookup_file_missing::RULE,
    &sf302_csv_row_width::RULE,
    &sf303_orphan_lookup_file::RULE,
    &sf304_unknown_lookup::RULE,
    &sf401_invalid_date::RULE,
    &sf402_attack_id_format::RULE,
    &sf403_unknown_attack_technique::RULE,
    &sf404_revoked_attack_technique::RULE,
    &sf405_redundant_attack_technique::RULE,
    &sf406_unknown_kill_chain_phase::RULE,
    &sf407_kill_chain_mismatch::RULE,
    &sf501_placeholder_not_output::RULE,
    &sf502_filter_macro_not_last::RULE,
    &sf503_unproduced_field::RULE,
    &sf504_spl_syntax::RULE,
    &sf505_malformed_placeholder::RULE,
];

pub(crate) use sf301_lookup_file_missing::lookup_file_path;
pub(crate) use sf401_invalid_date::is_calendar_date;

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
