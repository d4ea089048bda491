//! The lint cache: the findings of a `lint` run, remembered with everything they depend on,
//! so that linting an unchanged repository again only stats its files (as ruff does).
//!
//! **What a result depends on.** The findings of a run are a function of (1) the bytes of
//! every file the loader reads (each content YAML file and each lookup data file: the
//! cross-file rules make every finding depend on other files: a macro's definition, a
//! lookup's CSV header, a story's name, another file's id), (2) the list of those files,
//! (3) the effective configuration (`splforge.toml` or `contentctl.yml` after command-line
//! overrides: rule selection, severities, ATT&CK version, limits, external macros), (4)
//! today's date ("date in the future"), (5) which files are reported on (`lint FILE...`),
//! and (6) the splforge build (version and [`TOOL`] digest of its sources and data).
//! (3)-(6) are hashed into the entry's key, (1) and (2) are its manifest.
//!
//! **Validity.** An entry is used only when its key is equal and the repository's file list
//! is the same, path for path, and every file is unchanged: its size, modification and
//! change times and inode equal those recorded *and* it was already older than the run that
//! recorded it (by [`SETTLE_NANOS`]), or else (a file that was not settled) its content
//! hashes (XXH3-128) to the recorded hash. A file modified within the file system's
//! timestamp granularity of the run that recorded it is therefore always hashed, never
//! trusted by its stat ("racy git"); a settled file whose stat changed is a change.
//! Anything unusual (a symbolic link, a FIFO, a path that is not UTF-8) makes the run
//! uncacheable: it is checked in full and nothing is stored.
//!
//! **Format.** One JSON file per set of reported files, `lint-<hash>.json` in the cache
//! directory, written through a temporary file and a rename. A file that cannot be read,
//! does not parse, or carries another [`FORMAT`] is ignored and replaced: the cache never
//! fails a run and never changes its findings.
//!
//! **Trust.** The cache directory sits in the content repository, which a pull request
//! controls: an entry it commits could claim any findings for any files. So every file the
//! cache writes starts with a tag, a keyed hash (SipHash-2-4, a MAC) of the rest of the
//! file under [`MachineKey`], a secret of this machine kept outside every repository
//! (`~/.cache/splforge/key`, made on first use; the CLI finds it). A file whose tag does not
//! verify (a committed cache, a cache from another machine, a tampered entry) is ignored
//! like a corrupt one. The cache is never written through a symbolic link, nor into a
//! directory that is not a splforge cache.
//!
//! **Per-file results.** Beside the entries, `facts.postcard` holds the schema results and
//! SPL summaries of the last whole-repository run, each keyed by a hash of what it depends
//! on (`check::facts`): a run that misses its entry reuses those whose input is the same.

use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::atomic::{self, Access, AtomicError, AtomicFile};
use crate::check::facts::{KeyHasher, StoredFacts};
use crate::check::{Finding, Related, Report, Severity};
use crate::config::Config;
use crate::load::{self, LoadLimits, SourceFile, Span};

/// The default cache directory, under the content root (`[cache] dir`'s default).
pub use crate::config::DEFAULT_CACHE_DIR as DEFAULT_DIR;

/// The on-disk format; an entry of another format is ignored.
pub const FORMAT: u32 = 3;

/// The splforge build: its version and a digest of its sources and embedded data.
pub const TOOL: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "+",
    env!("SPLFORGE_BUILD_DIGEST")
);

/// How much older than the run that recorded it a file must be for its stat alone to vouch
/// for its content (coarse file system timestamps are at most 2 s apart).
pub const SETTLE_NANOS: i64 = 2_000_000_000;

/// Entries kept per cache directory (one per set of reported files); the oldest go first.
const MAX_ENTRIES: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    // The reason is in the message and not the error's source, so a chain printed whole
    // (`{:#}`) says it once.
    #[error("cannot write the lint cache in {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot remove the lint cache {path}: {error}")]
    Clean {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot encode the lint cache: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("cannot encode the lint cache's per-file results: {0}")]
    EncodeFacts(#[from] postcard::Error),
}

