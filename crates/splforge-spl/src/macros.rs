//! Macro definitions and textual macro expansion with a map back to the original search.
//!
//! Splunk expands backtick macros before it parses a search, so the analyser does the same:
//! `expand` produces the expanded text plus a [`SourceMap`] that sends every byte of it back to
//! the original search (text from a macro body maps to the span of the call), so a diagnostic on
//! the expanded search can still point into the YAML scalar.
//!
//! Quoted strings and triple-backtick comments are copied verbatim: a backtick inside a string
//! is a literal (PowerShell's escape character in several detections), not a macro call.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use serde::Deserialize;

use super::lexer::find;
use super::parser::split_macro_call;
use super::problem::{ProblemKind, SplProblem};

/// A macro as defined in `macros/*.yml` (or by an external app).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MacroDef {
    pub name: String,
    #[serde(default)]
    pub arguments: Vec<String>,
    pub definition: String,
}

/// Where a macro call was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MacroSource {
    /// Defined in the table (content macros and external ones with a known body).
    Defined,
    /// A known external macro whose body is not modelled.
    Opaque,
    /// A `<detection>_filter` macro with no definition: contentctl generates it as `search *`.
    GeneratedFilter,
    /// Not defined anywhere, or defined with another number of arguments.
    Missing,
}

/// One macro call in the original search.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MacroCall {
    pub name: String,
    pub args: Vec<String>,
    /// The call, backticks included, in the original search.
    pub span: Range<usize>,
    pub resolved: bool,
    pub arity_ok: bool,
    pub source: MacroSource,
}

impl MacroCall {
    /// True for a detection filter macro (`..._filter`), the one that must end the search.
    /// An input filter (`..._input_filter`) narrows the events a search starts from, early
    /// on purpose (ESCU baselines and site content use them): it is not one.
    pub fn is_filter(&self) -> bool {
        self.name.ends_with("_filter") && !self.name.ends_with("_input_filter")
    }
}

/// Guards against runaway expansion (recursive or exponential macros) and huge inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Macro nesting depth.
    pub max_depth: usize,
    /// Size of the expanded search, in bytes.
    pub max_expanded_len: usize,
    /// Macro expansions in one search, nested ones included (macros with empty bodies can fan
    /// out without growing the text).
    pub max_expansions: usize,
    /// Longest search analysed, in bytes (`[limits] max_search_bytes`); a longer one is
    /// reported, not expanded or parsed.
    pub max_search_len: usize,
}

/// Default of [`Limits::max_search_len`]: 256 KiB, fifty times the longest search of
/// security_content 2024-10 (4,903 bytes).
pub const DEFAULT_MAX_SEARCH_BYTES: usize = 256 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 20,
            max_expanded_len: 1 << 20,
            max_expansions: 10_000,
            max_search_len: DEFAULT_MAX_SEARCH_BYTES,
        }
    }
}

/// Macros keyed by `(name, arity)`, as Splunk keys `name(N)` stanzas, plus the names of known
/// external macros whose bodies are unknown.
#[derive(Debug, Clone)]
pub struct MacroTable {
    /// Definitions by name, one per arity.
    definitions: HashMap<String, Vec<MacroDef>>,
    opaque: BTreeSet<String>,
    generated_filters: bool,
}

impl Default for MacroTable {
    fn default() -> Self {
        MacroTable::new()
    }
}

#[derive(Deserialize)]
struct ExternalMacros {
    #[serde(default)]
    opaque: Vec<String>,
    #[serde(default, rename = "macro")]
    macros: Vec<MacroDef>,
}

const EXTERNAL_MACROS: &str = include_str!("../data/external_macros.toml");

impl MacroTable {
    /// Gives everything expansion reads from the table to `field`, one field at a time, in
    /// a fixed order: for the key of results that depend on the table (`check::facts`).
    pub fn fingerprint(&self, field: &mut dyn FnMut(&[u8])) {
        let mut names: Vec<&String> = self.definitions.keys().collect();
        names.sort();
        for name in names {
            for definition in &self.definitions[name] {
                field(definition.name.as_bytes());
                field(&(definition.arguments.len() as u64).to_le_bytes());
                for argument in &definition.arguments {
                    field(argument.as_bytes());
                }
                field(definition.definition.as_bytes());
            }
        }
        for name in &self.opaque {
            field(name.as_bytes());
        }
        field(&[u8::from(self.generated_filters)]);
    }

