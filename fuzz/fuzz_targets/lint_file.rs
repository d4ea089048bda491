//! One content file through the whole lint pipeline (load, model, schema, rules): no input
//! may panic it. The first byte picks the content kind, the rest is the file.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use splforge::check::{CheckOptions, check};
use splforge::config::Config;
use splforge::load::{ContentKind, FileError, LoadedFile, Repository, SourceFile, yaml};
use splforge::model::Content;

fuzz_target!(|bytes: &[u8]| {
    let Some((&selector, rest)) = bytes.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = ContentKind::ALL[selector as usize % ContentKind::ALL.len()];
    let config = Config::default();
    let document = yaml::parse(text, config.limits.yaml()).map_err(FileError::from);
    let path = PathBuf::from(kind.directory()).join("fuzzed_file.yml");
    let repository = Repository {
        root: PathBuf::from("/nonexistent-splforge-fuzz-root"),
        files: vec![LoadedFile {
            kind,
            source: SourceFile::new(path, text.to_owned()),
            document,
        }],
        ..Repository::default()
    };
    let content = Content::build(&repository);
    let options = CheckOptions {
        today: "2026-11-24".to_owned(),
        only_files: None,
    };
    let report = check(&repository, &content, &config, &options);
    for finding in &report.findings {
        let source = &repository.files[0].source;
        let _ = source.line_col(finding.span.start as usize);
        let _ = source.line_col(finding.span.end as usize);
    }
});
