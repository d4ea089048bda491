//! A validity pre-check that runs the schema on the YAML tree itself.
//!
//! Most files of a repository are valid, and proving that with `jsonschema` costs a second
//! tree (`Node::to_json`, every string copied) and the validator's own walk: 8% of a full
//! lint. This checker walks the [`Node`] tree directly and answers [`Verdict::Valid`] only
//! when the file is certainly valid; then `jsonschema` is not run at all. Any other answer
//! sends the file to `jsonschema`, which alone writes every message, so the findings are
//! unchanged by construction.
//!
//! The invariant: `Valid` here implies no error from `jsonschema`, and `Invalid` implies
//! an error (it is needed exactly, under `not`, `oneOf` and `if`). Anything this checker
//! does not evaluate exactly (an unknown keyword, a float, a `$ref` outside the document,
//! a string format it cannot confirm, a pattern over non-ASCII text) is
//! [`Verdict::Unknown`]. `tests/it/schema_precheck.rs` compares the two over every file of
//! the corpus and over mutated documents.

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::date::Date;
use crate::load::{Node, Value};

/// What the pre-check knows about an instance against a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    Unknown,
}

impl Verdict {
    /// Both must hold: `Invalid` wins, then `Unknown`.
    fn and(self, other: Verdict) -> Verdict {
        match (self, other) {
            (Verdict::Invalid, _) | (_, Verdict::Invalid) => Verdict::Invalid,
            (Verdict::Unknown, _) | (_, Verdict::Unknown) => Verdict::Unknown,
            _ => Verdict::Valid,
        }
    }

    fn not(self) -> Verdict {
        match self {
            Verdict::Valid => Verdict::Invalid,
            Verdict::Invalid => Verdict::Valid,
            Verdict::Unknown => Verdict::Unknown,
        }
    }

    fn from_bool(valid: bool) -> Verdict {
        if valid {
            Verdict::Valid
        } else {
            Verdict::Invalid
        }
    }
}

/// A schema compiled for the pre-check: its subschemas in one arena.
#[derive(Debug)]
pub struct Precheck {
    nodes: Vec<SchemaNode>,
}

type SchemaId = usize;

/// One (sub)schema; absent keywords are `None` or empty.
#[derive(Debug, Default)]
struct SchemaNode {
    /// `false` (the schema that rejects everything) or a keyword this checker does not know.
    opaque: Option<bool>,
    types: Option<Vec<JsonType>>,
    properties: Vec<(String, SchemaId)>,
    additional_properties: Option<SchemaId>,
    required: Vec<String>,
    min_properties: Option<usize>,
    items: Option<SchemaId>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    contains: Option<SchemaId>,
    unique_items: bool,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<regex::bytes::Regex>,
    format: Option<Format>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    allowed: Option<Vec<Json>>,
    all_of: Vec<SchemaId>,
    any_of: Vec<SchemaId>,
    one_of: Vec<SchemaId>,
    not: Option<SchemaId>,
    condition: Option<(SchemaId, Option<SchemaId>, Option<SchemaId>)>,
    reference: Option<SchemaId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonType {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Uuid,
    Date,
    /// A format this checker cannot confirm: a string under it is `Unknown`.
    Other,
}

/// Keywords that only annotate: they never make an instance invalid.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$defs",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

impl Precheck {
    /// Compiles a schema document. Never fails: what it cannot read becomes opaque.
    pub fn new(schema: &Json) -> Precheck {
        let mut compiler = Compiler {
            nodes: Vec::new(),
            defs: HashMap::new(),
            patterns: HashMap::new(),
            document: schema,
        };
        // The first node compiled, the root, is node 0.
        compiler.compile(schema);
        Precheck {
            nodes: compiler.nodes,
        }
    }

    /// The verdict on a document's root.
    pub fn check(&self, root: &Node) -> Verdict {
        self.eval(root, 0)
    }

