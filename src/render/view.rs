//! What the templates see: typed content turned into the values contentctl 4.4.7 computes
//! (stanza names, mappings, annotations, risk, deployments), one struct per stanza kind.
//!
//! Everything here is a pure function of the model, the app config and the enrichment
//! plug-ins; no escaping happens here (that is `conf`'s job, at template output).

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::conf::{MAX_STANZA_NAME_CHARS, StanzaNameError, check_stanza_name};
use crate::config::AppConfig;
use crate::model::{
    Baseline, Content, Dashboard, Deployment, Detection, Generation, Header, Investigation, Lookup,
    Macro, ObservableObject, RiskSource, Story, Text,
};

/// Data models contentctl recognises in a search, in its enum order.
const DATA_MODELS: [&str; 14] = [
    "Endpoint",
    "Network_Traffic",
    "Authentication",
    "Change",
    "Change_Analysis",
    "Email",
    "Network_Resolution",
    "Network_Sessions",
    "UEBA",
    "Updates",
    "Vulnerabilities",
    "Web",
    "Risk",
    "Splunk_Audit",
];

/// contentctl's providing-technology table: search substring -> technologies.
const PROVIDING_TECHNOLOGIES: &str =
    include_str!("../../templates/data/providing_technologies.json");

const DETECTION_TYPES: [&str; 4] = ["TTP", "Anomaly", "Hunting", "Correlation"];

/// The warning contentctl puts before an experimental or deprecated object's description,
/// and the kinds it puts it on, per format generation.
const STATUS_WARNINGS: &str = include_str!("../../templates/data/status_warnings.json");

#[derive(Debug, Default, serde::Deserialize)]
struct StatusWarnings {
    experimental: String,
    deprecated: String,
    /// generation -> kind -> the name written for `{content_type}`.
    content_types: HashMap<String, HashMap<String, String>>,
}

impl StatusWarnings {
    /// contentctl's `status_aware_description` of a `kind` object in a `generation` build.
    fn describe(
        &self,
        generation: Generation,
        kind: &str,
        status: Option<&str>,
        description: &str,
    ) -> String {
        let template = match status {
            Some("experimental") => &self.experimental,
            Some("deprecated") => &self.deprecated,
            _ => return description.to_owned(),
        };
        let Some(content_type) = self
            .content_types
            .get(generation.schema_dir())
            .and_then(|kinds| kinds.get(kind))
        else {
            return description.to_owned();
        };
        template
            .replace("{content_type}", content_type)
            .replace("{description}", description)
    }
}

/// What the build of one format generation computes beside the content.
struct Build<'a> {
    generation: Generation,
    warnings: StatusWarnings,
    technologies: Vec<(String, Vec<String>)>,
    input: &'a ViewInput<'a>,
}

#[derive(Debug, Serialize)]
pub struct DetectionView {
    pub stanza_name: String,
    pub name: String,
    pub status: String,
    pub detection_type: String,
    pub description: String,
    /// The description after the experimental / deprecated warning, when the build's
    /// contentctl puts one there.
    pub status_aware_description: String,
    pub mappings: Value,
    pub datamodel: Vec<String>,
    pub how_to_implement: String,
    pub known_false_positives: String,
    pub date: String,
    pub products: Vec<String>,
    pub atomic_guids: Vec<String>,
    pub providing_technologies: Vec<String>,
    pub analytic_stories: Vec<String>,
    pub rba_enabled: bool,
    pub risk_message: String,
    pub risk: Value,
    pub scheduling: Scheduling,
    pub annotations: Value,
    pub metadata: Value,
    pub notable: Option<NotableView>,
    pub search: String,
    pub drilldowns: Value,
    pub asset_type: String,
    pub enabled_by_default: bool,
}

