//! ## What it does
//! Reports a lookup whose `filename` names a file that is not in `lookups/`, a
//! `filename` that is not a plain path inside it (`../`, an absolute path, a backslash, a
//! control character), and a file in
//! `lookups/` that splforge refuses to read or ship: a symbolic link that resolves outside
//! the content root, or something that is not a regular file (a FIFO).
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

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::Span;
use crate::load::excerpt;

pub(super) static RULE: Rule = Rule {
    code: "SF301",
    name: "lookup-file-missing",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "a lookup's file is missing from lookups/",
    check,
};

/// The path under `lookups/` a lookup file name denotes, if it stays inside the directory.
/// A backslash (a separator on Windows, an escape in a .conf value) or a control character
/// (a line break would start a new .conf line) is refused too.
pub(crate) fn lookup_file_path(filename: &str) -> Option<std::path::PathBuf> {
    let relative = Path::new(filename);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        && !filename.contains(|c: char| c == '\\' || c.is_control());
    (plain && !filename.is_empty()).then(|| Path::new("lookups").join(relative))
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (path, error) in &ctx.repository.rejected_data_files {
        out.push(Finding::new(
            RULE.code,
            RULE.severity,
            path.clone(),
            Span::default(),
            format!(
                "lookup file `{}` cannot be used: {error}",
                excerpt(&path.to_string_lossy())
            ),
        ));
    }
    // Sets and a suggestion index built once: a scan of every data file per lookup is
    // quadratic on a large repository.
    let rejected_files: std::collections::HashSet<&Path> = ctx
        .repository
        .rejected_data_files
        .iter()
        .map(|(p, _)| p.as_path())
        .collect();
    let rejected = |path: &Path| rejected_files.contains(path);
    let file_names = std::sync::OnceLock::new();
    let file_names = || {
        file_names.get_or_init(|| {
            crate::check::suggest::Candidates::new(
                ctx.repository
                    .lookup_data_files
                    .iter()
                    .filter_map(|p| p.file_name()?.to_str()),
            )
        })
    };
    for lookup in &ctx.content.lookups {
        let Some(filename) = &lookup.filename else {
            continue;
        };
        let file = lookup.header.file;
        match lookup_file_path(&filename.value) {
            None => out.push(
                RULE.at(
                    ctx,
                    file,
                    filename.span,
                    format!(
                        "lookup file name `{}` is not a plain path inside lookups/",
                        excerpt(&filename.value).escape_debug()
                    ),
                )
                .with_help(
                    "use a file name relative to lookups/, without `..`, a leading `/`, \
                 backslashes or control characters",
                ),
            ),
            // Reported above, at the file itself.
            Some(path) if rejected(&path) => {}
            Some(path) if !ctx.repository.has_data_file(&path) => out.push(
                RULE.at(
                    ctx,
                    file,
                    filename.span,
                    format!(
                        "lookup file `{}` does not exist",
                        excerpt(&path.to_string_lossy())
                    ),
                )
                .with_help_opt(
                    file_names()
                        .best(&filename.value)
                        .map(|s| format!("did you mean `{}`?", excerpt(s))),
                ),
            ),
            Some(_) => {}
        }
    }
}
