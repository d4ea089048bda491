//! The schema pre-check (`check::schema::native`) against `jsonschema`, its reference:
//! `Valid` must mean `jsonschema` finds nothing, `Invalid` that it finds something. Checked
//! on every file of the bundled content, the 2022 and 5.x samples and the real corpus (when
//! present), and on documents mutated at random from them.

use crate::support;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use splforge::check::schema::{Verdict, precheck, validate_without_precheck};
use splforge::load::{ContentKind, LoadLimits, Node, Repository, Value, load_repository};
use splforge::model::{Content, Generation, file_generation, root_mapping};

/// Every content repository the tests can see: bundled, samples, and the corpus.
fn repositories() -> Vec<PathBuf> {
    let mut roots = vec![support::crate_root()];
    for relative in [
        "golden/2022/inputs",
        "corpus/contentctl-5-samples",
        "reference/contentctl-5.6.2-init/input",
    ] {
        roots.extend(support::shared(relative));
    }
    roots.extend(support::corpus());
    roots
}

/// The documents of a repository with the kind and generation their schema is chosen by.
fn documents(root: &Path) -> Vec<(PathBuf, Node, ContentKind, Generation)> {
    let repository: Repository = load_repository(root, LoadLimits::default());
    let content = Content::build(&repository);
    repository
        .files
        .iter()
        .filter_map(|loaded| {
            let document = root_mapping(loaded)?.clone();
            let generation = file_generation(loaded).unwrap_or(content.generation);
            Some((
                loaded.source.path.clone(),
                document,
                loaded.kind,
                generation,
            ))
        })
        .collect()
}

/// The pre-check agrees with `jsonschema` on `document`; returns the pre-check's verdict.
fn assert_agrees(
    path: &Path,
    document: &Node,
    kind: ContentKind,
    generation: Generation,
) -> Verdict {
    let Some(verdict) = precheck(document, kind, generation) else {
        return Verdict::Unknown;
    };
    let violations = validate_without_precheck(document, kind, generation)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match verdict {
        Verdict::Valid => assert!(
            violations.is_empty(),
            "{}: pre-check says valid, jsonschema says {violations:#?}",
            path.display()
        ),
        Verdict::Invalid => assert!(
            !violations.is_empty(),
            "{}: pre-check says invalid, jsonschema finds nothing",
            path.display()
        ),
        Verdict::Unknown => {}
    }
    verdict
}

#[test]
fn every_file_gets_the_answer_jsonschema_gives() {
    if support::corpus().is_none() {
        eprintln!(
            "corpus not found (../shared or $SPLFORGE_CORPUS): checking the bundled content and samples only"
        );
    }
    for root in repositories() {
        let (mut valid, mut clean) = (0, 0);
        let documents = documents(&root);
        for (path, document, kind, generation) in &documents {
            let verdict = assert_agrees(path, document, *kind, *generation);
            if verdict == Verdict::Unknown {
                eprintln!("  not proven: {}", path.display());
            }
            valid += usize::from(verdict == Verdict::Valid);
            clean += usize::from(
                validate_without_precheck(document, *kind, *generation).is_ok_and(|v| v.is_empty()),
            );
        }
        eprintln!(
            "{}: {} documents, {clean} valid, {valid} of them proven by the pre-check",
            root.display(),
            documents.len()
        );
        // The pre-check is only worth having if it proves nearly every valid file of a
        // real repository (a handful of samples may all be edge cases).
        assert!(
            clean < 100 || valid * 100 >= clean * 95,
            "{}: the pre-check proved only {valid} of {clean} valid documents",
            root.display()
        );
    }
}

