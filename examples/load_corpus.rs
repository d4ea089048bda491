//! Loads a content tree and prints counts and load failures: a quick look at the loader.
//! Usage: cargo run --release --example load_corpus -- DIR

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let started = std::time::Instant::now();
    let repository = splforge::load::load_repository(root.as_ref(), Default::default());
    let loaded = started.elapsed();
    let content = splforge::model::Content::build(&repository);
    println!(
        "{} files in {:?} (model {:?}): {} detections, {} stories, {} macros, {} lookups, {} data sources",
        repository.files.len(),
        loaded,
        started.elapsed() - loaded,
        content.detections.len(),
        content.stories.len(),
        content.macros.len(),
        content.lookups.len(),
        content.data_sources.len()
    );
    for file in &repository.files {
        if let Err(e) = &file.document {
            println!("{}: {e}", file.source.display_path());
        }
    }
}
