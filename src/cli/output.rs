//! Printing findings: rustc-style for people, one JSON array for machines.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::terminal::{self, escape, printable};
use crate::check::{Finding, Report};
use crate::load::{LineCol, Repository, SourceFile, Span};

/// Finds the text of the file a finding is in, for line/column and snippets.
pub struct Sources<'a> {
    by_path: HashMap<&'a Path, &'a SourceFile>,
    /// The working directory relative to the root: human output shows paths from there.
    here: PathBuf,
}

impl<'a> Sources<'a> {
    pub fn new(repository: &'a Repository, report: &'a Report) -> Sources<'a> {
        Sources::from_files(repository.files.iter().map(|f| &f.source), report)
    }

    /// From the text of some files (a cached run keeps only those findings point into).
    pub fn from_files(
        files: impl Iterator<Item = &'a SourceFile>,
        report: &'a Report,
    ) -> Sources<'a> {
        // Only the files findings point into: with a few findings (pre-commit), comparing
        // bytes beats hashing thousands of paths.
        let mut wanted: Vec<&Path> = report
            .findings
            .iter()
            .flat_map(|f| std::iter::once(&f.path).chain(f.related.iter().map(|r| &r.path)))
            .map(PathBuf::as_path)
            .collect();
        wanted.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        wanted.dedup();
        let mut by_path: HashMap<&Path, &SourceFile> = files
            .filter(|f| {
                let path = f.path.as_os_str();
                wanted.binary_search_by(|w| w.as_os_str().cmp(path)).is_ok()
            })
            .map(|f| (f.path.as_path(), f))
            .collect();
        for (path, source) in &report.extra_sources {
            by_path.insert(path.as_path(), source);
        }
        Sources {
            by_path,
            here: PathBuf::new(),
        }
    }

    /// Human output shows paths from `here` (the working directory relative to the root)
    /// rather than from the root.
    pub fn seen_from(mut self, here: &Path) -> Sources<'a> {
        self.here = here.to_path_buf();
        self
    }

    /// A path as a person's terminal shows it: from where they stand,
    /// [escaped](terminal::escape).
    fn shown(&self, path: &Path) -> String {
        let seen = super::repository::seen_from(path, &self.here);
        terminal::escape(&display(&seen)).into_owned()
    }

    fn get(&self, path: &Path) -> Option<&'a SourceFile> {
        self.by_path.get(path).copied()
    }

    pub fn position(&self, path: &Path, span: Span) -> (LineCol, LineCol) {
        match self.get(path) {
            Some(source) => (
                source.line_col(span.start as usize),
                source.line_col(span.end as usize),
            ),
            None => (
                LineCol { line: 1, column: 1 },
                LineCol { line: 1, column: 1 },
            ),
        }
    }
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    help: Option<&'a str>,
}

