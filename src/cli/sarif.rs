//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.
//!
//! One run, with every rule as a `reportingDescriptor` (id, name, summary, the rule's
//! documentation as markdown help, default level and a help URI) and one `result` per
//! finding. Columns count Unicode code points (`columnKind`), as splforge's columns do.
//! Written with serde_json (serde-sarif 0.8 does not compile on its own, see CRATES.md);
//! `tests/it/output_formats.rs` validates the output against the official SARIF 2.1.0 schema.
//!
//! Help URIs are `https://splforge.dev/rules/SFnnn`; the same text is in `docs/rules.md`
//! under the anchor `#sfnnn` (see docs/ci.md).

use std::path::Path;

use serde_json::{Value, json};

use super::output::Sources;
use crate::check::{Finding, RULES, Rule, RuleSelection, Severity};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where each rule's documentation is published: `{RULES_URL}SF201`.
pub const RULES_URL: &str = "https://splforge.dev/rules/";
const INFORMATION_URI: &str = "https://splforge.dev";

/// The SARIF log of one lint run. `prefix` is the content root as seen from the
/// repository root (empty when they are the same), so that code scanning finds the files.
pub fn log(
    findings: &[Finding],
    sources: &Sources<'_>,
    prefix: &Path,
    selection: &RuleSelection,
) -> String {
    let rules: Vec<Value> = RULES.iter().map(|r| descriptor(r, selection)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| result(f, sources, prefix))
        .collect();
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "splforge",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn descriptor(rule: &Rule, selection: &RuleSelection) -> Value {
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.summary },
        "help": {
            "text": rule.doc(),
            "markdown": rule.doc(),
        },
        "helpUri": format!("{RULES_URL}{}", rule.code),
        "defaultConfiguration": {
            "level": level(selection.severity(rule)),
            "enabled": selection.is_enabled(rule.code),
        },
        "properties": { "tags": [format!("{:?}", rule.scope).to_lowercase()] },
    })
}

fn location(path: &Path, prefix: &Path, sources: &Sources<'_>, span: crate::load::Span) -> Value {
    let (start, end) = sources.position(path, span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&prefix.join(path)) },
            "region": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            }
        }
    })
}

fn result(finding: &Finding, sources: &Sources<'_>, prefix: &Path) -> Value {
    let mut text = finding.message.clone();
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut result = json!({
        "ruleId": finding.code,
        "level": level(finding.severity),
        "message": { "text": text },
        "locations": [location(&finding.path, prefix, sources, finding.span)],
    });
    if let Some(index) = RULES.iter().position(|r| r.code == finding.code) {
        result["ruleIndex"] = json!(index);
    }
    if !finding.related.is_empty() {
        let related: Vec<Value> = finding
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| {
                let mut location = location(&r.path, prefix, sources, r.span);
                location["id"] = json!(id);
                location["message"] = json!({ "text": r.message });
                location
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
    result
}

/// A relative path as a URI reference: `/` separators, reserved characters escaped.
fn uri(path: &Path) -> String {
    let text = crate::load::source::display_path(path);
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;
    use std::path::Path;

    #[test]
    fn uris_escape_reserved_characters() {
        assert_eq!(
            uri(Path::new("detections/a b#c.yml")),
            "detections/a%20b%23c.yml"
        );
    }
}
