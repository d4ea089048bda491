//! ## What it does
//! Reports a row of a lookup CSV that has more or fewer columns than the header.
//!
//! ## Why is this bad?
//! Splunk silently drops or shifts the extra values: lookups then match the wrong column
//! or nothing at all, and the detection that relies on them misses what it should catch.
//!
//! ## Example
//! ```text
//! domain,description
//! evil.example,known C2,extra
//! ```
//!
//! ## Use instead
//! ```text
//! domain,description
//! evil.example,"known C2, extra"
//! ```

use rayon::prelude::*;

use super::sf301_lookup_file_missing::lookup_file_path;
use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;
use crate::load::{SourceFile, Span, read_data_file};

pub(super) static RULE: Rule = Rule {
    code: "SF302",
    name: "csv-row-width",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a lookup CSV row has a different number of columns than its header",
    check,
};

/// Most findings reported for one CSV: a wholly broken file needs only a few examples.
const MAX_PER_FILE: usize = 5;

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let csv_paths: Vec<_> = ctx
        .content
        .lookups
        .iter()
        .filter_map(|l| lookup_file_path(&l.filename.as_ref()?.value))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .filter(|p| ctx.repository.has_data_file(p))
        .collect();
    let results: Vec<(SourceFile, Vec<Finding>)> = csv_paths
        .par_iter()
        .filter_map(|path| {
            let text = match read_data_file(&ctx.repository.root, path, ctx.config.limits) {
                Ok(text) => text,
                Err(error) => {
                    let finding = Finding::new(
                        RULE.code,
                        RULE.severity,
                        path.clone(),
                        Span::default(),
                        format!(
                            "cannot check the rows of `{}`: {error}",
                            excerpt(&path.to_string_lossy())
                        ),
                    );
                    return Some((SourceFile::new(path.clone(), String::new()), vec![finding]));
                }
            };
            let findings = ragged_rows(&text)
                .into_iter()
                .take(MAX_PER_FILE)
                .map(|(span, width, expected)| {
                    Finding::new(
                        RULE.code,
                        RULE.severity,
                        path.clone(),
                        span,
                        format!(
                            "row has {width} column{}, the header has {expected}",
                            if width == 1 { "" } else { "s" }
                        ),
                    )
                })
                .collect::<Vec<_>>();
            (!findings.is_empty()).then(|| (SourceFile::new(path.clone(), text), findings))
        })
        .collect();
    let mut sources = ctx.extra_sources.lock().unwrap_or_else(|e| e.into_inner());
    for (source, findings) in results {
        sources.push(source);
        out.extend(findings);
    }
}

/// Rows (as spans) whose width differs from the header's: `(span, width, header width)`.
pub fn ragged_rows(text: &str) -> Vec<(Span, usize, usize)> {
    let mut header_width = None;
    let mut ragged = Vec::new();
    // Rows are checked as they are found: a lookup may have a hundred thousand of them.
    for_each_row(text, |span, width| match header_width {
        None => header_width = Some(width),
        Some(header) => {
            if width != header && !text[span.range()].trim().is_empty() {
                ragged.push((span, width, header));
            }
        }
    });
    ragged
}

/// Calls `row` with the span and width of every RFC 4180 row, in order: quoted fields may
/// hold commas, doubled quotes and line breaks.
fn for_each_row(text: &str, mut row: impl FnMut(Span, usize)) {
    let mut start = 0;
    let mut width = 1;
    let mut in_quotes = false;
    // Bytes, not chars: the delimiters are ASCII, and no byte of a multi-byte UTF-8
    // character is ASCII, so the rows are the same and the scan several times faster.
    // Only quotes, commas and line breaks matter: memchr jumps from one to the next.
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(next) = memchr::memchr3(b'"', b',', b'\n', &bytes[i..]) {
        i += next;
        match bytes[i] {
            b'"' if in_quotes && bytes.get(i + 1) == Some(&b'"') => i += 1,
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => width += 1,
            b'\n' if !in_quotes => {
                let end = if i > 0 && bytes[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                row(Span::new(start, end), width);
                start = i + 1;
                width = 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        row(Span::new(start, text.len()), width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_commas_and_line_breaks_are_one_field() {
        let text = "a,b\n\"x,y\",\"multi\nline\"\n1,2,3\n";
        let ragged = ragged_rows(text);
        assert_eq!(ragged.len(), 1);
        assert_eq!(&text[ragged[0].0.range()], "1,2,3");
        assert_eq!((ragged[0].1, ragged[0].2), (3, 2));
    }
}
