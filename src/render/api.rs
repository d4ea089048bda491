//! The API output contentctl writes with `build_api: true` (`dist/api/`): a JSON dump of
//! each kind of content, from the model and the app's view.
//!
//! contentctl 5.6.2 writes `<kind>_v2.json` (`json.dump(indent=2, ensure_ascii=False)`,
//! objects sorted by name, `output/api_json_output.py`); contentctl 4.4.7 writes
//! `<kind>.json` on one line (`json.dump(ensure_ascii=False)`) in content order. Each object
//! holds the fields contentctl's pydantic `model_dump` gives it, in its order, with
//! enrichments off (no ATT&CK or CVE enrichment objects).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use rayon::prelude::*;
use regex::Regex;
use serde_json::{Map, Value, json};

use super::view::{AppView, DetectionView, LookupView, MacroView};
use crate::config::AppConfig;
use crate::model::{Content, Detection, FileId, Generation, RiskSource, Text};

/// What the API files are made from.
pub struct ApiInput<'a> {
    pub content: &'a Content,
    pub view: &'a AppView,
    pub app: &'a AppConfig,
    /// The name of the directory holding a file (a detection's `source`).
    pub source_of: &'a (dyn Fn(FileId) -> String + Sync),
    /// `YYYY-MM-DDTHH:MM:SS`, the build time (UTC).
    pub build_time: &'a str,
}

