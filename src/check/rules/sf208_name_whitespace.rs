//! ## What it does
//! Reports a name, or a reference to one, that starts or ends with white space or holds
//! two white-space characters in a row: every object's `name`, and a detection's
//! `analytic_story` and `data_source` entries.
//!
//! ## Why is this bad?
//! Names are how content refers to content, and nobody sees the space that makes two
//! names differ. A 2021 story was named `'Emotet Malware  DHS Report TA18-201A '`, and the
//! eight detections that referred to it matched only as long as each copied both spaces;
//! the build then aborted on the name. Saved-search names, lookups of stories in ES and
//! the docs' file names all carry the stray space along.
//!
//! ## Example
//! ```yaml
//! name: 'Emotet Malware  DHS Report TA18-201A '
//! ```
//!
//! ## Use instead
//! ```yaml
//! name: Emotet Malware DHS Report TA18-201A
//! ```

use super::{Rule, RuleDefault, RuleScope, all_headers};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;
use crate::model::Text;

pub(super) static RULE: Rule = Rule {
    code: "SF208",
    name: "name-whitespace",
    severity: Severity::Warning,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a name starts or ends with white space, or holds doubled white space",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut named: Vec<(&'static str, crate::model::FileId, &Text)> = Vec::new();
    for (kind, header) in all_headers(ctx.content) {
        named.extend(header.name.iter().map(|n| (kind.name(), header.file, n)));
    }
    for detection in &ctx.content.detections {
        let file = detection.header.file;
        named.extend(
            (detection.analytic_stories.iter()).map(|s| ("analytic story reference", file, s)),
        );
        named.extend(
            (detection.data_source_entries.iter()).map(|s| ("data source reference", file, s)),
        );
    }
    for (what, file, name) in named {
        let Some(problem) = whitespace_problem(&name.value) else {
            continue;
        };
        out.push(
            RULE.at(
                ctx,
                file,
                name.span,
                format!("{what} \"{}\" {problem}", excerpt(&name.value)),
            )
            .with_help(format!("write \"{}\"", excerpt(&normalised(&name.value)))),
        );
    }
}

/// What is wrong with the white space of a name, if anything.
fn whitespace_problem(name: &str) -> Option<&'static str> {
    if name.starts_with(char::is_whitespace) {
        Some("starts with white space")
    } else if name.ends_with(char::is_whitespace) {
        Some("ends with white space")
    } else if name
        .chars()
        .zip(name.chars().skip(1))
        .any(|(a, b)| a.is_whitespace() && b.is_whitespace())
    {
        Some("holds doubled white space")
    } else {
        None
    }
}

/// The name with its white space trimmed and each run of it made one space.
fn normalised(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_stray_white_space() {
        assert_eq!(whitespace_problem("Emotet Malware DHS Report"), None);
        assert_eq!(
            whitespace_problem(" Emotet"),
            Some("starts with white space")
        );
        assert_eq!(
            whitespace_problem("Emotet\t"),
            Some("ends with white space")
        );
        assert_eq!(
            whitespace_problem("Emotet Malware  DHS"),
            Some("holds doubled white space")
        );
        assert_eq!(normalised(" a  b "), "a b");
    }
}
