//! Inline suppressions in YAML comments: `# splforge: ignore SF201, SF205 -- reason`.
//!
//! A suppression written after the YAML on a line covers that line; one alone on its line
//! covers the next line that is neither blank nor a comment. A finding is suppressed when it
//! starts on a covered line and its rule is named. Suppressions that suppress nothing are
//! findings themselves (SF004), as ruff's unused `noqa`.
//!
//! Comments come from the YAML parser's comment events, so a `#` inside a quoted search
//! is never mistaken for one; only files whose text mentions `splforge:` are scanned again.

use std::collections::HashMap;
use std::path::Path;

use granit_parser::{Event, Parser};

use crate::load::{Repository, SourceFile, Span};

use super::{Finding, RuleSelection, Severity};

const MARKER: &str = "splforge:";
const UNUSED: &str = "SF004";

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The whole comment, `#` included.
    pub span: Span,
    /// The 1-based line whose findings it suppresses.
    pub line: u32,
    /// The codes it names, as written.
    pub codes: Vec<String>,
    pub reason: Option<String>,
}

/// The suppression comments of one file, in source order.
pub fn suppressions(source: &SourceFile) -> Vec<Suppression> {
    let text = source.text.as_str();
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let mut found = Vec::new();
    for event in Parser::new_from_str(text) {
        // A syntax error ends the scan: the comments before it still count.
        let Ok((Event::Comment(body, _), span)) = event else {
            if event.is_err() {
                break;
            }
            continue;
        };
        let Some(range) = span.byte_range() else {
            continue;
        };
        let Some((codes, reason)) = parse_comment(&body) else {
            continue;
        };
        let at = source.line_col(range.start);
        let line_text = source.lines().line_text(text, at.line);
        let before: String = line_text.chars().take(at.column as usize - 1).collect();
        let line = if before.trim().is_empty() {
            next_content_line(source, at.line)
        } else {
            at.line
        };
        found.push(Suppression {
            span: Span::new(range.start, range.end),
            line,
            codes,
            reason,
        });
    }
    found
}

/// `splforge: ignore SF201, SF205 -- reason` (the text after `#`) to its codes and reason.
fn parse_comment(body: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = body.trim_start().strip_prefix(MARKER)?.trim_start();
    let rest = rest.strip_prefix("ignore")?;
    let (codes, reason) = match rest.split_once("--") {
        Some((codes, reason)) => (codes, Some(reason.trim().to_owned())),
        None => (rest, None),
    };
    let codes: Vec<String> = codes
        .split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    Some((codes, reason.filter(|r| !r.is_empty())))
}

/// The first line after `line` that is neither blank nor only a comment.
fn next_content_line(source: &SourceFile, line: u32) -> u32 {
    let text = source.text.as_str();
    let last = source.line_col(text.len()).line;
    (line + 1..=last)
        .find(|&l| {
            let t = source.lines().line_text(text, l).trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .unwrap_or(line + 1)
}

/// A suppression and whether it suppressed something.
type Marked = (Suppression, bool);

/// Drops suppressed findings and returns an SF004 finding for each suppression (in the
/// files `in_scope` accepts) that suppressed nothing, or names no rule.
pub fn apply(
    repository: &Repository,
    findings: &mut Vec<Finding>,
    selection: &RuleSelection,
    in_scope: &dyn Fn(&Path) -> bool,
) -> Vec<Finding> {
    let mut by_file: HashMap<&Path, (&SourceFile, Vec<Marked>)> = HashMap::new();
    for file in &repository.files {
        let path = file.source.path.as_path();
        if !in_scope(path) {
            continue;
        }
        let found = suppressions(&file.source);
        if !found.is_empty() {
            let marked = found.into_iter().map(|s| (s, false)).collect();
            by_file.insert(path, (&file.source, marked));
        }
    }
    if by_file.is_empty() {
        return Vec::new();
    }
    findings.retain(|finding| {
        let Some((source, list)) = by_file.get_mut(finding.path.as_path()) else {
            return true;
        };
        let line = source.line_col(finding.span.start as usize).line;
        let mut suppressed = false;
        for (suppression, used) in list.iter_mut() {
            if suppression.line == line && names(suppression, finding.code) {
                *used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    let mut unused = Vec::new();
    if !selection.is_enabled(UNUSED) {
        return unused;
    }
    let severity = selection.severity_of(UNUSED, Severity::Warning);
    for (path, (_, list)) in by_file {
        if selection.ignored_in(UNUSED, path) {
            continue;
        }
        for (suppression, used) in list {
            if let Some(message) = unused_message(&suppression, used, selection, path) {
                unused.push(Finding::new(
                    UNUSED,
                    severity,
                    path,
                    suppression.span,
                    message,
                ));
            }
        }
    }
    unused
}

fn names(suppression: &Suppression, code: &str) -> bool {
    suppression
        .codes
        .iter()
        .any(|c| super::selection::resolve("", c).is_ok_and(|codes| codes.contains(&code)))
}

fn unused_message(
    suppression: &Suppression,
    used: bool,
    selection: &RuleSelection,
    path: &Path,
) -> Option<String> {
    if let Some(bad) = suppression
        .codes
        .iter()
        .find(|c| super::selection::resolve("", c).is_err())
    {
        return Some(format!(
            "suppression names no rule: `{}`",
            crate::load::excerpt(bad)
        ));
    }
    if suppression.codes.is_empty() {
        return Some("suppression names no rule: write `# splforge: ignore SFnnn`".to_owned());
    }
    // A rule that did not run (not selected, ignored for this file) cannot be suppressed,
    // and saying so would only push people to delete a suppression they still need.
    let ran = suppression.codes.iter().any(|c| {
        super::selection::resolve("", c).is_ok_and(|codes| {
            codes
                .iter()
                .any(|code| selection.is_enabled(code) && !selection.ignored_in(code, path))
        })
    });
    (!used && ran).then(|| {
        format!(
            "unused suppression: no {} finding on line {}",
            crate::load::excerpt(&suppression.codes.join(" or ")),
            suppression.line
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        SourceFile::new("detections/x.yml", text.to_owned())
    }

    #[test]
    fn trailing_and_own_line_comments() {
        let s = source(
            "name: x # splforge: ignore SF104 -- legacy name\n\
             # splforge: ignore SF201, SF202\n\
             # another comment\n\
             tags: 1\n\
             search: 'a # splforge: ignore SF205'\n",
        );
        let found = suppressions(&s);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].line, 1);
        assert_eq!(found[0].codes, ["SF104"]);
        assert_eq!(found[0].reason.as_deref(), Some("legacy name"));
        assert_eq!(found[1].line, 4);
        assert_eq!(found[1].codes, ["SF201", "SF202"]);
    }

    #[test]
    fn other_comments_are_not_suppressions() {
        assert!(parse_comment(" splforge: something else").is_none());
        assert!(parse_comment(" noqa").is_none());
        assert_eq!(
            parse_comment(" splforge: ignore unknown-story").unwrap().0,
            ["unknown-story"]
        );
    }
}
