//! Format versions against contentctl's own models (issue 20): for every contentctl minor
//! release 4.0-4.4 and 5.0-5.6 and every content type that release reads, the schema splforge
//! checks with (`format::Format::schema`) is compared field by field with the release's model
//! schema in `../shared/reference/contentctl-model-schemas/`: which fields exist (to four
//! levels: tags, observables, tests and their attack data, rba objects, ...), which are
//! required, their enum values, and whether unknown keys are refused.
//!
//! Every difference must be one that `data/formats/reference/divergences.toml` lists with its
//! reason (a validator no schema shows, a field contentctl fills in itself, an unknown key that
//! splforge reports as an SF011 warning where contentctl ignores it, ...), and every entry there
//! must still match a difference: the list is exact, so a patch that drifts from the reference,
//! or a reference difference left unmodelled, fails here.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use splforge::check::schema::format_schema_text;
use splforge::format;

/// (format minor release, the reference directory of its latest patch).
const RELEASES: [(&str, &str); 12] = [
    ("4.0", "4.0.5"),
    ("4.1", "4.1.5"),
    ("4.2", "4.2.5"),
    ("4.3", "4.3.5"),
    ("4.4", "4.4.7"),
    ("5.0", "5.0.5"),
    ("5.1", "5.1.0"),
    ("5.2", "5.2.0"),
    ("5.3", "5.3.2"),
    ("5.4", "5.4.1"),
    ("5.5", "5.5.16"),
    ("5.6", "5.6.2"),
];

/// splforge's content type and contentctl's model of it.
const KINDS: [(&str, &str); 10] = [
    ("detection", "Detection"),
    ("baseline", "Baseline"),
    ("investigation", "Investigation"),
    ("story", "Story"),
    ("macro", "Macro"),
    ("lookup", "Lookup"),
    ("data_source", "DataSource"),
    ("deployment", "Deployment"),
    ("dashboard", "Dashboard"),
    ("ssa_detection", "SSADetection"),
];

/// Models that are content types of their own, or objects contentctl computes: a field of
/// such a type is named in YAML (a story name) or filled in by contentctl, so the comparison
/// stops at it (as the reference's FIELD-DIFF.md does).
const OPAQUE: [&str; 27] = [
    "Detection",
    "Story",
    "Baseline",
    "Investigation",
    "Lookup",
    "Macro",
    "Playbook",
    "DataSource",
    "Deployment",
    "Dashboard",
    "EventSource",
    "SSADetection",
    "CSVLookup",
    "KVStoreLookup",
    "MlModel",
    "RuntimeCSV",
    "FileBackedLookup",
    "MitreAttackEnrichment",
    "AtomicTest",
    "CveEnrichmentObj",
    "TestGroup",
    "DeprecationInfo",
    "SecurityContentObject_Abstract",
    "ManualTestResult",
    "UnitTestResult",
    "IntegrationTestResult",
    "MitreAttackGroup",
];

/// Fields contentctl fills in itself (reference README, "Not from YAML"): any YAML value is
/// ignored or overwritten, so they are not compared.
const NOT_FROM_YAML: [&str; 16] = [
    "file_path",
    "macros",
    "lookups",
    "data_source_objects",
    "baselines",
    "cve_enrichment",
    "splunk_app_enrichment",
    "test_groups",
    "mitre_attack_enrichments",
    "nist",
    "detections",
    "investigations",
    "data_sources",
    "deprecation_info",
    "json_obj",
    "result",
];

const DEPTH: usize = 4;

/// One field path of a flattened schema (`tags.observable[].role`, `tags.(extra keys)`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    Field {
        required: bool,
        values: Option<BTreeSet<String>>,
    },
    /// `additionalProperties: false` on the object at this path.
    ExtraKeys { refused: bool },
    /// A field of a content type of its own (or computed): not looked into.
    Opaque,
}

fn ref_name(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()?.rsplit('/').next()
}

/// `node` with `$ref`s followed (its own keys kept), and `None` for an opaque model.
fn deref<'a>(node: &'a Value, defs: &'a Value) -> Option<&'a Value> {
    let mut node = node;
    for _ in 0..16 {
        match ref_name(node) {
            Some(name) if OPAQUE.contains(&name) => return None,
            Some(name) => node = defs.get(name)?,
            None => return Some(node),
        }
    }
    Some(node)
}