    fn eval(&self, node: &Node, id: SchemaId) -> Verdict {
        let schema = &self.nodes[id];
        match schema.opaque {
            Some(true) => return Verdict::Unknown,
            Some(false) => return Verdict::Invalid,
            None => {}
        }
        let instance = match Instance::of(node) {
            Some(instance) => instance,
            None => return Verdict::Unknown,
        };
        let mut verdict = Verdict::Valid;
        macro_rules! and {
            ($v:expr) => {{
                verdict = verdict.and($v);
                if verdict == Verdict::Invalid {
                    return verdict;
                }
            }};
        }
        if let Some(types) = &schema.types {
            and!(Verdict::from_bool(
                types.iter().any(|&t| instance.has_type(t))
            ));
        }
        if let Some(allowed) = &schema.allowed {
            and!(instance.is_one_of(allowed));
        }
        match instance {
            Instance::Str(text) => and!(self.check_string(schema, text)),
            Instance::Int(value) => and!(check_number(schema, value)),
            Instance::Seq(items) => and!(self.check_array(schema, items)),
            Instance::Map(entries) => and!(self.check_object(schema, entries)),
            Instance::Null | Instance::Bool(_) => {}
        }
        if let Some(target) = schema.reference {
            and!(self.eval(node, target));
        }
        for &sub in &schema.all_of {
            and!(self.eval(node, sub));
        }
        if !schema.any_of.is_empty() {
            let mut any = Verdict::Invalid;
            for &sub in &schema.any_of {
                match self.eval(node, sub) {
                    Verdict::Valid => {
                        any = Verdict::Valid;
                        break;
                    }
                    Verdict::Unknown => any = Verdict::Unknown,
                    Verdict::Invalid => {}
                }
            }
            and!(any);
        }
        if !schema.one_of.is_empty() {
            let verdicts: Vec<Verdict> = schema
                .one_of
                .iter()
                .map(|&sub| self.eval(node, sub))
                .collect();
            let one = if verdicts.contains(&Verdict::Unknown) {
                Verdict::Unknown
            } else {
                Verdict::from_bool(verdicts.iter().filter(|v| **v == Verdict::Valid).count() == 1)
            };
            and!(one);
        }
        if let Some(sub) = schema.not {
            and!(self.eval(node, sub).not());
        }
        if let Some((condition, then, otherwise)) = schema.condition {
            let branch = match self.eval(node, condition) {
                Verdict::Valid => then,
                Verdict::Invalid => otherwise,
                Verdict::Unknown => return Verdict::Unknown.and(verdict),
            };
            if let Some(branch) = branch {
                and!(self.eval(node, branch));
            }
        }
        verdict
    }

    fn check_string(&self, schema: &SchemaNode, text: &str) -> Verdict {
        let mut verdict = Verdict::Valid;
        if schema.min_length.is_some() || schema.max_length.is_some() {
            // `jsonschema` counts code points.
            let length = text.chars().count();
            let fits = schema.min_length.is_none_or(|min| length >= min)
                && schema.max_length.is_none_or(|max| length <= max);
            verdict = verdict.and(Verdict::from_bool(fits));
        }
        if let Some(pattern) = &schema.pattern {
            // ECMA-262 and the regex crate agree on these classes for ASCII text only
            // (`\d`, `\s` and `\w` are wider in Unicode mode).
            verdict = verdict.and(if text.is_ascii() {
                Verdict::from_bool(pattern.is_match(text.as_bytes()))
            } else {
                Verdict::Unknown
            });
        }
        match schema.format {
            None => {}
            Some(Format::Uuid) if is_canonical_uuid(text) => {}
            // RFC 3339 `full-date`; SF401 knows the calendar the same way.
            Some(Format::Date) if Date::parse(text).is_some() => {}
            Some(_) => verdict = verdict.and(Verdict::Unknown),
        }
        verdict
    }

    fn check_array(&self, schema: &SchemaNode, items: &[Node]) -> Verdict {
        let mut verdict = Verdict::Valid;
        let count_fits = schema.min_items.is_none_or(|min| items.len() >= min)
            && schema.max_items.is_none_or(|max| items.len() <= max);
        verdict = verdict.and(Verdict::from_bool(count_fits));
        if verdict == Verdict::Invalid {
            return verdict;
        }
        if let Some(sub) = schema.items {
            for item in items {
                verdict = verdict.and(self.eval(item, sub));
                if verdict == Verdict::Invalid {
                    return verdict;
                }
            }
        }
        if let Some(sub) = schema.contains {
            let mut contains = Verdict::Invalid;
            for item in items {
                match self.eval(item, sub) {
                    Verdict::Valid => {
                        contains = Verdict::Valid;
                        break;
                    }
                    Verdict::Unknown => contains = Verdict::Unknown,
                    Verdict::Invalid => {}
                }
            }
            verdict = verdict.and(contains);
        }
        if schema.unique_items {
            verdict = verdict.and(unique_strings(items));
        }
        verdict
    }