/// The API files by name (`detections_v2.json`, ...).
pub fn files(input: &ApiInput<'_>) -> BTreeMap<String, Vec<u8>> {
    let five = input.content.generation == Generation::Contentctl5;
    let macros = macros_by_name(&input.view.macros);
    let lookups = lookups_by_name(input);
    let detection_views: HashMap<&str, &DetectionView> = (input.view.detections.iter())
        .map(|d| (d.name.as_str(), d))
        .collect();
    let listed = |d: &&Detection| detection_views.contains_key(d.name());
    // Most of the output, one object per detection: on every core, in content order.
    let detections: Vec<Value> = (input.content.detections.par_iter())
        .filter(listed)
        .map(|d| detection(input, d, detection_views[d.name()], &macros, &lookups, five))
        .collect();
    let stories = stories(input, &detection_views);
    let baselines: Vec<Value> = (input.content.baselines.iter())
        .map(|b| {
            let mut tags = Map::new();
            tags.insert("analytic_story".into(), sorted_names(&b.analytic_stories));
            // contentctl links each name to its detection and drops one it cannot find.
            let known: Vec<&Text> = (b.detections.iter())
                .filter(|t| detection_views.contains_key(t.value.as_str()))
                .collect();
            tags.insert(
                "detections".into(),
                json!(known.iter().map(|t| &t.value).collect::<Vec<_>>()),
            );
            tags.insert("product".into(), names(&b.products));
            if !five {
                tags.insert("required_fields".into(), names(&b.required_fields));
            }
            tags.insert("security_domain".into(), opt(&b.security_domain));
            tags.insert("deployments".into(), Value::Null);
            let stanza = format!("{} - {}", input.app.label, b.header.name());
            let view = input
                .view
                .baselines
                .iter()
                .find(|v| v.stanza_name == stanza);
            let mut o = header(&b.header, &b.references);
            o.insert("tags".into(), Value::Object(tags));
            o.insert("type".into(), opt(&b.baseline_type));
            o.insert("search".into(), opt(&b.search));
            o.insert("how_to_implement".into(), opt(&b.how_to_implement));
            o.insert(
                "known_false_positives".into(),
                opt(&b.known_false_positives),
            );
            o.insert(
                "datamodel".into(),
                json!(view.map(|v| v.datamodel.clone()).unwrap_or_default()),
            );
            Value::Object(o)
        })
        .collect();
    let response_tasks: Vec<Value> = (input.content.investigations.iter())
        .filter(|_| !five)
        .map(|i| {
            let view = (input.view.investigations.iter()).find(|v| v.name == i.header.name());
            let mut o = header(&i.header, &i.references);
            o.insert("type".into(), json!("Investigation"));
            o.insert("datamodel".into(), names(&i.datamodels));
            // contentctl 4.4.7 escapes `<` and `>` in the search of a task with inputs when
            // it writes its panel, and the API output, written after, shows it.
            let has_inputs = view.is_some_and(|v| !v.inputs.is_empty());
            let search = text(&i.search);
            let search = if has_inputs {
                search.replace('>', "&gt;").replace('<', "&lt;")
            } else {
                search
            };
            o.insert(
                "search".into(),
                i.search.as_ref().map_or(Value::Null, |_| json!(search)),
            );
            o.insert("how_to_implement".into(), opt(&i.how_to_implement));
            o.insert(
                "known_false_positives".into(),
                opt(&i.known_false_positives),
            );
            o.insert(
                "inputs".into(),
                json!(view.map(|v| v.inputs.clone()).unwrap_or_default()),
            );
            let mut tags = Map::new();
            tags.insert("analytic_story".into(), sorted_names(&i.analytic_stories));
            tags.insert("product".into(), names(&i.products));
            tags.insert("required_fields".into(), names(&i.required_fields));
            tags.insert("security_domain".into(), opt(&i.security_domain));
            o.insert("tags".into(), Value::Object(tags));
            o.insert(
                "lowercase_name".into(),
                json!(view.map(|v| v.lowercase_name.clone()).unwrap_or_default()),
            );
            Value::Object(o)
        })
        .collect();
    let mut lookup_objects: Vec<Value> = (input.view.lookups.iter())
        .map(|l| lookup_entry(l, five))
        .collect();
    if five {
        // ML models have no transforms.conf stanza, so no view; contentctl lists them.
        let in_view: HashSet<&str> = input.view.lookups.iter().map(|l| l.name.as_str()).collect();
        lookup_objects.extend(
            (input.content.lookups.iter())
                .filter(|l| !in_view.contains(l.header.name()))
                .filter(|l| l.lookup_type.as_ref().is_some_and(|t| t.value == "mlmodel"))
                .map(|l| {
                    let value = |t: &Option<Text>| t.as_ref().map(|t| t.value.clone());
                    json!({
                        "default_match": value(&l.default_match).unwrap_or_default(),
                        "match_type": value(&l.match_type).unwrap_or_default(),
                        "min_matches": int_or_null(&value(&l.min_matches)),
                        "max_matches": int_or_null(&value(&l.max_matches)),
                        "case_sensitive_match": value(&l.case_sensitive_match)
                            .unwrap_or_else(|| "false".to_owned()),
                        "name": l.header.name(),
                        "description": opt(&l.header.description),
                    })
                }),
        );
    }
    let macro_objects: Vec<Value> = (input.view.macros.iter())
        .map(|m| {
            json!({
                "definition": m.definition,
                "description": m.description,
                "name": macro_name(m),
            })
        })
        .collect();
    let deployments: Vec<Value> = (input.content.deployments.iter())
        .map(|d| {
            let mut o = Map::new();
            o.insert(
                "scheduling".into(),
                json!({
                    "cron_schedule": text(&d.cron_schedule),
                    "earliest_time": text(&d.earliest_time),
                    "latest_time": text(&d.latest_time),
                    "schedule_window": text(&d.schedule_window),
                }),
            );
            o.insert("tags".into(), json!({ "type": text(&d.detection_type) }));
            o.extend(header(&d.header, &[]));
            o.remove("references");
            if o["version"].is_null() {
                o.insert("version".into(), json!(1));
            }
            if let Some(notable) = &d.notable {
                o.insert(
                    "notable".into(),
                    json!({
                        "rule_description": text(&notable.rule_description),
                        "rule_title": text(&notable.rule_title),
                        "nes_fields": names(&notable.nes_fields),
                    }),
                );
            }
            if let Some(enabled) = d.rba_enabled {
                o.insert(
                    "rba".into(),
                    json!({ "enabled": if enabled.value { "true" } else { "false" } }),
                );
            }
            Value::Object(o)
        })
        .collect();
    let version = json!({ "version": {
        "name": format!("v{}", input.app.version),
        "published_at": format!("{}Z", input.build_time),
    }});
    let suffix = if five { "_v2" } else { "" };
    let mut out = BTreeMap::new();
    for (kind, objects) in [
        ("detections", detections),
        ("stories", stories),
        ("baselines", baselines),
        ("response_tasks", response_tasks),
        ("lookups", lookup_objects),
        ("macros", macro_objects),
        ("deployments", deployments),
    ] {
        out.insert(
            format!("{kind}{suffix}.json"),
            write_kind(kind, objects, five),
        );
    }
    // The version file is always one line, as `json.dump` without indent writes it.
    out.insert(
        format!("version{suffix}.json"),
        python_compact(&version).into_bytes(),
    );
    out
}

