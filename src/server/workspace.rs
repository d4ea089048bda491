//! The document store and the workspace: every content file of the root, parsed and kept
//! with its tree, the model, and the last check's findings by file. An open buffer's text
//! wins over the file on disk; closing it goes back to the disk.
//!
//! After each change the changed file alone is parsed and its object read again
//! ([`Content::replace_file`]); the whole repository is then checked again with
//! [`check::check_with`], reusing every schema result and SPL summary whose input did not
//! change (`check::facts`), so cross-file findings (a renamed story) are never stale.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::check::facts::{Facts, StoredFacts};
use crate::check::searches::{self, SplInputs};
use crate::check::{self, CheckOptions, Finding};
use crate::config::Config;
use crate::load::{self, ContentKind, LoadedFile, Repository, SourceFile};
use crate::model::{Content, FileId};

pub struct Workspace {
    /// The content root, absolute.
    pub root: PathBuf,
    pub config: Config,
    today: String,
    pub repository: Repository,
    pub content: Content,
    /// Open buffers, by relative path, with their version.
    open: HashMap<PathBuf, i32>,
    /// What the last check used, for the next one to reuse.
    facts: StoredFacts,
    /// The last check's findings, by file.
    findings: BTreeMap<PathBuf, Vec<Finding>>,
    /// Files findings point into that are not content YAML (lookup CSVs).
    extra_sources: HashMap<PathBuf, SourceFile>,
    /// What searches expand and resolve against, built on first use after a change.
    spl: OnceLock<SplInputs>,
}

impl Workspace {
    /// Loads every content file under `root` (absolute) and builds the model; nothing is
    /// checked yet ([`Workspace::check`]).
    pub fn load(root: PathBuf, config: Config, today: String) -> Workspace {
        let repository = load::load_repository(&root, config.limits);
        let mut content = Content::build(&repository);
        check::keep_what_the_format_reads(&mut content, &repository, &config);
        Workspace {
            root,
            config,
            today,
            repository,
            content,
            open: HashMap::new(),
            facts: StoredFacts::default(),
            findings: BTreeMap::new(),
            extra_sources: HashMap::new(),
            spl: OnceLock::new(),
        }
    }

    /// The index of the file at `relative`, when the repository has it.
    pub fn file_id(&self, relative: &Path) -> Option<FileId> {
        self.repository
            .files
            .binary_search_by(|f| f.source.path.as_path().cmp(relative))
            .ok()
    }

    pub fn file(&self, file: FileId) -> &LoadedFile {
        &self.repository.files[file]
    }

    /// The text of a file findings may point into: a content file, or a lookup CSV a rule
    /// read.
    pub fn source_of(&self, relative: &Path) -> Option<&SourceFile> {
        match self.file_id(relative) {
            Some(file) => Some(&self.repository.files[file].source),
            None => self.extra_sources.get(relative),
        }
    }

    pub fn is_open(&self, relative: &Path) -> bool {
        self.open.contains_key(relative)
    }

    pub fn version(&self, relative: &Path) -> Option<i32> {
        self.open.get(relative).copied()
    }

    /// An editor opened or changed a buffer: its text is the file's from now on. Returns
    /// false for a path that is not a content file.
    pub fn set_buffer(&mut self, relative: &Path, text: String, version: i32) -> bool {
        let Some(kind) = content_kind(relative) else {
            return false;
        };
        self.open.insert(relative.to_path_buf(), version);
        let loaded = load::load_text(relative, kind, text, self.config.limits);
        self.put(relative, Some(loaded));
        true
    }

    /// An editor closed a buffer: the file is what the disk holds again.
    pub fn close_buffer(&mut self, relative: &Path) {
        if self.open.remove(relative).is_some() {
            self.reload_from_disk(relative);
        }
    }

    /// A file changed on disk (the client's file watcher): read again unless a buffer
    /// holds it, dropped when it is gone.
    pub fn reload_from_disk(&mut self, relative: &Path) {
        let Some(kind) = content_kind(relative) else {
            return;
        };
        if self.open.contains_key(relative) {
            return;
        }
        let loaded = load::is_present(&self.root, relative)
            .then(|| load::load_file(&self.root, relative, kind, self.config.limits));
        self.put(relative, loaded);
    }