#[derive(Debug, Serialize, Default)]
pub struct Scheduling {
    pub cron_schedule: String,
    pub earliest_time: String,
    pub latest_time: String,
    pub schedule_window: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct NotableView {
    pub nes_fields: String,
    pub rule_description: String,
    pub rule_title: String,
    pub security_domain: String,
    pub severity: String,
}

#[derive(Debug, Serialize)]
pub struct BaselineView {
    pub stanza_name: String,
    pub description: String,
    pub date: String,
    pub analytic_stories: Vec<String>,
    pub datamodel: Vec<String>,
    pub scheduling: Scheduling,
    pub how_to_implement: String,
    pub search: String,
}

#[derive(Debug, Serialize)]
pub struct InvestigationView {
    pub stanza_name: String,
    pub name: String,
    /// The name as contentctl lowercases it for panel names (` -./` as `_`).
    pub lowercase_name: String,
    /// `$token$` inputs of the search, in order (contentctl's `\$([^\s.]*)\$`).
    pub inputs: Vec<String>,
    pub description: String,
    pub date: String,
    pub analytic_stories: Vec<String>,
    pub datamodel: Vec<String>,
    pub how_to_implement: String,
    pub search: String,
}

#[derive(Debug, Serialize)]
pub struct StoryView {
    pub name: String,
    pub category: String,
    pub date: String,
    pub version: String,
    pub references: Vec<String>,
    pub maintainers: Value,
    pub searches: Vec<String>,
    pub description: String,
    pub narrative: Option<String>,
}

/// A dashboard: its XML file in the app, from its JSON definition (read at build time).
#[derive(Debug, Serialize)]
pub struct DashboardView {
    /// The XML file in the app: `default/data/ui/views/<stem>.xml` (4.x), or
    /// `<label>__<stem>.xml` in lower case with spaces as `_` (5.x).
    pub path: String,
    pub name: String,
    pub theme: String,
    /// The JSON definition, relative to the content root.
    pub definition: String,
    pub description: String,
    pub id: String,
    pub version: String,
    pub date: String,
    pub author: String,
    /// The dashboard's own Jinja2 template of its XML (`j2_template`), which replaces the
    /// default one ([`crate::render::Templates::render_dashboard`]).
    pub j2_template: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct MacroView {
    pub stanza_name: String,
    pub arguments: Vec<String>,
    pub definition: String,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct LookupView {
    pub name: String,
    /// `csv`, `kvstore` or `mlmodel`.
    pub lookup_type: String,
    /// The file's name in the app's `lookups/`.
    pub filename: Option<String>,
    pub collection: Option<String>,
    pub default_match: Option<String>,
    pub case_sensitive_match: Option<String>,
    pub description: Option<String>,
    pub match_type: Option<String>,
    pub max_matches: Option<String>,
    pub min_matches: Option<String>,
    pub fields_list: Option<String>,
    pub filter: Option<String>,
}

/// Every stanza of the app, in contentctl's order (content files sorted by path).
#[derive(Debug, Serialize)]
pub struct AppView {
    /// Rendered one by one through the detection partials, not part of `content`.
    #[serde(skip)]
    pub detections: Vec<DetectionView>,
    pub baselines: Vec<BaselineView>,
    pub investigations: Vec<InvestigationView>,
    pub stories: Vec<StoryView>,
    pub macros: Vec<MacroView>,
    /// The transforms.conf lookups (not 5.x's ML models, which MLTK finds by file name).
    pub lookups: Vec<LookupView>,
    /// Rendered one by one, each with its definition, not part of `content`.
    #[serde(skip)]
    pub dashboards: Vec<DashboardView>,
    /// The format generation of the build (`"4"`, `"5"`): templates write what that
    /// generation's contentctl writes.
    pub format: &'static str,
    /// The lookup data files to copy, when the build renames them (5.x); `None` copies
    /// every top-level `.csv` and `.mlmodel` of `lookups/` as it is (4.x).
    #[serde(skip)]
    pub lookup_files: Option<Vec<LookupFile>>,
    /// The name of the data-source lookup file the build writes into `lookups/`.
    #[serde(skip)]
    pub data_sources_file: String,
}

/// A lookup data file and its name in the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupFile {
    /// Relative to the content root, e.g. `lookups/asr_rules.csv`.
    pub source: String,
    /// In the app's `lookups/`, e.g. `asr_rules_20241001.csv`.
    pub app_name: String,
}

/// A content object that cannot be rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind} {:?}: {source}", crate::load::excerpt(.name))]
pub struct ViewError {
    pub kind: &'static str,
    pub name: String,
    #[source]
    pub source: StanzaNameError,
}

pub struct ViewInput<'a> {
    pub content: &'a Content,
    pub app: &'a AppConfig,
    /// The build's day, `YYYYMMDD` (contentctl 5 dates the data-source lookup it writes).
    pub build_day: &'a str,
}

impl AppView {
    pub fn build(input: &ViewInput<'_>) -> Result<AppView, ViewError> {
        let content = input.content;
        let stanzas = object_stanzas(content, input.app);
        if let Some(&(first, second)) = stanza_collisions(&stanzas).first() {
            let (mut first, mut second) = (&stanzas[first], &stanzas[second]);
            if second.header.is_none() {
                // Name the content's object, not the stanza the build writes itself.
                std::mem::swap(&mut first, &mut second);
            }
            return Err(ViewError {
                kind: second.kind,
                name: second.object_name().to_owned(),
                source: StanzaNameError::Collision {
                    name: second.name.clone(),
                    file: second.file,
                    other: first.describe(),
                },
            });
        }
        let build = Build {
            generation: content.generation,
            warnings: serde_json::from_str(STATUS_WARNINGS).unwrap_or_default(),
            technologies: serde_json::from_str(PROVIDING_TECHNOLOGIES).unwrap_or_default(),
            input,
        };
        // In parallel; the first error in content order is the one reported. An SPL2 (SSA)
        // detection is no saved search: contentctl built those for the streaming engine.
        let detections: Vec<Result<DetectionView, ViewError>> = content
            .detections
            .par_iter()
            .filter(|detection| !detection.is_spl2())
            .map(|detection| detection_view(detection, &build))
            .collect();
        let detections = detections.into_iter().collect::<Result<Vec<_>, _>>()?;
        let mut baselines = Vec::new();
        for baseline in &content.baselines {
            baselines.push(baseline_view(baseline, &build)?);
        }
        let mut investigations = Vec::new();
        for investigation in &content.investigations {
            investigations.push(investigation_view(investigation, input)?);
        }
        let searches = searches_by_story(&detections);
        let mut stories = Vec::new();
        for story in &content.stories {
            stories.push(story_view(story, &searches, &build)?);
        }
        let mut macros = Vec::new();
        for macro_def in &content.macros {
            macros.push(macro_view(macro_def)?);
        }
        add_filter_macros(&mut macros, &detections);
        let renames_files = build.generation == Generation::Contentctl5;
        let mut lookups = Vec::new();
        let mut lookup_files = Vec::new();
        for lookup in &content.lookups {
            let view = lookup_view(lookup, renames_files)?;
            if let (true, Some(source), Some(app_name)) =
                (renames_files, &lookup.filename, &view.filename)
            {
                lookup_files.push(LookupFile {
                    source: format!("lookups/{}", source.value),
                    app_name: app_name.clone(),
                });
            }
            // contentctl 5 leaves ML models out of transforms.conf: MLTK finds them by name.
            if !(renames_files && view.lookup_type == "mlmodel") {
                lookups.push(view);
            }
        }
        let data_sources = data_sources_lookup(build.generation, input.build_day);
        let data_sources_file = data_sources.filename.clone().unwrap_or_default();
        lookups.push(data_sources);
        Ok(AppView {
            detections,
            baselines,
            investigations,
            stories,
            macros,
            lookups,
            dashboards: content
                .dashboards
                .iter()
                .map(|d| dashboard_view(d, &build))
                .collect(),
            format: build.generation.schema_dir(),
            lookup_files: renames_files.then_some(lookup_files),
            data_sources_file,
        })
    }
}

fn text(t: &Option<Text>) -> String {
    t.as_ref().map(|t| t.value.clone()).unwrap_or_default()
}

fn texts(ts: &[Text]) -> Vec<String> {
    ts.iter().map(|t| t.value.clone()).collect()
}

fn named<'a>(kind: &'static str, name: &'a str) -> impl Fn(StanzaNameError) -> ViewError + 'a {
    move |source| ViewError {
        kind,
        name: name.to_owned(),
        source,
    }
}

/// Story names sorted (by code point), duplicates kept: contentctl maps names to story
/// objects sorted by name.
fn story_names(names: &[Text]) -> Vec<String> {
    let mut names = texts(names);
    names.sort();
    names
}

fn detection_view(d: &Detection, build: &Build<'_>) -> Result<DetectionView, ViewError> {
    let input = build.input;
    let name = d.name().to_owned();
    let stanza_name = detection_stanza_name(input.app, &name);
    let detection_type = text(&d.detection_type);
    if is_listed(d) {
        check_stanza_name(&stanza_name, Some(MAX_STANZA_NAME_CHARS))
            .map_err(named("detection", &name))?;
    }
    let search = text(&d.search);
    let deployment = deployment_for(input.content, &detection_type)
        .or_else(|| input.content.deployment_by_tags(d));
    let confidence = d.confidence.map(|c| c.value);
    let impact = d.impact.map(|c| c.value);
    let overall_score = d.overall_risk_score();
    let risk_score = overall_score.unwrap_or(0);
    let security_domain = text(&d.security_domain);
    let mappings = mappings(d);
    let description = text(&d.header.description);
    Ok(DetectionView {
        status: d.status().unwrap_or_default().to_owned(),
        status_aware_description: build.warnings.describe(
            build.generation,
            "detection",
            d.status(),
            &description,
        ),
        description: description.clone(),
        datamodel: data_models_in(&search),
        how_to_implement: text(&d.how_to_implement),
        known_false_positives: text(&d.known_false_positives),
        date: text(&d.header.date),
        products: texts(&d.products),
        atomic_guids: texts(&d.atomic_guids),
        providing_technologies: providing_technologies(&search, &build.technologies),
        analytic_stories: story_names(&d.analytic_stories),
        rba_enabled: deployment
            .and_then(|dep| dep.rba_enabled)
            .is_some_and(|b| b.value),
        risk_message: text(&d.message),
        risk: risk(d, risk_score),
        scheduling: scheduling(deployment),
        annotations: annotations(d, &detection_type, confidence, impact, &mappings),
        metadata: json!({
            "detection_id": text(&d.header.id),
            "deprecated": if d.status() == Some("deprecated") { "1" } else { "0" },
            "detection_version": text(&d.header.version),
            "publish_time": publish_time(&text(&d.header.date)),
        }),
        notable: deployment
            .and_then(|dep| dep.notable.as_ref())
            .map(|n| NotableView {
                nes_fields: texts(&n.nes_fields).join(","),
                rule_description: substitute(&text(&n.rule_description), d),
                rule_title: if detection_type.eq_ignore_ascii_case("correlation") {
                    format!("RBA: {}", substitute(&text(&n.rule_title), d))
                } else {
                    substitute(&text(&n.rule_title), d)
                },
                security_domain: security_domain.clone(),
                // contentctl's `severity`: from the highest risk score; a detection
                // without risk objects (a Correlation search) is `high`.
                severity: overall_score.map_or("high", severity).to_owned(),
            }),
        drilldowns: Value::Array(
            d.drilldowns
                .iter()
                .map(|dd| {
                    let mut m = Map::new();
                    m.insert("name".into(), text(&dd.name).into());
                    m.insert(
                        "search".into(),
                        text(&dd.search)
                            .replace("%original_detection_search%", &search)
                            .into(),
                    );
                    if let Some(e) = &dd.earliest_offset {
                        m.insert("earliest_offset".into(), e.value.clone().into());
                    }
                    if let Some(l) = &dd.latest_offset {
                        m.insert("latest_offset".into(), l.value.clone().into());
                    }
                    Value::Object(m)
                })
                .collect(),
        ),
        asset_type: text(&d.asset_type),
        enabled_by_default: false,
        mappings,
        search,
        detection_type,
        stanza_name,
        name,
    })
}

/// The deployment contentctl applies to a type: `ESCU Default Configuration <type>`, else the
/// first deployment declaring that type.
fn deployment_for<'a>(content: &'a Content, detection_type: &str) -> Option<&'a Deployment> {
    let by_name = format!("ESCU Default Configuration {detection_type}");
    content
        .deployments
        .iter()
        .find(|d| d.header.name() == by_name)
        .or_else(|| {
            content.deployments.iter().find(|d| {
                d.detection_type
                    .as_ref()
                    .is_some_and(|t| t.value == detection_type)
            })
        })
}

