//! `splforge migrate --to 5`: contentctl 4.x detections to the 5.x `rba:` form.
//!
//! The conversion edits the file's text at the spans of the parsed tree, so every key
//! keeps its place and every comment outside the removed entries survives:
//! - an `rba:` block is inserted before `tags:`, with the 4.x `tags.message`, and the risk
//!   and threat objects the model derives from the observables, impact and confidence
//!   (`model::Detection`, contentctl 4's mapping), so the normalised risk of the detection
//!   is the same before and after;
//! - the `tags` keys 5.x no longer accepts (`confidence`, `impact`, `risk_score`,
//!   `message`, `observable`, `required_fields`, `kill_chain_phases`, ...: whatever the
//!   embedded 5.x schema does not list) are removed, and so is the replay flag
//!   `update_timestamp` of attack data.
//!
//! `rba:` is written only when the deployment for the detection's type enables risk-based
//! alerting, as contentctl 5 requires (`docs/migrate.md` lists the differences).

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::load::yaml::Node;
use crate::model::{Deployment, Detection, Generation, RiskObject, Text, ThreatObject};

/// What happened to one detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The new text, with notes on what a reader should check.
    Converted { text: String, notes: Vec<String> },
    /// Left as it is, and why.
    Unchanged(String),
}

/// Whether a line of `source` holds a merge key (`<<:`), in block or flow style.
fn has_merge_key(source: &str) -> bool {
    source.lines().any(|line| {
        let mut rest = line.trim_start();
        while let Some(item) = rest.strip_prefix('-') {
            rest = item.trim_start();
        }
        rest.starts_with("<<") || line.contains("{<<") || line.contains(", <<")
    })
}

/// Converts one 4.x detection (`source`, its parsed `root` and its model) to 5.x.
pub fn detection_to_5(
    source: &str,
    root: &Node,
    detection: &Detection,
    deployments: &[Deployment],
) -> Outcome {
    if root.get("rba").is_some() || detection.generation == Generation::Contentctl5 {
        return Outcome::Unchanged("already in 5.x form".to_owned());
    }
    if detection.generation == Generation::Legacy2022 {
        return Outcome::Unchanged("2022 format: convert it to 4.x first".to_owned());
    }
    // Merged entries keep the spans of the text they were merged from, which other
    // mappings share: editing there would change them too.
    if has_merge_key(source) {
        return Outcome::Unchanged("uses YAML merge keys (`<<`): convert it by hand".to_owned());
    }
    let Some(tags_entry) = root.as_map().and_then(|m| m.entry("tags")) else {
        return Outcome::Unchanged("no tags".to_owned());
    };
    let (tags_key, tags) = tags_entry;
    let Some(tags_map) = tags.as_map() else {
        return Outcome::Unchanged("tags is not a mapping".to_owned());
    };
    let mut notes = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    // The risk keys removed here, which only an `rba:` block carries on.
    let mut converted_keys: Vec<String> = Vec::new();
    let allowed = allowed_tags();
    let indent = tags_map
        .entries
        .first()
        .map_or(2, |(k, _)| column_of(source, k.span.start as usize));
    for (key, value) in &tags_map.entries {
        let key_text = key.key_text();
        if allowed.contains(key_text.as_ref()) {
            continue;
        }
        if CONVERTED.contains(&key_text.as_ref()) {
            converted_keys.push(key_text.to_string());
        } else {
            notes.push(format!(
                "dropped tags.{key_text} (contentctl 5 does not read it)"
            ));
        }
        edits.push(Edit::remove_lines(source, key.span.start, value.span.end));
    }
    for timestamp in update_timestamps(root) {
        edits.push(Edit::remove_lines(source, timestamp.0, timestamp.1));
    }
    edits.extend(overlapping_techniques(source, tags_map, &mut notes));
    if let Some((key, value)) = root.as_map().and_then(|m| m.entry("datamodel")) {
        edits.push(Edit::remove_lines(source, key.span.start, value.span.end));
        notes.push(
            "dropped datamodel (contentctl 5 finds the data models in the search)".to_owned(),
        );
    }
    let rba_written = rba_enabled(detection, deployments);
    if !rba_written && !converted_keys.is_empty() {
        let keys: Vec<String> = converted_keys.iter().map(|k| format!("tags.{k}")).collect();
        notes.push(format!(
            "dropped {}: no `rba:` block carries them on, as the deployment of this {}detection does not enable risk-based alerting",
            keys.join(", "),
            detection
                .detection_type
                .as_ref()
                .map_or(String::new(), |t| format!("{} ", t.value))
        ));
    }
    if rba_written {
        match rba_block(
            source,
            tags_map,
            detection,
            indent,
            sequence_indent(source, tags_map),
        ) {
            Ok((block, block_notes)) => {
                notes.extend(block_notes);
                let at = line_start(source, tags_key.span.start as usize);
                edits.push(Edit {
                    start: at,
                    end: at,
                    text: block,
                });
            }
            Err(reason) => notes.push(reason),
        }
    }
    let rba_missing = !rba_written || notes.iter().any(|n| n.starts_with(NO_RBA));
    // contentctl 5 gives a notable without risk objects the severity `high` (61..=80).
    if let Some(score) = detection
        .observable_score()
        .filter(|s| !(61..=80).contains(&s.value))
        && rba_missing
        && deployment_of(detection, deployments).is_some_and(|d| d.notable.is_some())
    {
        notes.push(format!(
            "its notable's severity came from impact x confidence (score {}); without `rba:` 5.x has no score for it, so the notable gets contentctl 5's default severity, high",
            score.value
        ));
    }
    Outcome::Converted {
        text: apply(source, edits),
        notes,
    }
}

