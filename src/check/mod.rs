//! Stage 3: schema validation and semantic rules. Produces [`Finding`]s, never prints.
//!
//! Two phases (DESIGN-NOTES.md point 2): per-file facts (parse, schema, the shape of one
//! object) depend only on that file's bytes and run in parallel; cross-file rules
//! (uniqueness, references, orphans) run over an [`Index`] of names and ids built once.
//! Each rule lives in its own file under `rules/` with a stable code and a doc comment
//! that `splforge rule CODE` and `docs/rules.md` are generated from.

pub mod explain;
pub mod facts;
mod finding;
mod index;
pub mod rules;
pub mod schema;
pub mod searches;
mod selection;
pub mod suggest;
pub mod suppression;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::load::{LoadedFile, Repository, SourceFile};
use crate::model::{Content, FileId, Generation};

use facts::Facts;

pub use finding::{Finding, Related, Severity, sort_and_dedup};
pub use index::Index;
pub use rules::{RULES, Rule, RuleDefault, RuleScope, rule_by_code};
pub use selection::{RuleSelection, SelectionError};

/// What a check run needs besides the content: nothing below the CLI reads the clock.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Today, `YYYY-MM-DD`, for "date in the future".
    pub today: String,
    /// When set, only findings in these files (relative paths) are reported; everything
    /// else is still loaded so references resolve.
    pub only_files: Option<Vec<PathBuf>>,
}

impl CheckOptions {
    /// Whether findings in the file at `path` (relative) are reported.
    pub fn reports_on(&self, path: &Path) -> bool {
        self.only_files
            .as_ref()
            .is_none_or(|only| is_one_of(path, only))
    }
}

/// Everything a rule may look at.
pub struct Context<'a> {
    pub repository: &'a Repository,
    pub content: &'a Content,
    pub config: &'a Config,
    pub options: &'a CheckOptions,
    pub index: Index<'a>,
    /// The ATT&CK release of the configuration; `None` when it is not one splforge ships
    /// (the CLI refuses such a configuration before checking).
    pub attack: Option<&'static crate::attack::Catalogue>,
    /// Non-YAML files a rule read (lookup CSVs), so findings in them can show snippets.
    pub extra_sources: std::sync::Mutex<Vec<SourceFile>>,
    schema_results: std::sync::OnceLock<Vec<SchemaResult>>,
    search_analyses: std::sync::OnceLock<Vec<searches::SearchAnalysis<'a>>>,
    spl_inputs: std::sync::OnceLock<searches::SplInputs>,
    /// Results of an earlier run to reuse (`facts`).
    facts: Option<&'a Facts>,
}

/// The schema check of one file, shared by the rules that report its parts.
#[derive(Debug, Clone)]
pub struct SchemaResult {
    pub file: crate::model::FileId,
    /// `Err` when the file's kind and generation have no usable schema.
    pub violations: Result<Vec<schema::SchemaViolation>, String>,
    /// Its key in [`Facts`], when the run reuses and keeps them.
    pub key: Option<facts::Key>,
}

impl SchemaResult {
    /// The schema check of a file whose findings are reported and that holds a mapping;
    /// an earlier run's result for the same input when `facts` has one.
    fn of(
        file: FileId,
        loaded: &LoadedFile,
        generation: Generation,
        format: Option<&'static crate::format::Format>,
        options: &CheckOptions,
        facts: Option<&Facts>,
    ) -> Option<SchemaResult> {
        if !options.reports_on(&loaded.source.path) || !generation.reads(loaded.kind) {
            return None;
        }
        // contentctl 5 reads no investigations/ (its director loads every other kind): a
        // 5.x repository's investigations have no format to be held to.
        if loaded.kind == crate::load::ContentKind::Investigation
            && generation == Generation::Contentctl5
        {
            return None;
        }
        if format.is_some_and(|f| !f.reads(loaded.kind, &loaded.source.path)) {
            return None;
        }
        let root = crate::model::root_mapping(loaded)?;
        let choice =
            schema::SchemaChoice::new(loaded.kind, generation, format, &loaded.source.path);
        let validate = || schema::validate_in(root, loaded.kind, choice);
        let (violations, key) = match facts {
            Some(facts) => {
                let key = Facts::schema_key(loaded.kind, &choice.key(), &loaded.source.text);
                (facts.schema(key, validate), Some(key))
            }
            None => (validate(), None),
        };
        Some(SchemaResult {
            file,
            violations,
            key,
        })
    }
}

