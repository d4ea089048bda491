//! Property tests of the YAML loader and `load::scalar_position` (issue 10): no input
//! panics the parser, spans always slice the text, generated documents parse back to the
//! values they were written from, and positions inside scalars of every style map back
//! to the character they came from.

use proptest::prelude::*;
use splforge::load::scalar_position::source_offset;
use splforge::load::source::LineIndex;
use splforge::load::yaml::{Node, Value, YamlLimits, parse};

fn limits() -> YamlLimits {
    YamlLimits {
        max_depth: 32,
        max_nodes: 10_000,
    }
}

/// Every span of the tree slices `text` (inside it, on character boundaries).
fn assert_spans_slice(text: &str, node: &Node) {
    assert!(
        text.get(node.span.range()).is_some(),
        "span {:?} does not slice a {}-byte text",
        node.span,
        text.len()
    );
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| assert_spans_slice(text, n)),
        Value::Map(m) => m.entries.iter().for_each(|(k, v)| {
            assert_spans_slice(text, k);
            assert_spans_slice(text, v);
        }),
        _ => {}
    }
}

/// Text that looks like YAML often enough to reach deep into the parser.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("\n".to_owned()),
        Just("  ".to_owned()),
        Just("- ".to_owned()),
        Just(": ".to_owned()),
        Just("key".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just(", ".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("\\u00e9".to_owned()),
        Just("|\n".to_owned()),
        Just(">-\n".to_owned()),
        Just("---\n".to_owned()),
        Just("? ".to_owned()),
        Just("!!str ".to_owned()),
        Just("# c\n".to_owned()),
        Just("\t".to_owned()),
        Just("\r\n".to_owned()),
        Just("\u{feff}".to_owned()),
        "[a-z0-9é$ ]{1,8}",
    ];
    prop::collection::vec(token, 0..60).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics_and_spans_slice(text in "\\PC{0,200}") {
        if let Ok(doc) = parse(&text, limits()) && let Some(root) = &doc.root {
            assert_spans_slice(&text, root);
        }
    }

    #[test]
    fn yaml_like_text_never_panics_and_spans_slice(text in yamlish()) {
        if let Ok(doc) = parse(&text, limits()) && let Some(root) = &doc.root {
            assert_spans_slice(&text, root);
            let _ = root.to_json();
        }
    }

    #[test]
    fn line_col_agrees_with_counting(text in "[a-zé\n\r\t]{0,80}", offset in 0usize..100) {
        let index = LineIndex::new(&text);
        let at = index.line_col(&text, offset);
        let mut clamped = offset.min(text.len());
        while !text.is_char_boundary(clamped) {
            clamped -= 1;
        }
        let before = &text[..clamped];
        prop_assert_eq!(at.line as usize, before.matches('\n').count() + 1);
        let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
        prop_assert_eq!(at.column as usize, column);
    }
}

/// A value tree to write out as YAML and read back.
#[derive(Debug, Clone)]
enum Tree {
    Str(String),
    Int(i64),
    Seq(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        "\\PC{0,12}".prop_map(Tree::Str),
        any::<i64>().prop_map(Tree::Int),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Tree::Seq),
            prop::collection::vec(("k_[a-z_]{0,8}", inner), 0..6).prop_map(|entries| {
                // Unique keys: a duplicate is a finding, not a value.
                let mut seen = std::collections::HashSet::new();
                Tree::Map(
                    entries
                        .into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                )
            }),
        ]
    })
}

/// Double-quoted YAML for any string: escapes for quotes, backslashes and controls.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{feff}' || ('\u{2028}'..='\u{2029}').contains(&c) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a tree as block YAML at `indent` (the caller has written the key or dash).
fn emit(tree: &Tree, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match tree {
        Tree::Str(s) => out.push_str(&format!(" {}\n", quoted(s))),
        Tree::Int(i) => out.push_str(&format!(" {i}\n")),
        Tree::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        Tree::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Tree::Seq(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&format!("{pad}-"));
                emit(item, indent + 2, out);
            }
        }
        Tree::Map(entries) => {
            out.push('\n');
            for (key, value) in entries {
                out.push_str(&format!("{pad}{key}:"));
                emit(value, indent + 2, out);
            }
        }
    }
}

