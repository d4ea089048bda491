//! Builds the app of a content tree, without lint: a stand-in for `splforge build` until the
//! CLI wires it, used by `scripts/bench-build.sh` and `scripts/appinspect.sh` callers.
//! Usage: cargo run --release --example build_app -- ROOT OUT
//! The build time is `$SOURCE_DATE_EPOCH`, else 0.

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "dist".into()));
    let build_time = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let started = std::time::Instant::now();
    let (config, _) = splforge::config::Config::discover(&root)?;
    let repository = splforge::load::load_repository(&root, config.limits);
    let content = splforge::model::Content::build(&repository);
    let options = splforge::package::BuildOptions {
        build_time,
        attack: None,
    };
    let report = splforge::package::build(&content, &repository, &config, &out, &options)?;
    println!(
        "{} ({} files, {} bytes) in {:.3} s",
        report.package.display(),
        report.files,
        report.package_bytes,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
