//! What the templates see: typed content turned into the values contentctl 4.4.7 computes
//! (stanza names, mappings, annotations, risk, deployments), one struct per stanza kind.
//!
//! Everything here is a pure function of the model, the app config and the enrichment
//! plug-ins; no escaping happens here (that is `conf`'s job, at template output).

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::conf::{MAX_STANZA_NAME_CHARS, StanzaNameError, check_stanza_name};
use crate::config::AppConfig;
use crate::model::{
    Baseline, Content, Deployment, Detection, Generation, Investigation, Lookup, Macro,
    ObservableObject, RiskSource, Story, Text,
};

/// ATT&CK enrichment for the annotations. contentctl with `enrichments: false` (and the
/// default here) has none: annotations then carry the technique ids only.
pub trait AttackEnrichment: Send + Sync {
    /// Kill-chain phases of a technique (from its tactics), e.g. `["Installation"]`.
    fn kill_chain_phases(&self, technique_id: &str) -> Vec<String>;
}

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

#[derive(Debug, Serialize)]
pub struct DetectionView {
    pub stanza_name: String,
    pub name: String,
    pub status: String,
    pub detection_type: String,
    pub description: String,
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
    pub lookups: Vec<LookupView>,
}

/// A content object that cannot be rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind} {name:?}: {source}")]
pub struct ViewError {
    pub kind: &'static str,
    pub name: String,
    #[source]
    pub source: StanzaNameError,
}

pub struct ViewInput<'a> {
    pub content: &'a Content,
    pub app: &'a AppConfig,
    pub attack: Option<&'a dyn AttackEnrichment>,
}

