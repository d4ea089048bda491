//! ## What it does
//! Reports a lookup whose `filename` names a file that is not in `lookups/`, or a
//! `filename` that tries to leave the directory (`../`, an absolute path).
//!
//! ## Why is this bad?
//! The app ships a transforms.conf stanza for a CSV that is not there: every search that
//! uses the lookup fails in Splunk with "The lookup table 'x' does not exist".
//!
//! ## Example
//! ```yaml
//! name: attacker_tools
//! filename: attacker_tool.csv
//! ```
//!
//! ## Use instead
//! ```yaml
//! name: attacker_tools
//! filename: attacker_tools.csv
//! ```

use std::path::{Component, Path};

use super::{Rule, RuleScope};
use crate::check::{Context, Finding, Severity};

pub(super) static RULE: Rule = Rule {
    code: "SF301",
    name: "lookup-file-missing",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    summary: "a lookup's file is missing from lookups/",
    check,
};

/// The path under `lookups/` a lookup file name denotes, if it stays inside the directory.
pub(crate) fn lookup_file_path(filename: &str) -> Option<std::path::PathBuf> {
    let relative = Path::new(filename);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    (plain && !filename.is_empty()).then(|| Path::new("lookups").join(relative))
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for lookup in &ctx.content.lookups {
        let Some(filename) = &lookup.filename else {
            continue;
        };
        let file = lookup.header.file;
        match lookup_file_path(&filename.value) {
            None => out.push(RULE.at(
                ctx,
                file,
                filename.span,
                format!(
                    "lookup file name `{}` leaves the lookups/ directory",
                    filename.value
                ),
            )),
            Some(path) if !ctx.repository.lookup_data_files.contains(&path) => out.push(
                RULE.at(
                    ctx,
                    file,
                    filename.span,
                    format!("lookup file `{}` does not exist", path.display()),
                )
                .with_help_opt(
                    crate::check::suggest::did_you_mean(
                        &filename.value,
                        ctx.repository
                            .lookup_data_files
                            .iter()
                            .filter_map(|p| p.file_name()?.to_str()),
                    )
                    .map(|s| format!("did you mean `{s}`?")),
                ),
            ),
            Some(_) => {}
        }
    }
}