/// The entries of `tags.mitre_attack_id` that name a technique also listed with one of its
/// sub-techniques (`T1003` beside `T1003.001`), which contentctl 5 rejects ("Overlapping
/// MITRE Attack ID Techniques and Subtechniques"): removed, the sub-technique says more.
fn overlapping_techniques(
    source: &str,
    tags: &crate::load::yaml::Mapping,
    notes: &mut Vec<String>,
) -> Vec<Edit> {
    let Some((_, ids)) = tags.entry("mitre_attack_id") else {
        return Vec::new();
    };
    let items = ids.as_seq().unwrap_or_default();
    let texts: Vec<Option<&str>> = items.iter().map(Node::as_str).collect();
    let mut edits = Vec::new();
    for (item, id) in items.iter().zip(&texts) {
        let Some(id) = id.filter(|id| !id.contains('.')) else {
            continue;
        };
        let sub_prefix = format!("{id}.");
        if !texts.iter().flatten().any(|t| t.starts_with(&sub_prefix)) {
            continue;
        }
        // A block sequence item is a line of its own; a flow sequence is left for lint.
        let line = line_start(source, item.span.start as usize);
        if !source[line..item.span.start as usize]
            .trim_start()
            .starts_with('-')
        {
            notes.push(format!(
                "tags.mitre_attack_id lists {id} beside its sub-technique: remove {id} (contentctl 5 rejects the overlap)"
            ));
            continue;
        }
        edits.push(Edit::remove_lines(source, item.span.start, item.span.end));
        notes.push(format!(
            "dropped technique {id} from tags.mitre_attack_id: its sub-technique is listed (contentctl 5 rejects the overlap)"
        ));
    }
    edits
}