fn scheduling(deployment: Option<&Deployment>) -> Scheduling {
    let Some(dep) = deployment else {
        return Scheduling::default();
    };
    Scheduling {
        cron_schedule: text(&dep.cron_schedule),
        earliest_time: text(&dep.earliest_time),
        latest_time: text(&dep.latest_time),
        schedule_window: dep.schedule_window.as_ref().map(|t| t.value.clone()),
    }
}

pub(crate) fn severity(score: i64) -> &'static str {
    match score {
        ..=20 => "informational",
        21..=40 => "low",
        41..=60 => "medium",
        61..=80 => "high",
        _ => "critical",
    }
}

/// The annotations' mappings, as contentctl writes them with `enrichments: false`: technique
/// ids only, no ATT&CK names or kill-chain phases (contentctl fetches those from MITRE's
/// servers when `enrichments: true`, an output splforge does not make).
fn mappings(d: &Detection) -> Value {
    let mut m = Map::new();
    let cis = if text(&d.security_domain) == "network" {
        "CIS 13"
    } else {
        "CIS 10"
    };
    m.insert("cis20".into(), json!([cis]));
    let techniques = texts(&d.mitre_attack_ids);
    if !techniques.is_empty() {
        m.insert("mitre_attack".into(), json!(techniques));
    }
    let nist = if text(&d.detection_type) == "TTP" {
        "DE.CM"
    } else {
        "DE.AE"
    };
    m.insert("nist".into(), json!([nist]));
    Value::Object(m)
}

