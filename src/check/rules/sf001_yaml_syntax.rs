//! ## What it does
//! Reports a file that cannot be read as YAML: a syntax error, invalid UTF-8, a file over
//! the size limit, nesting or alias expansion past the limits, more than one document, or
//! a symbolic link that leaves the content root.
//!
//! ## Why is this bad?
//! Nothing in the file can be checked, built or documented; contentctl stops at the first
//! such file without saying where. splforge reports every one and checks the rest.
//!
//! ## Example
//! ```yaml
//! name: AWS IAM Failure Group Deletion
//! tags: [unclosed
//! ```
//!
//! ## Use instead
//! ```yaml
//! name: AWS IAM Failure Group Deletion
//! tags: [closed]
//! ```

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::{FileError, Span, YamlError};

pub(super) static RULE: Rule = Rule {
    code: "SF001",
    name: "yaml-syntax",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "the file is not readable YAML",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (file, loaded) in ctx.repository.files.iter().enumerate() {
        if !ctx.reports_on(file) {
            continue;
        }
        if let Err(error) = &loaded.document {
            out.push(finding(ctx, file, &loaded.source.text, error));
        }
    }
}

/// The finding for one unreadable file. A syntax error caused by a tab in the indentation
/// (which YAML forbids, and which the parser reports a line early, as something else) is
/// reported at the tab; other syntax errors the parser words obscurely get a help line.
fn finding(ctx: &Context<'_>, file: usize, text: &str, error: &FileError) -> Finding {
    let FileError::Yaml(YamlError::Syntax { message, span }) = error else {
        return RULE.at(ctx, file, error.span(), error.to_string());
    };
    if let Some(tab) = indenting_tab(text, span.start as usize) {
        return RULE
            .at(
                ctx,
                file,
                tab,
                "YAML syntax error: a tab in the indentation (YAML indents with spaces only)",
            )
            .with_label("tab")
            .with_help(format!(
                "indent with spaces; the parser's own message: {message}"
            ));
    }
    RULE.at(ctx, file, *span, error.to_string())
        .with_help_opt(help_for(message).map(str::to_owned))
}

/// The first tab in the leading whitespace of a line, up to the line after the one the
/// error is on (the parser stops at the line before a tab-indented one).
fn indenting_tab(text: &str, error_at: usize) -> Option<Span> {
    let error_line = text.get(..error_at).map_or(0, |t| t.matches('\n').count());
    let mut offset = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        if number > error_line + 1 {
            break;
        }
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = line[..indent].find('\t') {
            let start = u32::try_from(offset + tab).ok()?;
            return Some(Span {
                start,
                end: start + 1,
            });
        }
        offset += line.len();
    }
    None
}

/// What to do about a parser message that does not say it.
fn help_for(message: &str) -> Option<&'static str> {
    if message.contains("mapping values are not allowed") {
        Some(
            "a value that contains `: ` must be quoted (`description: 'Note: ...'`), or the line is indented deeper than its key",
        )
    } else if message.contains("did not find expected key") {
        Some("check this line's indentation against the keys above it")
    } else if message.contains("found character that cannot start any token") {
        Some("a value starting with `@` or a backquote must be quoted")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::indenting_tab;

    #[test]
    fn the_tab_is_found_on_the_line_after_the_error() {
        let text = "name: x\ntags:\n  a: 1\n\tb: 2\n";
        let error_at = text.find("a: 1").unwrap() + 1;
        let tab = indenting_tab(text, error_at).unwrap();
        assert_eq!(&text[tab.start as usize..tab.end as usize], "\t");
        // A tab inside a value is no indentation; one far below the error is unrelated.
        assert_eq!(indenting_tab("a: x\ty\n", 0), None);
        assert_eq!(indenting_tab("a: [\nb: 1\nc: 2\nd: 3\n\te: 4\n", 2), None);
    }
}