    /// Replaces, adds or (with `None`) removes the file at `relative`, and the model with it.
    fn put(&mut self, relative: &Path, loaded: Option<LoadedFile>) {
        let kind = loaded.as_ref().map(|l| l.kind);
        let rebuilt = match (self.file_id(relative), loaded) {
            (Some(file), Some(loaded)) => {
                self.repository.files[file] = loaded;
                !self.content.replace_file(&self.repository, file)
            }
            (None, Some(loaded)) => {
                let at = self
                    .repository
                    .files
                    .partition_point(|f| f.source.path.as_path() < relative);
                self.repository.files.insert(at, loaded);
                true
            }
            (Some(file), None) => {
                self.repository.files.remove(file);
                true
            }
            (None, None) => false,
        };
        if rebuilt {
            // File ids moved, or the generation files take did: the model is read again.
            self.content = Content::build(&self.repository);
        }
        check::keep_what_the_format_reads(&mut self.content, &self.repository, &self.config);
        if rebuilt || matches!(kind, Some(ContentKind::Macro | ContentKind::Lookup)) {
            self.spl = OnceLock::new();
        }
    }

    /// The macro table, lookup columns and limits searches are analysed against.
    pub fn spl(&self) -> &SplInputs {
        self.spl.get_or_init(|| SplInputs {
            macros: searches::macro_table(
                &self.content,
                (self.config.spl.external_macros.iter()).chain(&self.config.lint.external.macros),
            ),
            lookups: searches::lookup_columns(&self.content, &self.repository, self.config.limits),
            limits: self.config.limits.spl(),
        })
    }

    /// [`check::check_with`] on the current model, reusing the last run's per-file results:
    /// the report, and what is left of those results.
    fn check_reusing_facts(&mut self, only_files: Option<Vec<PathBuf>>) -> (check::Report, Facts) {
        let facts = Facts::reusing(std::mem::take(&mut self.facts));
        let options = CheckOptions {
            today: self.today.clone(),
            only_files,
        };
        let report = check::check_with(
            &self.repository,
            &self.content,
            &self.config,
            &options,
            None,
            Some(&facts),
        );
        (report, facts)
    }

    /// Checks the files at `relative` only, as `lint FILE...` does: their findings are
    /// those a check of the whole repository gives them (references still resolve against
    /// everything), at a fraction of its cost; other files' findings stay as they were
    /// until the next [`Workspace::check`].
    pub fn check_files(&mut self, relative: &[PathBuf]) {
        let only: Vec<PathBuf> = (relative.iter())
            .filter(|p| self.file_id(p).is_some())
            .cloned()
            .collect();
        let (mut report, facts) = self.check_reusing_facts(Some(only));
        // Every search was analysed (repository rules read them all), but only these
        // files were validated: the other files' schema results are kept for the next run.
        let mut kept = report.facts.take().unwrap_or_default();
        kept.schema.extend(facts.into_unused_schema());
        kept.normalise();
        self.facts = kept;
        self.extra_sources
            .extend(std::mem::take(&mut report.extra_sources));
        for path in relative {
            self.findings.remove(path);
        }
        for finding in report.findings {
            self.findings
                .entry(finding.path.clone())
                .or_default()
                .push(finding);
        }
    }

    /// Checks the whole repository again and returns the files whose findings changed
    /// (with those that had findings and have none now).
    pub fn check(&mut self) -> Vec<PathBuf> {
        let (mut report, _) = self.check_reusing_facts(None);
        self.facts = report.facts.take().unwrap_or_default();
        self.extra_sources = std::mem::take(&mut report.extra_sources);
        let mut findings: BTreeMap<PathBuf, Vec<Finding>> = BTreeMap::new();
        for finding in report.findings {
            findings
                .entry(finding.path.clone())
                .or_default()
                .push(finding);
        }
        let mut changed: Vec<PathBuf> = findings
            .iter()
            .filter(|(path, now)| self.findings.get(*path) != Some(now))
            .map(|(path, _)| path.clone())
            .collect();
        changed.extend(
            (self.findings.keys())
                .filter(|path| !findings.contains_key(*path))
                .cloned(),
        );
        changed.sort();
        self.findings = findings;
        changed
    }

    /// The last check's findings in the file at `relative`.
    pub fn findings_in(&self, relative: &Path) -> &[Finding] {
        self.findings.get(relative).map_or(&[], Vec::as_slice)
    }

    /// Every file with findings.
    pub fn files_with_findings(&self) -> impl Iterator<Item = &Path> {
        self.findings.keys().map(PathBuf::as_path)
    }

    /// A check context over the current model, for what the rules' helpers compute
    /// (the index of names, suggestions).
    pub fn context<'a>(&'a self, options: &'a CheckOptions) -> check::Context<'a> {
        check::Context::new(&self.repository, &self.content, &self.config, options)
    }

    pub fn options(&self) -> CheckOptions {
        CheckOptions {
            today: self.today.clone(),
            only_files: None,
        }
    }
}

