//! YAML text to a tree of [`Node`]s that remember their source span.
//!
//! The events come from [`block`], a fast scanner for the block-style YAML content is
//! written in, or, for any text it does not handle, from `granit-parser` (see ARCHITECTURE.md
//! for why). Both feed the same [`TreeBuilder`], which alone resolves scalars and enforces
//! duplicate keys and limits. Plain scalars are resolved the way PyYAML's `safe_load`
//! resolves them (YAML 1.1: `yes` is a bool, an unquoted `2021-04-01` is a date), because
//! that is what contentctl, and so every repository we read, was written against.
//!
//! The crate is splforge's lowest layer: source text and positions ([`source`]: byte spans,
//! line/column, bounded quotes), the YAML tree, and positions inside decoded scalars
//! ([`scalar_position`]). It knows nothing of content kinds, detections or SPL.

pub mod block;
pub mod scalar_position;
pub mod source;

use std::borrow::Cow;
use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::source::Span;

/// Resource limits for one YAML file. Hostile input hits these, never the stack or the heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct YamlLimits {
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes one document may expand to, aliases counted at their expanded size.
    pub max_nodes: usize,
}

impl Default for YamlLimits {
    fn default() -> YamlLimits {
        YamlLimits {
            max_depth: 64,
            max_nodes: 200_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Scalar),
    Seq(Vec<Node>),
    Map(Mapping),
}

/// A string scalar, with how it was written (needed to find positions inside it).
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub style: Style,
    /// An unquoted YAML 1.1 timestamp such as `2021-04-01`: PyYAML makes it a date.
    pub is_timestamp: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A mapping in source order. Keys are kept as nodes so findings can point at them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    pub entries: Vec<(Node, Node)>,
}