/// `{"<kind>": [...]}` as contentctl's `JsonWriter` writes it.
fn write_kind(kind: &str, mut objects: Vec<Value>, five: bool) -> Vec<u8> {
    if five {
        objects.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        let mut document = Map::new();
        document.insert(kind.into(), Value::Array(objects));
        serde_json::to_string_pretty(&Value::Object(document))
            .unwrap_or_default()
            .into_bytes()
    } else {
        let mut document = Map::new();
        document.insert(kind.into(), Value::Array(objects));
        python_compact(&Value::Object(document)).into_bytes()
    }
}

/// Python's `json.dumps(value, ensure_ascii=False)`: separators `", "` and `": "`.
fn python_compact(value: &Value) -> String {
    struct Python;
    /// `", "` before every item but the first, as Python separates them.
    fn separate<W: ?Sized + std::io::Write>(writer: &mut W, first: bool) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }
    impl serde_json::ser::Formatter for Python {
        fn begin_array_value<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            separate(writer, first)
        }
        fn begin_object_key<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            separate(writer, first)
        }
        fn begin_object_value<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
        ) -> std::io::Result<()> {
            writer.write_all(b": ")
        }
    }
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Python);
    let _ = serde::Serialize::serialize(value, &mut serializer);
    String::from_utf8(out).unwrap_or_default()
}

fn text(t: &Option<Text>) -> String {
    t.as_ref().map_or_else(String::new, |t| t.value.clone())
}

fn opt(t: &Option<Text>) -> Value {
    t.as_ref().map_or(Value::Null, |t| json!(t.value))
}

fn names(ts: &[Text]) -> Value {
    Value::Array(ts.iter().map(|t| json!(t.value)).collect())
}

fn sorted_names(ts: &[Text]) -> Value {
    let mut names: Vec<&str> = ts.iter().map(Text::as_str).collect();
    names.sort_unstable();
    json!(names)
}

/// A URL as pydantic's `HttpUrl` gives it back: without the scheme's default port, and
/// with `/` as the path of a bare host.
fn url(text: &Text) -> Value {
    let value = text.value.trim();
    let Some((scheme, rest)) = value.split_once("://") else {
        return json!(value);
    };
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(split);
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => "",
    };
    let host = if default_port.is_empty() {
        host
    } else {
        host.strip_suffix(default_port).unwrap_or(host)
    };
    let tail = if tail.starts_with('/') {
        tail.to_owned()
    } else {
        format!("/{tail}")
    };
    json!(format!("{scheme}://{}{tail}", host.to_ascii_lowercase()))
}

/// contentctl's `SecurityContentObject.serialize_model`: the header every object starts with.
fn header(h: &crate::model::Header, references: &[Text]) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("name".into(), json!(h.name()));
    o.insert("author".into(), opt(&h.author));
    o.insert("date".into(), opt(&h.date));
    o.insert(
        "version".into(),
        h.version
            .as_ref()
            .and_then(|v| v.value.parse::<i64>().ok())
            .map_or(Value::Null, |v| json!(v)),
    );
    // A UUID as Python's `str(uuid)` writes it.
    o.insert(
        "id".into(),
        h.id.as_ref()
            .map_or(Value::Null, |t| json!(t.value.to_ascii_lowercase())),
    );
    o.insert("description".into(), opt(&h.description));
    o.insert(
        "references".into(),
        Value::Array(references.iter().map(url).collect()),
    );
    o
}

