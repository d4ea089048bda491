//! The YAML fast path against granit-parser on arbitrary text: wherever the block-style fast
//! path builds a document, granit-parser must accept the text and build the same document,
//! span for span (`load::yaml::block`'s invariant). Neither may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splforge::load::yaml::{YamlLimits, fast_path_agrees};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    // Smaller than the defaults so that an alias bomb costs milliseconds, not seconds.
    let limits = YamlLimits {
        max_depth: 64,
        max_nodes: 20_000,
    };
    if let Err(difference) = fast_path_agrees(text, limits) {
        panic!("{text:?}: {difference}");
    }
});