    fn check_object(&self, schema: &SchemaNode, entries: &[(Node, Node)]) -> Verdict {
        let mut verdict = Verdict::Valid;
        if schema.min_properties.is_some_and(|min| entries.len() < min) {
            return Verdict::Invalid;
        }
        for name in &schema.required {
            if !entries.iter().any(|(k, _)| k.key_text_is(name)) {
                return Verdict::Invalid;
            }
        }
        for (key, value) in entries {
            let sub = schema
                .properties
                .iter()
                .find(|(name, _)| key.key_text_is(name))
                .map(|&(_, sub)| sub)
                .or(schema.additional_properties);
            if let Some(sub) = sub {
                verdict = verdict.and(self.eval(value, sub));
                if verdict == Verdict::Invalid {
                    return verdict;
                }
            }
        }
        verdict
    }
}

/// A node as the JSON value `Node::to_json` makes of it, for the kinds this checker reads.
enum Instance<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Str(&'a str),
    Seq(&'a [Node]),
    Map(&'a [(Node, Node)]),
}

impl<'a> Instance<'a> {
    /// `None` for what JSON would see differently from the tree: a float (an integral
    /// float is an integer to `jsonschema`; NaN becomes null), and a mapping with complex
    /// keys (they all become the JSON key `<complex key>`). Other keys are unique by their
    /// text, as JSON keys are: the tree builder keeps the last of a repeated key.
    fn of(node: &'a Node) -> Option<Instance<'a>> {
        Some(match &node.value {
            Value::Null => Instance::Null,
            Value::Bool(b) => Instance::Bool(*b),
            Value::Int(i) => Instance::Int(*i),
            Value::Float(_) => return None,
            Value::Str(s) => Instance::Str(&s.text),
            Value::Seq(items) => Instance::Seq(items),
            Value::Map(mapping) => {
                let entries = &mapping.entries;
                if entries
                    .iter()
                    .any(|(k, _)| matches!(k.value, Value::Seq(_) | Value::Map(_)))
                {
                    return None;
                }
                Instance::Map(entries)
            }
        })
    }

    fn has_type(&self, wanted: JsonType) -> bool {
        matches!(
            (self, wanted),
            (Instance::Null, JsonType::Null)
                | (Instance::Bool(_), JsonType::Boolean)
                | (Instance::Int(_), JsonType::Integer | JsonType::Number)
                | (Instance::Str(_), JsonType::String)
                | (Instance::Seq(_), JsonType::Array)
                | (Instance::Map(_), JsonType::Object)
        )
    }

    /// `enum` and `const`: equal to one of `allowed` (compound values are not compared).
    fn is_one_of(&self, allowed: &[Json]) -> Verdict {
        let mut verdict = Verdict::Invalid;
        for candidate in allowed {
            let equal = match (self, candidate) {
                (Instance::Null, Json::Null) => true,
                (Instance::Bool(a), Json::Bool(b)) => a == b,
                (Instance::Int(a), Json::Number(b)) => match (b.as_i64(), b.as_f64()) {
                    (Some(b), _) => *a == b,
                    (None, Some(b)) => (*a as f64) == b && a.unsigned_abs() < 1 << 53,
                    (None, None) => false,
                },
                (Instance::Str(a), Json::String(b)) => *a == b.as_str(),
                (Instance::Seq(_) | Instance::Map(_), Json::Array(_) | Json::Object(_)) => {
                    verdict = Verdict::Unknown;
                    false
                }
                _ => false,
            };
            if equal {
                return Verdict::Valid;
            }
        }
        verdict
    }
}

fn check_number(schema: &SchemaNode, value: i64) -> Verdict {
    if schema.minimum.is_none() && schema.maximum.is_none() {
        return Verdict::Valid;
    }
    // Beyond 2^53 an i64 does not convert to f64 exactly.
    if value.unsigned_abs() >= 1 << 53 {
        return Verdict::Unknown;
    }
    let value = value as f64;
    Verdict::from_bool(
        schema.minimum.is_none_or(|min| value >= min)
            && schema.maximum.is_none_or(|max| value <= max),
    )
}

fn unique_strings(items: &[Node]) -> Verdict {
    let mut seen: Vec<&str> = Vec::with_capacity(items.len());
    for item in items {
        let Some(text) = item.as_str() else {
            return Verdict::Unknown;
        };
        if seen.contains(&text) {
            return Verdict::Invalid;
        }
        seen.push(text);
    }
    Verdict::Valid
}

/// `8-4-4-4-12` hexadecimal digits: a form every UUID parser accepts.
fn is_canonical_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

struct Compiler<'a> {
    nodes: Vec<SchemaNode>,
    /// `$defs` entries compiled so far, by reference text (`#/$defs/uuid`).
    defs: HashMap<String, SchemaId>,
    patterns: HashMap<String, Option<regex::bytes::Regex>>,
    document: &'a Json,
}

impl Compiler<'_> {
    fn compile(&mut self, schema: &Json) -> SchemaId {
        let id = self.nodes.len();
        self.nodes.push(SchemaNode::default());
        let node = match schema {
            Json::Bool(true) => SchemaNode::default(),
            Json::Bool(false) => SchemaNode {
                opaque: Some(false),
                ..SchemaNode::default()
            },
            Json::Object(map) => self.compile_object(map),
            _ => opaque(),
        };
        self.nodes[id] = node;
        id
    }

    fn compile_object(&mut self, map: &serde_json::Map<String, Json>) -> SchemaNode {
        let mut node = SchemaNode::default();
        for (keyword, value) in map {
            let understood = match keyword.as_str() {
                k if ANNOTATIONS.contains(&k) => true,
                "type" => {
                    node.types = types(value);
                    node.types.is_some()
                }
                "properties" => match value.as_object() {
                    Some(properties) => {
                        node.properties = properties
                            .iter()
                            .map(|(name, sub)| (name.clone(), self.compile(sub)))
                            .collect();
                        true
                    }
                    None => false,
                },
                "additionalProperties" => {
                    node.additional_properties = Some(self.compile(value));
                    true
                }
                "required" => match value.as_array() {
                    Some(names) => {
                        node.required = names
                            .iter()
                            .filter_map(|n| n.as_str().map(str::to_owned))
                            .collect();
                        node.required.len() == names.len()
                    }
                    None => false,
                },
                "minProperties" => set_count(&mut node.min_properties, value),
                "items" => {
                    node.items = Some(self.compile(value));
                    true
                }
                "minItems" => set_count(&mut node.min_items, value),
                "maxItems" => set_count(&mut node.max_items, value),
                "contains" => {
                    node.contains = Some(self.compile(value));
                    true
                }
                "uniqueItems" => match value.as_bool() {
                    Some(unique) => {
                        node.unique_items = unique;
                        true
                    }
                    None => false,
                },
                "minLength" => set_count(&mut node.min_length, value),
                "maxLength" => set_count(&mut node.max_length, value),
                "pattern" => match value.as_str().and_then(|p| self.pattern(p)) {
                    Some(pattern) => {
                        node.pattern = Some(pattern);
                        true
                    }
                    None => false,
                },
                "format" => {
                    node.format = Some(match value.as_str() {
                        Some("uuid") => Format::Uuid,
                        Some("date") => Format::Date,
                        _ => Format::Other,
                    });
                    true
                }
                "minimum" => set_bound(&mut node.minimum, value),
                "maximum" => set_bound(&mut node.maximum, value),
                "enum" => match value.as_array() {
                    Some(values) => {
                        node.allowed = Some(values.clone());
                        true
                    }
                    None => false,
                },
                "const" => {
                    node.allowed = Some(vec![value.clone()]);
                    true
                }
                "allOf" | "anyOf" | "oneOf" => match value.as_array() {
                    Some(subs) if !subs.is_empty() => {
                        let ids = subs.iter().map(|s| self.compile(s)).collect();
                        match keyword.as_str() {
                            "allOf" => node.all_of = ids,
                            "anyOf" => node.any_of = ids,
                            _ => node.one_of = ids,
                        }
                        true
                    }
                    _ => false,
                },
                "not" => {
                    node.not = Some(self.compile(value));
                    true
                }
                "if" => {
                    let condition = self.compile(value);
                    let then = map.get("then").map(|s| self.compile(s));
                    let otherwise = map.get("else").map(|s| self.compile(s));
                    node.condition = Some((condition, then, otherwise));
                    true
                }
                // Without `if` they are ignored, as the specification says.
                "then" | "else" => true,
                "$ref" => match value.as_str().and_then(|r| self.definition(r)) {
                    Some(target) => {
                        node.reference = Some(target);
                        true
                    }
                    None => false,
                },
                _ => false,
            };
            if !understood {
                return opaque();
            }
        }
        node
    }

    /// A pattern, compiled once per schema however often it recurs. Only ASCII text is
    /// matched against it (see `check_string`), so it is compiled without Unicode classes,
    /// which makes compiling it several times cheaper.
    fn pattern(&mut self, pattern: &str) -> Option<regex::bytes::Regex> {
        if let Some(compiled) = self.patterns.get(pattern) {
            return compiled.clone();
        }
        let compiled = regex::bytes::RegexBuilder::new(pattern)
            .unicode(false)
            .build()
            .ok();
        self.patterns.insert(pattern.to_owned(), compiled.clone());
        compiled
    }

    /// A `#/$defs/NAME` reference of this document, compiled once (recursion included).
    fn definition(&mut self, reference: &str) -> Option<SchemaId> {
        if let Some(&id) = self.defs.get(reference) {
            return Some(id);
        }
        let name = reference.strip_prefix("#/$defs/")?;
        let target = self.document.get("$defs")?.get(name)?;
        // Reserve the id first: a definition may refer to itself.
        let id = self.nodes.len();
        self.nodes.push(SchemaNode::default());
        self.defs.insert(reference.to_owned(), id);
        let compiled = self.compile(target);
        self.nodes[id].reference = Some(compiled);
        Some(id)
    }
}

fn opaque() -> SchemaNode {
    SchemaNode {
        opaque: Some(true),
        ..SchemaNode::default()
    }
}

fn types(value: &Json) -> Option<Vec<JsonType>> {
    let one = |name: &Json| {
        Some(match name.as_str()? {
            "null" => JsonType::Null,
            "boolean" => JsonType::Boolean,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "string" => JsonType::String,
            "array" => JsonType::Array,
            "object" => JsonType::Object,
            _ => return None,
        })
    };
    match value {
        Json::Array(names) => names.iter().map(one).collect(),
        name => one(name).map(|t| vec![t]),
    }
}

fn set_count(slot: &mut Option<usize>, value: &Json) -> bool {
    *slot = value.as_u64().and_then(|n| usize::try_from(n).ok());
    slot.is_some()
}

fn set_bound(slot: &mut Option<f64>, value: &Json) -> bool {
    *slot = value.as_f64();
    slot.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::{YamlLimits, parse};

    fn verdict(schema: &str, yaml: &str) -> Verdict {
        let schema: Json = serde_json::from_str(schema).unwrap();
        let root = parse(yaml, YamlLimits::default()).unwrap().root.unwrap();
        Precheck::new(&schema).check(&root)
    }

    #[test]
    fn valid_only_when_every_keyword_holds() {
        let schema = r##"{"type": "object", "required": ["id"], "additionalProperties": false,
            "properties": {"id": {"$ref": "#/$defs/uuid"}, "n": {"type": "integer", "minimum": 1}},
            "$defs": {"uuid": {"type": "string", "format": "uuid"}}}"##;
        let id = "id: 0b6f8a4e-1d2c-4f3a-9b8c-7d6e5f4a3b2c\n";
        assert_eq!(verdict(schema, id), Verdict::Valid);
        assert_eq!(verdict(schema, &format!("{id}n: 0\n")), Verdict::Invalid);
        assert_eq!(verdict(schema, &format!("{id}x: 1\n")), Verdict::Invalid);
        assert_eq!(verdict(schema, "n: 2\n"), Verdict::Invalid);
        // Not a canonical UUID: only jsonschema can say.
        assert_eq!(verdict(schema, "id: '{0b6f8a4e}'\n"), Verdict::Unknown);
        // A float is left to jsonschema (1.0 is an integer there).
        assert_eq!(verdict(schema, &format!("{id}n: 1.0\n")), Verdict::Unknown);
    }

    #[test]
    fn unknown_keywords_make_the_schema_opaque() {
        let schema = r#"{"type": "object", "patternProperties": {"^x": {}}}"#;
        assert_eq!(verdict(schema, "a: 1\n"), Verdict::Unknown);
    }

    #[test]
    fn combinators_follow_their_parts() {
        let schema = r#"{"if": {"properties": {"status": {"const": "production"}}, "required": ["status"]},
            "then": {"required": ["tests"]},
            "not": {"required": ["forbidden"]}}"#;
        assert_eq!(
            verdict(schema, "status: production\ntests: 1\n"),
            Verdict::Valid
        );
        assert_eq!(verdict(schema, "status: production\n"), Verdict::Invalid);
        assert_eq!(verdict(schema, "status: draft\n"), Verdict::Valid);
        assert_eq!(verdict(schema, "forbidden: 1\n"), Verdict::Invalid);
    }

    #[test]
    fn dates_and_lengths_count_like_jsonschema() {
        let schema = r#"{"properties": {"date": {"type": "string", "format": "date"},
            "name": {"type": "string", "maxLength": 3}}}"#;
        assert_eq!(verdict(schema, "date: '2024-02-29'\n"), Verdict::Valid);
        assert_eq!(verdict(schema, "date: '2023-02-29'\n"), Verdict::Unknown);
        assert_eq!(verdict(schema, "name: éèà\n"), Verdict::Valid);
        assert_eq!(verdict(schema, "name: abcd\n"), Verdict::Invalid);
    }
}