/// A macro's name without the `(<arity>)` of its stanza.
fn macro_name(m: &MacroView) -> &str {
    match m.stanza_name.split_once('(') {
        Some((name, _)) if !m.arguments.is_empty() => name,
        _ => &m.stanza_name,
    }
}

fn macros_by_name(macros: &[MacroView]) -> HashMap<&str, &MacroView> {
    macros.iter().map(|m| (macro_name(m), m)).collect()
}

fn lookups_by_name<'v>(
    input: &ApiInput<'v>,
) -> HashMap<&'v str, (&'v LookupView, Option<&'v str>)> {
    let sources: HashMap<&str, Option<&str>> = (input.content.lookups.iter())
        .map(|l| {
            let source = l.filename.as_ref().map(|f| f.value.as_str());
            (l.header.name(), source)
        })
        .collect();
    (input.view.lookups.iter())
        .map(|l| {
            let source = sources.get(l.name.as_str()).copied().flatten();
            (l.name.as_str(), (l, source))
        })
        .collect()
}

/// The macros contentctl finds in a search (`Macro.get_macros`): each `` `name` `` or
/// `` `name(args)` `` without white space, outside ```` ``` ```` comments, less those it
/// ignores, by name.
fn macros_in<'m>(search: &str, macros: &HashMap<&str, &'m MacroView>) -> Vec<&'m MacroView> {
    static COMMENT: OnceLock<Regex> = OnceLock::new();
    static MACRO: OnceLock<Regex> = OnceLock::new();
    const IGNORED: [&str; 5] = [
        "drop_dm_object_name",
        "get_asset",
        "get_risk_severity",
        "cim_corporate_web_domain_search",
        "globedistance",
    ];
    let comment = COMMENT.get_or_init(|| Regex::new(r"```[\s\S]*?```").expect("valid regex"));
    let macro_re = MACRO.get_or_init(|| Regex::new(r"`([^\s]+)`").expect("valid regex"));
    let search = comment.replace_all(search, " ");
    let mut found: Vec<&MacroView> = macro_re
        .captures_iter(&search)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().split('(').next().unwrap_or_default())
        .filter(|name| !IGNORED.iter().any(|i| name.contains(i)))
        .collect::<HashSet<&str>>()
        .into_iter()
        .filter_map(|name| macros.get(name).copied())
        .collect();
    found.sort_by(|a, b| macro_name(a).cmp(macro_name(b)));
    found
}

/// The lookups contentctl finds in a search (`Lookup.get_lookups`), by name.
fn lookups_in<'l>(
    search: &str,
    lookups: &HashMap<&str, (&'l LookupView, Option<&'l str>)>,
    five: bool,
) -> Vec<(&'l LookupView, Option<&'l str>)> {
    if !five {
        return lookups_in_4x(search, lookups);
    }
    let found = crate::model::contentctl5_lookup_names(search);
    let mut names: Vec<&str> = found.iter().map(|(name, _)| name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|n| lookups.get(n).copied())
        .collect()
}

/// contentctl 4.4.7's `Lookup.get_lookups`: one pattern, `[^output]lookup <name>` (a
/// character class, so `inputlookup` never matches), and nothing at all when one name
/// found is on its ignore list; names that are no lookup are dropped.
fn lookups_in_4x<'l>(
    search: &str,
    lookups: &HashMap<&str, (&'l LookupView, Option<&'l str>)>,
) -> Vec<(&'l LookupView, Option<&'l str>)> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    const IGNORED: [&str; 9] = [
        "outputlookup",
        "ut_shannon_lookup",
        "identity_lookup_expanded",
        "cim_corporate_web_domain_lookup",
        "alexa_lookup_by_str",
        "interesting_ports_lookup",
        "admon_groups_def",
        "=",
        "other_lookups",
    ];
    let pattern = PATTERN.get_or_init(|| {
        Regex::new(r"[^output]lookup (?:update=true)?(?:append=t)?\s*([^\s]*)")
            .expect("valid regex")
    });
    let mut names: Vec<&str> = pattern
        .captures_iter(search)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .collect();
    if names.iter().any(|n| IGNORED.contains(n)) {
        return Vec::new();
    }
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|n| lookups.get(n).copied())
        .collect()
}

