//! JSON Schema validation of each file against the schema of its kind and generation.
//!
//! The schemas are data (`schemas/<generation>/<kind>.schema.json`), embedded at build
//! time and compiled once per process. Each error's JSON Pointer is mapped back to the
//! YAML node (or key) it names, so the finding has a file:line:column.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;

use crate::format::Format;
use crate::load::{ContentKind, Node, Span, excerpt};
use crate::model::Generation;

mod native;

pub use native::{Precheck, Verdict};

/// `(generation, kind, schema text)` for every embedded schema.
pub static SCHEMAS: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// The schema text for a kind and generation.
pub fn schema_text(kind: ContentKind, generation: Generation) -> Option<&'static str> {
    SCHEMAS
        .iter()
        .find(|(g, k, _)| *g == generation.schema_dir() && *k == kind.name())
        .map(|(_, _, text)| *text)
}

/// A schema, with its two checkers: the pre-check on the YAML tree, which proves most
/// files valid (`native`), and `jsonschema`, compiled only when a file is not proven valid,
/// which writes every message.
struct Compiled {
    schema: serde_json::Value,
    precheck: Precheck,
    full: OnceLock<Result<Full, String>>,
}

struct Full {
    validator: jsonschema::Validator,
    /// Every property name the schema declares anywhere (for typo suggestions).
    property_names: Vec<String>,
}

type Schemas = HashMap<(&'static str, &'static str), OnceLock<Result<Compiled, String>>>;

/// Which schema a file is checked against: its generation's for its kind, or a format's
/// patched one (`schema_kind` is `event_source` for 4.1's event sources).
#[derive(Debug, Clone, Copy)]
pub struct SchemaChoice {
    pub generation: Generation,
    format: Option<&'static Format>,
    schema_kind: &'static str,
}

impl SchemaChoice {
    /// The schema of a file of `kind` at `path` (relative) showing `generation`, in `format`:
    /// the format's when it is of that generation and patches that schema.
    pub fn new(
        kind: ContentKind,
        generation: Generation,
        format: Option<&'static Format>,
        path: &std::path::Path,
    ) -> SchemaChoice {
        let format = format.filter(|f| f.generation == generation);
        let schema_kind = format.map_or(kind.name(), |f| f.schema_kind(kind, path));
        SchemaChoice {
            generation,
            format: format.filter(|f| f.patches(schema_kind)),
            schema_kind,
        }
    }

    /// What a schema result depends on besides the file: `4`, or `contentctl-4.1/event_source`
    /// for a patched schema (the key of [`crate::check::facts::Facts::schema_key`]).
    pub fn key(&self) -> String {
        match self.format {
            Some(format) => format!("{}/{}", format.name, self.schema_kind),
            None => self.generation.schema_dir().to_string(),
        }
    }
}

/// The schema text of a schema kind (a content type, or `event_source` for 4.1) in a format
/// version (its generation's schema with the format's patch applied), for
/// `splforge schema --format-version`.
pub fn format_schema_text(schema_kind: &str, format: &Format) -> Result<String, String> {
    let kind = match schema_kind {
        "event_source" if format.event_sources => ContentKind::DataSource,
        "ssa_detection" if format.patches("ssa_detection") => ContentKind::Detection,
        name => ContentKind::from_name(name).ok_or("unknown type")?,
    };
    let base = schema_text(kind, format.generation).ok_or("no schema")?;
    if !format.patches(schema_kind) {
        return Ok(base.to_string());
    }
    let schema = format
        .schema(schema_kind, base)
        .map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&schema)
        .map(|text| text + "\n")
        .map_err(|e| e.to_string())
}