/// The kind of content file at `relative`: a YAML file in a content directory.
fn content_kind(relative: &Path) -> Option<ContentKind> {
    let yaml = matches!(
        relative.extension().and_then(|e| e.to_str()),
        Some("yml" | "yaml")
    );
    yaml.then(|| ContentKind::of_path(relative)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Workspace {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        Workspace::load(root, Config::default(), "2100-01-01".to_owned())
    }

    fn text_of(workspace: &Workspace, relative: &Path) -> String {
        let file = workspace.file_id(relative).unwrap();
        workspace.file(file).source.text.clone()
    }

    /// The model after an edit is the one a full build of the edited repository gives.
    fn assert_model_is_rebuilt(workspace: &Workspace) {
        let mut rebuilt = Content::build(&workspace.repository);
        check::keep_what_the_format_reads(&mut rebuilt, &workspace.repository, &workspace.config);
        assert_eq!(format!("{:?}", workspace.content), format!("{rebuilt:?}"));
    }

    #[test]
    fn an_edited_buffer_changes_its_object_as_a_full_build_would() {
        let mut workspace = bundled();
        let story = Path::new("stories/aws_iam_privilege_escalation.yml");
        let text = text_of(&workspace, story);
        let renamed = text.replacen(
            "name: AWS IAM Privilege Escalation",
            "name: AWS IAM Escalation",
            1,
        );
        assert_ne!(renamed, text);
        assert!(workspace.set_buffer(story, renamed, 2));
        assert_model_is_rebuilt(&workspace);
        assert!(
            workspace
                .content
                .stories
                .iter()
                .any(|s| s.header.name() == "AWS IAM Escalation")
        );
        // A detection whose search and type change, then a buffer that is not YAML at all.
        let detection = Path::new("detections/cloud/aws_iam_failure_group_deletion.yml");
        let text = text_of(&workspace, detection);
        assert!(workspace.set_buffer(detection, text.replacen("type: Anomaly", "type: TTP", 1), 2));
        assert_model_is_rebuilt(&workspace);
        assert!(workspace.set_buffer(detection, "- [".to_owned(), 3));
        assert_model_is_rebuilt(&workspace);
        // A new file shifts every file id after it: the model is built again.
        let new = Path::new("detections/cloud/aaa_new.yml");
        assert!(workspace.set_buffer(new, text.replacen("name: AWS", "name: New AWS", 1), 1));
        assert_model_is_rebuilt(&workspace);
        // Not content: not taken.
        assert!(!workspace.set_buffer(Path::new("README.md"), String::new(), 1));
        assert!(!workspace.set_buffer(Path::new("detections/notes.txt"), String::new(), 1));
    }

    #[test]
    fn closing_a_buffer_goes_back_to_the_disk_and_findings_follow() {
        let mut workspace = bundled();
        workspace.check();
        let detection = Path::new("detections/cloud/aws_iam_failure_group_deletion.yml");
        let on_disk = text_of(&workspace, detection);
        let misspelt = on_disk.replacen(
            "    - AWS IAM Privilege Escalation",
            "    - AWS IAM Privilege Escalatio",
            1,
        );
        assert!(workspace.set_buffer(detection, misspelt, 2));
        assert_eq!(workspace.check(), vec![detection.to_path_buf()]);
        let codes = |w: &Workspace| -> Vec<&str> {
            w.findings_in(detection).iter().map(|f| f.code).collect()
        };
        assert!(codes(&workspace).contains(&"SF201"));
        workspace.close_buffer(detection);
        assert_eq!(text_of(&workspace, detection), on_disk);
        assert_eq!(workspace.check(), vec![detection.to_path_buf()]);
        assert!(!codes(&workspace).contains(&"SF201"));
    }

    #[test]
    fn checking_the_changed_file_alone_finds_what_checking_everything_finds_in_it() {
        let mut workspace = bundled();
        workspace.check();
        let detection = Path::new("detections/cloud/aws_iam_failure_group_deletion.yml");
        let text = text_of(&workspace, detection);
        let broken = text
            .replacen(
                "    - AWS IAM Privilege Escalation",
                "    - AWS IAM Privilege Escalatio",
                1,
            )
            .replacen("    - T1098", "    - T9999", 1)
            .replacen("type: Anomaly", "type: Anomalous", 1);
        assert!(workspace.set_buffer(detection, broken, 2));
        workspace.check_files(&[detection.to_path_buf()]);
        let alone = workspace.findings_in(detection).to_vec();
        assert!(alone.len() >= 3, "{alone:?}");
        workspace.check();
        assert_eq!(workspace.findings_in(detection), alone.as_slice());
    }
}