fn detection(
    input: &ApiInput<'_>,
    d: &Detection,
    view: &DetectionView,
    macros: &HashMap<&str, &MacroView>,
    lookups: &HashMap<&str, (&LookupView, Option<&str>)>,
    five: bool,
) -> Value {
    let mappings = &view.mappings;
    let mut tags = Map::new();
    tags.insert("analytic_story".into(), json!(view.analytic_stories));
    tags.insert("asset_type".into(), opt(&d.asset_type));
    tags.insert("cis20".into(), mappings["cis20"].clone());
    tags.insert("kill_chain_phases".into(), json!([]));
    tags.insert("nist".into(), mappings["nist"].clone());
    if !five {
        tags.insert(
            "observable".into(),
            Value::Array(
                d.observables
                    .iter()
                    .map(|o| {
                        json!({
                            "name": text(&o.name),
                            "type": text(&o.observable_type),
                            "role": names(&o.roles),
                        })
                    })
                    .collect(),
            ),
        );
        tags.insert("message".into(), opt(&d.message));
        let score = d.observable_score().map(|s| s.value);
        tags.insert("risk_score".into(), json!(score));
    }
    tags.insert("security_domain".into(), opt(&d.security_domain));
    if !five {
        let score = d.observable_score().map_or(0, |s| s.value);
        tags.insert("risk_severity".into(), json!(super::view::severity(score)));
    }
    tags.insert("mitre_attack_id".into(), names(&d.mitre_attack_ids));
    tags.insert("mitre_attack_enrichments".into(), json!([]));

    let mut o = header(&d.header, &d.references);
    o.insert("tags".into(), Value::Object(tags));
    o.insert("type".into(), opt(&d.detection_type));
    o.insert("search".into(), opt(&d.search));
    o.insert("how_to_implement".into(), opt(&d.how_to_implement));
    o.insert(
        "known_false_positives".into(),
        opt(&d.known_false_positives),
    );
    o.insert("datamodel".into(), json!(view.datamodel));
    o.insert("source".into(), json!((input.source_of)(d.header.file)));
    o.insert(
        "nes_fields".into(),
        view.notable
            .as_ref()
            .map_or(Value::Null, |n| json!(n.nes_fields)),
    );
    if five {
        o.insert("rba".into(), rba(d));
        if let Some(notable) = &view.notable {
            o.insert("risk_severity".into(), json!(notable.severity));
        }
    }
    let search = text(&d.search);
    o.insert(
        "macros".into(),
        Value::Array(
            macros_in(&search, macros)
                .into_iter()
                .map(|m| {
                    let mut entry = Map::new();
                    entry.insert("name".into(), json!(macro_name(m)));
                    entry.insert("definition".into(), json!(m.definition));
                    entry.insert("description".into(), json!(m.description));
                    if !m.arguments.is_empty() {
                        entry.insert("arguments".into(), json!(m.arguments));
                    }
                    Value::Object(entry)
                })
                .collect(),
        ),
    );
    o.insert(
        "lookups".into(),
        Value::Array(
            lookups_in(&search, lookups, five)
                .into_iter()
                .map(|(l, source)| detection_lookup(l, source, five))
                .collect(),
        ),
    );
    Value::Object(o)
}