/// What happened to a story or baseline: the 5.x schema of its kind decides. Top-level and
/// `tags` keys that schema does not list are removed (each with a note), and a missing
/// `status` is added after `version`: `deprecated` under a `deprecated/` directory, else
/// `production` (contentctl 4 had no status for these kinds). A file already in 5.x form
/// comes back unchanged, so a second run changes nothing.
pub fn object_to_5(
    kind: crate::load::ContentKind,
    source: &str,
    root: &Node,
    deprecated: bool,
) -> Outcome {
    let schema: serde_json::Value =
        crate::check::schema::schema_text(kind, Generation::Contentctl5)
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else {
        return Outcome::Unchanged(format!("no 5.x schema for {}", kind.name()));
    };
    let Some(map) = root.as_map() else {
        return Outcome::Unchanged("not a mapping".to_owned());
    };
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    for (key, value) in &map.entries {
        let name = key.key_text();
        if !properties.contains_key(name.as_ref()) {
            edits.push(Edit::remove_lines(source, key.span.start, value.span.end));
            notes.push(format!("dropped {name} (contentctl 5 does not read it)"));
        }
    }
    let tag_names = schema["properties"]["tags"]["properties"].as_object();
    if let (Some(tag_names), Some(tags)) = (tag_names, root.get("tags").and_then(Node::as_map)) {
        for (key, value) in &tags.entries {
            let name = key.key_text();
            if !tag_names.contains_key(name.as_ref()) {
                edits.push(Edit::remove_lines(source, key.span.start, value.span.end));
                notes.push(format!(
                    "dropped tags.{name} (contentctl 5 does not read it)"
                ));
            }
        }
    }
    if properties.contains_key("status") && root.get("status").is_none() {
        let status = if deprecated {
            "deprecated"
        } else {
            "production"
        };
        let at = match map.entry("version") {
            Some((_, value)) => source[value.span.end as usize..]
                .find('\n')
                .map_or(source.len(), |i| value.span.end as usize + i + 1),
            None => source.len(),
        };
        let newline = if at == source.len() && !source.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        edits.push(Edit {
            start: at,
            end: at,
            text: format!("{newline}status: {status}\n"),
        });
    }
    if edits.is_empty() {
        return Outcome::Unchanged("already in 5.x form".to_owned());
    }
    Outcome::Converted {
        text: apply(source, edits),
        notes,
    }
}

/// A 4.x lookup converted to 5.x: its new text, and the data file to rename (from, to;
/// names in `lookups/`) when 5.x's file name (the YAML file's stem) differs from the 4.x
/// `filename`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupMigration {
    pub outcome: Outcome,
    pub rename: Option<(String, String)>,
}

/// What the 5.x lookup needs that a 4.x one does not have, and that migrate invents: the
/// author and the date written into every converted lookup.
pub struct LookupDefaults<'a> {
    pub author: &'a str,
    /// `YYYY-MM-DD`, given by the caller (nothing here reads the clock).
    pub date: &'a str,
}