    /// An empty table that treats undefined `*_filter` macros as contentctl's generated
    /// `search *`.
    pub fn new() -> Self {
        MacroTable {
            definitions: HashMap::new(),
            opaque: BTreeSet::new(),
            generated_filters: true,
        }
    }

    /// A table holding the external macros detections rely on (`crates/splforge-spl/data/external_macros.toml`):
    /// `drop_dm_object_name` and friends. Content macros inserted later override them.
    pub fn with_external_macros() -> Self {
        let mut table = MacroTable::new();
        if let Ok(external) = toml::from_str::<ExternalMacros>(EXTERNAL_MACROS) {
            for def in external.macros {
                table.insert(def);
            }
            table.opaque.extend(external.opaque);
        }
        table
    }

    /// Adds a definition; returns the one it replaces.
    pub fn insert(&mut self, def: MacroDef) -> Option<MacroDef> {
        let same_name = self.definitions.entry(def.name.clone()).or_default();
        match same_name
            .iter_mut()
            .find(|d| d.arguments.len() == def.arguments.len())
        {
            Some(existing) => Some(std::mem::replace(existing, def)),
            None => {
                same_name.push(def);
                None
            }
        }
    }

    pub fn get(&self, name: &str, arity: usize) -> Option<&MacroDef> {
        self.definitions
            .get(name)?
            .iter()
            .find(|d| d.arguments.len() == arity)
    }

    /// Declares an external macro (ES, CIM, ...) whose body is unknown.
    pub fn add_known_external(&mut self, name: impl Into<String>) {
        self.opaque.insert(name.into());
    }

    pub fn is_known_external(&self, name: &str) -> bool {
        self.opaque.contains(name)
    }

    /// Whether an undefined `<name>_filter` macro counts as contentctl's generated `search *`.
    pub fn set_generated_filters(&mut self, enabled: bool) {
        self.generated_filters = enabled;
    }

    /// The arities `name` is defined with, sorted.
    pub fn arities(&self, name: &str) -> Vec<usize> {
        let mut arities: Vec<usize> = self
            .definitions
            .get(name)
            .map(|defs| defs.iter().map(|d| d.arguments.len()).collect())
            .unwrap_or_default();
        arities.sort_unstable();
        arities
    }

    /// The number of definitions (a name defined with two arities counts twice).
    pub fn len(&self) -> usize {
        self.definitions.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }
}

/// One run of expanded text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    expanded: Range<usize>,
    original: Range<usize>,
    /// Copied from the original search byte for byte (else: produced by the macro call at
    /// `original`).
    verbatim: bool,
}

/// Maps byte ranges of the expanded search back to the original search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    segments: Vec<Segment>,
    original_len: usize,
}

impl SourceMap {
    fn push(&mut self, expanded: Range<usize>, original: Range<usize>, verbatim: bool) {
        if expanded.is_empty() {
            return;
        }
        if let Some(last) = self.segments.last_mut()
            && last.verbatim == verbatim
            && last.expanded.end == expanded.start
            && ((verbatim && last.original.end == original.start)
                || (!verbatim && last.original == original))
        {
            last.expanded.end = expanded.end;
            if verbatim {
                last.original.end = original.end;
            }
            return;
        }
        self.segments.push(Segment {
            expanded,
            original,
            verbatim,
        });
    }

    fn locate(&self, pos: usize) -> Option<&Segment> {
        let idx = self
            .segments
            .partition_point(|s| s.expanded.end <= pos)
            .min(self.segments.len().saturating_sub(1));
        self.segments.get(idx)
    }

    fn point(&self, pos: usize, at_end: bool) -> usize {
        match self.locate(pos) {
            None => pos.min(self.original_len),
            Some(seg) if seg.verbatim => {
                let offset = pos.saturating_sub(seg.expanded.start);
                (seg.original.start + offset).min(seg.original.end)
            }
            Some(seg) => {
                if at_end {
                    seg.original.end
                } else {
                    seg.original.start
                }
            }
        }
    }

    /// Whether `expanded` was copied from the original search, not produced by a macro.
    pub fn is_verbatim(&self, expanded: Range<usize>) -> bool {
        match self.locate(expanded.start) {
            // No segment: nothing was expanded, the text is the original.
            None => true,
            Some(seg) => {
                seg.verbatim
                    && seg.expanded.start <= expanded.start
                    && expanded.end <= seg.expanded.end
            }
        }
    }

