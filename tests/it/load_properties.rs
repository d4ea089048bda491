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

// ---------------------------------------------------------------------------------------
// The block-style fast path against granit-parser (differential): on any text, the fast path
// either gives it back or builds exactly the document granit-parser's events build; when
// granit-parser rejects a text, the fast path must have given it back.

/// Asserts the fast path's invariant on `text`; returns whether it handled the text.
fn fast_path_agrees(text: &str) -> Result<bool, TestCaseError> {
    splforge::load::yaml::fast_path_agrees(text, limits())
        .map_err(|difference| TestCaseError::fail(format!("{text:?}: {difference}")))
}

/// Plain words as content writes them, YAML 1.1's tricky scalars among them.
fn plain_word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z_][a-zA-Z0-9_.-]{0,8}",
        1 => prop::sample::select(vec![
            "yes", "No", "on", "OFF", "true", "null", "~", "010", "0x1F", "0b101", "-17", "+3",
            "1_000", "1e3", "1.5", "-.inf", ".NaN", "2021-04-01", "2021-4-1", "2021-04-01T10:00:00Z",
            "2021-04-01 10:00:00", "$field$", "a:b", "http://x.y/z", "C:\\Windows", "it's", "say\"hi\"",
            "a#b", "100%", "`macro`", "x,y", "[x]", "{y}", "é", "日本語", "-x", "?x", "a|b", "a>b",
            "*x", "&y", "!z", "@a", "%b", ":c", "-", "#", "a:", "a: b", "a #c", "'", "\"", "\\",
            "---", "...", "- x", "? y", "|", ">", "[", "]", "{", "}", ",",
        ]).prop_map(str::to_owned),
    ]
}

/// Escapes and characters for quoted scalars, the odd invalid one among them.
fn quoted_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => plain_word(),
        1 => prop::sample::select(vec![
            "\\n", "\\t", "\\\\", "\\\"", "\\/", "\\ ", "\\0", "\\a", "\\e", "\\N", "\\_", "\\L",
            "\\x41", "\\u00e9", "\\U0001F600", "\\ud800", "\\q", "\\'", "\\x4", "''", "'", "\"",
            "  ", " # ", ": ", "\\",
        ]).prop_map(str::to_owned),
    ]
}

/// How the words of a scalar are separated: a space, a line break, a blank line, an escaped
/// line break (`\` at the end of a double-quoted line), or a line break to column 0 (which
/// PyYAML and granit-parser accept inside quotes).
fn separators() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![6 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8), 1 => Just(4u8)],
        0..8,
    )
}

#[derive(Debug, Clone)]
enum Leaf {
    Plain(Vec<String>, Vec<u8>),
    Quoted(bool, Vec<String>, Vec<u8>),
    /// literal, chomping (`""`, `-`, `+`), explicit indentation, extra indentation and text
    /// of each line, spaces on blank lines.
    Block(bool, &'static str, bool, Vec<(usize, String)>, usize),
    Flow(Vec<String>),
    Empty,
}

#[derive(Debug, Clone)]
enum Doc {
    Leaf(Leaf),
    Seq(Vec<Doc>, bool),
    /// Entries (a key written plain or quoted), and whether a nested value is indented 2
    /// or 4 more.
    Map(Vec<(String, Doc)>, bool),
}

fn leaf() -> impl Strategy<Value = Leaf> {
    let words = || prop::collection::vec(plain_word(), 1..6);
    prop_oneof![
        4 => (words(), separators()).prop_map(|(w, s)| Leaf::Plain(w, s)),
        3 => (any::<bool>(), prop::collection::vec(quoted_piece(), 0..6), separators())
            .prop_map(|(d, w, s)| Leaf::Quoted(d, w, s)),
        2 => (
            any::<bool>(),
            prop::sample::select(vec!["", "-", "+"]),
            any::<bool>(),
            prop::collection::vec((0usize..3, "[a-z $|#:'\"\\\\é]{0,12}"), 1..6),
            0usize..4,
        ).prop_map(|(l, c, e, lines, b)| Leaf::Block(l, c, e, lines, b)),
        1 => prop::collection::vec(prop_oneof![plain_word(), plain_word().prop_map(|w| format!("'{}'", w.replace('\'', "''")))], 0..4).prop_map(Leaf::Flow),
        1 => Just(Leaf::Empty),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z_]{1,8}",
        1 => prop::sample::select(vec![
            "yes", "010", "null", "a b", "'quoted'", "\"dq\"", "'it''s'", "k-1", "2021-04-01",
            "$x$", "a:b", "é", "'a: b'", "-k", "k ", "'k' ", "a #b", "?k", "k:", "<<", "'<<'",
        ]).prop_map(str::to_owned),
    ]
}