/// A 5.x detection's `rba` block as contentctl dumps it (`{}` without one).
fn rba(d: &Detection) -> Value {
    if d.risk_source != RiskSource::Rba {
        return json!({});
    }
    let mut risk_objects: Vec<&crate::model::RiskObject> = d.risk_objects.iter().collect();
    risk_objects.sort_by(|a, b| {
        (&a.field.value, &a.object_type.value).cmp(&(&b.field.value, &b.object_type.value))
    });
    let mut threat_objects: Vec<&crate::model::ThreatObject> = d.threat_objects.iter().collect();
    threat_objects.sort_by(|a, b| {
        (&a.field.value, &a.object_type.value).cmp(&(&b.field.value, &b.object_type.value))
    });
    // contentctl keeps them in sets, dumped sorted.
    json!({
        "message": opt(&d.message),
        "risk_objects": risk_objects.iter().map(|r| json!({
            "risk_object_field": r.field.value,
            "risk_object_type": r.object_type.value,
            "risk_score": r.score.map(|s| s.value),
        })).collect::<Vec<_>>(),
        "threat_objects": threat_objects.iter().map(|t| json!({
            "threat_object_field": t.field.value,
            "threat_object_type": t.object_type.value,
        })).collect::<Vec<_>>(),
    })
}

/// contentctl 4.4.7's optional boolean written as `"true"` / `"false"` (unset: false).
fn python_bool(value: &Option<String>) -> &'static str {
    match value.as_deref().map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("true") => "true",
        _ => "false",
    }
}

fn int_or_null(value: &Option<String>) -> Value {
    value
        .as_deref()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(Value::Null, |v| json!(v))
}

fn str_or_null(value: &Option<String>) -> Value {
    value.as_ref().map_or(Value::Null, |v| json!(v))
}

/// A lookup as a detection's `lookups` list holds it.
fn detection_lookup(l: &LookupView, source: Option<&str>, five: bool) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(l.name));
    o.insert("description".into(), str_or_null(&l.description));
    if l.lookup_type == "kvstore" {
        o.insert("collection".into(), str_or_null(&l.collection));
        o.insert("case_sensitive_match".into(), Value::Null);
        o.insert("fields_list".into(), str_or_null(&l.fields_list));
        return Value::Object(o);
    }
    let filename = if five {
        source.map(str::to_owned)
    } else {
        l.filename.clone()
    };
    o.insert("filename".into(), str_or_null(&filename));
    let or_empty = |v: &Option<String>| {
        if five {
            json!(v.clone().unwrap_or_default())
        } else {
            str_or_null(v)
        }
    };
    if five {
        o.insert("default_match".into(), or_empty(&l.default_match));
    } else {
        o.insert("default_match".into(), json!(python_bool(&l.default_match)));
    }
    // contentctl's boolean, `false` unless set.
    let case_sensitive = l.case_sensitive_match.as_deref().unwrap_or("false");
    o.insert("case_sensitive_match".into(), json!(case_sensitive));
    o.insert("match_type".into(), or_empty(&l.match_type));
    o.insert("min_matches".into(), int_or_null(&l.min_matches));
    if !five {
        o.insert("fields_list".into(), Value::Null);
    }
    Value::Object(o)
}

/// A lookup of `lookups.json`.
fn lookup_entry(l: &LookupView, five: bool) -> Value {
    let mut o = Map::new();
    if five {
        match l.lookup_type.as_str() {
            "kvstore" => {
                o.insert("collection".into(), str_or_null(&l.collection));
                o.insert("fields_list".into(), str_or_null(&l.fields_list));
            }
            "csv" => {
                o.insert("filename".into(), str_or_null(&l.filename));
            }
            _ => {}
        }
        // contentctl 5's defaults: `""` for both (a match type list joined).
        let or_empty = |v: &Option<String>| json!(v.clone().unwrap_or_default());
        o.insert("default_match".into(), or_empty(&l.default_match));
        o.insert("match_type".into(), or_empty(&l.match_type));
        o.insert("min_matches".into(), int_or_null(&l.min_matches));
        o.insert("max_matches".into(), int_or_null(&l.max_matches));
        o.insert(
            "case_sensitive_match".into(),
            json!(l.case_sensitive_match.as_deref().unwrap_or("false")),
        );
    } else {
        o.insert("filename".into(), str_or_null(&l.filename));
        o.insert("default_match".into(), json!(python_bool(&l.default_match)));
        o.insert("match_type".into(), str_or_null(&l.match_type));
        o.insert("min_matches".into(), int_or_null(&l.min_matches));
        o.insert(
            "case_sensitive_match".into(),
            json!(python_bool(&l.case_sensitive_match)),
        );
        o.insert("collection".into(), str_or_null(&l.collection));
        o.insert("fields_list".into(), str_or_null(&l.fields_list));
    }
    o.insert("name".into(), json!(l.name));
    o.insert("description".into(), str_or_null(&l.description));
    Value::Object(o)
}