    /// The range of the original search that produced `expanded`.
    pub fn to_original(&self, expanded: Range<usize>) -> Range<usize> {
        let start = self.point(expanded.start, false);
        let end = if expanded.end > expanded.start {
            self.point(expanded.end - 1, true).max(start)
        } else {
            start
        };
        // A verbatim end point is the last byte; make it exclusive.
        let end = match self.locate(expanded.end.saturating_sub(1)) {
            Some(seg) if seg.verbatim && expanded.end > expanded.start => {
                (end + 1).min(self.original_len)
            }
            _ => end,
        };
        start..end.max(start)
    }
}

/// The result of expanding the macros of a search.
#[derive(Debug, Clone, Default)]
pub struct Expansion {
    pub text: String,
    pub map: SourceMap,
    /// The calls written in the original search (not those nested in macro bodies).
    pub calls: Vec<MacroCall>,
    pub problems: Vec<SplProblem>,
}

/// Expands every macro call of `search` (recursively), within `limits`.
pub fn expand(search: &str, macros: &MacroTable, limits: &Limits) -> Expansion {
    let mut expander = Expander {
        macros,
        limits,
        out: Expansion::default(),
        stack: Vec::new(),
        limit_reached: false,
        expansions: 0,
    };
    expander.out.map.original_len = search.len();
    expander.out.text.reserve(search.len() * 2);
    expander.copy(search, Origin::Verbatim(0), 0);
    expander.out
}

#[derive(Clone)]
enum Origin {
    /// The text is the original search from this offset on.
    Verbatim(usize),
    /// The text comes from (a macro nested in) the call at this span of the original.
    Call(Range<usize>),
}

impl Origin {
    fn span(&self, local: Range<usize>) -> Range<usize> {
        match self {
            Origin::Verbatim(base) => base + local.start..base + local.end,
            Origin::Call(span) => span.clone(),
        }
    }
}

struct Expander<'a> {
    macros: &'a MacroTable,
    limits: &'a Limits,
    out: Expansion,
    stack: Vec<(String, usize)>,
    limit_reached: bool,
    expansions: usize,
}

