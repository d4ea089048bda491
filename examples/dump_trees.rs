//! Dumps every parsed YAML tree of a content tree as text: each node's span, type, value
//! and quoting style, every duplicate-key problem and every load error, file by file.
//! Run it before and after a loader change and `diff` the two outputs: an empty diff over
//! the whole corpus shows the change kept YAML semantics (and spans) exactly.
//!
//! `--parser granit` parses every file with granit-parser alone, `--parser fast` with the
//! block-style fast path alone (a file it does not handle prints `not handled`); the default
//! is the loader's own choice (fast path, granit-parser for the rest). The dumps of the
//! default and of `--parser granit` must be byte-identical: that is the check that the fast
//! path builds granit's trees (ARCHITECTURE.md). How many files the fast path handled goes
//! to stderr.
//!
//! Usage: cargo run --release --example dump_trees -- [--parser granit|fast] DIR > trees.txt

use std::io::Write;

use splforge::load::yaml::{self, Document};
use splforge::load::{self, FileError, LoadLimits, Node, Value};

fn dump(out: &mut impl Write, node: &Node, depth: usize) -> std::io::Result<()> {
    let pad = "  ".repeat(depth);
    let at = format!("{}..{}", node.span.start, node.span.end);
    match &node.value {
        Value::Null => writeln!(out, "{pad}{at} null"),
        Value::Bool(b) => writeln!(out, "{pad}{at} bool {b}"),
        Value::Int(i) => writeln!(out, "{pad}{at} int {i}"),
        Value::Float(f) => writeln!(out, "{pad}{at} float {f:?}"),
        Value::Str(s) => writeln!(
            out,
            "{pad}{at} str {:?} ts={} {:?}",
            s.style, s.is_timestamp, s.text
        ),
        Value::Seq(items) => {
            writeln!(out, "{pad}{at} seq {}", items.len())?;
            items.iter().try_for_each(|item| dump(out, item, depth + 1))
        }
        Value::Map(map) => {
            writeln!(out, "{pad}{at} map {}", map.entries.len())?;
            map.entries.iter().try_for_each(|(k, v)| {
                writeln!(out, "{pad} key:")?;
                dump(out, k, depth + 1)?;
                writeln!(out, "{pad} value:")?;
                dump(out, v, depth + 1)
            })
        }
    }
}

/// Which parser builds the dumped trees.
#[derive(Clone, Copy, PartialEq)]
enum Parser {
    Loader,
    Granit,
    Fast,
}

/// The file's document as `parser` builds it from the text the loader read (a file the
/// loader could not read keeps its error).
fn reparse(
    parser: Parser,
    text: &str,
    loaded: &Result<Document, FileError>,
) -> Option<Result<Document, FileError>> {
    let limits = LoadLimits::default().yaml();
    let parsed = matches!(loaded, Ok(_) | Err(FileError::Yaml(_)));
    match parser {
        _ if !parsed => Some(loaded.clone()),
        Parser::Loader => Some(loaded.clone()),
        Parser::Granit => Some(yaml::parse_with_granit(text, limits).map_err(FileError::from)),
        Parser::Fast => yaml::parse_block_style(text, limits).map(Ok),
    }
}

fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let parser = match args.iter().position(|a| a == "--parser") {
        Some(i) => {
            let name = args.get(i + 1).cloned().unwrap_or_default();
            args.drain(i..(i + 2).min(args.len()));
            match name.as_str() {
                "granit" => Parser::Granit,
                "fast" => Parser::Fast,
                _ => panic!("--parser granit|fast, not {name:?}"),
            }
        }
        None => Parser::Loader,
    };
    let root = args.first().cloned().unwrap_or_else(|| ".".into());
    let repository = load::load_repository(root.as_ref(), LoadLimits::default());
    let limits = LoadLimits::default().yaml();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut fast, mut parsed) = (0, 0);
    for file in &repository.files {
        writeln!(out, "== {} ({:?})", file.source.display_path(), file.kind)?;
        if matches!(file.document, Ok(_) | Err(FileError::Yaml(_))) {
            parsed += 1;
            fast += usize::from(yaml::parse_block_style(&file.source.text, limits).is_some());
        }
        let Some(document) = reparse(parser, &file.source.text, &file.document) else {
            writeln!(out, "not handled")?;
            continue;
        };
        match &document {
            Err(e) => writeln!(out, "error {:?} at {:?}", e.to_string(), e.span())?,
            Ok(doc) => {
                for problem in &doc.problems {
                    writeln!(out, "problem {problem:?}")?;
                }
                match &doc.root {
                    Some(node) => dump(&mut out, node, 0)?,
                    None => writeln!(out, "no document")?,
                }
            }
        }
    }
    eprintln!("fast path: {fast} of {parsed} parsed files");
    out.flush()
}