fn annotations(
    d: &Detection,
    detection_type: &str,
    confidence: Option<i64>,
    impact: Option<i64>,
    mappings: &Value,
) -> Value {
    let mut m = Map::new();
    m.insert(
        "analytic_story".into(),
        json!(story_names(&d.analytic_stories)),
    );
    // 5.x detections have no confidence or impact; their annotations omit both.
    if let Some(confidence) = confidence {
        m.insert("confidence".into(), json!(confidence));
    }
    if !d.cves.is_empty() {
        m.insert("cve".into(), json!(texts(&d.cves)));
    }
    if let Some(impact) = impact {
        m.insert("impact".into(), json!(impact));
    }
    m.insert("type".into(), json!(detection_type));
    m.insert("type_list".into(), json!([detection_type]));
    m.insert("data_source".into(), json!(texts(&d.data_source_entries)));
    if let Value::Object(extra) = mappings {
        m.extend(extra.clone());
    }
    Value::Object(m)
}

/// `action.risk.param._risk`: 5.x from the `rba:` block; 4.x and 2022 from the observables,
/// in their order, with contentctl 4.4.7's type mapping.
fn risk(d: &Detection, score: i64) -> Value {
    let mut out = Vec::new();
    if d.risk_source == RiskSource::Rba || d.generation == Generation::Contentctl5 {
        // contentctl 5 lists risk objects, then threat objects, each sorted by field.
        let mut risk_objects: Vec<_> = d.risk_objects.iter().collect();
        risk_objects.sort_by(|a, b| a.field.value.cmp(&b.field.value));
        let mut threat_objects: Vec<_> = d.threat_objects.iter().collect();
        threat_objects.sort_by(|a, b| a.field.value.cmp(&b.field.value));
        for r in risk_objects {
            out.push(json!({
                "risk_object_field": r.field.value,
                "risk_object_type": r.object_type.value,
                "risk_score": r.score.map_or(score, |s| s.value),
            }));
        }
        for t in threat_objects {
            out.push(json!({
                "threat_object_field": t.field.value,
                "threat_object_type": t.object_type.value,
            }));
        }
        return Value::Array(out);
    }
    for o in &d.observables {
        out.push(match o.rba_object(None) {
            ObservableObject::Risk(r) => json!({
                "risk_object_field": r.field.value,
                "risk_object_type": r.object_type.value,
                "risk_score": score,
            }),
            ObservableObject::Threat(t) => json!({
                "threat_object_field": t.field.value,
                "threat_object_type": t.object_type.value,
            }),
        });
    }
    Value::Array(out)
}