/// The secret the cache's files are tagged with: 256 random bits (the MAC takes 128 of them)
/// made once per machine (per user) and kept outside every repository, so that no one who cannot read it can write
/// a cache entry this machine trusts.
#[derive(Clone)]
pub struct MachineKey([u64; 4]);

impl std::fmt::Debug for MachineKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MachineKey(..)")
    }
}

/// The file of the machine key, in [`key_dir`].
const KEY_FILE: &str = "key";

/// Where the machine key is kept: `$XDG_CACHE_HOME/splforge`, else `$HOME/.cache/splforge`
/// (the caller reads the environment); `None` without either.
pub fn key_dir(
    xdg_cache_home: Option<&std::ffi::OsStr>,
    home: Option<&std::ffi::OsStr>,
) -> Option<PathBuf> {
    let absolute = |v: &std::ffi::OsStr| {
        let path = Path::new(v);
        path.is_absolute().then(|| path.to_path_buf())
    };
    xdg_cache_home
        .and_then(absolute)
        .or_else(|| home.and_then(absolute).map(|h| h.join(".cache")))
        .map(|dir| dir.join("splforge"))
}

impl MachineKey {
    /// The key kept in `dir`, made there (readable by this user only) when there is none.
    pub fn load_or_create(dir: &Path) -> Result<MachineKey, CacheError> {
        let path = dir.join(KEY_FILE);
        let io = |error| CacheError::Io {
            path: path.clone(),
            error,
        };
        if let Some(key) = MachineKey::read(&path) {
            return Ok(key);
        }
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(io)?;
        let mut bytes = Vec::with_capacity(32);
        for _ in 0..2 {
            bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        }
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        // Made in full beside its place and linked there: two first runs at once keep one key.
        let mut temp = AtomicFile::create(&path, Access::Private).map_err(|e| io(e.into_io()))?;
        temp.file().write_all(hex.as_bytes()).map_err(io)?;
        let _ = temp.commit_new();
        MachineKey::read(&path).ok_or_else(|| io(std::io::Error::other("not a splforge key")))
    }

    /// The key in `path`: a regular file of 64 hexadecimal digits.
    fn read(path: &Path) -> Option<MachineKey> {
        if !fs::symlink_metadata(path).ok()?.is_file() {
            return None;
        }
        let text = fs::read_to_string(path).ok()?;
        let text = text.trim();
        if text.len() != 64 {
            return None;
        }
        let mut words = [0; 4];
        for (word, chunk) in words.iter_mut().zip(text.as_bytes().chunks(16)) {
            *word = u64::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
        }
        Some(MachineKey(words))
    }

    /// A key for tests and tools that make their own.
    pub fn from_words(words: [u64; 4]) -> MachineKey {
        MachineKey(words)
    }

    /// A hasher of the tag of a file of `kind` (the entry or the facts).
    fn tagger(&self, kind: &[u8]) -> Tagger {
        #[allow(deprecated)]
        let mut tagger = Tagger(std::hash::SipHasher::new_with_keys(self.0[0], self.0[1]));
        tagger.update(kind);
        tagger
    }
}

/// SipHash-2-4 under a 128-bit key: a message authentication code with a 64-bit tag. A
/// forger without the key has one chance in 2^64 per try, and each try is a CI run.
/// `std::hash::SipHasher` is deprecated for hash tables (where `DefaultHasher` is meant),
/// but it is the keyed SipHash-2-4 of the paper, a MAC, which is what this needs, and no
/// other dependency is taken for it. One pass: a second hasher for a 128-bit tag doubled
/// the cost (0.8 ms for the corpus's 1.3 MB entry, optimised), 5% of a cached lint.
#[allow(deprecated)]
struct Tagger(std::hash::SipHasher);

impl Tagger {
    fn update(&mut self, bytes: &[u8]) {
        use std::hash::Hasher as _;
        self.0.write(bytes);
    }

    /// The tag as the first line of a cache file: 16 hexadecimal digits and a line break.
    fn line(&self) -> String {
        use std::hash::Hasher as _;
        format!("{:016x}\n", self.0.finish())
    }
}

/// Length of the tag line that starts every cache file.
const TAG_LINE: usize = 17;