impl<'a> Context<'a> {
    pub fn new(
        repository: &'a Repository,
        content: &'a Content,
        config: &'a Config,
        options: &'a CheckOptions,
    ) -> Context<'a> {
        Context {
            repository,
            content,
            config,
            options,
            index: Index::build(repository, content),
            attack: crate::attack::catalogue(&config.attack_version).ok(),
            extra_sources: std::sync::Mutex::new(Vec::new()),
            schema_results: std::sync::OnceLock::new(),
            search_analyses: std::sync::OnceLock::new(),
            spl_inputs: std::sync::OnceLock::new(),
            facts: None,
        }
    }

    /// The SPL analysis of every search, once, in parallel, as the rules need it.
    pub fn search_analyses(&self) -> &[searches::SearchAnalysis<'a>] {
        self.search_analyses
            .get_or_init(|| searches::analyse_all(self.content, self.spl_inputs(), self.facts))
    }

    /// The whole analysis of one search, with every stage (for `splforge explain`).
    pub fn analyse(&self, search: &str) -> crate::spl::Analysis {
        self.spl_inputs().analyse(search)
    }

    /// What searches expand and resolve against: the macro table, the lookups' columns and
    /// the limits.
    fn spl_inputs(&self) -> &searches::SplInputs {
        self.spl_inputs.get_or_init(|| searches::SplInputs {
            macros: searches::macro_table(
                self.content,
                (self.config.spl.external_macros.iter()).chain(&self.config.lint.external.macros),
            ),
            lookups: searches::lookup_columns(self.content, self.repository, self.config.limits),
            limits: self.config.limits.spl(),
        })
    }

    /// Every parsed file validated against its schema, once, in parallel; or the results
    /// of the run's digest of each file ([`load_and_check`], [`model_and_check`]), which
    /// freed the trees.
    pub fn schema_results(&self) -> &[SchemaResult] {
        self.schema_results.get_or_init(|| {
            debug_assert!(
                !self
                    .repository
                    .files
                    .iter()
                    .any(|f| f.document.as_ref().is_ok_and(|d| d.is_released())),
                "schema check of a repository whose trees were released"
            );
            self.repository
                .files
                .par_iter()
                .enumerate()
                .filter_map(|(file, loaded)| {
                    let generation =
                        crate::model::file_generation(loaded).unwrap_or(self.content.generation);
                    SchemaResult::of(
                        file,
                        loaded,
                        generation,
                        self.config.format(),
                        self.options,
                        self.facts,
                    )
                })
                .collect()
        })
    }

    /// The relative path of a file of the repository.
    pub fn path(&self, file: crate::model::FileId) -> &Path {
        &self.repository.files[file].source.path
    }

    pub fn source(&self, file: crate::model::FileId) -> &str {
        &self.repository.files[file].source.text
    }

    /// Whether findings in `file` are reported (all files, unless `only_files` is set).
    /// Rules that walk `repository.files` themselves use it to skip work nobody sees.
    pub fn reports_on(&self, file: crate::model::FileId) -> bool {
        self.options.reports_on(self.path(file))
    }
}

/// The result of checking a repository.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub files_checked: usize,
    /// The per-file results the run used, when it was given [`Facts`]: for the next run.
    pub facts: Option<facts::StoredFacts>,
    /// Sources of findings that are not content YAML (CSV files), by path.
    pub extra_sources: HashMap<PathBuf, SourceFile>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Runs every selected rule (`[lint]` of the configuration) over the repository, applies
/// severities, per-file ignores and inline suppressions, and returns the sorted findings.
///
/// With `only_files`, file-scope rules see only the objects of those files (the others'
/// findings would be dropped anyway), while repository-scope rules see everything, so
/// references still resolve.
pub fn check(
    repository: &Repository,
    content: &Content,
    config: &Config,
    options: &CheckOptions,
) -> Report {
    check_with(repository, content, config, options, None, None)
}