/// The values a mutation puts into a document: every JSON type, and strings near the
/// edges of the schemas' formats, patterns and enums.
fn replacement() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        Just(String::new()),
        Just("x".to_owned()),
        Just("production".to_owned()),
        Just("TTP".to_owned()),
        Just("Victim".to_owned()),
        Just("T1059.001".to_owned()),
        Just("T10599".to_owned()),
        Just("CVE-2021-44228".to_owned()),
        Just("https://example.com/a".to_owned()),
        Just("ftp://example.com".to_owned()),
        Just("2024-02-29".to_owned()),
        Just("2023-02-29".to_owned()),
        Just("2024-1-05".to_owned()),
        Just("0b6f8a4e-1d2c-4f3a-9b8c-7d6e5f4a3b2c".to_owned()),
        Just("0B6F8A4E-1D2C-4F3A-9B8C-7D6E5F4A3B2C".to_owned()),
        Just("0b6f8a4e1d2c4f3a9b8c7d6e5f4a3b2c".to_owned()),
        Just("{0b6f8a4e-1d2c-4f3a-9b8c-7d6e5f4a3b2c}".to_owned()),
        Just("| search %original_detection_search%".to_owned()),
        Just("10m".to_owned()),
        Just("CIDR(src)".to_owned()),
        Just("café".to_owned()),
        Just("١٢٣".to_owned()),
        "[a-z0-9 _/-]{0,12}",
    ];
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(-1),
            Just(50),
            Just(100),
            Just(101)
        ]
        .prop_map(Value::Int),
        prop_oneof![Just(1.0f64), Just(0.5), Just(f64::NAN)].prop_map(Value::Float),
        text.clone().prop_map(|t| scalar(&t)),
        prop::collection::vec(text, 0..3)
            .prop_map(|items| Value::Seq(items.iter().map(|t| node(scalar(t))).collect())),
        Just(Value::Map(Default::default())),
    ]
}

/// One change to a document at its `target`-th node (in preorder, modulo the node count).
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    RemoveEntry(usize),
    AddEntry(usize, String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let key = prop_oneof![
        Just("name"),
        Just("id"),
        Just("status"),
        Just("type"),
        Just("tests"),
        Just("tags"),
        Just("manual_test"),
        Just("drilldown_searches"),
        Just("observable"),
        Just("role"),
        Just("search"),
        Just("unknown_key"),
    ]
    .prop_map(str::to_owned);
    prop_oneof![
        (any::<usize>(), replacement()).prop_map(|(at, v)| Mutation::Replace(at, v)),
        any::<usize>().prop_map(Mutation::RemoveEntry),
        (any::<usize>(), key, replacement()).prop_map(|(at, k, v)| Mutation::AddEntry(at, k, v)),
    ]
}

fn count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(count).sum(),
        Value::Map(m) => m.entries.iter().map(|(_, v)| count(v)).sum(),
        _ => 0,
    }
}

/// Calls `change` on the `index`-th node in preorder (values only, not keys).
fn at_nth(node: &mut Node, index: &mut usize, change: &mut dyn FnMut(&mut Node)) -> bool {
    if *index == 0 {
        change(node);
        return true;
    }
    *index -= 1;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().any(|n| at_nth(n, index, change)),
        Value::Map(m) => m.entries.iter_mut().any(|(_, v)| at_nth(v, index, change)),
        _ => false,
    }
}

fn scalar(text: &str) -> Value {
    Value::Str(splforge::load::yaml::Scalar {
        text: text.to_owned(),
        style: splforge::load::yaml::Style::Plain,
        is_timestamp: false,
    })
}

fn node(value: Value) -> Node {
    Node {
        span: Default::default(),
        value,
    }
}

fn apply(document: &mut Node, mutation: &Mutation) {
    let at = match mutation {
        Mutation::Replace(at, _) | Mutation::RemoveEntry(at) | Mutation::AddEntry(at, ..) => *at,
    };
    let mut index = at % count(document);
    at_nth(
        document,
        &mut index,
        &mut |target| match (mutation, &mut target.value) {
            (Mutation::Replace(_, value), _) => target.value = value.clone(),
            (Mutation::RemoveEntry(_), Value::Map(m)) if !m.entries.is_empty() => {
                let i = at % m.entries.len();
                m.entries.remove(i);
            }
            (Mutation::AddEntry(_, key, value), Value::Map(m)) => {
                m.entries.retain(|(k, _)| k.as_str() != Some(key.as_str()));
                m.entries.push((node(scalar(key)), node(value.clone())));
            }
            _ => {}
        },
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_documents_get_the_answer_jsonschema_gives(
        file in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        thread_local! {
            static DOCUMENTS: Vec<(PathBuf, Node, ContentKind, Generation)> = repositories()
                .iter()
                .take(4) // the bundled content and samples: the corpus adds nothing new here
                .flat_map(|root| documents(root))
                .collect();
        }
        DOCUMENTS.with(|documents| {
            let (path, document, kind, generation) = &documents[file % documents.len()];
            let mut document = document.clone();
            for mutation in &mutations {
                apply(&mut document, mutation);
            }
            assert_agrees(path, &document, *kind, *generation);
        });
    }
}