/// The body of a cache file of `kind` whose tag verifies under `key`.
fn verified<'a>(key: &MachineKey, kind: &[u8], bytes: &'a [u8]) -> Option<&'a [u8]> {
    let (line, body) = bytes.split_at_checked(TAG_LINE)?;
    let mut tagger = key.tagger(kind);
    tagger.update(body);
    // Not a secret compared byte by byte in time: the tag is never printed, and a wrong
    // one only makes the run check everything.
    (tagger.line().as_bytes() == line).then_some(body)
}

/// What a tag's hash of an entry starts with, and of the facts file.
const ENTRY_KIND: &[u8] = b"splforge lint entry\0";
const FACTS_KIND: &[u8] = b"splforge lint facts\0";

/// What a run's findings depend on besides the files.
#[derive(Debug, Clone, Copy)]
pub struct LintKey<'a> {
    pub config: &'a Config,
    /// Today, `YYYY-MM-DD`.
    pub today: &'a str,
    /// The files reported on (`lint FILE...`); `None` for the whole repository.
    pub only_files: Option<&'a [PathBuf]>,
}

/// The lint cache of one content root.
#[derive(Debug, Clone)]
pub struct LintCache {
    dir: PathBuf,
    entry: PathBuf,
    key: String,
    machine: MachineKey,
}

/// A remembered run: the report, and either the text it printed (when it was printed the
/// same way: format, colour, path prefix) or the text of the files its findings point into.
#[derive(Debug)]
pub struct Hit {
    pub report: Report,
    pub sources: Vec<SourceFile>,
    pub rendered: Option<String>,
}

/// The state of the repository's files before a run: what an entry is stored under.
#[derive(Debug)]
pub struct Snapshot {
    inputs: Vec<Input>,
}

/// One file a run read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Input {
    path: PathBuf,
    /// A lookup data file (CSV), not content YAML.
    data: bool,
    stat: Stat,
    /// XXH3-128 of the content, hex; only for a file that was not settled (a settled file
    /// is vouched for by its stat, and one whose stat changed is taken as changed).
    hash: Option<String>,
    /// Older than the recording run by [`SETTLE_NANOS`]: an equal stat means equal content.
    settled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stat {
    size: u64,
    mtime: i64,
    ctime: i64,
    inode: u64,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    key: String,
    inputs: Vec<Input>,
    files_checked: usize,
    findings: Vec<StoredFinding>,
    /// Lookup data files that findings point into (their text is shown).
    extra_sources: Vec<PathBuf>,
    /// What the run printed, and the key of how it printed it.
    rendered: Rendered,
}

#[derive(Serialize, Deserialize)]
struct Rendered {
    key: String,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct StoredFinding {
    code: String,
    severity: Severity,
    message: String,
    path: PathBuf,
    span: (u32, u32),
    label: Option<String>,
    help: Option<String>,
    related: Vec<StoredRelated>,
}

#[derive(Serialize, Deserialize)]
struct StoredRelated {
    path: PathBuf,
    span: (u32, u32),
    message: String,
}

impl LintCache {
    /// The cache in `dir` for runs with `key`, its files tagged with `machine`.
    pub fn new(dir: &Path, key: &LintKey<'_>, machine: &MachineKey) -> LintCache {
        let mut hasher = KeyHasher::default();
        hasher.field(&FORMAT.to_le_bytes());
        hasher.field(TOOL.as_bytes());
        hasher.field(
            serde_json::to_string(key.config)
                .unwrap_or_default()
                .as_bytes(),
        );
        hasher.field(key.today.as_bytes());
        let slot = match key.only_files {
            None => "all".to_owned(),
            Some(files) => {
                let mut slot = KeyHasher::default();
                for file in files {
                    let bytes = file.as_os_str().as_encoded_bytes();
                    hasher.field(bytes);
                    slot.field(bytes);
                }
                format!("{:016x}", slot.finish().0)
            }
        };
        let (high, low) = hasher.finish();
        LintCache {
            dir: dir.to_path_buf(),
            entry: dir.join(format!("lint-{slot}.json")),
            key: format!("{high:016x}{low:016x}"),
            machine: machine.clone(),
        }
    }