/// Builds the model of a loaded repository and checks it (the pre-commit loader's path),
/// each file's schema checked as its object is read and its tree freed
/// ([`Content::build_releasing_trees`]). The findings are those of [`Content::build`]
/// followed by [`check`].
pub fn model_and_check(
    repository: &mut Repository,
    config: &Config,
    options: &CheckOptions,
    facts: Option<&Facts>,
) -> (Content, Report) {
    let (mut content, schema_results) =
        Content::build_releasing_trees(repository, |file, loaded, generation| {
            SchemaResult::of(file, loaded, generation, config.format(), options, facts)
        });
    keep_what_the_format_reads(&mut content, repository, config);
    let schema_results = schema_results.into_iter().flatten().collect();
    let report = check_with(
        repository,
        &content,
        config,
        options,
        Some(schema_results),
        facts,
    );
    (content, report)
}

/// Loads, models and checks every file under `root`, as `lint` and `build` do: each file's
/// schema is checked as soon as it is parsed, beside the reading of its object, and its
/// tree freed then ([`Content::load`]). The findings are those of
/// [`crate::load::load_repository`], [`Content::build`] and [`check`].
pub fn load_and_check(
    root: &Path,
    config: &Config,
    options: &CheckOptions,
    facts: Option<&Facts>,
) -> (Repository, Content, Report) {
    let (repository, content, report, ()) =
        load_and_check_alongside(root, config, options, facts, |_, _| ());
    (repository, content, report)
}

/// Drops from the model what the configured format does not treat as content: data sources
/// before contentctl 4.2 (4.0 does not read them; in 4.1 they are not yet content objects
/// with names, ids and name-derived file names, and no detection's `data_source` is checked
/// against them).
/// And the detections of `ssa_detections/`, which contentctl reads only up to 4.2. `docs`
/// documents what is left.
pub fn keep_what_the_format_reads(content: &mut Content, repository: &Repository, config: &Config) {
    let Some(format) = config.format() else {
        return;
    };
    if format.generation == content.generation && !format.data_sources_are_content {
        content.data_sources.clear();
    }
    if !format.reads_ssa_detections {
        content.detections.retain(|d| {
            repository
                .files
                .get(d.header.file)
                .is_none_or(|f| !crate::format::in_ssa_detections(&f.source.path))
        });
    }
}

/// [`load_and_check`], running `alongside` on the loaded model while the rules run, as
/// `build` renders its app: the rules' phases leave a core idle at times, and rendering fills
/// it. `alongside` must not wait on the check (it runs on the same thread pool).
pub fn load_and_check_alongside<T: Send>(
    root: &Path,
    config: &Config,
    options: &CheckOptions,
    facts: Option<&Facts>,
    alongside: impl FnOnce(&Repository, &Content) -> T + Send,
) -> (Repository, Content, Report, T) {
    let (repository, mut content, schema_results) =
        Content::load(root, config.limits, |file, loaded, generation| {
            SchemaResult::of(file, loaded, generation, config.format(), options, facts)
        });
    keep_what_the_format_reads(&mut content, &repository, config);
    let schema_results = schema_results.into_iter().flatten().collect();
    let (report, alongside) = rayon::join(
        || {
            check_with(
                &repository,
                &content,
                config,
                options,
                Some(schema_results),
                facts,
            )
        },
        || alongside(&repository, &content),
    );
    (repository, content, report, alongside)
}