impl Expander<'_> {
    fn emit(&mut self, text: &str, origin: &Origin, local: Range<usize>) {
        let start = self.out.text.len();
        self.out.text.push_str(text);
        let end = self.out.text.len();
        let verbatim = matches!(origin, Origin::Verbatim(_));
        self.out.map.push(start..end, origin.span(local), verbatim);
    }

    fn problem(&mut self, kind: ProblemKind, span: Range<usize>) {
        self.out.problems.push(SplProblem::new(kind, span));
    }

    /// Copies `text`, expanding the macro calls outside strings and comments.
    fn copy(&mut self, text: &str, origin: Origin, depth: usize) {
        let bytes = text.as_bytes();
        let mut run_start = 0usize;
        let mut i = 0usize;
        while i < bytes.len() {
            match bytes[i] {
                // An escaped quote or backtick outside a string is a literal character.
                b'\\' => i += 2,
                b'"' => i = skip_string(bytes, i),
                b'`' if bytes[i..].starts_with(b"```") => {
                    i = find(bytes, i + 3, b"```").map_or(bytes.len(), |e| e + 3);
                }
                b'`' => {
                    let Some(close) = bytes
                        .get(i + 1..)
                        .and_then(|r| r.iter().position(|&b| b == b'`'))
                    else {
                        i += 1;
                        continue;
                    };
                    let end = i + 1 + close + 1;
                    self.emit(text.get(run_start..i).unwrap_or(""), &origin, run_start..i);
                    let inner = text.get(i + 1..end - 1).unwrap_or("");
                    let raw = text.get(i..end).unwrap_or("");
                    self.call(inner, raw, origin.span(i..end), &origin, i..end, depth);
                    i = end;
                    run_start = end;
                }
                // Jump to the next byte that matters: searches are mostly other text.
                _ => {
                    i = memchr::memchr3(b'\\', b'"', b'`', &bytes[i + 1..])
                        .map_or(bytes.len(), |next| i + 1 + next);
                }
            }
        }
        self.emit(
            text.get(run_start..).unwrap_or(""),
            &origin,
            run_start..bytes.len(),
        );
    }

    /// Expands one call, or copies it verbatim when it cannot be expanded.
    fn call(
        &mut self,
        inner: &str,
        raw: &str,
        span: Range<usize>,
        origin: &Origin,
        local: Range<usize>,
        depth: usize,
    ) {
        let (name, args) = split_macro_call(inner);
        let arity = args.len();
        let definition = self.macros.get(&name, arity);
        // Only needed (and only allocated) when the call does not resolve as written.
        let known_arities = if definition.is_some() {
            vec![arity]
        } else {
            self.macros.arities(&name)
        };
        let source = match definition {
            Some(_) => MacroSource::Defined,
            None if !known_arities.is_empty() => MacroSource::Missing,
            None if self.macros.is_known_external(&name) => MacroSource::Opaque,
            None if self.macros.generated_filters && name.ends_with("_filter") && arity == 0 => {
                MacroSource::GeneratedFilter
            }
            None => MacroSource::Missing,
        };
        if depth == 0 {
            self.out.calls.push(MacroCall {
                name: name.clone(),
                args: args.clone(),
                span: span.clone(),
                resolved: matches!(source, MacroSource::Defined | MacroSource::GeneratedFilter),
                arity_ok: known_arities.is_empty() || known_arities.contains(&arity),
                source,
            });
        }
        let body = match (source, definition) {
            (MacroSource::Defined, Some(def)) => substitute(&def.definition, &def.arguments, &args),
            (MacroSource::GeneratedFilter, _) => "search *".to_string(),
            (MacroSource::Opaque, _) => return self.emit(raw, origin, local),
            _ => {
                let kind = if known_arities.is_empty() {
                    ProblemKind::UnknownMacro { name }
                } else {
                    ProblemKind::WrongArity {
                        name,
                        expected: known_arities
                            .iter()
                            .map(usize::to_string)
                            .collect::<Vec<_>>()
                            .join(" or "),
                        found: arity,
                    }
                };
                self.problem(kind, span);
                return self.emit(raw, origin, local);
            }
        };
        let key = (name.clone(), arity);
        let stop = if self.stack.contains(&key) {
            Some(Some(ProblemKind::RecursiveMacro { name }))
        } else if depth >= self.limits.max_depth {
            Some(Some(ProblemKind::ExpansionLimit {
                reason: format!("macros nested deeper than {}", self.limits.max_depth),
            }))
        } else if self.out.text.len() + body.len() > self.limits.max_expanded_len
            || self.expansions >= self.limits.max_expansions
        {
            // Reported once; later calls are silently left unexpanded.
            let first = !std::mem::replace(&mut self.limit_reached, true);
            Some(first.then(|| ProblemKind::ExpansionLimit {
                reason: format!(
                    "more than {} bytes or {} macro expansions",
                    self.limits.max_expanded_len, self.limits.max_expansions
                ),
            }))
        } else {
            None
        };
        if let Some(report) = stop {
            if let Some(kind) = report {
                self.problem(kind, span);
            }
            return self.emit(raw, origin, local);
        }
        self.expansions += 1;
        self.stack.push(key);
        let call_origin = Origin::Call(span.clone());
        self.copy(&body, call_origin, depth + 1);
        self.stack.pop();
    }
}