    /// The remembered run, when its key matches and no file of `root` changed since. Its
    /// printed text comes with it when it was printed as `render_key` says; otherwise the
    /// files its findings point into are read.
    pub fn lookup(&self, root: &Path, limits: LoadLimits, render_key: &str) -> Option<Hit> {
        let bytes = read_regular(&self.entry)?;
        let body = verified(&self.machine, ENTRY_KIND, &bytes)?;
        let entry: Entry = serde_json::from_slice(body).ok()?;
        if entry.format != FORMAT || entry.key != self.key {
            return None;
        }
        let (yaml, data) = load::input_files(root, limits);
        let listed = yaml
            .iter()
            .map(|(_, p)| (p, false))
            .chain(data.iter().map(|p| (p, true)));
        if yaml.len() + data.len() != entry.inputs.len()
            || !listed
                .zip(&entry.inputs)
                // Bytes, not `Path`'s component-wise equality: thousands of paths.
                .all(|((path, data), input)| {
                    path.as_os_str() == input.path.as_os_str() && data == input.data
                })
        {
            return None;
        }
        let unchanged = entry.inputs.par_iter().all(|input| {
            let Some(stat) = stat(&root.join(&input.path)) else {
                return false;
            };
            (input.settled && stat == input.stat)
                || input
                    .hash
                    .as_ref()
                    .is_some_and(|h| hash_file(&root.join(&input.path)).as_ref() == Some(h))
        });
        if !unchanged {
            return None;
        }
        let findings = entry
            .findings
            .into_iter()
            .map(StoredFinding::into_finding)
            .collect::<Option<Vec<Finding>>>()?;
        if entry.rendered.key == render_key {
            return Some(Hit {
                report: Report {
                    findings,
                    files_checked: entry.files_checked,
                    ..Report::default()
                },
                sources: Vec::new(),
                rendered: Some(entry.rendered.text),
            });
        }
        // The YAML files findings point into (as `Sources` shows them).
        let yaml_paths: std::collections::HashSet<&std::ffi::OsStr> =
            yaml.iter().map(|(_, p)| p.as_os_str()).collect();
        let mut wanted: Vec<&Path> = findings
            .iter()
            .flat_map(|f| std::iter::once(&f.path).chain(f.related.iter().map(|r| &r.path)))
            .map(PathBuf::as_path)
            .collect();
        wanted.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        wanted.dedup_by(|a, b| a.as_os_str() == b.as_os_str());
        wanted.retain(|p| yaml_paths.contains(p.as_os_str()));
        let sources = wanted
            .par_iter()
            .map(|path| load::read_source(root, path, limits))
            .collect();
        let extra_sources = entry
            .extra_sources
            .iter()
            .map(|path| {
                // As SF302 keeps it: empty when it cannot be read.
                let text = load::read_data_file(root, path, limits).unwrap_or_default();
                (path.clone(), SourceFile::new(path, text))
            })
            .collect();
        Some(Hit {
            report: Report {
                findings,
                files_checked: entry.files_checked,
                extra_sources,
                facts: None,
            },
            sources,
            rendered: None,
        })
    }

    /// Records a run's report and what it printed (`(render key, text)`) under the snapshot
    /// taken before it, unless a file changed while it ran.
    pub fn store(
        &self,
        root: &Path,
        snapshot: &Snapshot,
        report: &Report,
        (render_key, text): (&str, &str),
    ) -> Result<(), CacheError> {
        if !snapshot.still_current(root) {
            return Ok(());
        }
        let mut extra_sources: Vec<PathBuf> = report.extra_sources.keys().cloned().collect();
        extra_sources.sort();
        let entry = Entry {
            format: FORMAT,
            key: self.key.clone(),
            inputs: snapshot.inputs.clone(),
            files_checked: report.files_checked,
            findings: report.findings.iter().map(StoredFinding::from).collect(),
            extra_sources,
            rendered: Rendered {
                key: render_key.to_owned(),
                text: text.to_owned(),
            },
        };
        let body = serde_json::to_vec(&entry)?;
        let mut tagger = self.machine.tagger(ENTRY_KIND);
        tagger.update(&body);
        let mut bytes = tagger.line().into_bytes();
        bytes.extend_from_slice(&body);
        self.prepare_dir()?;
        write_atomically(&self.entry, &bytes).map_err(|e| self.io(e))?;
        prune(&self.dir);
        Ok(())
    }