fn same(tree: &Tree, node: &Node) -> bool {
    match (tree, &node.value) {
        (Tree::Str(s), Value::Str(scalar)) => *s == scalar.text,
        (Tree::Int(i), Value::Int(j)) => i == j,
        (Tree::Seq(a), Value::Seq(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(t, n)| same(t, n))
        }
        (Tree::Map(a), Value::Map(b)) => {
            a.len() == b.entries.len()
                && a.iter()
                    .zip(&b.entries)
                    .all(|((k, t), (kn, n))| kn.as_str() == Some(k) && same(t, n))
        }
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn written_trees_parse_back_to_their_values(entries in prop::collection::vec(("k_[a-z_]{0,8}", tree()), 1..6)) {
        let mut seen = std::collections::HashSet::new();
        let root = Tree::Map(entries.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect());
        let Tree::Map(top) = &root else { unreachable!() };
        let mut text = String::new();
        for (key, value) in top {
            text.push_str(&format!("{key}:"));
            emit(value, 2, &mut text);
        }
        let doc = parse(&text, YamlLimits::default()).unwrap_or_else(|e| panic!("{e}:\n{text}"));
        prop_assert!(doc.problems.is_empty());
        let node = doc.root.unwrap();
        assert_spans_slice(&text, &node);
        prop_assert!(same(&root, &node), "{text}\n{node:#?}");
    }
}

/// Words as users write them in searches and messages: `$field$`, pipes, quotes.
fn words() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-zA-Z0-9_$|=()*.,'\"é-]{1,10}", 1..16)
}

/// Writes `words` as a scalar of `style`, broken over lines after the words in `breaks`;
/// returns the document and the decoded value the parser must produce.
fn scalar_doc(style: usize, words: &[String], breaks: &[bool]) -> String {
    let line_break = |i: usize| breaks.get(i).copied().unwrap_or(false);
    let mut body = String::new();
    for (i, word) in words.iter().enumerate() {
        let word = match style {
            1 => word.replace('\'', "''"),
            2 => word.replace('\\', "\\\\").replace('"', "\\\""),
            _ => word.clone(),
        };
        body.push_str(&word);
        if i + 1 < words.len() {
            body.push_str(if line_break(i) { "\n  " } else { " " });
        }
    }
    match style {
        1 => format!("k: '{body}'\n"),
        2 => format!("k: \"{body}\"\n"),
        3 => format!("k: |\n  {body}\n"),
        _ => format!("k: >-\n  {body}\n"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// In single-quoted, double-quoted, literal and folded scalars, every character of the
    /// decoded value maps to that same character in the source.
    #[test]
    fn scalar_positions_point_at_the_same_character(
        style in 1usize..5,
        words in words(),
        breaks in prop::collection::vec(any::<bool>(), 0..16),
    ) {
        let text = scalar_doc(style, &words, &breaks);
        let doc = parse(&text, YamlLimits::default()).unwrap_or_else(|e| panic!("{e}:\n{text}"));
        let node = doc.root.unwrap().get("k").unwrap().clone();
        let Value::Str(scalar) = &node.value else {
            return Err(TestCaseError::fail(format!("not a string: {text}")));
        };
        for (offset, c) in scalar.text.char_indices().filter(|(_, c)| !c.is_whitespace()) {
            let at = source_offset(&text, node.span, scalar.style, &scalar.text, offset);
            prop_assert!(
                text[at..].starts_with(c),
                "value offset {} ({:?}) mapped to {} ({:?}) in {:?}",
                offset, c, at, &text[at..], text
            );
        }
    }

    /// Whatever the scalar, the mapped offset stays inside its span on a char boundary.
    #[test]
    fn scalar_positions_stay_inside_the_scalar(text in yamlish()) {
        let Ok(doc) = parse(&text, limits()) else { return Ok(()) };
        let Some(root) = doc.root else { return Ok(()) };
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match node.value {
                Value::Str(scalar) => {
                    for offset in (0..=scalar.text.len()).filter(|&i| scalar.text.is_char_boundary(i)) {
                        let at = source_offset(&text, node.span, scalar.style, &scalar.text, offset);
                        prop_assert!((node.span.start as usize..=node.span.end as usize).contains(&at));
                        prop_assert!(text.is_char_boundary(at), "{} inside a character of {:?}", at, text);
                    }
                }
                Value::Seq(items) => stack.extend(items),
                Value::Map(m) => stack.extend(m.entries.into_iter().flat_map(|(k, v)| [k, v])),
                _ => {}
            }
        }
    }
}

/// The fuzz seeds (fuzz/corpus/yaml_parse) hold the fuzz target's invariants in every
/// `cargo test`, so the corpus keeps working as a regression suite without a nightly.
#[test]
fn fuzz_seed_corpus_holds_the_invariants() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/yaml_parse");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        seen += 1;
        if let Ok(doc) = parse(text, limits())
            && let Some(root) = &doc.root
        {
            assert_spans_slice(text, root);
        }
    }
    assert!(seen >= 20, "only {seen} seeds in {}", dir.display());
}
