//! Issue 10, item 4: every `.conf` that `build` writes for the corpus, read back by Splunk's
//! rules (`support::conf`), holds exactly one stanza per model object with exactly the
//! model's values. Expected values come from the model (the library's `Content`), through
//! `render::conf::read_back` (trimmed; each line break after one space, the space
//! contentctl writes before its `\`), never from the output itself.

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use splforge::model::{Content, Deployment, Text};
use splforge::render::conf::read_back;
use support::conf::{Stanza, read_conf};

fn text(t: &Option<Text>) -> String {
    t.as_ref().map(|t| t.value.clone()).unwrap_or_default()
}

/// The stanzas of one `.conf` by name; a file that does not read (a stray line, a stanza or
/// key twice) fails the test.
fn read(app: &Path, file: &str) -> BTreeMap<String, Stanza> {
    let body = std::fs::read_to_string(app.join("default").join(file)).unwrap();
    let stanzas = read_conf(&body).unwrap_or_else(|e| panic!("{file}: {e:#?}"));
    stanzas.into_iter().map(|s| (s.name.clone(), s)).collect()
}

/// Compares `key` of `stanza` with what the model says, collecting differences.
struct Checker {
    failures: Vec<String>,
    compared: usize,
}

impl Checker {
    fn value(&mut self, stanza: &Stanza, key: &str, expected: &str) {
        self.compared += 1;
        if stanza.get(key) != Some(expected) {
            self.failures.push(format!(
                "[{}] {key}: {:?}, model {expected:?}",
                stanza.name,
                stanza.get(key)
            ));
        }
    }

    /// A JSON list value (`tojson`) against the model's strings.
    fn json_list(&mut self, stanza: &Stanza, key: &str, expected: &[String]) {
        let parsed: Option<Vec<String>> = stanza
            .get(key)
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .and_then(|v| serde_json::from_value(v).ok());
        self.compared += 1;
        if parsed.as_deref() != Some(expected) {
            self.failures.push(format!(
                "[{}] {key}: {parsed:?}, model {expected:?}",
                stanza.name
            ));
        }
    }
}

/// The deployment whose schedule a detection type gets: the one named `ESCU Default
/// Configuration <type>`, else the first of that type.
fn deployment<'a>(content: &'a Content, detection_type: &str) -> Option<&'a Deployment> {
    let named = format!("ESCU Default Configuration {detection_type}");
    let of_type =
        |d: &&Deployment| d.detection_type.as_ref().map(|t| t.as_str()) == Some(detection_type);
    let mut deployments = content.deployments.iter();
    deployments
        .clone()
        .find(|d| d.header.name() == named)
        .or_else(|| deployments.find(of_type))
}