fn doc() -> impl Strategy<Value = Doc> {
    leaf()
        .prop_map(Doc::Leaf)
        .prop_recursive(4, 48, 5, |inner| {
            prop_oneof![
                (prop::collection::vec(inner.clone(), 1..5), any::<bool>())
                    .prop_map(|(items, indentless)| Doc::Seq(items, indentless)),
                (prop::collection::vec((key(), inner), 1..5), any::<bool>())
                    .prop_map(|(entries, wide)| Doc::Map(entries, wide)),
            ]
        })
}

/// Words joined by `separators`, continuation lines indented to `indent`.
fn join_words(words: &[String], separators: &[u8], indent: usize, double: bool) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        out.push_str(word);
        if i + 1 < words.len() {
            match separators.get(i).copied().unwrap_or(0) {
                0 => out.push(' '),
                1 => out.push_str(&format!("\n{pad}")),
                2 => out.push_str(&format!(" \n\n{pad}")),
                3 if double => out.push_str(&format!("\\\n{pad}")),
                3 => out.push_str(&format!("\n  \n{pad}")),
                _ => out.push('\n'),
            }
        }
    }
    out
}

/// The text of a leaf after `key: ` or `- `, inside a collection at column `parent`.
fn render_leaf(leaf: &Leaf, parent: usize) -> String {
    match leaf {
        Leaf::Plain(words, seps) => join_words(words, seps, parent + 2, false) + "\n",
        Leaf::Quoted(double, words, seps) => {
            let body = join_words(words, seps, parent + 1, *double);
            if *double {
                format!("\"{}\"\n", body.replace('"', "\\\""))
            } else {
                format!("'{}'\n", body.replace('\'', "''"))
            }
        }
        Leaf::Block(literal, chomp, explicit, lines, blank) => {
            let indent = parent + 2;
            let mut out = String::from(if *literal { "|" } else { ">" });
            if *explicit {
                out.push('2');
            }
            out.push_str(chomp);
            if lines.len() == 2 {
                out.push_str(" # header comment");
            }
            out.push('\n');
            for (extra, line) in lines {
                if line.is_empty() {
                    out.push_str(&" ".repeat(*blank));
                } else {
                    out.push_str(&" ".repeat(indent + extra));
                    out.push_str(line);
                }
                out.push('\n');
            }
            out
        }
        Leaf::Flow(items) => format!("[{}]\n", items.join(", ")),
        Leaf::Empty => "\n".to_owned(),
    }
}

/// Writes `doc` as the value after a key or a dash; `column` is that collection's column.
fn render_value(doc: &Doc, column: usize, after_dash: bool, out: &mut String) {
    match doc {
        Doc::Leaf(Leaf::Empty) => out.push_str(if after_dash { "\n" } else { " # empty\n" }),
        Doc::Leaf(leaf) => {
            out.push(' ');
            out.push_str(&render_leaf(leaf, column));
        }
        Doc::Seq(items, indentless) => {
            out.push('\n');
            let at = if *indentless && !after_dash {
                column
            } else {
                column + 2
            };
            render_seq(items, at, out);
        }
        Doc::Map(entries, wide) => {
            if after_dash && !*wide {
                // Compact: `- key: value`, the next keys under the first.
                out.push(' ');
                render_map(entries, column + 2, true, out);
            } else {
                out.push('\n');
                render_map(entries, column + if *wide { 4 } else { 2 }, false, out);
            }
        }
    }
}