/// The alternatives a node stands for: itself, and the members of its `anyOf`/`oneOf` (and a
/// one-member `allOf`), followed through `$ref`; `opaque` is set when one is a content type.
fn branches<'a>(node: &'a Value, defs: &'a Value, opaque: &mut bool, out: &mut Vec<&'a Value>) {
    let Some(node) = deref(node, defs) else {
        *opaque = true;
        return;
    };
    out.push(node);
    for key in ["anyOf", "oneOf"] {
        for member in node
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            branches(member, defs, opaque, out);
        }
    }
    if let Some([only]) = node
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        branches(only, defs, opaque, out);
    }
}

/// The enum values of a field (its items' for a list), as text; `None` for none, or when they
/// are only the booleans and their lax spellings (`'true'`), which is a boolean field.
fn values(alternatives: &[&Value], defs: &Value) -> Option<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    let mut collect = |node: &Value| {
        for value in node
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            found.insert(text(value));
        }
        if let Some(value) = node.get("const") {
            found.insert(text(value));
        }
    };
    for node in alternatives {
        collect(node);
        if let Some(items) = node.get("items") {
            let mut inner = Vec::new();
            branches(items, defs, &mut false, &mut inner);
            inner.into_iter().for_each(&mut collect);
        }
    }
    let boolean = found
        .iter()
        .all(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "false"));
    (!found.is_empty() && !boolean).then_some(found)
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// Every field path of a schema, down to [`DEPTH`] objects deep.
fn flatten(schema: &Value) -> BTreeMap<String, Row> {
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let mut rows = BTreeMap::new();
    // The model itself (or each member of the 5.x lookup union) is looked into, though it is
    // a content type.
    let root = |node: &'_ Value| match ref_name(node) {
        Some(name) => defs.get(name).cloned().unwrap_or(Value::Null),
        None => node.clone(),
    };
    let members: Vec<Value> = match schema.get("oneOf").or_else(|| schema.get("anyOf")) {
        Some(Value::Array(members)) if schema.get("properties").is_none() => {
            members.iter().map(root).collect()
        }
        _ => vec![root(schema)],
    };
    let roots: Vec<&Value> = members.iter().collect();
    visit(&roots, "", DEPTH, &defs, &mut rows);
    rows
}

/// The object alternatives at `path` (more than one for a union such as the 5.x lookup): a
/// field is there when one declares it, required when every one requires it.
fn visit(
    alternatives: &[&Value],
    path: &str,
    depth: usize,
    defs: &Value,
    rows: &mut BTreeMap<String, Row>,
) {
    let objects: Vec<&Value> = alternatives
        .iter()
        .copied()
        .filter(|n| n.get("properties").is_some())
        .collect();
    if objects.is_empty() {
        return;
    }
    rows.insert(
        format!("{path}(extra keys)"),
        Row::ExtraKeys {
            refused: objects
                .iter()
                .all(|o| o.get("additionalProperties") == Some(&Value::Bool(false))),
        },
    );
    let mut fields: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for object in &objects {
        for (name, field) in object["properties"].as_object().into_iter().flatten() {
            fields.entry(name).or_default().push(field);
        }
    }
    for (name, declarations) in fields {
        if NOT_FROM_YAML.contains(&name) {
            continue;
        }
        let field_path = format!("{path}{name}");
        let required = objects.iter().all(|o| {
            o.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n == name))
        });
        let mut opaque = false;
        let mut alternatives = Vec::new();
        for declaration in declarations {
            branches(declaration, defs, &mut opaque, &mut alternatives);
        }
        if opaque {
            rows.insert(field_path, Row::Opaque);
            continue;
        }
        rows.insert(
            field_path.clone(),
            Row::Field {
                required,
                values: values(&alternatives, defs),
            },
        );
        if depth == 0 {
            continue;
        }
        visit(
            &alternatives,
            &format!("{field_path}."),
            depth - 1,
            defs,
            rows,
        );
        let mut items = Vec::new();
        for node in &alternatives {
            if let Some(item) = node.get("items") {
                branches(item, defs, &mut false, &mut items);
            }
        }
        visit(&items, &format!("{field_path}[]."), depth - 1, defs, rows);
    }
}