/// Converts a 4.x lookup definition (`source`, its tree, its model and its YAML file's
/// stem) to 5.x: `lookup_type` from what its keys show, `id` (derived from the name, so a
/// run is reproducible), `version: 1`, `date` and `author` when missing; `filename` and
/// `collection` go (5.x derives both), `fields_list` becomes `fields` (with `_key`
/// first), a `match_type` string a list, and keys 5.x does not read go (with a note).
pub fn lookup_to_5(
    source: &str,
    root: &Node,
    lookup: &crate::model::Lookup,
    stem: &str,
    defaults: &LookupDefaults<'_>,
) -> LookupMigration {
    let unchanged = |reason: &str| LookupMigration {
        outcome: Outcome::Unchanged(reason.to_owned()),
        rename: None,
    };
    let Some(map) = root.as_map() else {
        return unchanged("not a mapping");
    };
    if root.get("lookup_type").is_some() {
        return unchanged("already in 5.x form");
    }
    let schema: serde_json::Value = crate::check::schema::schema_text(
        crate::load::ContentKind::Lookup,
        Generation::Contentctl5,
    )
    .and_then(|text| serde_json::from_str(text).ok())
    .unwrap_or_default();
    let known = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let kind = lookup.kind();
    let name = lookup.header.name();
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    let mut added = String::new();
    for (key, value) in &map.entries {
        let key_name = key.key_text();
        let replaced = match key_name.as_ref() {
            "filename" | "collection" => true,
            "fields" if kind != "kvstore" => {
                notes.push(format!(
                    "dropped fields (contentctl 5 reads the columns of a {kind} lookup from its file)"
                ));
                true
            }
            "fields_list" => {
                let mut fields = comma_separated(value.as_str().unwrap_or_default());
                if fields.first() != Some(&"_key") {
                    fields.retain(|f| *f != "_key");
                    fields.insert(0, "_key");
                }
                added.push_str(&yaml_list("fields", &fields));
                true
            }
            "match_type" if value.as_str().is_some() => {
                let entries = comma_separated(value.as_str().unwrap_or_default());
                added.push_str(&yaml_list("match_type", &entries));
                true
            }
            other if !known.contains_key(other) => {
                notes.push(format!("dropped {other} (contentctl 5 does not read it)"));
                true
            }
            _ => false,
        };
        if replaced {
            edits.push(Edit::remove_lines(source, key.span.start, value.span.end));
        }
    }
    if kind == "kvstore"
        && let Some(collection) = lookup.collection.as_ref().filter(|c| c.value != name)
    {
        notes.push(format!(
            "collection `{}` is not the lookup's name: contentctl 5 names the collection after the lookup, `{name}`",
            collection.value
        ));
    }
    let mut header = String::new();
    let missing = |key: &str| root.get(key).is_none();
    if missing("id") {
        header.push_str(&format!(
            "id: {}
",
            derived_id(name)
        ));
    }
    if missing("version") {
        header.push_str(
            "version: 1
",
        );
    }
    if missing("date") {
        header.push_str(&format!(
            "date: '{}'
",
            defaults.date
        ));
    }
    if missing("author") {
        header.push_str(&format!(
            "author: {}
",
            yaml_scalar(defaults.author)
        ));
    }
    header.push_str(&format!(
        "lookup_type: {kind}
"
    ));
    let after_name = map.entry("name").map_or(0, |(_, value)| {
        source[value.span.end as usize..]
            .find('\n')
            .map_or(source.len(), |i| value.span.end as usize + i + 1)
    });
    let header = if after_name == source.len() && !source.ends_with('\n') {
        format!("\n{header}")
    } else {
        header
    };
    edits.push(Edit {
        start: after_name,
        end: after_name,
        text: header,
    });
    if !added.is_empty() {
        let end = source.len();
        let newline = if source.ends_with('\n') { "" } else { "\n" };
        edits.push(Edit {
            start: end,
            end,
            text: format!("{newline}{added}"),
        });
    }
    let expected = match kind {
        "csv" | "mlmodel" => Some(format!("{stem}.{kind}")),
        _ => None,
    };
    let rename = lookup
        .filename
        .as_ref()
        .zip(expected)
        .map(|(file, expected)| (file.value.clone(), expected))
        .filter(|(from, to)| from != to);
    if let Some((from, to)) = &rename {
        notes.push(format!(
            "lookups/{from} renamed lookups/{to}: contentctl 5 names the file after the definition"
        ));
    }
    LookupMigration {
        outcome: Outcome::Converted {
            text: apply(source, edits),
            notes,
        },
        rename,
    }
}

