//! Findings are values: checks return them, only the CLI prints them.

use std::borrow::Cow;
use std::path::PathBuf;

use crate::load::{MAX_MESSAGE_CHARS, Span, truncated};

// A finding's severity is a word of the configuration too (`[lint.severity]`), so it is
// defined there, below `check`.
pub use crate::config::Severity;

/// One problem, at one primary position, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Path relative to the content root.
    pub path: PathBuf,
    pub span: Span,
    /// A short note shown under the primary span.
    pub label: Option<String>,
    pub help: Option<String>,
    /// Other places that take part (the first of two duplicates, say).
    pub related: Vec<Related>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: PathBuf,
    pub span: Span,
    pub message: String,
}

impl Finding {
    pub fn new(
        code: &'static str,
        severity: Severity,
        path: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity,
            message: message.into(),
            path: path.into(),
            span,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Finding {
        self.label = Some(label.into());
        self
    }

    /// The finding at another severity than its rule's (`[lint] severity` still wins).
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Finding {
        self.help = help;
        self
    }

    pub fn with_related(
        mut self,
        path: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        self.related.push(Related {
            path: path.into(),
            span,
            message: message.into(),
        });
        self
    }

    /// The order findings are printed in: by file, position, then code.
    pub fn sort_key(&self) -> (&PathBuf, u32, u32, &'static str, &str) {
        (
            &self.path,
            self.span.start,
            self.span.end,
            self.code,
            &self.message,
        )
    }
}

/// Sorts findings into their stable printing order and drops exact duplicates; cuts any
/// text over [`MAX_MESSAGE_CHARS`] characters. Messages quote content through
/// [`excerpt`](crate::load::excerpt); this bounds whatever else a message was built from (a
/// parser's or a library's text), so no finding prints megabytes.
pub fn sort_and_dedup(findings: &mut Vec<Finding>) {
    for finding in findings.iter_mut() {
        finding.bound_texts();
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    drop_schema_echoes(findings);
}

/// The code of schema findings, whose messages are the schema library's.
const SCHEMA_CODE: &str = "SF010";

/// Drops a schema finding at the exact span of a rule's finding of the same severity or
/// a graver one: the rule says the same thing in the domain's words, with help (`t1059`
/// is SF402 with "did you mean T1059?", not also the schema's pattern mismatch). Findings
/// are sorted, so those at one span are next to each other.
fn drop_schema_echoes(findings: &mut Vec<Finding>) {
    let mut echoes = vec![false; findings.len()];
    let mut start = 0;
    while start < findings.len() {
        let at = |f: &Finding| (f.path.clone(), f.span);
        let place = at(&findings[start]);
        let end = start
            + findings[start..]
                .iter()
                .take_while(|f| at(f) == place)
                .count();
        let group = &findings[start..end];
        for (i, finding) in group.iter().enumerate() {
            echoes[start + i] = finding.code == SCHEMA_CODE
                && group
                    .iter()
                    .any(|other| other.code != SCHEMA_CODE && other.severity <= finding.severity);
        }
        start = end;
    }
    let mut echo = echoes.into_iter();
    findings.retain(|_| !echo.next().unwrap_or(false));
}

impl Finding {
    fn bound_texts(&mut self) {
        bound(&mut self.message);
        self.label.iter_mut().for_each(bound);
        self.help.iter_mut().for_each(bound);
        for related in &mut self.related {
            bound(&mut related.message);
        }
    }
}

/// Cuts `text` to [`MAX_MESSAGE_CHARS`] characters.
fn bound(text: &mut String) {
    if let Cow::Owned(cut) = truncated(text, MAX_MESSAGE_CHARS) {
        *text = cut;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_finding_at_a_rules_span_is_dropped() {
        let span = Span { start: 10, end: 15 };
        let schema = Finding::new("SF010", Severity::Error, "d.yml", span, "pattern");
        let rule = Finding::new("SF402", Severity::Error, "d.yml", span, "not an id");
        let elsewhere = Finding::new(
            "SF010",
            Severity::Error,
            "d.yml",
            Span { start: 10, end: 16 },
            "other",
        );
        let other_file = Finding::new("SF010", Severity::Error, "e.yml", span, "pattern");
        let mut findings = vec![
            schema.clone(),
            rule.clone(),
            elsewhere.clone(),
            other_file.clone(),
        ];
        sort_and_dedup(&mut findings);
        assert_eq!(findings, [rule.clone(), elsewhere, other_file]);
        // A warning does not hide an error.
        let warning = rule.with_severity(Severity::Warning);
        let mut findings = vec![schema.clone(), warning.clone()];
        sort_and_dedup(&mut findings);
        assert_eq!(findings, [schema, warning]);
    }

    #[test]
    fn long_texts_are_cut_on_a_character() {
        let short = "é".repeat(MAX_MESSAGE_CHARS);
        let mut kept = short.clone();
        bound(&mut kept);
        assert_eq!(kept, short);
        let mut long = format!("{short}é");
        bound(&mut long);
        assert_eq!(long.chars().count(), MAX_MESSAGE_CHARS);
        assert!(long.ends_with("é…"));
    }
}