impl Mapping {
    /// The entry whose key is the string `key`.
    pub fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        self.entries.iter().find(|(k, _)| k.as_str() == Some(key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Mapping> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Looks a key up when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// What kind of value this is, as a schema error names it.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }

    /// The value as JSON, for schema validation. Timestamps become their ISO text, as
    /// contentctl's models see them after pydantic coerces them.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Str(s) => serde_json::Value::String(s.text.clone()),
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(m) => serde_json::Value::Object(
                m.entries
                    .iter()
                    .map(|(k, v)| (k.key_text().into_owned(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Whether this mapping key's [`key_text`](Node::key_text) is `name`, without building
    /// the text for the usual string key.
    pub fn key_text_is(&self, name: &str) -> bool {
        match &self.value {
            Value::Str(s) => s.text == name,
            _ => self.key_text() == name,
        }
    }

    /// A mapping key as text (PyYAML allows non-string keys; JSON needs strings).
    pub fn key_text(&self) -> Cow<'_, str> {
        match &self.value {
            Value::Str(s) => Cow::Borrowed(&s.text),
            Value::Null => Cow::Borrowed("null"),
            Value::Bool(b) => Cow::Owned(b.to_string()),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Float(f) => Cow::Owned(f.to_string()),
            Value::Seq(_) | Value::Map(_) => Cow::Borrowed("<complex key>"),
        }
    }

    /// Follows a JSON Pointer (as schema errors report them) to the node it names.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                Value::Map(m) => m
                    .entries
                    .iter()
                    .rev()
                    .find(|(k, _)| k.key_text_is(&token))
                    .map(|(_, v)| v)?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The key node of the entry a JSON Pointer ends in, when its parent is a mapping.
    pub fn pointer_key(&self, pointer: &str) -> Option<&Node> {
        let (parent, last) = pointer.rsplit_once('/')?;
        let last = last.replace("~1", "/").replace("~0", "~");
        let parent = self.pointer(parent)?;
        parent
            .as_map()?
            .entries
            .iter()
            .rev()
            .find(|(k, _)| k.key_text_is(&last))
            .map(|(k, _)| k)
    }
}

/// A parsed file: its single document (absent when the file holds none) and the non-fatal
/// problems met on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The tree; `None` when the file holds no document, and after [`Document::release_tree`].
    pub root: Option<Node>,
    pub problems: Vec<YamlProblem>,
    /// The root's shape, kept by [`Document::release_tree`].
    released: Option<RootShape>,
}

/// What the checks that run after the model need of a root: its place and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RootShape {
    pub span: Span,
    /// [`Node::kind_name`].
    pub kind_name: &'static str,
    pub is_mapping: bool,
}

impl Document {
    pub fn new(root: Option<Node>, problems: Vec<YamlProblem>) -> Document {
        Document {
            root,
            problems,
            released: None,
        }
    }

    /// The root's span and kind; `None` when the file holds no document. Still known after
    /// the tree is released.
    pub fn root_shape(&self) -> Option<RootShape> {
        self.root
            .as_ref()
            .map(|root| RootShape {
                span: root.span,
                kind_name: root.kind_name(),
                is_mapping: root.as_map().is_some(),
            })
            .or(self.released)
    }

    /// Frees the tree and keeps its root's shape: for a run that has read everything it
    /// needs from the tree (the model, the schema check), since the trees of a large
    /// repository are the largest thing it holds.
    pub fn release_tree(&mut self) {
        self.released = self.root_shape();
        self.root = None;
    }

    /// Whether [`Document::release_tree`] freed the tree.
    pub fn is_released(&self) -> bool {
        self.released.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum YamlError {
    #[error("YAML syntax error: {message}")]
    Syntax { message: String, span: Span },
    #[error("nesting deeper than {limit} levels")]
    TooDeep { limit: usize, span: Span },
    #[error("document expands to more than {limit} nodes (alias or anchor bomb?)")]
    TooManyNodes { limit: usize, span: Span },
    #[error("more than one YAML document in the file; splforge expects one")]
    MultipleDocuments { span: Span },
    /// A merge key (`<<`) whose value is not a mapping or a list of mappings: PyYAML, and
    /// so contentctl, cannot load the file.
    #[error("merge key `<<` needs a mapping or a list of mappings, found {found}")]
    Merge { found: &'static str, span: Span },
}

impl YamlError {
    pub fn span(&self) -> Span {
        match self {
            YamlError::Syntax { span, .. }
            | YamlError::TooDeep { span, .. }
            | YamlError::TooManyNodes { span, .. }
            | YamlError::MultipleDocuments { span }
            | YamlError::Merge { span, .. } => *span,
        }
    }
}

/// Problems that do not stop the file from loading.
#[derive(Debug, Clone, PartialEq)]
pub enum YamlProblem {
    /// The same key twice in one mapping; like PyYAML, the later value wins.
    DuplicateKey {
        key: String,
        first: Span,
        duplicate: Span,
    },
}

/// Parses one YAML file. Never panics, whatever the input.
///
/// Block-style text takes the fast path ([`parse_block_style`]); anything else, and every
/// error, comes from granit-parser ([`parse_with_granit`]). The two build the same document
/// wherever the fast path answers.
pub fn parse(text: &str, limits: YamlLimits) -> Result<Document, YamlError> {
    match parse_block_style(text, limits) {
        Some(document) => Ok(document),
        None => parse_with_granit(text, limits),
    }
}

/// The fast path alone: the document, or `None` when the text is outside the block-style
/// subset [`block`] handles, or when building it stopped at an error (granit-parser reports
/// errors, so that their messages and positions do not depend on the path).
pub fn parse_block_style(text: &str, limits: YamlLimits) -> Option<Document> {
    let mut builder = TreeBuilder::new(text, limits);
    block::events(text, |event, span| {
        builder.event(event, span).map_err(|_| block::Unhandled)
    })
    .ok()?;
    Some(builder.document)
}

/// The fast path's invariant on one text, for tests and fuzzing: `Ok(true)` when the fast
/// path built granit-parser's document, `Ok(false)` when it gave the text back, otherwise
/// what is wrong (granit-parser rejects the text, or the first lines where the trees differ).
pub fn fast_path_agrees(text: &str, limits: YamlLimits) -> Result<bool, String> {
    let Some(fast) = parse_block_style(text, limits) else {
        return Ok(false);
    };
    let granit = parse_with_granit(text, limits)
        .map_err(|e| format!("granit-parser rejects the text ({e}); the fast path built a tree"))?;
    // Debug output, not `==`: a `.nan` is equal to itself there.
    if format!("{fast:?}") == format!("{granit:?}") {
        return Ok(true);
    }
    let (fast, granit) = (format!("{fast:#?}"), format!("{granit:#?}"));
    let line = fast
        .lines()
        .zip(granit.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    let excerpt = |dump: &str| {
        let lines: Vec<&str> = dump
            .lines()
            .skip(line.saturating_sub(10))
            .take(14)
            .collect();
        lines.join("\n")
    };
    Err(format!(
        "the trees differ from dump line {line}:\n-- fast path:\n{}\n-- granit-parser:\n{}",
        excerpt(&fast),
        excerpt(&granit)
    ))
}

/// Parses one YAML file with granit-parser, whatever it holds.
pub fn parse_with_granit(text: &str, limits: YamlLimits) -> Result<Document, YamlError> {
    let mut builder = TreeBuilder::new(text, limits);
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| syntax_error(text, &e))?;
        let span = span
            .byte_range()
            .map_or_else(Span::default, |r| Span::new(r.start, r.end));
        builder.event(event, span)?;
    }
    Ok(builder.document)
}

fn syntax_error(text: &str, error: &ScanError) -> YamlError {
    let marker = error.marker();
    let offset = marker
        .byte_offset()
        .unwrap_or_else(|| char_index_to_byte(text, marker.index()));
    YamlError::Syntax {
        message: error.info().to_string(),
        span: Span::empty_at(offset.min(text.len())),
    }
}

fn char_index_to_byte(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map_or(text.len(), |(i, _)| i)
}

enum Open {
    Seq {
        start: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Span,
        anchor: usize,
        entries: OpenEntries,
        pending_key: Option<Node>,
        /// The pending key is a merge key (`<<`).
        pending_merge: bool,
        /// The values of the mapping's merge keys, in order: mappings, or sequences of
        /// mappings.
        merges: Vec<Node>,
    },
}

/// The entries of a mapping being built. A later duplicate key replaces the earlier entry
/// and moves to the end, as before. Content mappings are small, so duplicates are found by
/// comparing keys directly; past [`INDEX_FROM`] entries an index by key text keeps it linear,
/// so a file of 100k keys is not 10^10 comparisons. Replaced entries are left as `None`
/// until the close.
#[derive(Default)]
struct OpenEntries {
    entries: Vec<Option<(Node, Node)>>,
    by_key: Option<HashMap<String, usize>>,
}

/// Whether two scalar keys have the same text as JSON sees it ([`Node::key_text`]).
/// Complex keys are never the same.
fn same_key_text(a: &Node, b: &Node) -> bool {
    match &a.value {
        Value::Seq(_) | Value::Map(_) => false,
        _ if matches!(b.value, Value::Seq(_) | Value::Map(_)) => false,
        Value::Str(s) => b.key_text_is(&s.text),
        _ => b.key_text_is(&a.key_text()),
    }
}

/// The size from which a mapping's duplicate keys are found through a hash index.
const INDEX_FROM: usize = 16;

impl OpenEntries {
    /// Adds an entry; returns the key node of the entry it replaced, if any.
    fn insert(&mut self, key: Node, value: Node) -> Option<Node> {
        let position = self.entries.len();
        if matches!(key.value, Value::Seq(_) | Value::Map(_)) {
            // All complex keys share one text; they are not duplicates of one another.
            self.entries.push(Some((key, value)));
            return None;
        }
        if self.by_key.is_none() && position >= INDEX_FROM {
            let index = self
                .entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| e.as_ref().map(|(k, _)| (k, i)))
                .filter(|(k, _)| !matches!(k.value, Value::Seq(_) | Value::Map(_)))
                .map(|(k, i)| (k.key_text().into_owned(), i))
                .collect();
            self.by_key = Some(index);
        }
        let old = match &mut self.by_key {
            Some(by_key) => match by_key.entry(key.key_text().into_owned()) {
                std::collections::hash_map::Entry::Occupied(mut slot) => {
                    Some(std::mem::replace(slot.get_mut(), position))
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(position);
                    None
                }
            },
            None => self
                .entries
                .iter()
                .position(|e| e.as_ref().is_some_and(|(k, _)| same_key_text(k, &key))),
        };
        let replaced = old.and_then(|old| self.entries[old].take().map(|(k, _)| k));
        self.entries.push(Some((key, value)));
        replaced
    }

    fn last_value(&self) -> Option<&Node> {
        self.entries.iter().rev().flatten().next().map(|(_, v)| v)
    }

    fn into_mapping(self) -> Mapping {
        Mapping {
            entries: self.entries.into_iter().flatten().collect(),
        }
    }
}

struct TreeBuilder<'a> {
    text: &'a str,
    limits: YamlLimits,
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    node_count: usize,
    documents: usize,
    document: Document,
}

impl<'a> TreeBuilder<'a> {
    fn new(text: &'a str, limits: YamlLimits) -> TreeBuilder<'a> {
        TreeBuilder {
            text,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            node_count: 0,
            documents: 0,
            document: Document::default(),
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(YamlError::MultipleDocuments { span });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                // PyYAML resolves a plain, untagged `<<` key to its merge tag.
                let merge_key = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
                let explicit_str = tag
                    .as_deref()
                    .is_some_and(|t| t.to_string().ends_with("str"));
                let node = Node {
                    span,
                    value: resolve_scalar(text, style, explicit_str),
                };
                let is_key = matches!(
                    self.stack.last(),
                    Some(Open::Map {
                        pending_key: None,
                        ..
                    })
                );
                self.push_node(node, anchor)?;
                if merge_key
                    && is_key
                    && let Some(Open::Map { pending_merge, .. }) = self.stack.last_mut()
                {
                    *pending_merge = true;
                }
            }
            Event::SequenceStart(_, anchor, _) => {
                self.open(Open::Seq {
                    start: span,
                    anchor,
                    items: Vec::new(),
                })?;
            }
            Event::MappingStart(_, anchor, _) => {
                self.open(Open::Map {
                    start: span,
                    anchor,
                    entries: OpenEntries::default(),
                    pending_key: None,
                    pending_merge: false,
                    merges: Vec::new(),
                })?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().unwrap_or(Node {
                    span,
                    value: Value::Null,
                });
                let (count, depth) = measure(&node);
                self.node_count += count;
                self.check_node_count(span)?;
                // An alias copies its anchor's whole tree, so it can nest deeper than the
                // text does: chained anchors would otherwise build a tree deep enough to
                // overflow the stack of whatever walks it later.
                if self.stack.len() + depth > self.limits.max_depth {
                    return Err(YamlError::TooDeep {
                        limit: self.limits.max_depth,
                        span,
                    });
                }
                let node = Node { span, ..node };
                self.push_node(node, 0)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn check_node_count(&self, span: Span) -> Result<(), YamlError> {
        if self.node_count > self.limits.max_nodes {
            return Err(YamlError::TooManyNodes {
                limit: self.limits.max_nodes,
                span,
            });
        }
        Ok(())
    }

    fn open(&mut self, open: Open) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            let span = match &open {
                Open::Seq { start, .. } | Open::Map { start, .. } => *start,
            };
            return Err(YamlError::TooDeep {
                limit: self.limits.max_depth,
                span,
            });
        }
        self.stack.push(open);
        Ok(())
    }

    fn close(&mut self, end: Span) -> Result<(), YamlError> {
        let Some(open) = self.stack.pop() else {
            return Ok(());
        };
        let (node, anchor) = match open {
            Open::Seq {
                start,
                anchor,
                items,
            } => (
                Node {
                    span: self.collection_span(start, end, items.last()),
                    value: Value::Seq(items),
                },
                anchor,
            ),
            Open::Map {
                start,
                anchor,
                entries,
                merges,
                ..
            } => {
                let last_child = [entries.last_value(), merges.last()]
                    .into_iter()
                    .flatten()
                    .max_by_key(|child| child.span.end);
                (
                    Node {
                        span: self.collection_span(start, end, last_child),
                        value: Value::Map(merged(entries.into_mapping(), merges)),
                    },
                    anchor,
                )
            }
        };
        self.push_node(node, anchor)
    }

    /// A block collection's end event sits at the next token, possibly lines below; end the
    /// span at its last child instead so that it covers only the collection's own text.
    fn collection_span(&self, start: Span, end: Span, last_child: Option<&Node>) -> Span {
        let closes_with_bracket = matches!(
            self.text.as_bytes().get(end.start as usize),
            Some(b']' | b'}')
        );
        let end = match last_child {
            Some(child) if !closes_with_bracket => child.span.end,
            _ => end.end.max(start.end),
        };
        Span {
            start: start.start,
            end: end.max(start.start),
        }
    }

    fn push_node(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        self.node_count += 1;
        self.check_node_count(node.span)?;
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.document.root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries,
                pending_key,
                pending_merge,
                merges,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(_) if std::mem::take(pending_merge) => {
                    check_merge_source(&node)?;
                    merges.push(node);
                }
                Some(key) => {
                    let duplicate = key.span;
                    if let Some(first) = entries.insert(key, node) {
                        // The replaced key has the same text as the new one.
                        self.document.problems.push(YamlProblem::DuplicateKey {
                            key: first.key_text().into_owned(),
                            first: first.span,
                            duplicate,
                        });
                    }
                }
            },
        }
        Ok(())
    }
}

/// A merge key's value must be a mapping or a sequence of mappings (PyYAML's
/// `flatten_mapping`), or the file does not load.
fn check_merge_source(value: &Node) -> Result<(), YamlError> {
    let error = |node: &Node| YamlError::Merge {
        found: node.kind_name(),
        span: node.span,
    };
    match &value.value {
        Value::Map(_) => Ok(()),
        Value::Seq(items) => match items.iter().find(|item| item.as_map().is_none()) {
            Some(item) => Err(error(item)),
            None => Ok(()),
        },
        _ => Err(error(value)),
    }
}

/// A mapping with its merge keys applied as PyYAML applies them: the merged entries come
/// first (a list of mappings merged so that the earlier mappings win, and a later `<<` over
/// an earlier one), then the mapping's own entries, which win over merged ones; a key met
/// again keeps its first place and takes the later entry. Merged entries keep the spans of
/// the text they were written in (the anchor's).
fn merged(own: Mapping, merges: Vec<Node>) -> Mapping {
    if merges.is_empty() {
        return own;
    }
    let mut sources: Vec<(Node, Node)> = Vec::new();
    for source in merges {
        match source.value {
            Value::Map(mapping) => sources.extend(mapping.entries),
            Value::Seq(items) => {
                for item in items.into_iter().rev() {
                    if let Value::Map(mapping) = item.value {
                        sources.extend(mapping.entries);
                    }
                }
            }
            _ => {}
        }
    }
    let mut entries: Vec<(Node, Node)> = Vec::with_capacity(sources.len() + own.entries.len());
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (key, value) in sources.into_iter().chain(own.entries) {
        if matches!(key.value, Value::Seq(_) | Value::Map(_)) {
            entries.push((key, value));
            continue;
        }
        match by_key.entry(key.key_text().into_owned()) {
            std::collections::hash_map::Entry::Occupied(slot) => {
                entries[*slot.get()] = (key, value);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(entries.len());
                entries.push((key, value));
            }
        }
    }
    Mapping { entries }
}

/// How many nodes a tree holds and how deeply its collections nest (a scalar is 0 deep).
fn measure(node: &Node) -> (usize, usize) {
    let children: Box<dyn Iterator<Item = &Node>> = match &node.value {
        Value::Seq(items) => Box::new(items.iter()),
        Value::Map(m) => Box::new(m.entries.iter().flat_map(|(k, v)| [k, v])),
        _ => return (1, 0),
    };
    children.fold((1, 1), |(count, depth), child| {
        let (c, d) = measure(child);
        (count + c, depth.max(d + 1))
    })
}

fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle, explicit_str: bool) -> Value {
    let style = match style {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    };
    let string = |text: Cow<'_, str>, is_timestamp| {
        Value::Str(Scalar {
            text: text.into_owned(),
            style,
            is_timestamp,
        })
    };
    if style != Style::Plain || explicit_str {
        return string(text, false);
    }
    match &*text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    // Every YAML 1.1 number and timestamp starts with a digit, a sign or a dot (`.inf`);
    // most plain scalars are words, which need none of the checks below.
    if !text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return string(text, false);
    }
    if let Some(int) = resolve_int(&text) {
        return Value::Int(int);
    }
    if let Some(float) = resolve_float(&text) {
        return Value::Float(float);
    }
    let timestamp = is_timestamp(&text);
    string(text, timestamp)
}

