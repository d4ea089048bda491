//! Dumps every parsed YAML tree of a content tree as text: each node's span, type, value
//! and quoting style, every duplicate-key problem and every load error, file by file.
//! Run it before and after a loader change and `diff` the two outputs: an empty diff over
//! the whole corpus shows the change kept YAML semantics (and spans) exactly.
//!
//! Usage: cargo run --release --example dump_trees -- DIR > trees.txt

use std::io::Write;

use splforge::load::{self, LoadLimits, Node, Value};

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

fn main() -> std::io::Result<()> {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let repository = load::load_repository(root.as_ref(), LoadLimits::default());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for file in &repository.files {
        writeln!(out, "== {} ({:?})", file.source.display_path(), file.kind)?;
        match &file.document {
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
    out.flush()
}
