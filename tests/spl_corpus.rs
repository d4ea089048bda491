//! The SPL analyser on the production detections of the real content: the exact list of
//! placeholders the searches do not output, each one a genuine bug of the content (see
//! `docs/spl.md` for the reasons), and no false positive.
//!
//! Reads `../shared/corpus/security_content-2024-10`; skips with a message when it is absent.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use granit_parser::{Event, Parser};
use splforge::spl::{Analysis, Limits, MacroDef, MacroTable, ProblemKind, analyze_with_lookups};

/// Just enough YAML for this test: scalars, sequences, mappings.
#[derive(Debug, Clone)]
enum Yaml {
    Scalar(String),
    Seq(Vec<Yaml>),
    Map(BTreeMap<String, Yaml>),
}

impl Yaml {
    fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(map) => map.get(key),
            _ => None,
        }
    }
    fn str(&self) -> Option<&str> {
        match self {
            Yaml::Scalar(s) => Some(s),
            _ => None,
        }
    }
    fn items(&self) -> &[Yaml] {
        match self {
            Yaml::Seq(items) => items,
            _ => &[],
        }
    }
}

fn load_yaml(text: &str) -> Option<Yaml> {
    let mut stack: Vec<(Yaml, Option<String>)> = Vec::new();
    let mut root = None;
    for next in Parser::new_from_str(text) {
        let (event, _) = next.ok()?;
        let node = match event {
            Event::Scalar(value, ..) => Yaml::Scalar(value.into_owned()),
            Event::SequenceStart(..) => {
                stack.push((Yaml::Seq(Vec::new()), None));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push((Yaml::Map(BTreeMap::new()), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => stack.pop()?.0,
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some((Yaml::Seq(items), _)) => items.push(node),
            Some((Yaml::Map(map), pending)) => match pending.take() {
                Some(key) => {
                    map.insert(key, node);
                }
                None => *pending = node.str().map(String::from),
            },
            Some((Yaml::Scalar(_), _)) => return None,
        }
    }
    root
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

fn corpus_root() -> Option<PathBuf> {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/security_content-2024-10");
    root.is_dir().then_some(root)
}

fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('$') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('$') else { break };
        let token = &after[..close];
        if !token.is_empty() && !token.contains(char::is_whitespace) {
            out.push(token.to_string());
            rest = &after[close + 1..];
        } else {
            rest = after;
        }
    }
    out
}

struct Corpus {
    macros: MacroTable,
    lookups: HashMap<String, Vec<String>>,
    detections: Vec<(String, Yaml)>,
}

fn load(root: &Path) -> Corpus {
    let mut macros = MacroTable::with_external_macros();
    for path in yaml_files(&root.join("macros")) {
        let Some(doc) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| load_yaml(&t))
        else {
            continue;
        };
        let name = doc.get("name").and_then(Yaml::str).unwrap_or_default();
        macros.insert(MacroDef {
            name: name.to_string(),
            arguments: doc
                .get("arguments")
                .map(|a| {
                    a.items()
                        .iter()
                        .filter_map(Yaml::str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            definition: doc
                .get("definition")
                .and_then(Yaml::str)
                .unwrap_or_default()
                .to_string(),
        });
    }
    let mut lookups = HashMap::new();
    for path in yaml_files(&root.join("lookups")) {
        let Some(doc) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| load_yaml(&t))
        else {
            continue;
        };
        let Some(filename) = doc.get("filename").and_then(Yaml::str) else {
            continue;
        };
        let Ok(csv) = std::fs::read_to_string(root.join("lookups").join(filename)) else {
            continue;
        };
        let header = csv.lines().next().unwrap_or_default();
        let columns: Vec<String> = header
            .split(',')
            .map(|c| c.trim_matches('"').trim().to_string())
            .collect();
        for key in [doc.get("name").and_then(Yaml::str), Some(filename)]
            .into_iter()
            .flatten()
        {
            lookups.insert(key.to_string(), columns.clone());
        }
    }
    let mut detections = Vec::new();
    for path in yaml_files(&root.join("detections")) {
        if let Some(doc) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| load_yaml(&t))
        {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string();
            detections.push((rel, doc));
        }
    }
    Corpus {
        macros,
        lookups,
        detections,
    }
}

/// `(file, place, token)` for every placeholder the search does not output.
fn missing_placeholders(
    file: &str,
    doc: &Yaml,
    analysis: &Analysis,
) -> Vec<(String, String, String)> {
    let mut tokens = Vec::new();
    let tags = doc.get("tags");
    if let Some(message) = tags.and_then(|t| t.get("message")).and_then(Yaml::str) {
        tokens.extend(placeholders(message).into_iter().map(|t| ("message", t)));
    }
    for observable in tags
        .and_then(|t| t.get("observable"))
        .map(Yaml::items)
        .unwrap_or_default()
    {
        if let Some(name) = observable.get("name").and_then(Yaml::str) {
            tokens.push(("observable", name.to_string()));
        }
    }
    for drilldown in doc
        .get("drilldown_searches")
        .map(Yaml::items)
        .unwrap_or_default()
    {
        for key in ["name", "search"] {
            if let Some(text) = drilldown.get(key).and_then(Yaml::str) {
                tokens.extend(placeholders(text).into_iter().map(|t| ("drilldown", t)));
            }
        }
    }
    tokens.sort();
    tokens.dedup();
    tokens
        .into_iter()
        .filter(|(_, t)| t != "info_min_time" && t != "info_max_time")
        .filter(|(_, t)| analysis.output.contains(t) == Some(false))
        .map(|(place, t)| (file.to_string(), place.to_string(), t))
        .collect()
}

#[test]
fn production_placeholders_are_output_except_the_known_content_bugs() {
    let Some(root) = corpus_root() else {
        eprintln!("skipped: corpus ../shared/corpus/security_content-2024-10 not found");
        return;
    };
    let corpus = load(&root);
    assert!(corpus.detections.len() > 1500, "corpus not loaded");
    let limits = Limits::default();
    let mut missing = Vec::new();
    let mut problems = Vec::new();
    let mut unproduced = Vec::new();
    for (file, doc) in &corpus.detections {
        if doc.get("status").and_then(Yaml::str) != Some("production") {
            continue;
        }
        let search = doc.get("search").and_then(Yaml::str).unwrap_or_default();
        let analysis = analyze_with_lookups(search, &corpus.macros, &limits, &corpus.lookups);
        missing.extend(missing_placeholders(file, doc, &analysis));
        for problem in &analysis.problems {
            problems.push((file.clone(), problem.kind.clone()));
        }
        for reference in analysis.unproduced_references() {
            unproduced.push((file.clone(), reference.name.clone()));
        }
    }
    let expected: Vec<(String, String, String)> = [
        ("detections/application/detect_distributed_password_spray_attempts.yml", "message", "src"),
        ("detections/application/detect_distributed_password_spray_attempts.yml", "observable", "src"),
        ("detections/cloud/azure_ad_multi_source_failed_authentications_spike.yml", "message", "_time"),
        ("detections/cloud/detect_aws_console_login_by_user_from_new_city.yml", "message", "City"),
        ("detections/cloud/detect_aws_console_login_by_user_from_new_country.yml", "message", "Country"),
        ("detections/cloud/detect_aws_console_login_by_user_from_new_region.yml", "message", "Region"),
        ("detections/endpoint/getlocaluser_with_powershell_script_block.yml", "message", "user"),
        ("detections/endpoint/getnettcpconnection_with_powershell_script_block.yml", "message", "user"),
        ("detections/endpoint/linux_auditd_possible_append_cronjob_entry_on_existing_cronjob_file.yml", "message", "type"),
        ("detections/endpoint/network_share_discovery_via_dir_command.yml", "message", "user"),
        ("detections/endpoint/powershell_4104_hunting.yml", "message", "host"),
    ]
    .into_iter()
    .map(|(f, p, t)| (f.to_string(), p.to_string(), t.to_string()))
    .collect();
    assert_eq!(missing, expected);

    // The only problems are filter macros that are not the last stage, all genuine.
    let not_last: Vec<&str> = problems
        .iter()
        .map(|(file, kind)| {
            assert!(
                matches!(kind, ProblemKind::FilterMacroNotLast { .. }),
                "{file}: {kind}"
            );
            file.as_str()
        })
        .collect();
    assert_eq!(
        not_last,
        [
            "detections/cloud/o365_dlp_rule_triggered.yml",
            "detections/endpoint/detect_password_spray_attack_behavior_from_source.yml",
            "detections/endpoint/detect_password_spray_attack_behavior_on_user.yml",
            "detections/endpoint/malicious_powershell_process_with_obfuscation_techniques.yml",
            "detections/endpoint/windows_adfind_exe.yml",
            "detections/endpoint/windows_multiple_ntlm_null_domain_authentications.yml",
            "detections/endpoint/windows_unusual_ntlm_authentication_destinations_by_source.yml",
            "detections/endpoint/windows_unusual_ntlm_authentication_destinations_by_user.yml",
            "detections/endpoint/windows_unusual_ntlm_authentication_users_by_destination.yml",
            "detections/endpoint/windows_unusual_ntlm_authentication_users_by_source.yml",
        ]
    );

    // `table` columns nothing upstream produces (a warning, not a placeholder finding): all
    // genuine. `tstats ... by Processes.path` gives `path`, not `process_path`; `reg_key_name`
    // is never computed; `record_type` is only used in the `where` of the `tstats`.
    let unproduced: Vec<(&str, &str)> = unproduced
        .iter()
        .map(|(f, n)| (f.as_str(), n.as_str()))
        .collect();
    assert_eq!(
        unproduced,
        [
            (
                "detections/endpoint/process_creating_lnk_file_in_suspicious_location.yml",
                "process_path"
            ),
            (
                "detections/endpoint/windows_modify_registry_with_md5_reg_key_name.yml",
                "reg_key_name"
            ),
            (
                "detections/network/dns_query_length_with_high_standard_deviation.yml",
                "record_type"
            ),
        ]
    );
}