/// YAML 1.1 integers as PyYAML reads them: decimal, `0x`, `0b`, leading-zero octal, `_`.
fn resolve_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let first = *digits.as_bytes().first()?;
    if !first.is_ascii_digit() {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    let magnitude = if let Some(hex) = clean.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(bin) = clean.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()?
    } else if clean.len() > 1 && clean.starts_with('0') {
        i64::from_str_radix(&clean[1..], 8).ok()?
    } else if clean.bytes().all(|b| b.is_ascii_digit()) {
        clean.parse().ok()?
    } else {
        return None;
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// YAML 1.1 floats: PyYAML wants a dot (`1e3` stays a string) and knows `.inf` and `.nan`.
fn resolve_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let unsigned = text.trim_start_matches(['-', '+']);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let valid_mantissa = mantissa.contains('.')
        && mantissa
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
        && mantissa.bytes().any(|b| b.is_ascii_digit());
    let valid_exponent = exponent.is_none_or(|e| {
        let e = e.trim_start_matches(['-', '+']);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    if !(valid_mantissa && valid_exponent) || mantissa.matches('.').count() > 1 {
        return None;
    }
    text.replace('_', "").parse().ok()
}

/// `YYYY-MM-DD`, optionally followed by a time, as YAML 1.1's timestamp type.
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let date = b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && text[5..].split(['T', 't', ' ']).next().is_some_and(|d| {
            let mut parts = d.split('-');
            let month = parts.next().unwrap_or("");
            let day = parts.next().unwrap_or("");
            parts.next().is_none()
                && (1..=2).contains(&month.len())
                && (1..=2).contains(&day.len())
                && month.bytes().chain(day.bytes()).all(|c| c.is_ascii_digit())
        });
    date && (b.len() == 10 || b.len() > 10 && b[10..].contains(&b':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse(text, YamlLimits::default()).unwrap().root.unwrap()
    }

    /// A mapping's keys in order, and its JSON.
    fn keys_and_json(node: &Node) -> (Vec<String>, serde_json::Value) {
        let keys = node.as_map().unwrap().entries.iter();
        (
            keys.map(|(k, _)| k.key_text().into_owned()).collect(),
            node.to_json(),
        )
    }

    #[test]
    fn merge_keys_merge_as_pyyaml_does() {
        use serde_json::json;
        // Each expectation is what PyYAML 6.0.3's `safe_load` gives, keys in its order.
        let merged = |text: &str| keys_and_json(root(text).get("x").unwrap());
        let (keys, value) = merged("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n  c: 4\n");
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(value, json!({"a": 1, "b": 3, "c": 4}), "explicit keys win");
        let (keys, value) =
            merged("one: &o {a: 1, k: one}\ntwo: &t {k: two, z: 0}\nx:\n  <<: [*o, *t]\n");
        assert_eq!(keys, ["k", "z", "a"]);
        assert_eq!(
            value,
            json!({"k": "one", "z": 0, "a": 1}),
            "earlier ones win"
        );
        let (keys, value) = merged("one: &o {a: 1}\nx:\n  b: 2\n  <<: *o\n  a: 5\n");
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(value, json!({"a": 5, "b": 2}));
        let (_, value) = merged("one: &o {k: 1}\ntwo: &t {k: 2}\nx:\n  <<: *o\n  <<: *t\n");
        assert_eq!(value, json!({"k": 2}), "a later merge key wins");
        let (_, value) = merged("x:\n  '<<': {a: 1}\n");
        assert_eq!(value, json!({"<<": {"a": 1}}), "a quoted `<<` is a key");
        let (_, value) = merged("x:\n  <<: {a: 1, b: {c: 2}}\n  b: 9\n");
        assert_eq!(value, json!({"a": 1, "b": 9}));
        let doc = root("a: &a {p: 1}\nb: &b {<<: *a, q: 2}\nx: {<<: *b, r: 3}\n");
        assert_eq!(
            doc.get("x").unwrap().to_json(),
            json!({"p": 1, "q": 2, "r": 3})
        );
        // No duplicate-key problem for an explicit key over a merged one.
        let doc = parse(
            "b: &b {a: 1}\nx:\n  <<: *b\n  a: 2\n",
            YamlLimits::default(),
        );
        assert!(doc.unwrap().problems.is_empty());
    }

    #[test]
    fn merged_entries_keep_the_spans_of_their_text() {
        let text = "base: &b\n  name: from base\nx:\n  <<: *b\n  id: own\n";
        let doc = root(text);
        let x = doc.get("x").unwrap();
        let (key, value) = x.as_map().unwrap().entry("name").unwrap();
        assert_eq!(&text[key.span.range()], "name");
        assert_eq!(key.span.start, text.find("name").unwrap() as u32);
        assert_eq!(&text[value.span.range()], "from base");
        assert_eq!(&text[x.get("id").unwrap().span.range()], "own");
    }

    #[test]
    fn merging_what_is_not_a_mapping_is_an_error() {
        for (text, found, at) in [
            ("x:\n  <<: 1\n", "integer", "1"),
            ("x:\n  <<: [{a: 1}, two]\n", "string", "two"),
            ("x:\n  <<: [[{a: 1}]]\n", "sequence", "[{a: 1}]"),
            ("s: &s hello\nx:\n  <<: *s\n", "string", "*s"),
        ] {
            let error = parse(text, YamlLimits::default()).unwrap_err();
            assert!(
                matches!(error, YamlError::Merge { found: f, .. } if f == found),
                "{text:?}: {error:?}"
            );
            assert_eq!(&text[error.span().range()], at, "{text:?}");
        }
        let error = parse("x:\n  <<:\n", YamlLimits::default()).unwrap_err();
        assert!(matches!(error, YamlError::Merge { found: "null", .. }));
    }

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = "name: AWS IAM\ntags:\n  confidence: 50\n";
        let doc = root(text);
        let (key, value) = doc.as_map().unwrap().entry("name").unwrap();
        assert_eq!(&text[key.span.range()], "name");
        assert_eq!(&text[value.span.range()], "AWS IAM");
        let confidence = doc.get("tags").unwrap().get("confidence").unwrap();
        assert_eq!(confidence.value, Value::Int(50));
        assert_eq!(&text[confidence.span.range()], "50");
    }

    #[test]
    fn resolves_plain_scalars_like_pyyaml() {
        let doc = root(
            "a: yes\nb: '2021-04-01'\nc: 2021-04-01\nd: 0.5\ne: 1e3\nf: ~\ng: 010\nh: 'yes'\ni: _1.5\nj: -.inf\n",
        );
        let get = |k| doc.get(k).unwrap().value.clone();
        assert_eq!(get("a"), Value::Bool(true));
        assert!(matches!(get("b"), Value::Str(s) if !s.is_timestamp));
        assert!(matches!(get("c"), Value::Str(s) if s.is_timestamp && s.text == "2021-04-01"));
        assert_eq!(get("d"), Value::Float(0.5));
        assert!(matches!(get("e"), Value::Str(_)));
        assert_eq!(get("f"), Value::Null);
        assert_eq!(get("g"), Value::Int(8));
        assert!(matches!(get("h"), Value::Str(_)));
        // PyYAML's floats start with a digit, a sign or a dot.
        assert!(matches!(get("i"), Value::Str(s) if s.text == "_1.5"));
        assert_eq!(get("j"), Value::Float(f64::NEG_INFINITY));
    }

    #[test]
    fn a_date_like_scalar_with_a_multibyte_character_at_byte_10_does_not_panic() {
        // Found by the fast path's differential proptest: `text[10..]` sliced inside `é`.
        let doc = root("a: 2021-4-1 é\n");
        assert!(matches!(doc.get("a").unwrap().value, Value::Str(ref s) if !s.is_timestamp));
    }

    #[test]
    fn reports_duplicate_keys_and_keeps_the_last_value() {
        let doc = parse("a: 1\nb: 2\na: 3\n", YamlLimits::default()).unwrap();
        assert_eq!(doc.root.unwrap().get("a").unwrap().value, Value::Int(3));
        assert!(matches!(
            &doc.problems[..],
            [YamlProblem::DuplicateKey { key, first, duplicate }]
                if key == "a" && first.start == 0 && duplicate.start == 10
        ));
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse("a: [1, 2\nb: 3\n", YamlLimits::default()).unwrap_err();
        assert!(matches!(err, YamlError::Syntax { .. }));
    }

    #[test]
    fn alias_bombs_hit_the_node_limit() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse(&text, YamlLimits::default()).unwrap_err();
        assert!(matches!(err, YamlError::TooManyNodes { .. }));
    }

    #[test]
    fn deep_nesting_hits_the_depth_limit() {
        let text = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let err = parse(&text, YamlLimits::default()).unwrap_err();
        assert!(matches!(err, YamlError::TooDeep { .. }));
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_offsets_stay_those_of_the_file() {
        let text = "\u{feff}name: bom\ndefinition: x\n";
        let doc = root(text);
        let (key, value) = doc.as_map().unwrap().entry("definition").unwrap();
        assert_eq!(&text[key.span.range()], "definition");
        assert_eq!(&text[value.span.range()], "x");
        assert_eq!(&text[doc.get("name").unwrap().span.range()], "bom");
    }

    #[test]
    fn chained_aliases_cannot_nest_past_the_depth_limit() {
        // Each anchor wraps the previous one 10 levels deeper: 20 links make 200 levels
        // from a text that never nests more than 11.
        let mut text = String::from("a0: &a0 x\n");
        for i in 1..20 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} {}*a{prev}{}\n",
                "[".repeat(10),
                "]".repeat(10)
            ));
        }
        let err = parse(&text, YamlLimits::default()).unwrap_err();
        assert!(matches!(err, YamlError::TooDeep { .. }), "{err:?}");
    }

    #[test]
    fn many_keys_load_in_linear_time() {
        let mut text = String::new();
        for i in 0..90_000 {
            text.push_str(&format!("k{i}: {i}\n"));
        }
        text.push_str("k7: again\n");
        let doc = parse(&text, YamlLimits::default()).unwrap();
        assert_eq!(doc.problems.len(), 1);
        let root = doc.root.unwrap();
        let entries = &root.as_map().unwrap().entries;
        assert_eq!(entries.len(), 90_000);
        assert_eq!(entries.last().unwrap().0.as_str(), Some("k7"));
        // No clock here (tests are not timed): quadratic duplicate detection took minutes on
        // this input, which scripts/bench.sh would show; this checks the answer is still right.
    }

    #[test]
    fn a_second_document_is_an_error() {
        let err = parse("a: 1\n---\nb: 2\n", YamlLimits::default()).unwrap_err();
        assert!(matches!(err, YamlError::MultipleDocuments { .. }));
    }

    #[test]
    fn pointers_find_nodes_and_keys() {
        let text = "tags:\n  observable:\n  - name: src\n";
        let doc = root(text);
        let node = doc.pointer("/tags/observable/0/name").unwrap();
        assert_eq!(&text[node.span.range()], "src");
        let key = doc.pointer_key("/tags/observable").unwrap();
        assert_eq!(&text[key.span.range()], "observable");
    }
}
