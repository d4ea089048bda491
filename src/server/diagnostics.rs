//! Findings as LSP diagnostics: the finding's exact span as the range, the rule code with a
//! link to its documentation (`codeDescription`), the help line in the message, and the
//! other places that take part as related information.

use std::path::Path;
use std::str::FromStr as _;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, PublishDiagnosticsParams, Uri,
};

use super::documents::{LineMap, uri_of};
use super::workspace::Workspace;
use crate::check::{Finding, Severity};

/// The diagnostics of the file at `relative`, to publish.
pub fn publish(
    workspace: &Workspace,
    relative: &Path,
    rule_docs: &str,
) -> Option<PublishDiagnosticsParams> {
    let uri = uri_of(&workspace.root, relative)?;
    let diagnostics = match workspace.source_of(relative) {
        Some(source) => {
            let lines = LineMap::new(&source.text);
            (workspace.findings_in(relative).iter())
                .map(|finding| diagnostic(workspace, finding, &source.text, &lines, rule_docs))
                .collect()
        }
        None => Vec::new(),
    };
    Some(PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: workspace.version(relative),
    })
}

/// One finding as a diagnostic, in a file whose text is `text`.
pub fn diagnostic(
    workspace: &Workspace,
    finding: &Finding,
    text: &str,
    lines: &LineMap,
    rule_docs: &str,
) -> Diagnostic {
    let mut message = finding.message.clone();
    if let Some(label) = &finding.label {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &finding.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = (finding.related.iter())
        .filter_map(|related| {
            let source = workspace.source_of(&related.path)?;
            let range = LineMap::new(&source.text).range(&source.text, related.span);
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri_of(&workspace.root, &related.path)?, range),
                message: related.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: lines.range(text, finding.span),
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(finding.code.to_owned())),
        code_description: Uri::from_str(&format!("{rule_docs}{}", finding.code))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("splforge".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
