//! `splforge schema [TYPE]`: the JSON Schema of a content type.

use std::process::ExitCode;

use anyhow::bail;

use super::print_out;
use crate::check;
use crate::load::ContentKind;
use crate::model::Generation;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// detection, baseline, story, macro, lookup, data_source (or data-source),
    /// deployment, investigation, dashboard.
    #[arg(value_name = "TYPE")]
    kind: Option<String>,
    /// Format generation: 2022, 4 or 5 (default: 4).
    #[arg(long, default_value = "4")]
    generation: String,
    /// Format version (`contentctl-4.1`, ...; `splforge schema --format-version list`
    /// lists them): that version's schema, which wins over --generation.
    #[arg(long, value_name = "VERSION")]
    format_version: Option<String>,
}

/// A type's name as the user may write it: `data_source` or, as `new` spells it,
/// `data-source`.
fn kind_name(given: &str) -> String {
    given.trim().to_ascii_lowercase().replace('-', "_")
}

pub(super) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let kind = args.kind.as_deref().map(kind_name);
    let kind = kind.as_deref();
    if let Some(version) = args.format_version.as_deref() {
        if version == "list" {
            let mut out = String::new();
            for format in crate::format::formats()? {
                out.push_str(&format!("{:<24} {}\n", format.name, format.summary));
            }
            return print_out(&out);
        }
        let format = crate::format::by_name(version)?;
        let Some(kind) = kind else {
            return print_out(&type_names());
        };
        let text = check::schema::format_schema_text(kind, format)
            .map_err(|e| anyhow::anyhow!("schema of {kind} in {}: {e}", format.name))?;
        return print_out(&text);
    }
    let generation = &args.generation;
    let Some(generation) = Generation::from_name(generation) else {
        bail!("unknown generation `{generation}`: use 2022, 4 or 5");
    };
    let Some(kind) = kind else {
        return print_out(&type_names());
    };
    let Some(kind) = ContentKind::from_name(kind) else {
        bail!("unknown type `{kind}`; `splforge schema` lists them");
    };
    let Some(text) = check::schema::schema_text(kind, generation) else {
        bail!(
            "no schema for {} in generation {}",
            kind.name(),
            generation.schema_dir()
        );
    };
    print_out(text)
}

fn type_names() -> String {
    let names: Vec<&str> = ContentKind::ALL.iter().map(|k| k.name()).collect();
    format!("{}\n", names.join("\n"))
}
