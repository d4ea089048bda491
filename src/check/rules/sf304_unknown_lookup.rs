//! ## What it does
//! Reports a lookup table that a `lookup`, `inputlookup` or `outputlookup` stage names
//! (in a detection's, baseline's or investigation's search, or in a macro's definition)
//! and that is defined nowhere: not a lookup in `lookups/` (by name, or by its file name),
//! not one that Splunk, ES, the CIM or a common add-on ships
//! (`crates/splforge-spl/data/external_lookups.toml`), and not in `[lint.external] lookups` of
//! splforge.toml. A name in a macro's body is reported once, in the macro's file.
//!
//! In 5.x content a table resolves as contentctl 5.6.2 resolves it: only a lookup's name,
//! contentctl's own exempt list (the first group of the data file) or `[lint.external]
//! lookups`; `outputlookup x.csv` needs a lookup named `x`, and a file another search
//! writes is no definition unless it is named so. A 5.x search reading `x.csv` that no
//! search writes is reported even when lookup `x` exists (stricter than contentctl): the
//! 5.x build ships that file as `x_<date>.csv`.
//!
//! No Splunk search command takes its lookup table in a `lookup=` option: `lookup`'s
//! options are `local=` and `update=`, `inputlookup`'s and `outputlookup`'s are flags
//! (`append=`, `max=`, `where`), and the table is always positional, which this rule reads
//! after any options. Two other commands name a lookup, neither used by real content
//! (0 uses in the 2024-10, 5.x and 2022 trees), so neither is read: `geom
//! <featureCollection>` (a geospatial lookup, `geo_us_states`) and the dataset syntax
//! `from lookup:<name>`.
//!
//! ## Why is this bad?
//! Splunk fails the search at run time ("The lookup table 'x' does not exist"), and a
//! scheduled detection fails on every run without anyone seeing it. contentctl 5 refuses to
//! build such content (and exempts a short fixed list, which is where
//! `crates/splforge-spl/data/external_lookups.toml` starts); contentctl 4 lets it through.
//!
//! ## Example
//! ```yaml
//! search: '... | lookup update=true is_windows_system_files filename as process_name
//!   OUTPUT systemFile | ...'
//! ```
//!
//! ## Use instead
//! ```yaml
//! search: '... | lookup update=true is_windows_system_file filename as process_name
//!   OUTPUT systemFile | ...'
//! ```
//! and, for a lookup another app of the site provides:
//! ```toml
//! [lint.external]
//! lookups = ["site_critical_assets"]
//! ```

use std::collections::HashSet;
use std::sync::OnceLock;

use super::{Rule, RuleDefault, RuleScope};
use crate::check::suggest::Candidates;
use crate::check::{Context, Finding, Severity};
use crate::load::Span;
use crate::load::excerpt;
use crate::model::{FileId, Generation};

pub(super) static RULE: Rule = Rule {
    code: "SF304",
    name: "unknown-lookup",
    severity: Severity::Error,
    // Lookups are defined in other files: in single-file mode the file's search still
    // resolves against every lookup of the repository.
    scope: RuleScope::Repository,
    default: RuleDefault::On,
    summary: "a search uses a lookup table that is defined nowhere",
    check,
};

/// The lookups splforge knows other apps ship (`crates/splforge-spl/data/external_lookups.toml`): those
/// contentctl 5.6.2 exempts, and the others (accepted outside 5.x content).
fn shipped_lookups() -> &'static Shipped {
    static SHIPPED: OnceLock<Shipped> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        toml::from_str::<Shipped>(splforge_spl::EXTERNAL_LOOKUPS)
            .expect("splforge-spl's external_lookups.toml is valid (checked by a unit test)")
    })
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Shipped {
    lookups: Vec<String>,
    beyond_contentctl5: Vec<String>,
}

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let known = known_tables(ctx);
    let contentctl5 = ctx.content.generation == Generation::Contentctl5;
    let resolves = |command: &str, name: &str| {
        known.contains(name)
            || if contentctl5 {
                creates_file(command, name) && known.contains(word_stem(name))
            } else {
                creates_file(command, name)
            }
    };
    let suggestions = OnceLock::new();
    let suggestions = || {
        suggestions
            .get_or_init(|| Candidates::new(ctx.content.lookups.iter().map(|l| l.header.name())))
    };
    let mut report = |file: FileId, span: Span, command: &str, name: &str| {
        out.push(
            RULE.at(
                ctx,
                file,
                span,
                format!("lookup `{}` ({command}) is defined nowhere", excerpt(name)),
            )
            .with_label("not in lookups/ nor [lint.external] lookups")
            .with_help_opt(
                suggestions()
                    .best(name)
                    .map(|s| format!("did you mean `{}`?", excerpt(s))),
            ),
        );
    };
    for searched in ctx.search_analyses() {
        let source = ctx.source(searched.file);
        for lookup in &searched.analysis.lookups {
            if !resolves(&lookup.command, &lookup.name) {
                let span = searched.search.sub_span(source, lookup.span.clone());
                report(searched.file, span, &lookup.command, &lookup.name);
            }
        }
    }
    for m in &ctx.content.macros {
        let Some(definition) = &m.definition else {
            continue;
        };
        // Most macros name no lookup: skip their parse.
        if !definition.value.to_ascii_lowercase().contains("lookup") {
            continue;
        }
        let source = ctx.source(m.header.file);
        let pipeline = crate::spl::parse(&definition.value);
        for table in crate::spl::lookup_tables(&pipeline) {
            if !resolves(&table.command, &table.name) {
                let span = definition.sub_span(source, table.span);
                report(m.header.file, span, &table.command, &table.name);
            }
        }
    }
}

