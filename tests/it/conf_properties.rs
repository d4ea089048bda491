//! The `.conf` writer (`render::conf`) against the tests' reader of Splunk's rules
//! (`support::conf`, shared with the `conf_write` fuzz target): any value, written and read
//! back, is `read_back(value)` in one stanza, with the settings around it intact; a stanza
//! name is written unchanged or refused with a diagnostic.

use crate::support;

use proptest::prelude::*;
use splforge::render::conf::{check_stanza_name, escape_value, read_back};
use support::conf::read_conf;

/// Text made of what matters to a `.conf` line, plus arbitrary Unicode.
fn conf_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "\n", "\r\n", "\r", "\\", "\\\n", "[", "]", "[evil]", "=", " = ", "#", ";", " ", "\t",
            "\u{3000}", "\u{85}", "\u{2028}", "é", "𝄞", "key", "\0",
        ])
        .prop_map(String::from),
        "[a-z]{1,5}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

/// A file with `value` written under `key`, between two other settings, as templates do
/// (`tail` is what the template puts after the value on its line).
fn file_with(stanza: &str, value: &str, tail: &str) -> String {
    format!(
        "# header\n[{}]\nbefore = 1\nkey = {}{tail}\nafter = 2\n",
        escape_value(stanza),
        escape_value(value)
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_value_reads_back(value in conf_like(), tail in prop::sample::select(vec!["", " ", "  "])) {
        let file = file_with("s", &value, tail);
        let stanzas = read_conf(&file).map_err(|e| TestCaseError::fail(format!("{e:?} in {file:?}")))?;
        prop_assert_eq!(stanzas.len(), 1, "{:?}", file);
        let expected = vec![
            ("before".to_owned(), "1".to_owned()),
            ("key".to_owned(), read_back(&value)),
            ("after".to_owned(), "2".to_owned()),
        ];
        prop_assert_eq!(&stanzas[0].settings, &expected, "{:?}", file);
    }

    #[test]
    fn arbitrary_unicode_values_read_back(value in any::<String>()) {
        let stanzas = read_conf(&file_with("s", &value, "")).unwrap();
        let expected = read_back(&value);
        prop_assert_eq!(stanzas[0].get("key"), Some(expected.as_str()));
    }

    /// `read_back` changes only what a reader cannot keep and what no .conf file may hold:
    /// the text is the same once line breaks are normalised, trimmed, the space before each
    /// line break dropped, a tab read as a space and any other control character as U+FFFD.
    #[test]
    fn read_back_keeps_the_text(value in conf_like()) {
        let normalised = value.replace("\r\n", "\n").replace('\r', "\n");
        let expected: String = normalised
            .trim()
            .chars()
            .map(|c| match c {
                '\t' => ' ',
                '\n' => '\n',
                c if c.is_control() => '\u{FFFD}',
                c => c,
            })
            .collect();
        prop_assert_eq!(read_back(&value).replace(" \n", "\n"), expected);
    }

    #[test]
    fn stanza_names_are_written_unchanged_or_refused(name in conf_like()) {
        match check_stanza_name(&name, None) {
            Ok(()) => {
                prop_assert_eq!(escape_value(&name), name.clone());
                let stanzas = read_conf(&file_with(&name, "v", "")).unwrap();
                prop_assert_eq!(stanzas.len(), 1);
                prop_assert_eq!(&stanzas[0].name, &name);
                prop_assert_eq!(stanzas[0].get("key"), Some("v"));
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.starts_with("stanza name"), "{}", message);
                prop_assert!(
                    name.trim().is_empty()
                        || name.contains(']')
                        || name.chars().any(char::is_control)
                        || name.trim() != name
                        || name.ends_with('\\'),
                    "refused {:?}: {}", name, message
                );
            }
        }
    }
}

#[test]
fn the_reader_keeps_line_breaks_of_continuations() {
    let conf = read_conf("# c\n[a]\nk = x \\\n[b] \\\ny\n; c\nj=1\n").unwrap();
    assert_eq!(conf.len(), 1);
    assert_eq!(conf[0].get("k"), Some("x \n[b] \ny"));
    assert_eq!(conf[0].get("j"), Some("1"));
}

#[test]
fn the_reader_refuses_what_splunk_merges_or_misreads() {
    for text in [
        "[a]\n[a]\n",
        "[a]\nk=1\nk=2\n",
        "[a\n",
        "[a]\nk = x\\ \nj = 1\n",
        "[a]\njunk\n",
    ] {
        assert!(read_conf(text).is_err(), "{text:?}");
    }
}

/// A value ending in `\` used to be written `\ `, which AppInspect reads as a continuation
/// (and reports): the next key was swallowed. It now continues onto an empty line.
#[test]
fn a_trailing_backslash_keeps_the_next_key() {
    for value in ["C:\\", "a\\ ", "x\n\\", "\\\\"] {
        let stanzas = read_conf(&file_with("s", value, "")).unwrap();
        assert_eq!(stanzas[0].get("key"), Some(read_back(value).as_str()));
        assert_eq!(stanzas[0].get("after"), Some("2"), "{value:?}");
    }
}

/// The fuzz seeds (fuzz/corpus/conf_write) and every input a fuzz run found crashing
/// (fuzz/regressions/conf_write), as the target reads them: the stanza name, then values,
/// separated by NUL bytes.
#[test]
fn fuzz_seed_corpus_reads_back() {
    let inputs = support::fuzz_inputs("conf_write");
    for text in &inputs {
        let mut parts = text.split('\0');
        let name = parts.next().unwrap_or_default();
        let stanza = if check_stanza_name(name, None).is_ok() {
            name
        } else {
            "fixed"
        };
        for value in parts {
            let stanzas = read_conf(&file_with(stanza, value, " ")).unwrap();
            assert_eq!(stanzas[0].name, stanza);
            assert_eq!(stanzas[0].get("key"), Some(read_back(value).as_str()));
            assert_eq!(stanzas[0].get("after"), Some("2"));
        }
    }
    assert!(inputs.len() >= 8, "only {} seeds", inputs.len());
}