    /// The per-file results the last run stored (`check::facts`); none when there are none,
    /// or they are from another format or splforge build, or do not parse.
    pub fn facts(&self) -> StoredFacts {
        read_regular(&self.dir.join(FACTS))
            .and_then(|bytes| {
                let body = verified(&self.machine, FACTS_KIND, &bytes)?;
                postcard::from_bytes::<FactsFile>(body).ok()
            })
            .filter(|file| file.format == FORMAT && file.tool == TOOL)
            .map(|file| file.facts)
            .unwrap_or_default()
    }

    /// Replaces the stored per-file results with those a run used. Unlike a run's entry,
    /// they are stored even when a file changed while the run read it: each is keyed by a
    /// hash of the text it was computed from.
    pub fn store_facts(&self, facts: StoredFacts) -> Result<(), CacheError> {
        let file = FactsFile {
            format: FORMAT,
            tool: TOOL.to_owned(),
            facts,
        };
        self.prepare_dir()?;
        // Written as it is encoded (at 100k detections the facts are 37 MB), after room for
        // the tag, which is written last.
        let mut temp = AtomicFile::create(&self.dir.join(FACTS), Access::Private)
            .map_err(|e| self.io(e.into_io()))?;
        let line = {
            let mut out = TaggingWriter {
                out: std::io::BufWriter::new(temp.file()),
                tagger: self.machine.tagger(FACTS_KIND),
            };
            out.out
                .write_all(&[b'0'; TAG_LINE])
                .map_err(|e| self.io(e))?;
            postcard::to_io(&file, &mut out)?;
            out.out.flush().map_err(|e| self.io(e))?;
            out.tagger.line()
        };
        let written = temp.file();
        std::io::Seek::rewind(written).map_err(|e| self.io(e))?;
        written.write_all(line.as_bytes()).map_err(|e| self.io(e))?;
        temp.commit().map_err(|e| self.io(e.into_io()))?;
        Ok(())
    }

    /// Creates the cache directory, refusing one that is not a splforge cache and holds
    /// files.
    fn prepare_dir(&self) -> Result<(), CacheError> {
        if fs::symlink_metadata(&self.dir).is_ok_and(|m| !m.is_dir()) {
            // A symbolic link (a repository can commit one) is never written through.
            return Err(self.io(std::io::Error::other(
                "it is not a directory (a symbolic link?)",
            )));
        }
        if !is_cache_dir(&self.dir) && fs::read_dir(&self.dir).is_ok_and(|mut d| d.next().is_some())
        {
            // `--cache-dir .` or a directory of the user's: never write our files into it.
            return Err(self.io(std::io::Error::other(
                "the directory exists and is not a splforge cache",
            )));
        }
        fs::create_dir_all(&self.dir).map_err(|e| self.io(e))?;
        // Like ruff's: a cache directory keeps itself out of version control and backups.
        for (name, text) in [
            (".gitignore", "# Created by splforge.\n*\n"),
            (TAG, TAG_TEXT),
        ] {
            let path = self.dir.join(name);
            if !path.exists() {
                write_atomically(&path, text.as_bytes()).map_err(|e| self.io(e))?;
            }
        }
        Ok(())
    }