#[cfg_attr(
    not(has_corpus),
    ignore = "needs the corpus: ../shared/corpus/security_content-2024-10, or $SPLFORGE_CORPUS when built"
)]
#[test]
fn every_conf_of_the_corpus_build_reads_back_to_the_model() {
    let Some(corpus) = support::corpus() else {
        eprintln!("skipped: corpus not found (../shared or $SPLFORGE_CORPUS)");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let report = support::build_into(&corpus, out.path());
    let repository = splforge::load::load_repository(&corpus, Default::default());
    let content = Content::build(&repository);
    let (config, _) = splforge::config::Config::discover(&corpus).unwrap();
    let label = &config.app.label;
    let mut check = Checker {
        failures: Vec::new(),
        compared: 0,
    };

    let saved = read(&report.app_dir, "savedsearches.conf");
    let stories = read(&report.app_dir, "analyticstories.conf");
    let mut expected_saved = 0;
    for d in &content.detections {
        let kind = text(&d.detection_type);
        if !["TTP", "Anomaly", "Hunting", "Correlation"].contains(&kind.as_str()) {
            continue;
        }
        expected_saved += 1;
        let name = format!("{label} - {} - Rule", d.name());
        let Some(s) = saved.get(&name) else {
            check.failures.push(format!("no [{name}]"));
            continue;
        };
        let description = read_back(&text(&d.header.description));
        match d.status() {
            Some("deprecated" | "experimental") => {
                let written = s.get("description").unwrap_or_default();
                check.compared += 1;
                if !(written.starts_with("**WARNING**") && written.ends_with(&description)) {
                    check
                        .failures
                        .push(format!("[{name}] description: {written:?}"));
                }
            }
            _ => check.value(s, "description", &description),
        }
        check.value(s, "action.escu.eli5", &description);
        check.value(s, "search", &read_back(&text(&d.search)));
        let how = read_back(&text(&d.how_to_implement));
        let how = if how.is_empty() {
            "none".to_owned()
        } else {
            how
        };
        check.value(s, "action.escu.how_to_implement", &how);
        let fps = read_back(&text(&d.known_false_positives));
        let fps = if fps.is_empty() {
            "None".to_owned()
        } else {
            fps
        };
        check.value(s, "action.escu.known_false_positives", &fps);
        check.value(s, "action.escu.creation_date", &text(&d.header.date));
        check.value(s, "action.correlationsearch.label", &name);
        if let Some(dep) = deployment(&content, &kind) {
            check.value(s, "cron_schedule", &text(&dep.cron_schedule));
            check.value(s, "dispatch.earliest_time", &text(&dep.earliest_time));
            check.value(s, "dispatch.latest_time", &text(&dep.latest_time));
        }
        let mut story_names: Vec<String> =
            d.analytic_stories.iter().map(|t| t.value.clone()).collect();
        story_names.sort();
        check.json_list(s, "action.escu.analytic_story", &story_names);

        let Some(e) = stories.get(&format!("savedsearch://{name}")) else {
            check.failures.push(format!("no [savedsearch://{name}]"));
            continue;
        };
        check.value(e, "explanation", &description);
        check.value(
            e,
            "how_to_implement",
            &read_back(&text(&d.how_to_implement)),
        );
        check.value(e, "asset_type", &read_back(&text(&d.asset_type)));
    }
    for b in &content.baselines {
        expected_saved += 1;
        let name = format!("{label} - {}", b.header.name());
        let Some(s) = saved.get(&name) else {
            check.failures.push(format!("no [{name}]"));
            continue;
        };
        check.value(s, "search", &read_back(&text(&b.search)));
        check.value(s, "description", &read_back(&text(&b.header.description)));
        check.value(
            s,
            "action.escu.how_to_implement",
            &read_back(&text(&b.how_to_implement)),
        );
    }
    for i in &content.investigations {
        expected_saved += 1;
        let name = format!("{label} - {} - Response Task", i.header.name());
        let Some(s) = saved.get(&name) else {
            check.failures.push(format!("no [{name}]"));
            continue;
        };
        check.value(s, "search", &read_back(&text(&i.search)));
        check.value(s, "description", &read_back(&text(&i.header.description)));
    }
    assert_eq!(
        saved.len(),
        expected_saved,
        "savedsearches.conf: one stanza per object"
    );

    for story in &content.stories {
        let name = format!("analytic_story://{}", story.header.name());
        let Some(s) = stories.get(&name) else {
            check.failures.push(format!("no [{name}]"));
            continue;
        };
        check.value(
            s,
            "description",
            &read_back(&text(&story.header.description)),
        );
        if let Some(narrative) = &story.narrative {
            check.value(s, "narrative", &read_back(&narrative.value));
        }
        check.value(s, "last_updated", &text(&story.header.date));
        check.value(s, "version", &text(&story.header.version));
        let category = story.category.first().map(|c| c.value.clone());
        check.value(s, "category", &category.unwrap_or_default());
    }

    let macros = read(&report.app_dir, "macros.conf");
    for m in &content.macros {
        let name = m.stanza_name();
        let Some(s) = macros.get(&name) else {
            check.failures.push(format!("no [{name}] in macros.conf"));
            continue;
        };
        check.value(s, "definition", &read_back(&text(&m.definition)));
        check.value(s, "description", &read_back(&text(&m.header.description)));
        if !m.arguments.is_empty() {
            let args: Vec<&str> = m.arguments.iter().map(|a| a.as_str()).collect();
            check.value(s, "args", &args.join(", "));
        }
    }
    // The rest are the `<detection>_filter` macros contentctl generates.
    let generated = macros.len() - content.macros.len();
    assert!(
        macros
            .values()
            .filter(|s| s.get("definition") == Some("search *"))
            .count()
            >= generated,
        "macros.conf has stanzas that are neither content nor generated filters"
    );

    let transforms = read(&report.app_dir, "transforms.conf");
    for l in &content.lookups {
        let name = l.header.name();
        let Some(s) = transforms.get(name) else {
            check
                .failures
                .push(format!("no [{name}] in transforms.conf"));
            continue;
        };
        if let Some(filename) = &l.filename {
            let base = filename
                .value
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or_default();
            check.value(s, "filename", base);
        } else {
            check.value(s, "collection", &read_back(&text(&l.collection)));
        }
        for (key, value) in [
            ("match_type", &l.match_type),
            ("max_matches", &l.max_matches),
            ("min_matches", &l.min_matches),
            ("fields_list", &l.fields_list),
            ("filter", &l.filter),
        ] {
            if let Some(v) = value {
                check.value(s, key, &read_back(&v.value));
            }
        }
    }

    eprintln!(
        "round trip: {} values compared over {} saved searches, {} stories, {} macros, {} lookups",
        check.compared,
        saved.len(),
        content.stories.len(),
        macros.len(),
        content.lookups.len()
    );
    assert!(
        check.failures.is_empty(),
        "{} values differ from the model:\n{}",
        check.failures.len(),
        check.failures.join("\n")
    );
}