/// contentctl's `%field%` substitution in notable titles and descriptions.
fn substitute(template: &str, d: &Detection) -> String {
    let mut out = template.to_owned();
    let fields = [
        ("%name%", d.name().to_owned()),
        ("%description%", text(&d.header.description)),
        ("%search%", text(&d.search)),
        ("%how_to_implement%", text(&d.how_to_implement)),
        ("%known_false_positives%", text(&d.known_false_positives)),
        ("%type%", text(&d.detection_type)),
        ("%id%", text(&d.header.id)),
        ("%security_domain%", text(&d.security_domain)),
        ("%asset_type%", text(&d.asset_type)),
        ("%message%", text(&d.message)),
    ];
    for (pattern, value) in fields {
        if out.contains(pattern) {
            out = out.replace(pattern, &value);
        }
    }
    out
}

fn providing_technologies(search: &str, table: &[(String, Vec<String>)]) -> Vec<String> {
    let mut found: Vec<String> = table
        .iter()
        .filter(|(needle, _)| search.contains(needle.as_str()))
        .flat_map(|(_, techs)| techs.iter().cloned())
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Seconds from the epoch to midnight UTC of `YYYY-M-D`, as a float (contentctl's
/// `publish_time`); `null` for a text that names no day. The parts may be unpadded, as in
/// the dates PyYAML (and so contentctl) reads.
fn publish_time(date: &str) -> Value {
    let mut parts = date.splitn(3, '-');
    let mut part = || parts.next()?.parse::<i64>().ok();
    let (Some(y), Some(m), Some(d)) = (part(), part(), part()) else {
        return Value::Null;
    };
    let day = u32::try_from(m)
        .ok()
        .zip(u32::try_from(d).ok())
        .and_then(|(m, d)| crate::date::Date::from_ymd(y, m, d));
    match day {
        Some(day) => json!(day.epoch_seconds() as f64),
        None => Value::Null,
    }
}

fn baseline_view(b: &Baseline, build: &Build<'_>) -> Result<BaselineView, ViewError> {
    let input = build.input;
    let search = text(&b.search);
    let stanza_name = baseline_stanza_name(input.app, b.header.name());
    check_stanza_name(&stanza_name, Some(MAX_STANZA_NAME_CHARS))
        .map_err(named("baseline", b.header.name()))?;
    Ok(BaselineView {
        stanza_name,
        description: build.warnings.describe(
            build.generation,
            "baseline",
            b.status.as_ref().map(Text::as_str),
            &text(&b.header.description),
        ),
        date: text(&b.header.date),
        analytic_stories: story_names(&b.analytic_stories),
        // 5.x baselines name no data models: contentctl 5 finds them in the search, as it
        // does a detection's.
        datamodel: if b.generation == Generation::Contentctl5 {
            data_models_in(&search)
        } else {
            texts(&b.datamodels)
        },
        scheduling: match &b.inline_scheduling {
            Some(inline) => Scheduling {
                cron_schedule: text(&inline.cron_schedule),
                earliest_time: text(&inline.earliest_time),
                latest_time: text(&inline.latest_time),
                schedule_window: inline.schedule_window.as_ref().map(|t| t.value.clone()),
            },
            None => scheduling(deployment_for(input.content, "Baseline").or_else(|| {
                input.content.deployment_applying_to(
                    b.header.name(),
                    &b.analytic_stories,
                    &b.products,
                )
            })),
        },
        how_to_implement: text(&b.how_to_implement),
        search,
    })
}

/// The savedsearches.conf (and analyticstories.conf `savedsearch://`) stanza of a detection.
fn detection_stanza_name(app: &AppConfig, name: &str) -> String {
    format!("{} - {} - Rule", app.label, name)
}

/// Whether savedsearches.conf and analyticstories.conf list a detection: one of the four
/// alerting types (the detection partials test the same list).
fn is_listed(d: &Detection) -> bool {
    !d.is_spl2()
        && d.detection_type
            .as_ref()
            .is_some_and(|t| DETECTION_TYPES.contains(&t.value.as_str()))
}

/// The savedsearches.conf stanza of a baseline.
fn baseline_stanza_name(app: &AppConfig, name: &str) -> String {
    format!("{} - {}", app.label, name)
}

/// The savedsearches.conf stanza of an investigation (a response task).
fn response_task_name(app: &AppConfig, name: &str) -> String {
    format!("{} - {} - Response Task", app.label, name)
}

/// An investigation's name in its panel's names: lower case, ` -./` as `_` (contentctl's).
fn panel_lowercase_name(name: &str) -> String {
    name.replace([' ', '-', '.', '/'], "_").to_lowercase()
}

/// The es_investigations.conf stanza of an investigation whose search has `$token$` inputs;
/// its panel file is `default/data/ui/panels/<the same name without panel://>.xml`.
fn panel_stanza_name(name: &str) -> String {
    format!(
        "panel://workbench_panel_{}___response_task",
        panel_lowercase_name(name)
    )
}

/// The one `[data_sources]` lookup stanza the build writes itself.
const DATA_SOURCES_LOOKUP: &str = "data_sources";

/// A stanza that an object of the content renders to.
#[derive(Debug, Clone)]
pub struct ObjectStanza<'a> {
    /// The file under `default/`.
    pub file: &'static str,
    /// The stanza name, as written between `[` and `]`.
    pub name: String,
    /// The object's kind (`detection`, `macro`, ...).
    pub kind: &'static str,
    /// The object's header (its file and name span); `None` for a stanza the build writes
    /// itself.
    pub header: Option<&'a Header>,
}

impl ObjectStanza<'_> {
    /// The object's name (the stanza name for a stanza the build writes itself).
    pub fn object_name(&self) -> &str {
        self.header.map_or(self.name.as_str(), Header::name)
    }

    /// `kind "name"`, or what the build writes itself.
    pub fn describe(&self) -> String {
        match self.header {
            Some(header) => format!("{} {:?}", self.kind, header.name()),
            None => format!("the {} the build writes itself", self.kind),
        }
    }
}

