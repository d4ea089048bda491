//! Typed, spanned reads from a YAML mapping.
//!
//! The model is built leniently: a field of the wrong type is simply absent here, because
//! the schema check has already reported it with its position. So no content, however
//! broken, stops the model from being built.

use crate::load::Span;
use crate::load::yaml::{Mapping, Node, Style, Value};

/// A string value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Text {
    pub value: String,
    #[serde(skip)]
    pub span: Span,
    #[serde(skip)]
    pub style: TextStyle,
}

/// How a text was quoted in YAML: needed to map positions inside it back to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextStyle(pub Option<Style>);

impl Text {
    /// A text made by splforge (defaults, derived values), with no source position.
    pub fn synthetic(value: impl Into<String>) -> Text {
        Text {
            value: value.into(),
            ..Text::default()
        }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The source offset of byte `offset` of the value (see `load::scalar_position`).
    pub fn source_offset(&self, source: &str, offset: usize) -> usize {
        match self.style.0 {
            Some(style) => crate::load::scalar_position::source_offset(
                source,
                self.span,
                style,
                &self.value,
                offset,
            ),
            None => self.span.start as usize,
        }
    }

    /// The source span of the value's bytes `range`.
    pub fn sub_span(&self, source: &str, range: std::ops::Range<usize>) -> Span {
        let start = self.source_offset(source, range.start);
        let end = self.source_offset(source, range.end).max(start);
        Span::new(start, end)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.value)
    }
}

/// A non-string value and where it was written.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Spanned<T> {
    pub value: T,
    #[serde(skip)]
    pub span: Span,
}

/// Typed reads from one mapping (or from nothing, when the node is not a mapping).
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    map: Option<&'a Mapping>,
    /// Where the mapping is, for findings about a key it lacks.
    pub span: Span,
}

impl<'a> Fields<'a> {
    pub fn of(node: Option<&'a Node>) -> Fields<'a> {
        Fields {
            map: node.and_then(Node::as_map),
            span: node.map_or_else(Span::default, |n| n.span),
        }
    }

    pub fn node(&self, key: &str) -> Option<&'a Node> {
        self.map?.get(key)
    }

    /// The span of `key` itself, for findings about the entry.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.map?.entry(key).map(|(k, _)| k.span)
    }

    pub fn has(&self, key: &str) -> bool {
        self.node(key).is_some()
    }

    pub fn sub(&self, key: &str) -> Fields<'a> {
        Fields::of(self.node(key))
    }

    /// A scalar as text. Numbers and booleans read as their source text (`version: 1`).
    pub fn text(&self, key: &str, source: &str) -> Option<Text> {
        self.node(key).and_then(|n| text_of(n, source))
    }

    /// A list of scalars as texts; a lone scalar counts as a list of one.
    pub fn texts(&self, key: &str, source: &str) -> Vec<Text> {
        match self.node(key) {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items.iter().filter_map(|n| text_of(n, source)).collect(),
            Some(node) => text_of(node, source).into_iter().collect(),
            None => Vec::new(),
        }
    }

    pub fn int(&self, key: &str) -> Option<Spanned<i64>> {
        match self.node(key)? {
            Node {
                value: Value::Int(i),
                span,
            } => Some(Spanned {
                value: *i,
                span: *span,
            }),
            Node {
                value: Value::Float(f),
                span,
            } if f.fract() == 0.0 && f.is_finite() => Some(Spanned {
                value: *f as i64,
                span: *span,
            }),
            _ => None,
        }
    }

    pub fn bool(&self, key: &str) -> Option<Spanned<bool>> {
        match self.node(key)? {
            Node {
                value: Value::Bool(b),
                span,
            } => Some(Spanned {
                value: *b,
                span: *span,
            }),
            _ => None,
        }
    }

    /// The items of a sequence of mappings.
    pub fn list(&self, key: &str) -> Vec<Fields<'a>> {
        self.node(key)
            .and_then(Node::as_seq)
            .map(|items| items.iter().map(|n| Fields::of(Some(n))).collect())
            .unwrap_or_default()
    }
}

fn text_of(node: &Node, source: &str) -> Option<Text> {
    match &node.value {
        Value::Str(s) => Some(Text {
            value: s.text.clone(),
            span: node.span,
            style: TextStyle(Some(s.style)),
        }),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(Text {
            value: source.get(node.span.range()).unwrap_or_default().to_owned(),
            span: node.span,
            style: TextStyle(Some(Style::Plain)),
        }),
        _ => None,
    }
}