/// All findings as one JSON array of `{code, severity, message, file, line, column,
/// end_line, end_column, help}`.
pub fn json(findings: &[Finding], sources: &Sources<'_>) -> String {
    let items: Vec<JsonFinding<'_>> = findings
        .iter()
        .map(|f| {
            let (start, end) = sources.position(&f.path, f.span);
            JsonFinding {
                code: f.code,
                severity: f.severity.as_str(),
                message: &f.message,
                file: display(&f.path),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                help: f.help.as_deref(),
            }
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned())
}

/// A path as JSON gives it: the exact text (non-UTF-8 bytes aside).
fn display(path: &Path) -> String {
    crate::load::source::display_path(path)
}

/// Colours for the human format; all empty when colour is off.
#[derive(Clone, Copy)]
pub struct Palette {
    pub error: &'static str,
    pub warning: &'static str,
    pub accent: &'static str,
    pub bold: &'static str,
    pub reset: &'static str,
}

impl Palette {
    pub fn new(enabled: bool) -> Palette {
        if enabled {
            Palette {
                error: "\x1b[1;31m",
                warning: "\x1b[1;33m",
                accent: "\x1b[1;34m",
                bold: "\x1b[1m",
                reset: "\x1b[0m",
            }
        } else {
            Palette {
                error: "",
                warning: "",
                accent: "",
                bold: "",
                reset: "",
            }
        }
    }
}

/// One finding, rustc-style: header, location, snippet with carets, help.
pub fn human(finding: &Finding, sources: &Sources<'_>, palette: Palette) -> String {
    let p = palette;
    let severity_colour = match finding.severity {
        crate::check::Severity::Error => p.error,
        crate::check::Severity::Warning => p.warning,
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{severity_colour}{}[{}]{}{}: {}{}",
        finding.severity.as_str(),
        finding.code,
        p.reset,
        p.bold,
        escape(&finding.message),
        p.reset
    );
    let (start, _) = sources.position(&finding.path, finding.span);
    let gutter = start.line.to_string().len().max(2);
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{pad}{}-->{} {}:{}:{}",
        p.accent,
        p.reset,
        sources.shown(&finding.path),
        start.line,
        start.column
    );
    if let Some(source) = sources.get(&finding.path) {
        snippet(
            &mut out,
            source,
            finding.span,
            finding.label.as_deref(),
            gutter,
            p,
        );
    }
    for related in &finding.related {
        let (at, _) = sources.position(&related.path, related.span);
        let _ = writeln!(
            out,
            "{pad} {}={} note: {} at {}:{}:{}",
            p.accent,
            p.reset,
            escape(&related.message),
            sources.shown(&related.path),
            at.line,
            at.column
        );
    }
    if let Some(help) = &finding.help {
        let _ = writeln!(out, "{pad} {}={} help: {}", p.accent, p.reset, escape(help));
    }
    out
}

fn snippet(
    out: &mut String,
    source: &SourceFile,
    span: Span,
    label: Option<&str>,
    gutter: usize,
    p: Palette,
) {
    let start = source.line_col(span.start as usize);
    let end = source.line_col(span.end as usize);
    let line_text = source.lines().line_text(&source.text, start.line);
    if line_text.is_empty() && span.is_empty() && source.text.is_empty() {
        return;
    }
    let pad = " ".repeat(gutter);
    // Long lines (a one-line search) are cut around the span so the caret stays visible.
    let (shown, first_col) = window(line_text, start.column as usize);
    let shown = printable(&shown);
    let caret_start = start.column as usize - first_col;
    let caret_len = if end.line == start.line {
        (end.column.saturating_sub(start.column) as usize).max(1)
    } else {
        shown.chars().count().saturating_sub(caret_start).max(1)
    };
    let caret_len = caret_len.min(shown.chars().count().saturating_sub(caret_start).max(1));
    let _ = writeln!(out, "{pad} {}|{}", p.accent, p.reset);
    let _ = writeln!(
        out,
        "{}{:>gutter$} |{} {shown}",
        p.accent, start.line, p.reset
    );
    let _ = writeln!(
        out,
        "{pad} {}|{} {}{}{}{}",
        p.accent,
        p.reset,
        " ".repeat(caret_start),
        p.error,
        "^".repeat(caret_len),
        label.map(|l| format!(" {}", escape(l))).unwrap_or_default() + p.reset
    );
    let _ = writeln!(out, "{pad} {}|{}", p.accent, p.reset);
}

/// At most ~100 characters of `line` around column `column` (1-based); returns the text
/// and the 1-based column of its first character.
fn window(line: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= WIDTH {
        return (line.to_owned(), 1);
    }
    let first = column.saturating_sub(WIDTH / 3).max(1);
    let last = (first + WIDTH).min(chars.len() + 1);
    let text: String = chars[first - 1..last - 1].iter().collect();
    (text, first)
}

/// `path` relative to `root` when it is inside it.
pub fn relative_to(path: &Path, root: &Path) -> Option<PathBuf> {
    let path = std::fs::canonicalize(path).ok()?;
    let root = std::fs::canonicalize(root).ok()?;
    path.strip_prefix(&root).ok().map(Path::to_path_buf)
}