fn render_seq(items: &[Doc], column: usize, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i == 1 {
            out.push_str(&format!("\n{}# between items\n", " ".repeat(column)));
        }
        out.push_str(&" ".repeat(column));
        out.push('-');
        render_value(item, column, true, out);
    }
}

fn render_map(entries: &[(String, Doc)], column: usize, first_inline: bool, out: &mut String) {
    for (i, (key, value)) in entries.iter().enumerate() {
        if !(first_inline && i == 0) {
            out.push_str(&" ".repeat(column));
        }
        out.push_str(key);
        out.push(':');
        render_value(value, column, false, out);
    }
}

/// A document: a mapping or a sequence at the root, with a comment line first.
fn render_document(doc: &Doc) -> String {
    let mut out = String::from("# generated\n");
    match doc {
        Doc::Seq(items, _) => render_seq(items, 0, &mut out),
        Doc::Map(entries, _) => render_map(entries, 0, false, &mut out),
        Doc::Leaf(_) => {
            out.push_str("value:");
            render_value(doc, 0, false, &mut out);
        }
    }
    out
}

/// Real content to mutate: the bundled detections, macros and stories.
fn real_snippets() -> &'static [String] {
    static SNIPPETS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SNIPPETS.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        for dir in [
            "detections",
            "macros",
            "stories",
            "data_sources",
            "deployments",
        ] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let Ok(entry) = entry else { continue };
                if entry.file_type().is_file()
                    && let Ok(text) = std::fs::read_to_string(entry.path())
                {
                    texts.push(text);
                }
            }
        }
        assert!(texts.len() >= 10);
        texts
    })
}

/// One edit: at a fraction of the text, delete a character, or insert or replace one with a
/// character that matters to YAML.
fn mutation() -> impl Strategy<Value = (f64, u8, &'static str)> {
    (
        0.0f64..1.0,
        0u8..3,
        prop::sample::select(vec![
            " ", "\n", "-", ": ", ":", "'", "\"", "#", " #", "|", ">", "[", "]", "{", "}", "\\",
            "é", "\t", "a", "&a ", "*a", "!", "? ", "---\n", "  ", "\n  ", ",", "\r\n", "\u{feff}",
        ]),
    )
}

fn mutate(text: &str, edits: &[(f64, u8, &str)]) -> String {
    let mut text = text.to_owned();
    for &(at, op, piece) in edits {
        let mut i = ((text.len() as f64) * at) as usize;
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        let next = text[i..].chars().next().map_or(0, char::len_utf8);
        match op {
            0 => text.replace_range(i..i + next, ""),
            1 => text.insert_str(i, piece),
            _ => text.replace_range(i..i + next, piece),
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn generated_block_yaml_parses_as_granit_parses_it(doc in doc()) {
        let text = render_document(&doc);
        fast_path_agrees(&text)?;
        // And without the last line break: the end of the text ends every construct too.
        fast_path_agrees(text.trim_end_matches('\n'))?;
    }

    #[test]
    fn mutated_real_content_parses_as_granit_parses_it(
        index in any::<prop::sample::Index>(),
        edits in prop::collection::vec(mutation(), 1..4),
    ) {
        let snippets = real_snippets();
        let text = mutate(&snippets[index.index(snippets.len())], &edits);
        fast_path_agrees(&text)?;
    }

    #[test]
    fn yaml_like_text_parses_as_granit_parses_it(text in yamlish()) {
        fast_path_agrees(&text)?;
    }
}

/// The generator above must reach the fast path, or the differential test proves nothing:
/// a good share of the generated documents take it (53% when this was written).
#[test]
fn generated_block_yaml_mostly_takes_the_fast_path() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = doc();
    let (mut handled, total) = (0, 500);
    for _ in 0..total {
        let text = render_document(&strategy.new_tree(&mut runner).unwrap().current());
        handled += usize::from(fast_path_agrees(&text).unwrap());
    }
    println!("{handled} of {total} generated documents took the fast path");
    assert!(
        handled * 5 >= total * 2,
        "only {handled} of {total} generated documents handled"
    );
}
