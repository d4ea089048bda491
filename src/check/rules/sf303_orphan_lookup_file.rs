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
use crate::load::{ContentKind, Span, excerpt};

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
    let referenced: HashSet<_> = ctx
        .content
        .lookups
        .iter()
        .filter_map(|l| lookup_file_path(&l.filename.as_ref()?.value))
        .collect();
    let lookups_dir = std::path::Path::new(ContentKind::Lookup.directory());
    for path in &ctx.repository.lookup_data_files {
        if path.starts_with(lookups_dir) && !referenced.contains(path) {
            out.push(
                Finding::new(
                    RULE.code,
                    RULE.severity,
                    path.clone(),
                    Span::default(),
                    format!(
                        "`{}` is not the filename of any lookup",
                        excerpt(&path.to_string_lossy())
                    ),
                )
                .with_help("add a lookup YAML that names it, or delete the file"),
            );
        }
    }
}
