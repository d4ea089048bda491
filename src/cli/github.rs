//! GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding,
//! shown on the pull request's diff at the finding's line.
//!
//! Format: `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=SF201 unknown-story::MESSAGE`.
//! Property values escape `%`, CR, LF, `:` and `,`; the message escapes `%`, CR and LF
//! (the runner's own rules, see actions/toolkit `command.ts`). The runner prints both in
//! the job's log, so control and bidirectional characters are escaped first
//! ([`terminal::escape`]).

use std::fmt::Write as _;
use std::path::Path;

use super::output::Sources;
use super::terminal;
use crate::check::{Finding, Severity, rule_by_code};

/// All findings as workflow commands, one per line. `prefix` is the content root as seen
/// from the repository root (empty when they are the same), so paths match the diff.
pub fn annotations(findings: &[Finding], sources: &Sources<'_>, prefix: &Path) -> String {
    let mut out = String::new();
    for finding in findings {
        let (start, end) = sources.position(&finding.path, finding.span);
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let title = match rule_by_code(finding.code) {
            Some(rule) => format!("{} {}", rule.code, rule.name),
            None => finding.code.to_owned(),
        };
        let mut message = finding.message.clone();
        if let Some(help) = &finding.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let path = crate::load::source::display_path(&prefix.join(&finding.path));
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&terminal::escape(&path)),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&title),
            escape_data(&terminal::escape(&message))
        );
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
