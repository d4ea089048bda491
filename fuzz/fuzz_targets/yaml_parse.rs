//! The YAML loader on arbitrary text: it must never panic, every span it returns must lie
//! inside the text on character boundaries, and positions inside scalars must map back
//! inside the scalar.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splforge::load::scalar_position::source_offset;
use splforge::load::yaml::{Node, Value, YamlLimits, parse};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    // Smaller than the defaults so that an alias bomb costs milliseconds, not seconds.
    let limits = YamlLimits {
        max_depth: 64,
        max_nodes: 20_000,
    };
    let Ok(document) = parse(text, limits) else {
        return;
    };
    if let Some(root) = &document.root {
        check_node(text, root, 0);
        let _ = root.to_json();
    }
});

fn check_node(text: &str, node: &Node, depth: usize) {
    assert!(depth <= 64, "tree deeper than the limit");
    let range = node.span.range();
    assert!(
        text.get(range.clone()).is_some(),
        "span {range:?} not on char boundaries of a {}-byte text",
        text.len()
    );
    match &node.value {
        Value::Str(scalar) => {
            let value = &scalar.text;
            let offsets = value
                .char_indices()
                .map(|(i, _)| i)
                .chain([value.len()])
                .take(64);
            for offset in offsets {
                let at = source_offset(text, node.span, scalar.style, value, offset);
                assert!(
                    (node.span.start as usize..=node.span.end as usize).contains(&at),
                    "offset {offset} mapped to {at}, outside {range:?}"
                );
                assert!(
                    text.is_char_boundary(at),
                    "offset {offset} mapped inside a character"
                );
            }
        }
        Value::Seq(items) => items.iter().for_each(|n| check_node(text, n, depth + 1)),
        Value::Map(mapping) => {
            for (key, value) in &mapping.entries {
                check_node(text, key, depth + 1);
                check_node(text, value, depth + 1);
            }
        }
        _ => {}
    }
}