fn stories(input: &ApiInput<'_>, detections: &HashMap<&str, &DetectionView>) -> Vec<Value> {
    let label = &input.app.label;
    input
        .content
        .stories
        .iter()
        .map(|s| {
            let name = s.header.name();
            // A detection that lists the story twice is added to it twice, as contentctl 4
            // does (contentctl 5 rejects the detection).
            let times_in_story =
                |stories: &[Text]| stories.iter().filter(|t| t.value == name).count();
            let story_detections: Vec<&Detection> = (input.content.detections.iter())
                .filter(|d| detections.contains_key(d.name()))
                .flat_map(|d| std::iter::repeat_n(d, times_in_story(&d.analytic_stories)))
                .collect();
            // contentctl computes the story's data models in a validator that last runs
            // as the story's last detection is read, before that detection is added to
            // it: every detection's data models but the last one's.
            let mut datamodels: Vec<String> = Vec::new();
            let before_last = story_detections.len().saturating_sub(1);
            for d in &story_detections[..before_last] {
                for dm in &detections[d.name()].datamodel {
                    if !datamodels.contains(dm) {
                        datamodels.push(dm.clone());
                    }
                }
            }
            let mut tags = Map::new();
            tags.insert("category".into(), names(&s.category));
            tags.insert("product".into(), names(&s.products));
            tags.insert("usecase".into(), opt(&s.usecase));
            tags.insert("mitre_attack_enrichments".into(), json!([]));
            tags.insert("mitre_attack_tactics".into(), json!([]));
            tags.insert("datamodels".into(), json!(datamodels));
            tags.insert("kill_chain_phases".into(), json!([]));
            let mut o = header(&s.header, &s.references);
            o.insert("narrative".into(), opt(&s.narrative));
            o.insert("tags".into(), Value::Object(tags));
            o.insert(
                "detection_names".into(),
                json!(
                    story_detections
                        .iter()
                        .map(|d| format!("{label} - {} - Rule", d.name()))
                        .collect::<Vec<_>>()
                ),
            );
            let investigations: Vec<String> = (input.view.investigations.iter())
                .filter(|i| i.analytic_stories.iter().any(|st| st == name))
                .map(|i| i.name.clone())
                .collect();
            o.insert("investigation_names".into(), json!(investigations));
            // contentctl never links a story to its baselines (`Story.baselines` stays
            // empty), so this list is always empty.
            o.insert("baseline_names".into(), json!([]));
            let author = text(&s.header.author);
            let (author_name, author_company) = match author.split_once(',') {
                Some((person, company)) => (person.trim().to_owned(), company.trim().to_owned()),
                None => (author.trim().to_owned(), "no".to_owned()),
            };
            o.insert("author_company".into(), json!(author_company));
            o.insert("author_name".into(), json!(author_name));
            o.insert(
                "detections".into(),
                Value::Array(
                    story_detections
                        .iter()
                        .map(|d| {
                            json!({
                                "name": d.name(),
                                "source": (input.source_of)(d.header.file),
                                "type": opt(&d.detection_type),
                                "tags": [],
                            })
                        })
                        .collect(),
                ),
            );
            Value::Object(o)
        })
        .collect()
}