    fn io(&self, error: std::io::Error) -> CacheError {
        CacheError::Io {
            path: self.dir.clone(),
            error,
        }
    }
}

/// Writes through to `out` and hashes what it writes into the tag.
struct TaggingWriter<W> {
    out: W,
    tagger: Tagger,
}

impl<W: std::io::Write> std::io::Write for TaggingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(bytes)?;
        self.tagger.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The file of per-file results ([`LintCache::facts`]): postcard, a compact binary form of
/// serde's data model, because the run that misses the entry reads it before it can reuse
/// anything (JSON took 58 M instructions to read for the corpus).
const FACTS: &str = "facts.postcard";

#[derive(Serialize, Deserialize)]
struct FactsFile {
    format: u32,
    tool: String,
    facts: StoredFacts,
}

impl Snapshot {
    /// Stats every file `root`'s lint reads, before it reads them, and hashes those not
    /// settled: `now_nanos` (nanoseconds since the Unix epoch) decides which are. `None` when a
    /// file is not a plain regular file or its path is not UTF-8: such a run is not cached.
    pub fn take(root: &Path, limits: LoadLimits, now_nanos: i64) -> Option<Snapshot> {
        let (yaml, data) = load::input_files(root, limits);
        let listed: Vec<(PathBuf, bool)> = yaml
            .into_iter()
            .map(|(_, p)| (p, false))
            .chain(data.into_iter().map(|p| (p, true)))
            .collect();
        let inputs = listed
            .into_par_iter()
            .map(|(path, data)| {
                path.to_str()?;
                let full = root.join(&path);
                let stat = stat(&full)?;
                let settled = stat.mtime.max(stat.ctime) < now_nanos.saturating_sub(SETTLE_NANOS);
                let hash = if settled {
                    None
                } else {
                    Some(hash_file(&full)?)
                };
                Some(Input {
                    path,
                    data,
                    stat,
                    hash,
                    settled,
                })
            })
            .collect::<Option<Vec<Input>>>()?;
        Some(Snapshot { inputs })
    }

    /// Whether every file still has the stat it had when the snapshot was taken.
    fn still_current(&self, root: &Path) -> bool {
        self.inputs
            .par_iter()
            .all(|input| stat(&root.join(&input.path)) == Some(input.stat))
    }
}

impl StoredFinding {
    fn into_finding(self) -> Option<Finding> {
        let code = crate::check::rule_by_code(&self.code)?.code;
        Some(Finding {
            code,
            severity: self.severity,
            message: self.message,
            path: self.path,
            span: span(self.span),
            label: self.label,
            help: self.help,
            related: self
                .related
                .into_iter()
                .map(|r| Related {
                    path: r.path,
                    span: span(r.span),
                    message: r.message,
                })
                .collect(),
        })
    }
}

impl From<&Finding> for StoredFinding {
    fn from(f: &Finding) -> StoredFinding {
        StoredFinding {
            code: f.code.to_owned(),
            severity: f.severity,
            message: f.message.clone(),
            path: f.path.clone(),
            span: (f.span.start, f.span.end),
            label: f.label.clone(),
            help: f.help.clone(),
            related: f
                .related
                .iter()
                .map(|r| StoredRelated {
                    path: r.path.clone(),
                    span: (r.span.start, r.span.end),
                    message: r.message.clone(),
                })
                .collect(),
        }
    }
}

fn span((start, end): (u32, u32)) -> Span {
    Span { start, end }
}

/// The stat of a plain regular file; `None` for anything else (a symbolic link, a FIFO).
fn stat(path: &Path) -> Option<Stat> {
    let metadata = fs::symlink_metadata(path).ok()?;
    if !metadata.file_type().is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let nanos = |s: i64, ns: i64| s.saturating_mul(1_000_000_000).saturating_add(ns);
        Some(Stat {
            size: metadata.len(),
            mtime: nanos(metadata.mtime(), metadata.mtime_nsec()),
            ctime: nanos(metadata.ctime(), metadata.ctime_nsec()),
            inode: metadata.ino(),
        })
    }
    #[cfg(not(unix))]
    {
        let mtime = metadata
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let nanos = i64::try_from(mtime.as_nanos()).ok()?;
        Some(Stat {
            size: metadata.len(),
            mtime: nanos,
            ctime: nanos,
            inode: 0,
        })
    }
}

/// XXH3-128 of a file's content, hex, read in blocks (a file over the loader's size limit
/// is hashed, not held).
fn hash_file(path: &Path) -> Option<String> {
    let mut file = fs::File::open(path).ok()?;
    let mut hasher = Xxh3::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(format!("{:032x}", hasher.digest128()))
}

/// The bytes of a regular file; `None` for anything else: a FIFO a repository put in its
/// cache directory would block the read for ever, and a link is not ours.
fn read_regular(path: &Path) -> Option<Vec<u8>> {
    if !fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    fs::read(path).ok()
}

