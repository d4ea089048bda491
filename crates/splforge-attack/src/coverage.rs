//! A markdown summary of ATT&CK coverage per tactic.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::Coverage;
use super::catalogue::{Catalogue, Lookup, Tactic, Technique};

/// Merge repeated technique ids: id -> sorted, de-duplicated detection names.
pub(super) fn merge(coverage: &Coverage) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut merged: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (id, detections) in coverage {
        merged
            .entry(id.as_str())
            .or_default()
            .extend(detections.iter().map(String::as_str));
    }
    merged
}

/// The coverage of one tactic: its active techniques, and those the coverage names.
struct TacticCoverage<'a> {
    tactic: &'a Tactic,
    covered: Vec<&'a Technique>,
    total: usize,
}

/// A markdown coverage summary: a table of tactics (techniques covered / active techniques,
/// sub-techniques counted as techniques), then per tactic the covered techniques and their
/// detections, then the ids the release does not know as active techniques.
pub fn coverage_markdown(catalogue: &Catalogue, coverage: &Coverage) -> String {
    let merged = merge(coverage);
    let active: Vec<&Technique> = catalogue
        .techniques()
        .iter()
        .filter(|technique| !technique.revoked && !technique.deprecated)
        .collect();
    let covered_count = active
        .iter()
        .filter(|technique| merged.contains_key(technique.id))
        .count();
    let per_tactic: Vec<TacticCoverage> = catalogue
        .tactics()
        .iter()
        .map(|tactic| tactic_coverage(tactic, &active, &merged))
        .collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# ATT&CK coverage\n\nMITRE ATT&CK® Enterprise v{}: {covered_count} of {} active \
         techniques and sub-techniques are covered.\n",
        catalogue.version(),
        active.len()
    );
    write_tactic_table(&mut out, &per_tactic);
    for tactic in &per_tactic {
        write_tactic_section(&mut out, tactic, &merged);
    }
    write_not_active(&mut out, catalogue, &merged);
    out.push_str(
        "\n---\n\nATT&CK® © The MITRE Corporation. This work is reproduced and distributed with \
         the permission of The MITRE Corporation.\n",
    );
    out
}

fn tactic_coverage<'a>(
    tactic: &'a Tactic,
    active: &[&'a Technique],
    merged: &BTreeMap<&str, BTreeSet<&str>>,
) -> TacticCoverage<'a> {
    let in_tactic: Vec<&Technique> = active
        .iter()
        .copied()
        .filter(|technique| technique.tactic_ids.contains(&tactic.id))
        .collect();
    TacticCoverage {
        tactic,
        total: in_tactic.len(),
        covered: in_tactic
            .into_iter()
            .filter(|technique| merged.contains_key(technique.id))
            .collect(),
    }
}

fn write_tactic_table(out: &mut String, per_tactic: &[TacticCoverage]) {
    out.push_str("| Tactic | ID | Covered | Total | Coverage |\n");
    out.push_str("| --- | --- | ---: | ---: | ---: |\n");
    for TacticCoverage {
        tactic,
        covered,
        total,
    } in per_tactic
    {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {total} | {} |",
            escape_cell(tactic.name),
            tactic.id,
            covered.len(),
            percent(covered.len(), *total)
        );
    }
}

fn write_tactic_section(
    out: &mut String,
    coverage: &TacticCoverage,
    merged: &BTreeMap<&str, BTreeSet<&str>>,
) {
    let TacticCoverage {
        tactic,
        covered,
        total,
    } = coverage;
    let _ = writeln!(out, "\n## {} ({})\n", escape_cell(tactic.name), tactic.id);
    let _ = writeln!(out, "{} of {total} covered.", covered.len());
    if covered.is_empty() {
        return;
    }
    out.push_str("\n| Technique | Name | Detections |\n| --- | --- | --- |\n");
    for technique in covered {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            technique.id,
            escape_cell(technique.name),
            detection_list(&merged[technique.id])
        );
    }
}

/// The ids of the coverage that are revoked, deprecated or unknown in the release.
fn write_not_active(
    out: &mut String,
    catalogue: &Catalogue,
    merged: &BTreeMap<&str, BTreeSet<&str>>,
) {
    let rows: Vec<String> = merged
        .iter()
        .filter_map(|(id, detections)| {
            let status = match catalogue.technique(id) {
                Lookup::Found(_) => return None,
                Lookup::Revoked {
                    replaced_by: Some(replacement),
                    ..
                } => format!(
                    "revoked, replaced by {} {}",
                    replacement.id,
                    escape_cell(replacement.name)
                ),
                Lookup::Revoked { .. } => "revoked".to_string(),
                Lookup::Deprecated { .. } => "deprecated".to_string(),
                Lookup::Unknown => "unknown".to_string(),
            };
            Some(format!(
                "| {} | {status} | {} |",
                escape_cell(id),
                detection_list(detections)
            ))
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n## Not active in ATT&CK Enterprise v{}\n",
        catalogue.version()
    );
    out.push_str("| Technique | Status | Detections |\n| --- | --- | --- |\n");
    for row in rows {
        out.push_str(&row);
        out.push('\n');
    }
}

fn detection_list(detections: &BTreeSet<&str>) -> String {
    detections
        .iter()
        .map(|detection| escape_cell(detection))
        .collect::<Vec<_>>()
        .join("<br>")
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "-".to_string();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// Escape text for a markdown table cell: markup characters and the cell separator get a
/// backslash, line breaks become spaces.
fn escape_cell(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\n' | '\r' => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_cell;

    #[test]
    fn cells_escape_markup() {
        assert_eq!(escape_cell("a|b *c*\nd"), r"a\|b \*c\* d");
    }
}
