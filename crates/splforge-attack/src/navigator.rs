//! ATT&CK Navigator layers (layer format 4.5) of detection coverage.

use serde_json::{Value, json};

use super::Coverage;
use super::catalogue::Catalogue;
use super::coverage::merge;

/// The layer file format written: "4.5".
pub const LAYER_FORMAT: &str = "4.5";
/// The Navigator release named in `versions.navigator` (layer format 4.5 needs at least 4.9.0).
pub const NAVIGATOR_VERSION: &str = "5.1.0";

const NO_COVERAGE_COLOUR: &str = "#ffffff";
const LOW_COVERAGE_COLOUR: &str = "#c6dbef";
const HIGH_COVERAGE_COLOUR: &str = "#08519c";

/// A Navigator layer (format 4.5) scoring each active technique of `coverage` by the number of
/// detections that cover it, listed in the technique's comment and metadata.
///
/// Ids that are revoked, deprecated or unknown in `catalogue` are left out: the Navigator would
/// not show them, and the lint reports them. `versions.attack` is the major release ("18"), as
/// the Navigator names its ATT&CK versions; the full release is in the layer's metadata.
pub fn navigator_layer(catalogue: &Catalogue, coverage: &Coverage, name: &str) -> Value {
    let covered: Vec<(&str, Vec<&str>)> = merge(coverage)
        .into_iter()
        .filter(|(id, _)| catalogue.technique(id).found().is_some())
        .map(|(id, detections)| (id, detections.into_iter().collect()))
        .collect();
    let max_score = covered
        .iter()
        .map(|(_, detections)| detections.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let techniques: Vec<Value> = covered
        .iter()
        .map(|(id, detections)| technique_entry(id, detections))
        .collect();
    json!({
        "name": name,
        "versions": {
            "attack": catalogue.major_version(),
            "navigator": NAVIGATOR_VERSION,
            "layer": LAYER_FORMAT,
        },
        "domain": "enterprise-attack",
        "description": format!(
            "{} ATT&CK Enterprise v{} techniques covered by {} detections",
            covered.len(),
            catalogue.version(),
            distinct_detections(&covered),
        ),
        "sorting": 3,
        "layout": {
            "layout": "side",
            "showID": true,
            "showName": true,
            "expandedSubtechniques": "annotated",
        },
        "hideDisabled": false,
        "techniques": techniques,
        "gradient": {
            "colors": [NO_COVERAGE_COLOUR, LOW_COVERAGE_COLOUR, HIGH_COVERAGE_COLOUR],
            "minValue": 0,
            "maxValue": max_score,
        },
        "legendItems": [
            { "label": "covered by 1 detection", "color": LOW_COVERAGE_COLOUR },
            { "label": format!("covered by {max_score} detections or more"), "color": HIGH_COVERAGE_COLOUR },
        ],
        "showTacticRowBackground": false,
        "selectTechniquesAcrossTactics": true,
        "selectSubtechniquesWithParent": false,
        "metadata": [
            { "name": "ATT&CK release", "value": format!("Enterprise v{}", catalogue.version()) },
            { "name": "generator", "value": concat!("splforge ", env!("CARGO_PKG_VERSION")) },
        ],
    })
}

fn technique_entry(id: &str, detections: &[&str]) -> Value {
    let plural = if detections.len() == 1 { "" } else { "s" };
    let metadata: Vec<Value> = detections
        .iter()
        .map(|detection| json!({ "name": "detection", "value": detection }))
        .collect();
    json!({
        "techniqueID": id,
        "score": detections.len(),
        "comment": format!("{} detection{plural}: {}", detections.len(), detections.join("; ")),
        "enabled": true,
        "metadata": metadata,
    })
}

fn distinct_detections(covered: &[(&str, Vec<&str>)]) -> usize {
    let mut names: Vec<&str> = covered
        .iter()
        .flat_map(|(_, detections)| detections.iter().copied())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}