/// A cache file, written atomically and readable by its owner only.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    atomic::write_file(path, bytes, Access::Private).map_err(AtomicError::into_io)
}

/// Removes the oldest entries beyond [`MAX_ENTRIES`].
fn prune(dir: &Path) {
    let Ok(read) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = read
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("lint-") && name.ends_with(".json")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if entries.len() <= MAX_ENTRIES {
        return;
    }
    entries.sort();
    for (_, path) in &entries[..entries.len() - MAX_ENTRIES] {
        let _ = fs::remove_file(path);
    }
}

const TAG: &str = "CACHEDIR.TAG";
const TAG_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# splforge lint cache\n";

/// Whether `dir` is a cache directory splforge made (it holds our `CACHEDIR.TAG`).
fn is_cache_dir(dir: &Path) -> bool {
    fs::read_to_string(dir.join(TAG)).is_ok_and(|text| text == TAG_TEXT)
}

/// What [`clean`] removed from a cache directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleaned {
    /// There was no cache directory.
    Nothing,
    /// The directory and everything in it.
    Directory,
    /// splforge's files; the directory stays for the files it holds that splforge did not
    /// make (this many).
    OursOnly(usize),
}

/// Whether a file in a cache directory is one the cache writes: an entry, the per-file
/// results, the two files that mark the directory, a temporary file of an interrupted write.
fn is_cache_file(name: &str) -> bool {
    (name.starts_with("lint-") && name.ends_with(".json"))
        || name == FACTS
        || name == TAG
        || name == ".gitignore"
        || name.starts_with(".tmp")
}

