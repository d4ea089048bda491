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
        if !CONVERTED.contains(&key_text.as_ref()) {
            notes.push(format!(
                "dropped tags.{key_text} (contentctl 5 does not read it)"
            ));
        }
        edits.push(Edit::remove_lines(source, key.span.start, value.span.end));
    }
    for timestamp in update_timestamps(root) {
        edits.push(Edit::remove_lines(source, timestamp.0, timestamp.1));
    }
    let rba_written = rba_enabled(detection, deployments);
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
    if let Some(score) = detection.observable_score().filter(|s| s.value > 20)
        && rba_missing
        && deployment_of(detection, deployments).is_some_and(|d| d.notable.is_some())
    {
        notes.push(format!(
            "its notable's severity came from impact x confidence (score {}); without `rba:` 5.x has no score for it, so the notable becomes informational",
            score.value
        ));
    }
    Outcome::Converted {
        text: apply(source, edits),
        notes,
    }
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
