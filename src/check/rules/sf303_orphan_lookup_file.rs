//! ## What it does
//! Reports a file in `lookups/` (CSV or .mlmodel) that no lookup YAML names. A 5.x lookup
//! names none: its file is the one beside it with its YAML's stem (`lookups/x.yml` ->
//! `lookups/x.csv` or `lookups/x.mlmodel`), as contentctl 5 reads it.
//!
//! ## Why is this bad?
//! It is shipped in no transforms.conf stanza, so no search can use it: usually a lookup
//! whose YAML was deleted or renamed, or a CSV added without its definition.
//!
//! ## Example
//! ```text
//! lookups/old_attacker_tools.csv   # and no lookups/*.yml has `filename: old_attacker_tools.csv`
//! ```
//!
//! ## Use instead
//! ```yaml
//! # lookups/old_attacker_tools.yml
//! name: old_attacker_tools
//! filename: old_attacker_tools.csv
//! ```

use std::collections::HashSet;

use super::sf301_lookup_file_missing::lookup_file_path;
use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::Span;
use crate::model::Generation;

pub(super) static RULE: Rule = Rule {
    code: "SF303",
    name: "orphan-lookup-file",
    severity: Severity::Warning,
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "a file in lookups/ is named by no lookup",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut referenced: HashSet<_> = ctx
        .content
        .lookups
        .iter()
        .filter_map(|l| lookup_file_path(&l.filename.as_ref()?.value))
        .collect();
    for lookup in &ctx.content.lookups {
        if lookup.generation == Generation::Contentctl5 && lookup.filename.is_none() {
            let yaml = ctx.path(lookup.header.file);
            referenced.extend(["csv", "mlmodel"].map(|ext| yaml.with_extension(ext)));
        }
    }
    for path in &ctx.repository.lookup_data_files {
        if !referenced.contains(path) {
            out.push(
                Finding::new(
                    RULE.code,
                    RULE.severity,
                    path.clone(),
                    Span::default(),
                    format!("`{}` is not the filename of any lookup", path.display()),
                )
                .with_help("add a lookup YAML that names it, or delete the file"),
            );
        }
    }
}