/// Removes the cache in `dir`: the files splforge made there, and the directory when that
/// leaves it empty. Refuses a directory that is not a splforge cache (`--cache-dir .` must
/// not delete the repository) and a symbolic link.
pub fn clean(dir: &Path) -> Result<Cleaned, CacheError> {
    let io = |error| CacheError::Clean {
        path: dir.to_path_buf(),
        error,
    };
    let metadata = match fs::symlink_metadata(dir) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Cleaned::Nothing),
        Err(e) => return Err(io(e)),
    };
    if !metadata.is_dir() {
        return Err(io(std::io::Error::other(
            "not a splforge cache directory (a symbolic link or a file)",
        )));
    }
    let empty = fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none());
    if !is_cache_dir(dir) && !empty {
        return Err(io(std::io::Error::other(
            "not a splforge cache directory (no CACHEDIR.TAG)",
        )));
    }
    let mut kept = 0;
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let ours = name.to_str().is_some_and(is_cache_file)
            && entry.file_type().is_ok_and(|t| t.is_file());
        if ours {
            fs::remove_file(entry.path()).map_err(io)?;
        } else {
            kept += 1;
        }
    }
    if kept > 0 {
        return Ok(Cleaned::OursOnly(kept));
    }
    fs::remove_dir(dir).map_err(io)?;
    Ok(Cleaned::Directory)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `cache` has a usable entry for the repository at `root`, rendered as `k`.
    fn hits(cache: &LintCache, root: &Path) -> bool {
        cache.lookup(root, LoadLimits::default(), "k").is_some()
    }

    fn repository() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("macros")).unwrap();
        fs::write(dir.path().join("macros/a.yml"), "name: a\n").unwrap();
        dir
    }

    fn cache_of(root: &Path) -> LintCache {
        cache_with(root, &Config::default(), &machine())
    }

    /// The cache of `root` for a run with `config` on 2026-01-01, tagged with `machine`.
    fn cache_with(root: &Path, config: &Config, machine: &MachineKey) -> LintCache {
        let key = LintKey {
            config,
            today: "2026-01-01",
            only_files: None,
        };
        LintCache::new(&root.join(DEFAULT_DIR), &key, machine)
    }

    /// `root`'s cache, with an entry (rendered as `k`) stored for its files as they are.
    fn stored_cache(root: &Path) -> LintCache {
        let cache = cache_of(root);
        let snapshot = Snapshot::take(root, LoadLimits::default(), 0).unwrap();
        cache.store(root, &snapshot, &report(), ("k", "")).unwrap();
        cache
    }

    fn machine() -> MachineKey {
        MachineKey::from_words([1, 2, 3, 4])
    }

    fn report() -> Report {
        Report {
            files_checked: 1,
            ..Report::default()
        }
    }

    #[test]
    fn a_settled_file_is_trusted_on_its_stat_and_any_stat_change_is_a_change() {
        let root = repository();
        let cache = cache_of(root.path());
        // Everything is settled for a run that starts far in the future: nothing is hashed.
        let snapshot = Snapshot::take(root.path(), LoadLimits::default(), i64::MAX).unwrap();
        assert!(
            snapshot
                .inputs
                .iter()
                .all(|i| i.settled && i.hash.is_none())
        );
        cache
            .store(root.path(), &snapshot, &report(), ("k", ""))
            .unwrap();
        assert_eq!(
            cache
                .lookup(root.path(), LoadLimits::default(), "k")
                .map(|h| h.report.files_checked),
            Some(1)
        );
        // The same bytes written again: the stat (ctime, mtime) changed, so it is a change.
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(root.path().join("macros/a.yml"), "name: a\n").unwrap();
        assert!(!hits(&cache, root.path()));
    }

    #[test]
    fn a_recent_file_is_hashed_and_only_a_content_change_is_a_change() {
        let root = repository();
        let cache = cache_of(root.path());
        // A run that started at the epoch: every file is newer, so every file is hashed.
        let snapshot = Snapshot::take(root.path(), LoadLimits::default(), 0).unwrap();
        assert!(
            snapshot
                .inputs
                .iter()
                .all(|i| !i.settled && i.hash.is_some())
        );
        cache
            .store(root.path(), &snapshot, &report(), ("k", ""))
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(root.path().join("macros/a.yml"), "name: a\n").unwrap();
        assert!(hits(&cache, root.path()));
        // The same size, other bytes.
        fs::write(root.path().join("macros/a.yml"), "name: b\n").unwrap();
        assert!(!hits(&cache, root.path()));
    }

    #[test]
    fn another_key_or_a_new_file_is_a_miss() {
        let root = repository();
        let cache = stored_cache(root.path());
        let config = Config {
            attack_version: "10.1".to_owned(),
            ..Config::default()
        };
        let other = cache_with(root.path(), &config, &machine());
        assert!(!hits(&other, root.path()));
        assert!(hits(&cache, root.path()));
        fs::write(root.path().join("macros/b.yml"), "name: b\n").unwrap();
        assert!(!hits(&cache, root.path()));
    }

    #[test]
    fn an_entry_is_trusted_only_under_the_key_it_was_tagged_with() {
        let root = repository();
        let cache = stored_cache(root.path());
        assert!(hits(&cache, root.path()));
        let elsewhere = cache_with(
            root.path(),
            &Config::default(),
            &MachineKey::from_words([1, 3, 3, 4]),
        );
        assert!(!hits(&elsewhere, root.path()));
        // One byte of the body changed, the tag kept.
        let mut bytes = fs::read(&cache.entry).unwrap();
        let last = bytes.len() - 2;
        bytes[last] ^= 1;
        fs::write(&cache.entry, bytes).unwrap();
        assert!(!hits(&cache, root.path()));
    }

    #[test]
    fn the_machine_key_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("splforge");
        let first = MachineKey::load_or_create(&keys).unwrap();
        let again = MachineKey::load_or_create(&keys).unwrap();
        assert_eq!(first.0, again.0);
        assert_ne!(first.0, [0; 4]);
        assert_eq!(
            key_dir(None, Some(std::ffi::OsStr::new("/home/u"))),
            Some(PathBuf::from("/home/u/.cache/splforge"))
        );
        assert_eq!(
            key_dir(Some(std::ffi::OsStr::new("relative")), None),
            None,
            "a relative XDG_CACHE_HOME is ignored"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_makes_the_run_uncacheable() {
        let root = repository();
        std::os::unix::fs::symlink("a.yml", root.path().join("macros/link.yml")).unwrap();
        assert!(Snapshot::take(root.path(), LoadLimits::default(), 0).is_none());
    }
}