/// The schema of a kind in a format that patches it, built and read on first use.
fn compiled_in_format(
    kind: ContentKind,
    schema_kind: &'static str,
    format: &'static Format,
) -> Option<&'static Result<Compiled, String>> {
    static BY_FORMAT: OnceLock<Schemas> = OnceLock::new();
    let schemas = BY_FORMAT.get_or_init(|| {
        let formats = crate::format::formats().unwrap_or_default();
        let kinds = ContentKind::ALL.iter().map(|k| k.name());
        let kinds: Vec<&'static str> = kinds.chain(["event_source", "ssa_detection"]).collect();
        formats
            .iter()
            .flat_map(|f| {
                kinds
                    .iter()
                    .map(move |k| ((f.name.as_str(), *k), OnceLock::new()))
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    let cell = schemas.get(&(format.name.as_str(), schema_kind))?;
    Some(cell.get_or_init(|| {
        let base = schema_text(kind, format.generation).unwrap_or_default();
        let schema = format
            .schema(schema_kind, base)
            .map_err(|e| e.to_string())?;
        Ok(Compiled {
            precheck: Precheck::new(&schema),
            schema,
            full: OnceLock::new(),
        })
    }))
}

/// The schema of a generation and kind, read on first use: a repository of one generation
/// needs 8 of the 24 schemas, and compiling them all up front took a serial ~20 ms while
/// the other rayon thread waited on the lock.
fn compiled(
    kind: ContentKind,
    generation: Generation,
) -> Option<&'static Result<Compiled, String>> {
    static SCHEMAS_BY_KIND: OnceLock<Schemas> = OnceLock::new();
    let schemas = SCHEMAS_BY_KIND.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|&(generation, kind, _)| ((generation, kind), OnceLock::new()))
            .collect()
    });
    let cell = schemas.get(&(generation.schema_dir(), kind.name()))?;
    Some(cell.get_or_init(|| {
        let text = schema_text(kind, generation).unwrap_or_default();
        let schema = serde_json::from_str::<serde_json::Value>(text).map_err(|e| e.to_string())?;
        Ok(Compiled {
            precheck: Precheck::new(&schema),
            schema,
            full: OnceLock::new(),
        })
    }))
}

impl Compiled {
    fn full(&self) -> &Result<Full, String> {
        self.full.get_or_init(|| {
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&self.schema)
                .map_err(|e| e.to_string())?;
            let mut property_names = Vec::new();
            collect_property_names(&self.schema, &mut property_names);
            property_names.sort();
            property_names.dedup();
            Ok(Full {
                validator,
                property_names,
            })
        })
    }
}

/// One schema violation, already placed in the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchemaViolation {
    pub span: Span,
    pub message: String,
    /// JSON Pointer of the offending value, e.g. `/tags/confidence`.
    pub pointer: String,
    /// Set for format errors (`uuid`, `date`): dedicated rules report those.
    pub format: Option<String>,
    /// Set for a key the schema does not allow.
    pub unknown_field: Option<UnknownField>,
    /// What to do about it, when the schema's own message does not say.
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnknownField {
    pub key: String,
    /// A declared key one edit (or only letter case) away: the key is then a typo and the
    /// value it holds is lost.
    pub suggestion: Option<String>,
}

/// Validates a document; `Err` when no schema exists or it does not compile. A document
/// the pre-check proves valid is not given to `jsonschema`.
pub fn validate(
    root: &Node,
    kind: ContentKind,
    generation: Generation,
) -> Result<Vec<SchemaViolation>, String> {
    validate_with(root, kind, generation, None, true)
}

/// [`validate`] against a chosen schema ([`SchemaChoice`]).
pub fn validate_in(
    root: &Node,
    kind: ContentKind,
    choice: SchemaChoice,
) -> Result<Vec<SchemaViolation>, String> {
    validate_with(root, kind, choice.generation, Some(choice), true)
}

/// Validates with `jsonschema` alone, as [`validate`] did before the pre-check (the
/// reference the pre-check is tested against).
pub fn validate_without_precheck(
    root: &Node,
    kind: ContentKind,
    generation: Generation,
) -> Result<Vec<SchemaViolation>, String> {
    validate_with(root, kind, generation, None, false)
}

/// The pre-check's verdict alone; `None` when no schema exists or it does not parse.
pub fn precheck(root: &Node, kind: ContentKind, generation: Generation) -> Option<Verdict> {
    match compiled(kind, generation)? {
        Ok(compiled) => Some(compiled.precheck.check(root)),
        Err(_) => None,
    }
}

fn validate_with(
    root: &Node,
    kind: ContentKind,
    generation: Generation,
    choice: Option<SchemaChoice>,
    use_precheck: bool,
) -> Result<Vec<SchemaViolation>, String> {
    let not_compiled = |e: &String| format!("schema for {} does not compile: {e}", kind.name());
    let compiled = match choice.and_then(|c| Some((c.format?, c.schema_kind))) {
        Some((format, schema_kind)) => compiled_in_format(kind, schema_kind, format),
        None => compiled(kind, generation),
    };
    let compiled = match compiled {
        Some(Ok(compiled)) => compiled,
        Some(Err(e)) => return Err(not_compiled(e)),
        None => {
            return Err(format!(
                "no schema for {} in generation {}",
                kind.name(),
                generation.schema_dir()
            ));
        }
    };
    if use_precheck && compiled.precheck.check(root) == Verdict::Valid {
        return Ok(Vec::new());
    }
    let full = compiled.full().as_ref().map_err(not_compiled)?;
    let instance = root.to_json();
    let mut violations: Vec<SchemaViolation> = full
        .validator
        .iter_errors(&instance)
        .flat_map(|error| place(root, &error, &full.property_names))
        .collect();
    violations.sort_by(|a, b| (a.span, &a.message).cmp(&(b.span, &b.message)));
    violations.dedup();
    Ok(violations)
}