/// Every stanza that the content's objects render to, with the names the views compute (the
/// same functions), in content order: savedsearches.conf (detections of the listed types,
/// baselines, investigations), analyticstories.conf (stories; its `savedsearch://` stanzas
/// repeat savedsearches.conf's names), macros.conf (macros; the generated `_filter` macros
/// are made only for names no macro has), transforms.conf (lookups and the build's own
/// `data_sources`) and es_investigations.conf (the panel of each investigation with inputs,
/// whose file and workflow action have the same name).
pub fn object_stanzas<'a>(content: &'a Content, app: &AppConfig) -> Vec<ObjectStanza<'a>> {
    let stanza = |file, name, kind, header| ObjectStanza {
        file,
        name,
        kind,
        header,
    };
    let saved = "savedsearches.conf";
    let mut out = Vec::new();
    for d in content.detections.iter().filter(|d| is_listed(d)) {
        let name = detection_stanza_name(app, d.name());
        out.push(stanza(saved, name, "detection", Some(&d.header)));
    }
    for b in &content.baselines {
        let name = baseline_stanza_name(app, b.header.name());
        out.push(stanza(saved, name, "baseline", Some(&b.header)));
    }
    for i in &content.investigations {
        let name = response_task_name(app, i.header.name());
        out.push(stanza(saved, name, "investigation", Some(&i.header)));
    }
    for i in &content.investigations {
        if !search_inputs(&text(&i.search)).is_empty() {
            let name = panel_stanza_name(i.header.name());
            out.push(stanza(
                "es_investigations.conf",
                name,
                "investigation",
                Some(&i.header),
            ));
        }
    }
    for s in &content.stories {
        let name = story_stanza_name(s.header.name());
        out.push(stanza(
            "analyticstories.conf",
            name,
            "story",
            Some(&s.header),
        ));
    }
    for m in &content.macros {
        out.push(stanza(
            "macros.conf",
            m.stanza_name(),
            "macro",
            Some(&m.header),
        ));
    }
    let transforms = "transforms.conf";
    for l in &content.lookups {
        let name = l.header.name().to_owned();
        out.push(stanza(transforms, name, "lookup", Some(&l.header)));
    }
    let data_sources = DATA_SOURCES_LOOKUP.to_owned();
    out.push(stanza(transforms, data_sources, "lookup", None));
    out
}

/// Pairs of `stanzas` (indices: the first of a name, a later one) that are the same stanza
/// of the same file: Splunk merges them, the later one's settings winning. Stanza names are
/// compared exactly (Splunk's are case-sensitive, and nothing a writer changes can make two
/// kept names equal: names it would change are refused).
pub fn stanza_collisions(stanzas: &[ObjectStanza<'_>]) -> Vec<(usize, usize)> {
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    let mut pairs = Vec::new();
    for (index, stanza) in stanzas.iter().enumerate() {
        match first.get(&(stanza.file, stanza.name.as_str())) {
            Some(&earlier) => pairs.push((earlier, index)),
            None => {
                first.insert((stanza.file, stanza.name.as_str()), index);
            }
        }
    }
    pairs
}

/// The analyticstories.conf stanza of a story.
fn story_stanza_name(name: &str) -> String {
    format!("analytic_story://{name}")
}

fn investigation_view(
    i: &Investigation,
    input: &ViewInput<'_>,
) -> Result<InvestigationView, ViewError> {
    let stanza_name = response_task_name(input.app, i.header.name());
    check_stanza_name(&stanza_name, Some(MAX_STANZA_NAME_CHARS))
        .map_err(named("investigation", i.header.name()))?;
    let search = text(&i.search);
    Ok(InvestigationView {
        stanza_name,
        name: i.header.name().to_owned(),
        lowercase_name: panel_lowercase_name(i.header.name()),
        inputs: search_inputs(&search),
        description: text(&i.header.description),
        date: text(&i.header.date),
        analytic_stories: story_names(&i.analytic_stories),
        datamodel: texts(&i.datamodels),
        how_to_implement: text(&i.how_to_implement),
        search,
    })
}

/// The `$token$`s of a search as Python's `re.findall(r"\$([^\s.]*)\$", search)` finds
/// them: from a `$`, the longest run of characters other than whitespace and `.` that ends
/// in a `$`.
fn search_inputs(search: &str) -> Vec<String> {
    let chars: Vec<char> = search.chars().collect();
    let mut inputs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '$' {
            i += 1;
            continue;
        }
        let run_end = (i + 1..chars.len())
            .find(|&j| chars[j].is_whitespace() || chars[j] == '.')
            .unwrap_or(chars.len());
        match (i + 1..run_end).rev().find(|&j| chars[j] == '$') {
            Some(close) => {
                inputs.push(chars[i + 1..close].iter().collect());
                i = close + 1;
            }
            None => i += 1,
        }
    }
    inputs
}

