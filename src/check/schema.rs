//! JSON Schema validation of each file against the schema of its kind and generation.
//!
//! The schemas are data (`schemas/<generation>/<kind>.schema.json`), embedded at build
//! time and compiled once per process. Each error's JSON Pointer is mapped back to the
//! YAML node (or key) it names, so the finding has a file:line:column.

use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;

use crate::load::{ContentKind, Node, Span};
use crate::model::Generation;

/// `(generation, kind, schema text)` for every embedded schema.
pub static SCHEMAS: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// The schema text for a kind and generation.
pub fn schema_text(kind: ContentKind, generation: Generation) -> Option<&'static str> {
    SCHEMAS
        .iter()
        .find(|(g, k, _)| *g == generation.schema_dir() && *k == kind.name())
        .map(|(_, _, text)| *text)
}

type Validators = HashMap<(&'static str, &'static str), Result<jsonschema::Validator, String>>;

fn validators() -> &'static Validators {
    static VALIDATORS: OnceLock<Validators> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|&(generation, kind, text)| {
                let compiled = serde_json::from_str::<serde_json::Value>(text)
                    .map_err(|e| e.to_string())
                    .and_then(|schema| {
                        jsonschema::options()
                            .with_draft(jsonschema::Draft::Draft202012)
                            .should_validate_formats(true)
                            .build(&schema)
                            .map_err(|e| e.to_string())
                    });
                ((generation, kind), compiled)
            })
            .collect()
    })
}

/// One schema violation, already placed in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaViolation {
    pub span: Span,
    pub message: String,
    /// JSON Pointer of the offending value, e.g. `/tags/confidence`.
    pub pointer: String,
    /// Set for format errors (`uuid`, `date`): dedicated rules report those.
    pub format: Option<String>,
}

/// Validates a document; `Err` when no schema exists or it does not compile.
pub fn validate(
    root: &Node,
    kind: ContentKind,
    generation: Generation,
) -> Result<Vec<SchemaViolation>, String> {
    let validator = match validators().get(&(generation.schema_dir(), kind.name())) {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(format!("schema for {} does not compile: {e}", kind.name())),
        None => {
            return Err(format!(
                "no schema for {} in generation {}",
                kind.name(),
                generation.schema_dir()
            ));
        }
    };
    let instance = root.to_json();
    let mut violations: Vec<SchemaViolation> = validator
        .iter_errors(&instance)
        .map(|error| place(root, &error))
        .collect();
    violations.sort_by(|a, b| (a.span, &a.message).cmp(&(b.span, &b.message)));
    violations.dedup();
    Ok(violations)
}

fn place(root: &Node, error: &jsonschema::ValidationError<'_>) -> SchemaViolation {
    let pointer = error.instance_path().as_str().to_owned();
    let node = root.pointer(&pointer).unwrap_or(root);
    let (span, message) = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            // Point at the first unexpected key, not the whole mapping.
            let key = unexpected.first().and_then(|k| {
                node.as_map()?
                    .entries
                    .iter()
                    .find(|(key, _)| key.key_text() == k.as_str())
                    .map(|(key, _)| key.span)
            });
            let names = unexpected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            (key.unwrap_or(node.span), format!("unknown field {names}"))
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            let at = root
                .pointer_key(&pointer)
                .map_or_else(|| first_line(node), |k| k.span);
            (at, format!("missing required field `{name}`"))
        }
        ValidationErrorKind::Type { .. } => {
            (node.span, format!("{error} (found {})", node.kind_name()))
        }
        _ => (node.span, error.to_string()),
    };
    let format = match error.kind() {
        ValidationErrorKind::Format { format } => Some(format.clone()),
        _ => None,
    };
    let location = if pointer.is_empty() {
        String::new()
    } else {
        format!("`{pointer}`: ")
    };
    SchemaViolation {
        span,
        message: format!("{location}{message}"),
        pointer,
        format,
    }
}

/// The first line of a node: a whole mapping is too much to underline.
fn first_line(node: &Node) -> Span {
    Span {
        start: node.span.start,
        end: node.span.start,
    }
}
