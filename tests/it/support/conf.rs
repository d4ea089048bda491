//! A `.conf` reader for the tests, by the rules Splunk's AppInspect applies
//! (`splunk_appinspect/configuration_parser.py`):
//!
//! - a line whose last non-blank character is `\` continues on the next line: the `\` is
//!   dropped and the line break kept; white space after that `\` is an error (AppInspect
//!   reports "Continuation with trailing whitespace");
//! - a logical line that is blank, or starts (after white space) with `#` or `;`, is skipped;
//! - `[name]` opens a stanza: the line, trimmed, must end with `]`;
//! - any other line is `key = value`, split at the first `=`, both sides trimmed.
//!
//! Stricter than Splunk where a test wants to know: a stanza that appears twice, a key set
//! twice in one stanza, a header that does not end in `]` and a line without `=` are errors.
//!
//! Plain `std` only: the `conf_write` fuzz target includes this file too.
#![allow(dead_code)]

/// One stanza in file order; settings before the first header go in a stanza named `""`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stanza {
    pub name: String,
    /// 1-based line of the header (0 for the settings before any header).
    pub line: usize,
    pub settings: Vec<(String, String)>,
}

impl Stanza {
    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads `.conf` text; `Err` lists every line it could not read, with its line number.
pub fn read_conf(text: &str) -> Result<Vec<Stanza>, Vec<String>> {
    let mut stanzas: Vec<Stanza> = Vec::new();
    let mut errors = Vec::new();
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, l)| (i + 1, l));
    while let Some((number, first)) = lines.next() {
        let mut logical = String::new();
        let mut line = first;
        loop {
            let end = line.trim_end();
            let Some(continued) = end.strip_suffix('\\') else {
                logical.push_str(line);
                break;
            };
            if end.len() != line.len() {
                errors.push(format!(
                    "line {number}: continuation with trailing whitespace"
                ));
            }
            logical.push_str(continued);
            logical.push('\n');
            match lines.next() {
                Some((_, next)) => line = next,
                None => break,
            }
        }
        let trimmed = logical.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(header) = trimmed.strip_prefix('[') {
            let Some(name) = header.strip_suffix(']') else {
                errors.push(format!("line {number}: bad stanza header {logical:?}"));
                continue;
            };
            if stanzas.iter().any(|s| s.name == name) {
                errors.push(format!("line {number}: stanza [{name}] appears twice"));
            }
            stanzas.push(Stanza {
                name: name.to_owned(),
                line: number,
                settings: Vec::new(),
            });
            continue;
        }
        let Some((key, value)) = logical.split_once('=') else {
            errors.push(format!("line {number}: no '=' in {logical:?}"));
            continue;
        };
        if stanzas.is_empty() {
            stanzas.push(Stanza {
                name: String::new(),
                line: 0,
                settings: Vec::new(),
            });
        }
        let stanza = stanzas.last_mut().expect("a stanza");
        let key = key.trim();
        if stanza.get(key).is_some() {
            errors.push(format!("line {number}: [{}] sets {key} twice", stanza.name));
        }
        stanza
            .settings
            .push((key.to_owned(), value.trim().to_owned()));
    }
    if errors.is_empty() {
        Ok(stanzas)
    } else {
        Err(errors)
    }
}
