//! How Python prints the values PyYAML's `safe_load` makes, for the 2022 pages: the 2022
//! generator put raw YAML values into Jinja2 templates, so a null printed `None`, a list
//! `['a', 'b']`, a boolean `True`, a hexadecimal integer in decimal.
//!
//! A 2022 detection or story keeps, besides its typed fields, the Python text of each field
//! its page prints whose value is not a plain string ([`PythonTexts`]); nothing is kept for
//! the usual all-string file.

use std::collections::BTreeMap;

use super::Fields;
use crate::load::{Node, Value};

/// A float as Python's `repr` prints it.
pub fn python_float(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "nan"
        } else if value > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .to_owned();
    }
    let shown = value.to_string();
    if shown.contains('.') {
        shown
    } else {
        format!("{shown}.0")
    }
}

/// `str(value)` of the value PyYAML reads from `node`.
pub fn py_str(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => s.text.clone(),
        _ => py_repr(node),
    }
}

/// `repr(value)` of the value PyYAML reads from `node`.
pub fn py_repr(node: &Node) -> String {
    match &node.value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => python_float(*f),
        Value::Str(s) if s.is_timestamp => date_repr(&s.text).unwrap_or_else(|| str_repr(&s.text)),
        Value::Str(s) => str_repr(&s.text),
        Value::Seq(items) => {
            let items: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(map) => {
            let entries: Vec<String> = map
                .entries
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr(k), py_repr(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// `datetime.date(2021, 4, 1)` for a plain `2021-04-01`.
fn date_repr(text: &str) -> Option<String> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let number = |p: &str| p.parse::<u32>().ok();
    Some(format!(
        "datetime.date({}, {}, {})",
        number(y)?,
        number(m)?,
        number(d)?
    ))
}

/// Python's `repr` of a string: single quotes unless it holds a single quote and no double.
fn str_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The Python text of the fields a 2022 page prints, where it differs from the typed field:
/// a scalar field holding anything but a string, or a list field holding a non-string item
/// (its items as Jinja2 iterates them: a string's characters, every item of a list, nothing
/// for a null). Keys are the YAML paths (`description`, `tags.product`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PythonTexts {
    pub scalars: BTreeMap<&'static str, String>,
    pub lists: BTreeMap<&'static str, Vec<String>>,
}

impl PythonTexts {
    /// The texts of `scalars` and `lists` (YAML paths of at most two keys) in `root`, or
    /// `None` when every one is a plain string (or a list of them) or absent.
    pub fn read(
        root: &Fields<'_>,
        scalars: &[&'static str],
        lists: &[&'static str],
    ) -> Option<Box<PythonTexts>> {
        let mut texts = PythonTexts::default();
        for &key in scalars {
            if let Some(node) = at(root, key).filter(|n| !matches!(n.value, Value::Str(_))) {
                texts.scalars.insert(key, py_str(node));
            }
        }
        for &key in lists {
            let items = match at(root, key).map(|n| &n.value) {
                Some(Value::Seq(items))
                    if items.iter().any(|i| !matches!(i.value, Value::Str(_))) =>
                {
                    items.iter().map(py_str).collect()
                }
                Some(Value::Str(s)) if s.text.chars().nth(1).is_some() => {
                    s.text.chars().map(String::from).collect()
                }
                Some(Value::Null) => Vec::new(),
                _ => continue,
            };
            texts.lists.insert(key, items);
        }
        (!texts.scalars.is_empty() || !texts.lists.is_empty()).then(|| Box::new(texts))
    }
}

fn at<'a>(root: &Fields<'a>, path: &str) -> Option<&'a Node> {
    let mut keys = path.split('.');
    let mut node = root.node(keys.next()?)?;
    for key in keys {
        node = node.as_map()?.get(key)?;
    }
    Some(node)
}

/// The Python text of a scalar field when [`PythonTexts`] has one, else `typed`.
pub fn scalar_or(texts: &Option<Box<PythonTexts>>, key: &str, typed: String) -> String {
    texts
        .as_ref()
        .and_then(|t| t.scalars.get(key).cloned())
        .unwrap_or(typed)
}

/// The Python texts of a list field when [`PythonTexts`] has them, else `typed`.
pub fn list_or(texts: &Option<Box<PythonTexts>>, key: &str, typed: Vec<String>) -> Vec<String> {
    texts
        .as_ref()
        .and_then(|t| t.lists.get(key).cloned())
        .unwrap_or(typed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(yaml: &str) -> Node {
        let doc = crate::load::yaml::parse(yaml, Default::default()).expect("parses");
        doc.root.expect("a document")
    }

    #[test]
    fn values_print_as_python_prints_them() {
        assert_eq!(py_str(&node("~")), "None");
        assert_eq!(py_str(&node("[]")), "[]");
        assert_eq!(py_str(&node("0x10")), "16");
        assert_eq!(py_str(&node("yes")), "True");
        assert_eq!(
            py_str(&node("[a, \"it's\", 1.5, null]")),
            "['a', \"it's\", 1.5, None]"
        );
        assert_eq!(py_str(&node("{a: [b]}")), "{'a': ['b']}");
        assert_eq!(py_str(&node("[2021-04-01]")), "[datetime.date(2021, 4, 1)]");
        assert_eq!(python_float(81.0 * 90.0 / 100.0), "72.9");
    }
}