fn place(
    root: &Node,
    error: &jsonschema::ValidationError<'_>,
    property_names: &[String],
) -> Vec<SchemaViolation> {
    let pointer = error.instance_path().as_str().to_owned();
    let node = root.pointer(&pointer).unwrap_or(root);
    let location = if pointer.is_empty() {
        String::new()
    } else {
        format!("`{}`: ", excerpt(&pointer))
    };
    if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
        // One violation per unknown key, at the key itself.
        return unexpected
            .iter()
            .map(|key| {
                let span = node
                    .as_map()
                    .and_then(|m| m.entries.iter().find(|(k, _)| k.key_text_is(key)))
                    .map_or(node.span, |(k, _)| k.span);
                let suggestion = typo_of(key, property_names);
                SchemaViolation {
                    span,
                    message: format!("{location}unknown field `{}`", excerpt(key)),
                    pointer: pointer.clone(),
                    format: None,
                    unknown_field: Some(UnknownField {
                        key: key.clone(),
                        suggestion,
                    }),
                    help: None,
                }
            })
            .collect();
    }
    let mut help = None;
    let (span, message) = match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            let at = root
                .pointer_key(&pointer)
                .map_or_else(|| first_line(node), |k| k.span);
            // Required only under a condition (`if`/`then`): in content schemas, of a
            // production object (and of some types). Shown at the `status` that makes it
            // required, which is what changed when a draft is switched to production.
            let conditional = error.schema_path().as_str().contains("/then/");
            let status = root
                .as_map()
                .and_then(|m| m.entry("status"))
                .filter(|(_, value)| value.as_str() == Some("production"));
            match status {
                Some((key, value)) if conditional && pointer.is_empty() => {
                    help = Some(format!(
                        "add `{name}:` (`splforge schema` shows its form), or keep the status `experimental` until it has one"
                    ));
                    (
                        crate::load::Span {
                            start: key.span.start,
                            end: value.span.end,
                        },
                        format!(
                            "missing field `{name}`, required of a production object of this type"
                        ),
                    )
                }
                _ => {
                    help = Some(format!(
                        "add `{name}:` (`splforge schema` shows the form of each field)"
                    ));
                    (at, format!("missing required field `{name}`"))
                }
            }
        }
        ValidationErrorKind::Type { .. } => (
            node.span,
            format!("{} (found {})", bounded_message(error), node.kind_name()),
        ),
        _ => (node.span, bounded_message(error)),
    };
    let format = match error.kind() {
        ValidationErrorKind::Format { format } => Some(format.clone()),
        _ => None,
    };
    vec![SchemaViolation {
        span,
        message: format!("{location}{message}"),
        pointer,
        format,
        unknown_field: None,
        help,
    }]
}

/// `jsonschema`'s message, which quotes the offending value whole: a value longer than a
/// quote allows ([`excerpt`]) is quoted as its beginning.
fn bounded_message(error: &jsonschema::ValidationError<'_>) -> String {
    let value = error.instance().to_string();
    match excerpt(&value) {
        Cow::Borrowed(_) => error.to_string(),
        Cow::Owned(short) => error.masked_with(short).to_string(),
    }
}

/// The declared name `key` is most likely a typo of: equal but for letter case, or one
/// edit away (`data_sources` for `data_source`, `CVE` for `cve`).
fn typo_of(key: &str, property_names: &[String]) -> Option<String> {
    property_names
        .iter()
        .filter(|name| name.as_str() != key)
        .find(|name| {
            name.eq_ignore_ascii_case(key) || super::suggest::edit_distance_at_most(key, name, 1)
        })
        .cloned()
}

fn collect_property_names(schema: &serde_json::Value, out: &mut Vec<String>) {
    match schema {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(properties)) = map.get("properties") {
                out.extend(properties.keys().cloned());
            }
            map.values().for_each(|v| collect_property_names(v, out));
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| collect_property_names(v, out))
        }
        _ => {}
    }
}

/// The first line of a node: a whole mapping is too much to underline.
fn first_line(node: &Node) -> Span {
    Span {
        start: node.span.start,
        end: node.span.start,
    }
}