/// [`check`] with the schema results of a run that already validated its files (when
/// `schema_results` is given) and an earlier run's per-file results to reuse (`facts`): the
/// editor server's path, which checks the whole repository again after each change and
/// reuses every result whose input did not change.
pub fn check_with(
    repository: &Repository,
    content: &Content,
    config: &Config,
    options: &CheckOptions,
    schema_results: Option<Vec<SchemaResult>>,
    facts: Option<&Facts>,
) -> Report {
    // The CLI validates `[lint]` before checking; a library caller with a bad selector
    // gets every rule rather than none.
    let selection = RuleSelection::from_config(&config.lint).unwrap_or_default();
    let mut context = Context::new(repository, content, config, options);
    context.facts = facts;
    if let Some(results) = schema_results {
        let _ = context.schema_results.set(results);
    }
    let narrow_content = options.only_files.as_ref().map(|only| {
        let selected: HashSet<FileId> = repository
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| is_one_of(&f.source.path, only))
            .map(|(id, _)| id)
            .collect();
        content.restricted_to(&selected)
    });
    let file_context = narrow_content.as_ref().map(|narrow| Context {
        repository,
        content: narrow,
        config,
        options,
        index: context.index.copy(),
        attack: context.attack,
        extra_sources: std::sync::Mutex::new(Vec::new()),
        // The same files' results: both contexts report on `only_files` alone.
        schema_results: (context.schema_results.get().cloned())
            .map_or_else(std::sync::OnceLock::new, Into::into),
        search_analyses: std::sync::OnceLock::new(),
        spl_inputs: std::sync::OnceLock::new(),
        facts,
    });
    // Compute the shared per-file facts here, outside the rule tasks: a rule task that first
    // touched a OnceLock whose initialiser is itself parallel could, while waiting, steal
    // another rule task that waits on the same OnceLock, and deadlock the pool.
    for ctx in std::iter::once(&context).chain(file_context.as_ref()) {
        ctx.schema_results();
        ctx.search_analyses();
    }
    let mut findings: Vec<Finding> = RULES
        .par_iter()
        .filter(|rule| selection.is_enabled(rule.code))
        .filter(|rule| {
            config
                .format()
                .is_none_or(|format| format.checks(rule.code))
        })
        .flat_map_iter(|rule| {
            let ctx = match (&file_context, rule.scope) {
                (Some(narrow), RuleScope::File) => narrow,
                _ => &context,
            };
            let mut out = Vec::new();
            (rule.check)(ctx, &mut out);
            // A configured severity wins; else the finding's own (the rule's, or the lower
            // one a rule gives what it reports only on request, as SF405 on 4.x).
            // A format version whose contentctl only warns makes an error a warning first.
            let lowered = config.format().is_some_and(|f| f.warns_only(rule.code));
            for finding in &mut out {
                if lowered {
                    finding.severity = Severity::Warning;
                }
                finding.severity = selection.severity_of(finding.code, finding.severity);
            }
            out
        })
        .collect();
    findings.retain(|f| !selection.ignored_in(f.code, &f.path));
    let in_scope = |path: &Path| {
        options
            .only_files
            .as_ref()
            .is_none_or(|only| is_one_of(path, only))
    };
    findings.retain(|f| in_scope(&f.path));
    let unused = suppression::apply(repository, &mut findings, &selection, &in_scope);
    findings.extend(unused);
    sort_and_dedup(&mut findings);
    // The results are moved out of the context, which is dropped here: nothing is copied.
    let kept_facts = facts.map(|_| {
        let mut kept = facts::StoredFacts {
            schema: (context.schema_results.take().unwrap_or_default())
                .into_iter()
                .filter_map(|result| Some((result.key?, result.violations)))
                .collect(),
            spl: (context.search_analyses.take().unwrap_or_default())
                .into_iter()
                .filter_map(|searched| Some((searched.key?, searched.analysis)))
                .collect(),
        };
        kept.normalise();
        kept
    });
    let mut extra_sources: HashMap<PathBuf, SourceFile> = HashMap::new();
    for ctx in std::iter::once(context).chain(file_context) {
        for source in ctx.extra_sources.into_inner().unwrap_or_default() {
            extra_sources.insert(source.path.clone(), source);
        }
    }
    Report {
        findings,
        files_checked: options
            .only_files
            .as_ref()
            .map_or(repository.files.len(), Vec::len),
        extra_sources,
        facts: kept_facts,
    }
}

/// Whether `path` is one of `paths`. Both come from relative paths built the same way, so
/// their bytes compare (much cheaper than `Path`'s component-wise equality, which matters
/// with thousands of files).
fn is_one_of(path: &Path, paths: &[PathBuf]) -> bool {
    paths.iter().any(|p| p.as_os_str() == path.as_os_str())
}
