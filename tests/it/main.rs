//! The integration tests, in one binary: one link of the library instead of one per file.
//! Each file below is a module; `support` holds what they share.

mod support;

mod attack_catalogue;
mod attack_corpus;
mod attack_reports;
mod authoring;
mod bad_input;
mod bad_input_ownership;
#[cfg(unix)]
mod bad_input_reads;
mod bad_input_render;
mod bad_input_text;
mod bad_output_input;
mod build_package;
mod build_parity;
mod conf_properties;
mod conf_round_trip;
mod contentctl5_extras;
mod contentctl5_oracle;
mod docs_2022_cases;
mod docs_golden;
mod docs_html;
mod docs_pages;
mod docs_serve;
mod explain;
mod first_hour;
mod format_lookalikes;
mod format_reference;
mod format_versions;
mod init;
mod lint_cache;
mod lint_config;
mod lint_corpus;
mod lint_malformed;
mod lint_rules;
mod load_properties;
mod lsp;
mod migrate;
mod output_formats;
mod release_notes;
mod release_trees;
mod rule_fixtures;
mod schema_precheck;
mod single_file;
mod spl_lineage;
mod spl_parser;
mod spl_robustness;
mod yaml_fast_path;