/// One difference: `what` is `missing` (contentctl has the field, splforge not), `added`
/// (splforge has it, contentctl not), `required`, `values` or `extra keys`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Difference {
    release: String,
    kind: String,
    path: String,
    what: &'static str,
    detail: String,
}

fn differences(release: &str, kind: &str, reference: &Value, ours: &Value) -> Vec<Difference> {
    let theirs = flatten(reference);
    let mine = flatten(ours);
    // Below an opaque field of the reference, splforge's own description is not compared.
    let under_opaque = |path: &str| {
        theirs
            .iter()
            .any(|(p, row)| *row == Row::Opaque && path.starts_with(&format!("{p}.")))
    };
    let mut out = Vec::new();
    let mut add = |path: &str, what: &'static str, detail: String| {
        out.push(Difference {
            release: release.to_string(),
            kind: kind.to_string(),
            path: path.to_string(),
            what,
            detail,
        });
    };
    for path in theirs.keys().chain(mine.keys()).collect::<BTreeSet<_>>() {
        match (theirs.get(path), mine.get(path)) {
            (Some(_), None) => add(path, "missing", String::new()),
            (None, Some(_)) if !under_opaque(path) => add(path, "added", String::new()),
            (Some(Row::Opaque), Some(_)) | (None, Some(_)) => {}
            (Some(Row::ExtraKeys { refused: a }), Some(Row::ExtraKeys { refused: b }))
                if a != b =>
            {
                add(
                    path,
                    "extra keys",
                    format!("contentctl refuses: {a}, splforge: {b}"),
                )
            }
            (
                Some(Row::Field {
                    required: ra,
                    values: va,
                }),
                Some(Row::Field {
                    required: rb,
                    values: vb,
                }),
            ) => {
                if ra != rb {
                    add(
                        path,
                        "required",
                        format!("contentctl: {ra}, splforge: {rb}"),
                    );
                }
                if va != vb {
                    add(
                        path,
                        "values",
                        format!("contentctl {va:?}, splforge {vb:?}"),
                    );
                }
            }
            (Some(a), Some(b)) if a != b => {
                add(path, "shape", format!("contentctl {a:?}, splforge {b:?}"))
            }
            _ => {}
        }
    }
    out
}

/// One entry of `data/formats/reference/divergences.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Divergence {
    /// `missing`, `added`, `required`, `values`, `extra keys`.
    what: String,
    /// Minor releases, or ranges `4.0-4.3`.
    releases: Vec<String>,
    kinds: Vec<String>,
    /// Field paths; `*` matches any run of characters.
    paths: Vec<String>,
    reason: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Divergences {
    divergence: Vec<Divergence>,
}

fn release_in(release: &str, spec: &str) -> bool {
    let key = |r: &str| -> (u32, u32) {
        let mut parts = r.split('.').map(|p| p.parse().unwrap());
        (parts.next().unwrap(), parts.next().unwrap())
    };
    match spec.split_once('-') {
        Some((low, high)) => (key(low)..=key(high)).contains(&key(release)),
        None => spec == release,
    }
}

/// `*` matches any run of characters (dots and brackets included).
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (head.len()..=text.len())
                    .any(|at| text.is_char_boundary(at) && glob(tail, &text[at..]))
        }
    }
}

impl Divergence {
    fn covers(&self, d: &Difference) -> bool {
        self.what == d.what
            && self.releases.iter().any(|r| release_in(&d.release, r))
            && self.kinds.iter().any(|k| k == "*" || *k == d.kind)
            && self.paths.iter().any(|p| glob(p, &d.path))
    }
}

/// Whether a format version reads a content type at all: 5.3+ no longer reads
/// `investigations/` (splforge reads none in 5.x: see divergences.toml), 4.0 not
/// `data_sources/`, dashboards start in 4.4, `ssa_detections/` ends with 4.2.
fn read_by(release: &str, kind: &str) -> bool {
    let format = format::by_name(&format!("contentctl-{release}")).unwrap();
    match kind {
        "data_source" => format.reads_data_sources,
        "investigation" => release_in(release, "4.0-5.2"),
        "dashboard" => release_in(release, "4.4-5.6"),
        "ssa_detection" => format.reads_ssa_detections,
        _ => true,
    }
}