/// The detection stanzas that name each story, in detection order. A story named twice in a
/// detection's tags is listed twice, as in contentctl.
fn searches_by_story(detections: &[DetectionView]) -> HashMap<&str, Vec<&str>> {
    let mut searches: HashMap<&str, Vec<&str>> = HashMap::new();
    for d in detections {
        for story in &d.analytic_stories {
            searches
                .entry(story.as_str())
                .or_default()
                .push(&d.stanza_name);
        }
    }
    searches
}

/// The data models contentctl finds in a search: each whose name it contains, in its enum order.
fn data_models_in(search: &str) -> Vec<String> {
    DATA_MODELS
        .iter()
        .filter(|dm| search.contains(*dm))
        .map(|dm| (*dm).to_owned())
        .collect()
}

fn story_view(
    s: &Story,
    searches: &HashMap<&str, Vec<&str>>,
    build: &Build<'_>,
) -> Result<StoryView, ViewError> {
    let (content, app) = (build.input.content, build.input.app);
    let name = s.header.name();
    // analyticstories.conf has a `[analytic_story://<name>]` stanza per story.
    check_stanza_name(name, None).map_err(named("story", name))?;
    let author = text(&s.header.author);
    let author_name = author
        .split(',')
        .next()
        .filter(|a| !a.is_empty())
        .unwrap_or("no");
    let author_company = author
        .split_once(',')
        .map(|(_, c)| c.strip_prefix(' ').unwrap_or(c))
        .unwrap_or("no");
    let searches = searches
        .get(name)
        .into_iter()
        .flatten()
        .map(|stanza| (*stanza).to_owned())
        .chain(
            content
                .investigations
                .iter()
                .filter(|i| i.analytic_stories.iter().any(|n| n.value == name))
                .map(|i| response_task_name(app, i.header.name())),
        )
        .collect();
    Ok(StoryView {
        name: name.to_owned(),
        category: s
            .category
            .first()
            .map(|c| c.value.clone())
            .unwrap_or_default(),
        date: text(&s.header.date),
        version: text(&s.header.version),
        references: s
            .references
            .iter()
            .map(|r| normalise_url(&r.value))
            .collect(),
        maintainers: json!([{"company": author_company, "email": "-", "name": author_name}]),
        searches,
        description: build.warnings.describe(
            build.generation,
            "story",
            s.status.as_ref().map(Text::as_str),
            &text(&s.header.description),
        ),
        narrative: s.narrative.as_ref().map(|n| n.value.clone()),
    })
}

/// A URL as pydantic's `HttpUrl` prints it: a bare `scheme://host` gets its `/` path.
fn normalise_url(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) if !rest.is_empty() && !rest.contains(['/', '?', '#']) => {
            format!("{url}/")
        }
        _ => url.to_owned(),
    }
}

fn dashboard_view(d: &Dashboard, build: &Build<'_>) -> DashboardView {
    let file_name = if build.generation == Generation::Contentctl5 {
        format!("{}__{}.xml", build.input.app.label, d.file_stem)
            .to_lowercase()
            .replace(' ', "_")
    } else {
        format!("{}.xml", d.file_stem)
    };
    DashboardView {
        path: format!("default/data/ui/views/{file_name}"),
        name: d.header.name().to_owned(),
        theme: d
            .theme
            .as_ref()
            .map_or_else(|| "light".to_owned(), |t| t.value.clone()),
        definition: d.definition_path(),
        description: text_or_empty(d.header.description.as_ref()),
        id: text_or_empty(d.header.id.as_ref()),
        version: text_or_empty(d.header.version.as_ref()),
        date: text_or_empty(d.header.date.as_ref()),
        author: text_or_empty(d.header.author.as_ref()),
        j2_template: d.j2_template.as_ref().map(|t| t.value.clone()),
    }
}

fn text_or_empty(text: Option<&crate::model::Text>) -> String {
    text.map_or_else(String::new, |t| t.value.clone())
}

