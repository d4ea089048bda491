//! The .conf writer on arbitrary names and values: a stanza name the writer accepts is
//! written unchanged, and every value, written with `escape_value` and read back by Splunk's
//! rules (the tests' reader), gives exactly `read_back(value)`, in exactly one stanza, with
//! the key after it intact. Input: the stanza name, then values, separated by NUL bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splforge::render::conf::{check_stanza_name, escape_value, read_back};

#[path = "../../tests/it/support/conf.rs"]
mod conf;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let mut parts = text.split('\0');
    let name = parts.next().unwrap_or_default();
    let values: Vec<&str> = parts.collect();
    let stanza_name = match check_stanza_name(name, None) {
        Ok(()) => {
            assert_eq!(
                escape_value(name),
                name,
                "an accepted name is written unchanged"
            );
            name
        }
        Err(_) => "fixed",
    };
    let mut file = format!("# written by the fuzzer\n[{}]\n", escape_value(stanza_name));
    for (i, value) in values.iter().enumerate() {
        // Odd keys end their line with a space, as some templates do.
        let tail = if i % 2 == 1 { " " } else { "" };
        file.push_str(&format!("key{i} = {}{tail}\n", escape_value(value)));
    }
    file.push_str("last = end\n");
    let stanzas = conf::read_conf(&file).unwrap_or_else(|e| panic!("{e:?} in {file:?}"));
    assert_eq!(stanzas.len(), 1, "one stanza in {file:?}");
    assert_eq!(stanzas[0].name, stanza_name);
    let mut expected: Vec<(String, String)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("key{i}"), read_back(v)))
        .collect();
    expected.push(("last".to_owned(), "end".to_owned()));
    assert_eq!(stanzas[0].settings, expected, "in {file:?}");
});