#[cfg_attr(
    not(has_shared),
    ignore = "needs ../shared (or $SPLFORGE_SHARED when built)"
)]
#[test]
fn every_format_version_matches_contentctls_models_field_by_field() {
    let Some(reference) = support::shared("reference/contentctl-model-schemas") else {
        eprintln!("skipped: no ../shared/reference/contentctl-model-schemas");
        return;
    };
    let text = std::fs::read_to_string(
        support::crate_root().join("data/formats/reference/divergences.toml"),
    )
    .unwrap();
    let divergences: Divergences = toml::from_str(&text).unwrap();
    let mut found = Vec::new();
    let mut compared = 0;
    for (release, directory) in RELEASES {
        let format = format::by_name(&format!("contentctl-{release}")).unwrap();
        for (kind, model) in KINDS {
            let path = reference.join(directory).join(format!("{model}.json"));
            if !path.exists() || !read_by(release, kind) {
                continue;
            }
            let theirs: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let ours: Value =
                serde_json::from_str(&format_schema_text(kind, format).unwrap()).unwrap();
            found.extend(differences(release, kind, &theirs, &ours));
            compared += 1;
        }
    }
    assert!(compared >= 90, "{compared} schemas compared");
    let unexplained: Vec<String> = found
        .iter()
        .filter(|d| !divergences.divergence.iter().any(|e| e.covers(d)))
        .map(|d| {
            format!(
                "{} {} {} {} {}",
                d.release, d.kind, d.path, d.what, d.detail
            )
        })
        .collect();
    let stale: Vec<String> = divergences
        .divergence
        .iter()
        .filter(|e| !found.iter().any(|d| e.covers(d)))
        .map(|e| format!("{} {:?} {:?}: {}", e.what, e.kinds, e.paths, e.reason))
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "differences from contentctl's models that divergences.toml does not explain:\n{}\n\n\
         entries of divergences.toml that match no difference:\n{}",
        unexplained.join("\n"),
        stale.join("\n")
    );
}

/// The comparison itself finds what it should: a changed enum, a dropped requirement and an
/// added field are differences, and a union's field is required only when every member
/// requires it.
#[test]
fn the_comparison_sees_a_change() {
    let reference = serde_json::json!({
        "properties": {
            "name": {"type": "string"},
            "tags": {"$ref": "#/$defs/Tags"},
            "story": {"$ref": "#/$defs/Story"}
        },
        "required": ["name"],
        "$defs": {
            "Tags": {"properties": {"domain": {"$ref": "#/$defs/Domain"}}},
            "Domain": {"enum": ["a", "b"]},
            "Story": {"properties": {"x": {}}}
        }
    });
    assert_eq!(differences("4.4", "x", &reference, &reference), vec![]);
    let ours = serde_json::json!({
        "properties": {
            "name": {"type": "string"},
            "tags": {"type": "object", "additionalProperties": false,
                     "properties": {"domain": {"enum": ["a"]}, "extra": {}}},
            "story": {"type": "object", "properties": {"y": {}}}
        }
    });
    let found: Vec<(String, &str)> = differences("4.4", "x", &reference, &ours)
        .into_iter()
        .map(|d| (d.path, d.what))
        .collect();
    assert_eq!(
        found,
        vec![
            ("name".to_string(), "required"),
            ("tags.(extra keys)".to_string(), "extra keys"),
            ("tags.domain".to_string(), "values"),
            ("tags.extra".to_string(), "added"),
        ]
    );
    let union = serde_json::json!({"oneOf": [
        {"properties": {"k": {"const": "csv"}, "f": {}}, "required": ["k"]},
        {"properties": {"k": {"const": "kv"}, "f": {}}, "required": ["k", "f"]}
    ]});
    let rows = flatten(&union);
    assert_eq!(
        rows["k"],
        Row::Field {
            required: true,
            values: Some(["csv".to_string(), "kv".to_string()].into())
        }
    );
    assert_eq!(
        rows["f"],
        Row::Field {
            required: false,
            values: None
        }
    );
    assert!(glob("tags.*(extra keys)", "tags.observable[].(extra keys)"));
    assert!(!glob("tags.*", "tests"));
    assert!(release_in("4.2", "4.0-4.3") && !release_in("4.4", "4.0-4.3"));
}