impl AppView {
    pub fn build(input: &ViewInput<'_>) -> Result<AppView, ViewError> {
        let content = input.content;
        let technologies: Vec<(String, Vec<String>)> =
            serde_json::from_str(PROVIDING_TECHNOLOGIES).unwrap_or_default();
        // In parallel; the first error in content order is the one reported.
        let detections: Vec<Result<DetectionView, ViewError>> = content
            .detections
            .par_iter()
            .map(|detection| detection_view(detection, input, &technologies))
            .collect();
        let detections = detections.into_iter().collect::<Result<Vec<_>, _>>()?;
        let mut baselines = Vec::new();
        for baseline in &content.baselines {
            baselines.push(baseline_view(baseline, input)?);
        }
        let mut investigations = Vec::new();
        for investigation in &content.investigations {
            investigations.push(investigation_view(investigation, input)?);
        }
        let searches = searches_by_story(&detections);
        let mut stories = Vec::new();
        for story in &content.stories {
            stories.push(story_view(story, &searches, content, input.app)?);
        }
        let mut macros = Vec::new();
        for macro_def in &content.macros {
            macros.push(macro_view(macro_def)?);
        }
        add_filter_macros(&mut macros, &detections);
        let mut lookups = Vec::new();
        for lookup in &content.lookups {
            lookups.push(lookup_view(lookup)?);
        }
        lookups.push(data_sources_lookup());
        Ok(AppView {
            detections,
            baselines,
            investigations,
            stories,
            macros,
            lookups,
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

fn detection_view(
    d: &Detection,
    input: &ViewInput<'_>,
    technologies: &[(String, Vec<String>)],
) -> Result<DetectionView, ViewError> {
    let name = d.name().to_owned();
    let stanza_name = format!("{} - {} - Rule", input.app.label, name);
    let detection_type = text(&d.detection_type);
    if DETECTION_TYPES.contains(&detection_type.as_str()) {
        check_stanza_name(&stanza_name, Some(MAX_STANZA_NAME_CHARS))
            .map_err(named("detection", &name))?;
    }
    let search = text(&d.search);
    let deployment = deployment_for(input.content, &detection_type)
        .or_else(|| input.content.deployment_by_tags(d));
    let confidence = d.confidence.map(|c| c.value);
    let impact = d.impact.map(|c| c.value);
    let risk_score = d.overall_risk_score().unwrap_or(0);
    let security_domain = text(&d.security_domain);
    let mappings = mappings(d, input.attack);
    let description = text(&d.header.description);
    Ok(DetectionView {
        status: d.status().unwrap_or_default().to_owned(),
        description: description.clone(),
        datamodel: DATA_MODELS
            .iter()
            .filter(|dm| search.contains(*dm))
            .map(|dm| (*dm).to_owned())
            .collect(),
        how_to_implement: text(&d.how_to_implement),
        known_false_positives: text(&d.known_false_positives),
        date: text(&d.header.date),
        products: texts(&d.products),
        atomic_guids: texts(&d.atomic_guids),
        providing_technologies: providing_technologies(&search, technologies),
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
                severity: severity(risk_score).to_owned(),
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

fn severity(score: i64) -> &'static str {
    match score {
        ..=20 => "informational",
        21..=40 => "low",
        41..=60 => "medium",
        61..=80 => "high",
        _ => "critical",
    }
}

fn mappings(d: &Detection, attack: Option<&dyn AttackEnrichment>) -> Value {
    let mut m = Map::new();
    let cis = if text(&d.security_domain) == "network" {
        "CIS 13"
    } else {
        "CIS 10"
    };
    m.insert("cis20".into(), json!([cis]));
    let techniques = texts(&d.mitre_attack_ids);
    if let Some(attack) = attack {
        let mut phases: Vec<String> = techniques
            .iter()
            .flat_map(|t| attack.kill_chain_phases(t))
            .collect();
        phases.sort();
        phases.dedup();
        if !phases.is_empty() {
            m.insert("kill_chain_phases".into(), json!(phases));
        }
    }
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

/// Seconds from the epoch to midnight UTC of `YYYY-MM-DD`, as a float (contentctl's
/// `publish_time`); `null` for a date that does not parse.
fn publish_time(date: &str) -> Value {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next())
    else {
        return Value::Null;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Value::Null;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    json!((days * 86_400) as f64)
}

fn baseline_view(b: &Baseline, input: &ViewInput<'_>) -> Result<BaselineView, ViewError> {
    let stanza_name = format!("{} - {}", input.app.label, b.header.name());
    check_stanza_name(&stanza_name, Some(MAX_STANZA_NAME_CHARS))
        .map_err(named("baseline", b.header.name()))?;
    Ok(BaselineView {
        stanza_name,
        description: text(&b.header.description),
        date: text(&b.header.date),
        analytic_stories: story_names(&b.analytic_stories),
        datamodel: texts(&b.datamodels),
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
        search: text(&b.search),
    })
}

fn response_task_name(app: &AppConfig, name: &str) -> String {
    format!("{} - {} - Response Task", app.label, name)
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
        lowercase_name: i
            .header
            .name()
            .replace([' ', '-', '.', '/'], "_")
            .to_lowercase(),
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

fn story_view(
    s: &Story,
    searches: &HashMap<&str, Vec<&str>>,
    content: &Content,
    app: &AppConfig,
) -> Result<StoryView, ViewError> {
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
        description: text(&s.header.description),
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

/// contentctl makes `<detection name>_filter` (lower case, ` -./` as `_`) for every detection
/// whose filter macro the repository does not define, after the repository's macros.
fn add_filter_macros(macros: &mut Vec<MacroView>, detections: &[DetectionView]) {
    let mut known: std::collections::HashSet<String> =
        macros.iter().map(|m| m.stanza_name.clone()).collect();
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
    Ok(MacroView {
        stanza_name,
        arguments: texts(&m.arguments),
        definition: text(&m.definition),
        description: text(&m.header.description),
    })
}

/// The lookup of data-source objects that the build itself writes (`lookups/data_sources.csv`).
pub const DATA_SOURCES_CSV: &str = "data_sources.csv";

fn data_sources_lookup() -> LookupView {
    LookupView {
        name: "data_sources".to_owned(),
        filename: Some(DATA_SOURCES_CSV.to_owned()),
        collection: None,
        default_match: None,
        case_sensitive_match: None,
        description: Some(
            "A lookup file that will contain the data source objects for detections.".to_owned(),
        ),
        match_type: None,
        max_matches: None,
        min_matches: None,
        fields_list: None,
        filter: None,
    }
}

fn lookup_view(l: &Lookup) -> Result<LookupView, ViewError> {
    let name = l.header.name().to_owned();
    check_stanza_name(&name, None).map_err(named("lookup", l.header.name()))?;
    let opt = |t: &Option<Text>| t.as_ref().map(|t| t.value.clone());
    let file_name = l.filename.as_ref().map(|f| {
        let path = f.value.replace('\\', "/");
        path.rsplit('/').next().unwrap_or_default().to_owned()
    });
    Ok(LookupView {
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
        assert_eq!(publish_time("nope"), Value::Null);
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