/// A UUID derived from a lookup's name (XXH3-128, version 8 "custom"): 4.x lookups have no
/// id, and the same name must give the same id on every run.
fn derived_id(name: &str) -> String {
    let hash =
        xxhash_rust::xxh3::xxh3_128(format!("splforge migrate lookup id\0{name}").as_bytes());
    let mut bytes = hash.to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// The entries of a 4.x comma-separated list (`fields_list`, `match_type`), trimmed,
/// without empty ones.
fn comma_separated(list: &str) -> Vec<&str> {
    list.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect()
}

/// `key:` and a block list of `items`, each a single-quoted scalar.
fn yaml_list(key: &str, items: &[&str]) -> String {
    let mut out = format!("{key}:\n");
    for item in items {
        out.push_str(&format!("- {}\n", yaml_scalar(item)));
    }
    out
}

/// `text` single-quoted for YAML (quotes doubled).
fn yaml_scalar(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// How a note that `rba:` could not be written begins.
const NO_RBA: &str = "no rba written";

/// Tag keys whose content moves into `rba:` (not worth a note when removed).
const CONVERTED: [&str; 5] = [
    "confidence",
    "impact",
    "risk_score",
    "message",
    "observable",
];

fn schema_5() -> serde_json::Value {
    let text = crate::check::schema::schema_text(
        crate::load::ContentKind::Detection,
        Generation::Contentctl5,
    )
    .unwrap_or("{}");
    serde_json::from_str(text).unwrap_or_default()
}

/// The `tags` keys the embedded 5.x detection schema accepts.
fn allowed_tags() -> HashSet<String> {
    schema_5()["$defs"]["tags"]["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The threat object types the embedded 5.x detection schema accepts.
fn threat_types_5() -> &'static HashSet<String> {
    static TYPES: OnceLock<HashSet<String>> = OnceLock::new();
    TYPES.get_or_init(|| {
        schema_5()["$defs"]["rba"]["properties"]["threat_objects"]["items"]["properties"]["type"]
            ["enum"]
            .as_array()
            .map(|e| e.iter().filter_map(|t| Some(t.as_str()?.to_owned())).collect())
            .unwrap_or_default()
    })
}

/// The 5.x risk and threat objects of a 4.x detection: the model's (contentctl 4's mapping,
/// `Observable::rba_object`), with 4.x threat types that 5.x names differently
/// renamed (`endpoint`, `hostname`, `device` are `system`; `email address` is
/// `email_address`). An attacker whose type has no 5.x threat type (`user`, `other`, ...)
/// becomes a risk object (of type `user` for a user, else `other`), with a note.
fn objects_5(
    detection: &Detection,
    notes: &mut Vec<String>,
) -> (Vec<RiskObject>, Vec<ThreatObject>) {
    let score = detection.observable_score();
    let mut risk = detection.risk_objects.clone();
    let mut threat = Vec::new();
    for object in &detection.threat_objects {
        let renamed = match object.object_type.value.as_str() {
            "endpoint" | "hostname" | "device" => "system".to_owned(),
            other => other.replace(' ', "_"),
        };
        if threat_types_5().contains(&renamed) {
            threat.push(ThreatObject {
                field: object.field.clone(),
                object_type: Text::synthetic(renamed),
            });
            continue;
        }
        let as_risk = if renamed == "user" { "user" } else { "other" };
        notes.push(format!(
            "threat object `{}` of type `{}` has no 5.x threat type: written as a risk object of type `{as_risk}`",
            object.field.value, object.object_type.value
        ));
        risk.push(RiskObject {
            field: object.field.clone(),
            object_type: Text::synthetic(as_risk),
            score,
        });
    }
    (risk, threat)
}

/// The deployment for the detection's type.
fn deployment_of<'a>(
    detection: &Detection,
    deployments: &'a [Deployment],
) -> Option<&'a Deployment> {
    let kind = detection.detection_type.as_ref()?;
    deployments.iter().find(|d| {
        d.detection_type
            .as_ref()
            .is_some_and(|t| t.value.eq_ignore_ascii_case(&kind.value))
    })
}

/// Whether the deployment for the detection's type enables risk-based alerting.
fn rba_enabled(detection: &Detection, deployments: &[Deployment]) -> bool {
    deployment_of(detection, deployments).is_some_and(|d| d.rba_enabled.is_some_and(|e| e.value))
}

fn rba_block(
    source: &str,
    tags: &crate::load::yaml::Mapping,
    detection: &Detection,
    indent: usize,
    seq: usize,
) -> Result<(String, Vec<String>), String> {
    let mut notes = Vec::new();
    let pad = " ".repeat(indent);
    let item = format!("{pad}{}- ", " ".repeat(seq));
    let cont = format!("{pad}{}  ", " ".repeat(seq));
    let message = match tags.get("message") {
        Some(node) => source[node.span.range()].to_owned(),
        None => {
            return Err(format!(
                "{NO_RBA}: no tags.message, and rba needs a message; add one by hand"
            ));
        }
    };
    let (risk_objects, threat_objects) = objects_5(detection, &mut notes);
    let mut seen = HashSet::new();
    let mut risk = String::new();
    for object in &risk_objects {
        let Some(score) = object.score.map(|s| s.value) else {
            return Err(format!(
                "{NO_RBA}: no score for risk object `{}` (no risk_score, impact or confidence)",
                object.field.value
            ));
        };
        let clamped = score.clamp(1, 100);
        if clamped != score {
            notes.push(format!(
                "risk score {score} of `{}` raised to {clamped}",
                object.field.value
            ));
        }
        if !seen.insert((object.field.value.clone(), object.object_type.value.clone())) {
            notes.push(format!(
                "duplicate risk object `{}` written once",
                object.field.value
            ));
            continue;
        }
        risk.push_str(&format!(
            "{item}field: {}\n{cont}type: {}\n{cont}score: {clamped}\n",
            crate::scaffold::yaml_scalar(&object.field.value),
            object.object_type.value
        ));
    }
    if risk.is_empty() {
        return Err(format!(
            "{NO_RBA}: no observable gives a risk object: 5.x needs one; add it by hand"
        ));
    }
    let mut threat = String::new();
    let mut seen = HashSet::new();
    for object in &threat_objects {
        if !seen.insert((object.field.value.clone(), object.object_type.value.clone())) {
            continue;
        }
        threat.push_str(&format!(
            "{item}field: {}\n{cont}type: {}\n",
            crate::scaffold::yaml_scalar(&object.field.value),
            object.object_type.value
        ));
    }
    let threat = if threat.is_empty() {
        format!("{pad}threat_objects: []\n")
    } else {
        format!("{pad}threat_objects:\n{threat}")
    };
    Ok((
        format!("rba:\n{pad}message: {message}\n{pad}risk_objects:\n{risk}{threat}"),
        notes,
    ))
}

/// How far the file indents sequence items under their key (0 or 2, say), from the first
/// block sequence in `tags`.
fn sequence_indent(source: &str, tags: &crate::load::yaml::Mapping) -> usize {
    tags.entries
        .iter()
        .find_map(|(key, value)| {
            let first = value.as_seq()?.first()?;
            let dash = source[..first.span.start as usize].rfind('-')?;
            let key_column = column_of(source, key.span.start as usize);
            let dash_column = column_of(source, dash);
            (dash_column >= key_column
                && first_line(source, dash) != first_line(source, key.span.start as usize))
            .then(|| dash_column - key_column)
        })
        .unwrap_or(0)
}

/// The `update_timestamp` entries of `tests[].attack_data[]`, as (key start, value end).
fn update_timestamps(root: &Node) -> Vec<(u32, u32)> {
    let mut found = Vec::new();
    for test in root.get("tests").and_then(Node::as_seq).unwrap_or_default() {
        for data in test
            .get("attack_data")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if let Some(m) = data.as_map()
                && let Some((k, v)) = m.entry("update_timestamp")
                && m.entries.len() > 1
            {
                found.push((k.span.start, v.span.end));
            }
        }
    }
    found
}

/// A replacement of `source[start..end]`.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

impl Edit {
    /// Removes the whole lines from the one holding `start` to the one holding `end`.
    fn remove_lines(source: &str, start: u32, end: u32) -> Edit {
        let start = line_start(source, start as usize);
        let end = source[end as usize..]
            .find('\n')
            .map_or(source.len(), |i| end as usize + i + 1);
        Edit {
            start,
            end,
            text: String::new(),
        }
    }
}

fn apply(source: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(source.len() + 256);
    let mut at = 0;
    for edit in edits {
        if edit.start < at {
            continue; // overlapping (nested) removal: already covered
        }
        out.push_str(&source[at..edit.start]);
        out.push_str(&edit.text);
        at = edit.end;
    }
    out.push_str(&source[at..]);
    out
}

fn line_start(source: &str, offset: usize) -> usize {
    source[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn first_line(source: &str, offset: usize) -> usize {
    source[..offset].matches('\n').count()
}

fn column_of(source: &str, offset: usize) -> usize {
    offset - line_start(source, offset)
}

#[cfg(test)]
mod tests;