/// `outputlookup x.csv` writes a file of the app's lookups, creating it: it needs no
/// definition (a bare name does: Splunk looks it up in transforms.conf).
fn creates_file(command: &str, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    command == "outputlookup"
        && [".csv", ".csv.gz", ".kmz"]
            .iter()
            .any(|extension| name.ends_with(extension))
}

/// The name contentctl 5 resolves for a table: its leading word characters (`x` of
/// `x.csv`), which must name a lookup of the repository.
fn word_stem(name: &str) -> &str {
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    &name[..end]
}

/// Every name a search may use for a table: each lookup's name and file name, the shipped
/// external lookups, `[lint.external] lookups`, and the files some search's `outputlookup`
/// creates. In 5.x content, as contentctl 5.6.2 resolves them: lookup names, its exempt
/// list and `[lint.external] lookups`, and a file `outputlookup` writes only when a lookup
/// has its name (a 5.x build renames the files, and contentctl 5 rejects a table no lookup
/// defines even when another search's `outputlookup` writes it).
fn known_tables<'s>(ctx: &'s Context<'_>) -> HashSet<&'s str> {
    let mut known: HashSet<&str> = HashSet::new();
    let contentctl5 = ctx.content.generation == Generation::Contentctl5;
    for lookup in &ctx.content.lookups {
        known.insert(lookup.header.name());
        // A 5.x lookup's file (derived from its YAML's name) ships renamed
        // `<name>_<date>.csv`, so a search cannot name it.
        if lookup.generation != Generation::Contentctl5 {
            known.extend(lookup.filename.as_ref().map(|f| f.value.as_str()));
        }
    }
    // A file some search's `outputlookup` writes exists once that search has run; in 5.x
    // only one contentctl 5 accepts there (named after a lookup).
    let mut created = Vec::new();
    for searched in ctx.search_analyses() {
        created.extend(
            (searched.analysis.lookups.iter())
                .filter(|lookup| creates_file(&lookup.command, &lookup.name))
                .map(|lookup| lookup.name.as_str())
                .filter(|name| !contentctl5 || known.contains(word_stem(name))),
        );
    }
    known.extend(created);
    // The files of lookups/ (what a lookup's `filename:` names, also when single-file mode
    // read the lookup's YAML for its name only). Not in 5.x, whose build renames each file
    // `<name>_<date>.csv`: there `inputlookup x.csv` finds nothing.
    if ctx.content.generation != Generation::Contentctl5 {
        known.extend(
            (ctx.repository.lookup_data_files.iter())
                .filter_map(|path| path.strip_prefix("lookups").ok()?.to_str()),
        );
    }
    let shipped = shipped_lookups();
    known.extend(shipped.lookups.iter().map(String::as_str));
    if !contentctl5 {
        known.extend(shipped.beyond_contentctl5.iter().map(String::as_str));
    }
    known.extend(ctx.config.lint.external.lookups.iter().map(String::as_str));
    known
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_list_parses() {
        let shipped = super::shipped_lookups();
        assert!(shipped.lookups.contains(&"ut_shannon_lookup".to_owned()));
        assert!(shipped.beyond_contentctl5.contains(&"dnslookup".to_owned()));
    }

    #[test]
    fn contentctl5_resolves_the_leading_word() {
        assert_eq!(
            super::word_stem("previously_seen_src.csv"),
            "previously_seen_src"
        );
        assert_eq!(super::word_stem("plain"), "plain");
    }
}
