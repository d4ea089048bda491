//! Atomic output: the whole site is written to a temporary directory beside `out`, then
//! swapped into place ([`crate::atomic::swap_in`]), so `out` is either the old site or the
//! new one, never half of each.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::DocsError;

/// The file that marks a directory as written by `splforge docs`, so that a second run
/// may replace it (and nothing else).
pub const MARKER: &str = ".splforge-docs";

/// One output file: a path relative to the output directory, with `/` separators.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub contents: String,
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> DocsError + '_ {
    move |e| DocsError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Whether `out` may be replaced: it does not exist, is an empty directory, or was
/// written by `splforge docs` before.
fn check_replaceable(out: &Path) -> Result<(), DocsError> {
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(out)(e)),
        Ok(meta) if !meta.is_dir() => Err(DocsError::OutputNotOurs(out.to_path_buf())),
        Ok(_) => {
            let ours = fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file());
            let empty = fs::read_dir(out).map_err(io_error(out))?.next().is_none();
            if ours || empty {
                Ok(())
            } else {
                Err(DocsError::OutputNotOurs(out.to_path_buf()))
            }
        }
    }
}

/// A relative output path that stays inside the output directory.
fn checked_relative(path: &str) -> Option<PathBuf> {
    let relative = Path::new(path);
    let inside = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    inside.then(|| relative.to_path_buf())
}

/// Writes `files` as the new contents of `out`.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), DocsError> {
    write_sites(&[(out, files)])
}

/// Writes several sites (one per format) as one change: every site is written to a
/// temporary directory first, then all are swapped into place; if one swap fails, those
/// already swapped are put back, so the outputs are all old or all new.
pub fn write_sites(sites: &[(&Path, &[OutputFile])]) -> Result<(), DocsError> {
    let mut staged = Vec::with_capacity(sites.len());
    for (out, files) in sites {
        staged.push(stage(out, files)?);
    }
    let mut swapped: Vec<Swapped> = Vec::with_capacity(staged.len());
    for site in staged {
        match site.swap() {
            Ok(done) => swapped.push(done),
            Err(e) => {
                swapped.into_iter().rev().for_each(Swapped::roll_back);
                return Err(e);
            }
        }
    }
    // Dropping each `Swapped` deletes the site it replaced.
    drop(swapped);
    Ok(())
}

/// A site written in full to a temporary directory beside its output.
struct Staged {
    staging: tempfile::TempDir,
    out: PathBuf,
    parent: PathBuf,
}

/// A site swapped into place; the previous one (if any) waits in `old` until dropped.
struct Swapped {
    swap: crate::atomic::Swap,
    /// Where the new site was staged, for [`Swapped::roll_back`].
    staged: PathBuf,
    old: tempfile::TempDir,
}

fn stage(out: &Path, files: &[OutputFile]) -> Result<Staged, DocsError> {
    check_replaceable(out)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_error(&parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".splforge-docs-new-")
        .tempdir_in(&parent)
        .map_err(io_error(&parent))?;

    let mut relatives = Vec::with_capacity(files.len());
    for file in files {
        let relative = checked_relative(&file.path).ok_or_else(|| DocsError::Io {
            path: PathBuf::from(&file.path),
            message: "output path leaves the output directory".to_owned(),
        })?;
        relatives.push(relative);
    }
    let mut directories: Vec<PathBuf> = relatives
        .iter()
        .filter_map(|r| r.parent().map(Path::to_path_buf))
        .collect();
    directories.sort();
    directories.dedup();
    for directory in &directories {
        let path = staging.path().join(directory);
        fs::create_dir_all(&path).map_err(io_error(&path))?;
    }
    files
        .par_iter()
        .zip(relatives.par_iter())
        .try_for_each(|(file, relative)| {
            let path = staging.path().join(relative);
            fs::write(&path, &file.contents).map_err(io_error(&path))
        })?;
    let marker = staging.path().join(MARKER);
    fs::write(
        &marker,
        "written by splforge docs; the next run replaces this directory\n",
    )
    .map_err(io_error(&marker))?;
    Ok(Staged {
        staging,
        out: out.to_path_buf(),
        parent,
    })
}

impl Staged {
    /// Moves the old site aside (to a fresh temporary directory's name) and the new one in;
    /// on failure, the old one stays.
    fn swap(self) -> Result<Swapped, DocsError> {
        let Staged {
            staging,
            out,
            parent,
        } = self;
        let old = tempfile::Builder::new()
            .prefix(".splforge-docs-old-")
            .tempdir_in(&parent)
            .map_err(io_error(&parent))?;
        fs::remove_dir(old.path()).map_err(io_error(old.path()))?;
        let staged = staging.keep();
        match crate::atomic::swap_in(&staged, &out, old.path()) {
            // `old` removes the previous site when dropped.
            Ok(swap) => Ok(Swapped { swap, staged, old }),
            Err(e) => {
                let _ = fs::remove_dir_all(&staged);
                Err(io_error(&out)(e))
            }
        }
    }
}

impl Swapped {
    /// Undoes the swap: the new site is deleted and the previous one (if any) put back.
    fn roll_back(self) {
        self.swap.undo(&self.staged);
        let _ = fs::remove_dir_all(&self.staged);
        drop(self.old);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.to_owned(),
            contents: contents.to_owned(),
        }
    }

    #[test]
    fn a_second_run_replaces_the_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        write_site(&out, &[file("a/x.md", "1"), file("b.md", "2")]).unwrap();
        write_site(&out, &[file("c.md", "3")]).unwrap();
        assert!(!out.join("a/x.md").exists());
        assert_eq!(fs::read_to_string(out.join("c.md")).unwrap(), "3");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary directories are left");
    }

    #[test]
    fn a_directory_not_written_by_docs_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "x").unwrap();
        let err = write_site(dir.path(), &[file("a.md", "1")]).unwrap_err();
        assert!(matches!(err, DocsError::OutputNotOurs(_)));
        assert!(dir.path().join("precious.txt").exists());
    }

    #[test]
    fn paths_cannot_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        assert!(write_site(&out, &[file("../x.md", "1")]).is_err());
        assert!(!out.exists());
    }
}