/// Replaces `$arg$` tokens by the call's arguments (one pass, so values are never rescanned).
fn substitute(definition: &str, names: &[String], values: &[String]) -> String {
    if names.is_empty() {
        return definition.to_string();
    }
    let mut out = String::with_capacity(definition.len());
    let mut rest = definition;
    while let Some(open) = rest.find('$') {
        out.push_str(rest.get(..open).unwrap_or(""));
        let after = rest.get(open + 1..).unwrap_or("");
        let replaced = after.find('$').and_then(|close| {
            let token = after.get(..close)?;
            let idx = names.iter().position(|n| n == token)?;
            Some((values.get(idx)?, close))
        });
        match replaced {
            Some((value, close)) => {
                out.push_str(value);
                rest = after.get(close + 1..).unwrap_or("");
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn skip_string(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(next) = bytes
        .get(j..)
        .and_then(|rest| memchr::memchr2(b'\\', b'"', rest))
    {
        j += next;
        if bytes[j] == b'"' {
            return j + 1;
        }
        j += 2;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, args: &[&str], body: &str) -> MacroDef {
        MacroDef {
            name: name.into(),
            arguments: args.iter().map(|s| s.to_string()).collect(),
            definition: body.into(),
        }
    }

    fn table() -> MacroTable {
        let mut t = MacroTable::with_external_macros();
        t.insert(def("cloudtrail", &[], "sourcetype=aws:cloudtrail"));
        t.insert(def(
            "security_content_ctime",
            &["field"],
            "convert timeformat=\"%Y\" ctime($field$)",
        ));
        t.insert(def("outer", &[], "`cloudtrail` x=1"));
        t.insert(def("loop", &[], "a `loop`"));
        t
    }

    #[test]
    fn expands_nested_macros_and_arguments() {
        let e = expand(
            "`outer` | `security_content_ctime(firstTime)`",
            &table(),
            &Limits::default(),
        );
        assert_eq!(
            e.text,
            "sourcetype=aws:cloudtrail x=1 | convert timeformat=\"%Y\" ctime(firstTime)"
        );
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        assert_eq!(e.calls.len(), 2);
        assert!(e.calls.iter().all(|c| c.resolved && c.arity_ok));
    }

    #[test]
    fn maps_expanded_text_back_to_calls() {
        let src = "`outer` | stats count";
        let e = expand(src, &table(), &Limits::default());
        let stats_at = e.text.find("stats").unwrap_or(0);
        assert_eq!(e.map.to_original(stats_at..stats_at + 5), 10..15);
        assert_eq!(e.map.to_original(0..5), 0..7);
    }

    #[test]
    fn reports_unknown_arity_and_recursion() {
        let e = expand(
            "`nope` | `security_content_ctime` | `loop`",
            &table(),
            &Limits::default(),
        );
        let kinds: Vec<_> = e.problems.iter().map(|p| p.kind.clone()).collect();
        assert!(matches!(&kinds[0], ProblemKind::UnknownMacro { name } if name == "nope"));
        assert!(matches!(
            &kinds[1],
            ProblemKind::WrongArity { found: 0, .. }
        ));
        assert!(matches!(&kinds[2], ProblemKind::RecursiveMacro { .. }));
        assert_eq!(e.problems[0].span, 0..6);
        assert!(!e.calls[1].arity_ok);
    }

    #[test]
    fn exponential_macros_hit_the_size_limit() {
        let mut t = MacroTable::new();
        t.insert(def("m0", &[], "xxxxxxxxxxxxxxxx"));
        for i in 1..40 {
            let prev = format!("`m{}`", i - 1);
            t.insert(def(&format!("m{i}"), &[], &format!("{prev} {prev}")));
        }
        let e = expand("`m39`", &t, &Limits::default());
        assert!(e.text.len() <= Limits::default().max_expanded_len + 64);
        assert!(
            e.problems
                .iter()
                .any(|p| matches!(p.kind, ProblemKind::ExpansionLimit { .. }))
        );
    }

    #[test]
    fn escaped_quotes_outside_strings_do_not_hide_macros() {
        let e = expand(
            r#"a=*\"x\":true* | `cloudtrail`"#,
            &table(),
            &Limits::default(),
        );
        assert_eq!(e.text, r#"a=*\"x\":true* | sourcetype=aws:cloudtrail"#);
    }

    #[test]
    fn empty_macros_that_fan_out_hit_the_expansion_limit() {
        let mut t = MacroTable::new();
        t.insert(def("e0", &[], ""));
        for i in 1..20 {
            let prev = format!("`e{}`", i - 1);
            t.insert(def(&format!("e{i}"), &[], &prev.repeat(10)));
        }
        let e = expand("`e19`", &t, &Limits::default());
        assert!(
            e.problems
                .iter()
                .any(|p| matches!(p.kind, ProblemKind::ExpansionLimit { .. }))
        );
    }

    #[test]
    fn strings_and_comments_are_not_expanded() {
        let e = expand(
            "a=\"`cloudtrail`\" ```x `cloudtrail` ``` `cloudtrail`",
            &table(),
            &Limits::default(),
        );
        assert_eq!(
            e.text,
            "a=\"`cloudtrail`\" ```x `cloudtrail` ``` sourcetype=aws:cloudtrail"
        );
    }

    #[test]
    fn external_and_generated_filter_macros_resolve() {
        let e = expand(
            "x | `drop_dm_object_name(\"Processes\")` | `my_detection_filter` | `get_asset(src)`",
            &table(),
            &Limits::default(),
        );
        assert_eq!(
            e.text,
            "x | rename \"Processes\".* AS * | search * | `get_asset(src)`"
        );
        assert!(e.problems.is_empty());
        assert_eq!(e.calls[2].source, MacroSource::Opaque);
    }

    #[test]
    fn the_embedded_external_list_parses() {
        assert!(toml::from_str::<ExternalMacros>(EXTERNAL_MACROS).is_ok());
        assert!(
            MacroTable::with_external_macros()
                .get("drop_dm_object_name", 1)
                .is_some()
        );
    }
}