/// contentctl makes `<detection name>_filter` (lower case, ` -./` as `_`) for every detection
/// whose filter macro the repository does not define, after the repository's macros.
fn add_filter_macros(macros: &mut Vec<MacroView>, detections: &[DetectionView]) {
    let mut known: HashSet<String> = macros.iter().map(|m| m.stanza_name.clone()).collect();
    for d in detections {
        let name = format!(
            "{}_filter",
            d.name.replace([' ', '-', '.', '/'], "_").to_lowercase()
        );
        if check_stanza_name(&name, None).is_ok() && known.insert(name.clone()) {
            macros.push(MacroView {
                stanza_name: name,
                arguments: Vec::new(),
                definition: "search *".to_owned(),
                description:
                    "Update this macro to limit the output results to filter out false positives."
                        .to_owned(),
            });
        }
    }
}

fn macro_view(m: &Macro) -> Result<MacroView, ViewError> {
    let stanza_name = m.stanza_name();
    check_stanza_name(&stanza_name, None).map_err(named("macro", m.header.name()))?;
    if let Some((argument, problem)) = m.bad_arguments().first() {
        return Err(named("macro", m.header.name())(
            StanzaNameError::MacroArgument {
                argument: argument.value.clone(),
                problem: problem.describe(),
            },
        ));
    }
    Ok(MacroView {
        stanza_name,
        arguments: texts(&m.arguments),
        definition: text(&m.definition),
        description: text(&m.header.description),
    })
}

/// The lookup of data-source objects that the build itself writes (`lookups/data_sources.csv`).
pub const DATA_SOURCES_CSV: &str = "data_sources.csv";

/// contentctl 4 writes `data_sources.csv`; contentctl 5 a runtime CSV lookup dated the day
/// of the build, `data_sources_<YYYYMMDD>.csv`, that matches case-insensitively.
fn data_sources_lookup(generation: Generation, build_day: &str) -> LookupView {
    let five = generation == Generation::Contentctl5;
    LookupView {
        name: DATA_SOURCES_LOOKUP.to_owned(),
        lookup_type: "csv".to_owned(),
        filename: Some(if five {
            format!("data_sources_{build_day}.csv")
        } else {
            DATA_SOURCES_CSV.to_owned()
        }),
        collection: None,
        default_match: None,
        case_sensitive_match: five.then(|| "false".to_owned()),
        description: Some(if five {
            "A lookup file that contains the data source objects for detections.".to_owned()
        } else {
            "A lookup file that will contain the data source objects for detections.".to_owned()
        }),
        match_type: None,
        max_matches: None,
        min_matches: None,
        fields_list: None,
        filter: None,
    }
}

/// A lookup's transforms.conf stanza. With `dated_files` (contentctl 5), a CSV file is
/// named `<name>_<YYYYMMDD>.csv` after the lookup's date in the app.
fn lookup_view(l: &Lookup, dated_files: bool) -> Result<LookupView, ViewError> {
    let name = l.header.name().to_owned();
    check_stanza_name(&name, None).map_err(named("lookup", l.header.name()))?;
    let opt = |t: &Option<Text>| t.as_ref().map(|t| t.value.clone());
    let lookup_type = l.kind().to_owned();
    let file_name = l.filename.as_ref().map(|f| {
        let path = f.value.replace('\\', "/");
        let file_name = path.rsplit('/').next().unwrap_or_default().to_owned();
        if dated_files && lookup_type == "csv" {
            format!("{name}_{}.csv", text(&l.header.date).replace('-', ""))
        } else {
            file_name
        }
    });
    Ok(LookupView {
        lookup_type,
        name,
        filename: file_name,
        collection: opt(&l.collection),
        default_match: opt(&l.default_match).map(|v| v.to_lowercase()),
        case_sensitive_match: opt(&l.case_sensitive_match).map(|v| v.to_lowercase()),
        description: opt(&l.header.description),
        match_type: opt(&l.match_type),
        max_matches: opt(&l.max_matches),
        min_matches: opt(&l.min_matches),
        fields_list: opt(&l.fields_list),
        filter: opt(&l.filter),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_time_is_midnight_utc() {
        assert_eq!(publish_time("2024-09-30"), json!(1727654400.0));
        assert_eq!(publish_time("1970-01-01"), json!(0.0));
        assert_eq!(publish_time("2024-9-3"), json!(1725321600.0));
        assert_eq!(publish_time("nope"), Value::Null);
        assert_eq!(publish_time("2024-02-30"), Value::Null);
        assert_eq!(publish_time("9223372036854775807-01-01"), Value::Null);
    }

    #[test]
    fn search_inputs_follow_the_python_regex() {
        assert_eq!(search_inputs("a=$src$ b=$dest$"), ["src", "dest"]);
        assert_eq!(search_inputs("$a$$b$ $c.d$ $"), ["a$$b"]);
    }

    #[test]
    fn severity_bands() {
        assert_eq!(severity(20), "informational");
        assert_eq!(severity(64), "high");
        assert_eq!(severity(81), "critical");
    }
}
