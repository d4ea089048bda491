//! Atomic output: the one way splforge writes a file or replaces a directory, so a reader
//! sees the old contents or the new, never half of each, and a failed write leaves the old.
//! - A file is written to a temporary sibling and renamed over its name ([`write_file`],
//!   [`AtomicFile`], deleted when dropped uncommitted): the lint cache, the CLI's outputs
//!   (`--out FILE`, `new`, `migrate`) and the machine key.
//! - A directory (the app, each docs site) is written whole into a temporary directory
//!   beside it, then [`swap_in`] moves the previous one aside and the new one in, and can
//!   undo that until the caller lets the previous one go.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why a file could not be written. The messages name the directory or the file.
#[derive(Debug, thiserror::Error)]
pub enum AtomicError {
    /// The temporary file could not be made (no such directory, no permission, ...).
    #[error("cannot write in {}", .dir.display())]
    Create {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing it, or renaming it into place, failed.
    #[error("cannot write {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl AtomicError {
    /// The underlying I/O error, for callers that report their own path.
    pub fn into_io(self) -> std::io::Error {
        match self {
            AtomicError::Create { source, .. } | AtomicError::Write { source, .. } => source,
        }
    }
}

/// Who may read a new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The owner only (0600): the cache and the machine key.
    Private,
    /// What the umask allows (0666 less it), as an editor's new file; a replaced file keeps
    /// its own mode. Content `new` and `migrate` write is read by a whole team.
    Shared,
}

/// A file being written beside its place; [`AtomicFile::commit`] renames it there.
pub struct AtomicFile {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`, in a temporary file in the same directory.
    pub fn create(path: &Path, access: Access) -> Result<AtomicFile, AtomicError> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        let existing = match access {
            Access::Private => None,
            Access::Shared => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    // Reduced by the umask at creation, as `open(2)` does.
                    builder.permissions(fs::Permissions::from_mode(0o666));
                }
                fs::symlink_metadata(path)
                    .ok()
                    .filter(|m| m.is_file())
                    .map(|m| m.permissions())
            }
        };
        let created = |source| AtomicError::Create {
            dir: dir.to_path_buf(),
            source,
        };
        let temp = builder.tempfile_in(dir).map_err(created)?;
        let file = AtomicFile {
            temp,
            path: path.to_path_buf(),
        };
        if let Some(permissions) = existing {
            file.temp
                .as_file()
                .set_permissions(permissions)
                .map_err(|e| file.error(e))?;
        }
        Ok(file)
    }

    /// The temporary file, to write (and seek) in.
    pub fn file(&mut self) -> &mut fs::File {
        self.temp.as_file_mut()
    }

    /// The error of a failed write to this file.
    pub fn error(&self, source: std::io::Error) -> AtomicError {
        AtomicError::Write {
            path: self.path.clone(),
            source,
        }
    }

    /// Renames the file over its name.
    pub fn commit(self) -> Result<(), AtomicError> {
        let path = self.path;
        self.temp
            .persist(&path)
            .map(drop)
            .map_err(|e| AtomicError::Write {
                path,
                source: e.error,
            })
    }

    /// Links the file at its name only if nothing is there yet: of two writers at once, the
    /// first keeps its file. Fails, and leaves the present file, otherwise.
    pub fn commit_new(self) -> Result<(), AtomicError> {
        let path = self.path;
        self.temp
            .persist_noclobber(&path)
            .map(drop)
            .map_err(|e| AtomicError::Write {
                path,
                source: e.error,
            })
    }
}

/// Writes `bytes` as the new contents of `path`.
pub fn write_file(path: &Path, bytes: &[u8], access: Access) -> Result<(), AtomicError> {
    let mut file = AtomicFile::create(path, access)?;
    file.file().write_all(bytes).map_err(|e| file.error(e))?;
    file.commit()
}

/// A directory entry moved into place by [`swap_in`]; the entry it replaced (if any) waits
/// at `previous` until the caller deletes it, or [`Swap::undo`] puts it back.
#[derive(Debug)]
pub struct Swap {
    target: PathBuf,
    previous: Option<PathBuf>,
}

/// Moves `staged` to `target`. Whatever `target` holds is first renamed to `previous` (a
/// path that does not exist, on the same file system); if moving `staged` in fails, it is
/// put back and `staged` is left where it was.
pub fn swap_in(staged: &Path, target: &Path, previous: &Path) -> std::io::Result<Swap> {
    let had_previous = fs::symlink_metadata(target).is_ok();
    if had_previous {
        fs::rename(target, previous)?;
    }
    if let Err(e) = fs::rename(staged, target) {
        if had_previous {
            let _ = fs::rename(previous, target);
        }
        return Err(e);
    }
    Ok(Swap {
        target: target.to_path_buf(),
        previous: had_previous.then(|| previous.to_path_buf()),
    })
}

impl Swap {
    /// Moves the new entry back to `staged` and the previous one (if any) into place.
    pub fn undo(self, staged: &Path) {
        let _ = fs::rename(&self.target, staged);
        if let Some(previous) = self.previous {
            let _ = fs::rename(previous, &self.target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_file_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_file(&path, b"old", Access::Shared).unwrap();
        write_file(&path, b"new", Access::Private).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_uncommitted_file_leaves_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_file(&path, b"old", Access::Private).unwrap();
        let mut file = AtomicFile::create(&path, Access::Private).unwrap();
        file.file().write_all(b"half").unwrap();
        drop(file);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn commit_new_keeps_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let mut first = AtomicFile::create(&path, Access::Private).unwrap();
        first.file().write_all(b"first").unwrap();
        first.commit_new().unwrap();
        let mut second = AtomicFile::create(&path, Access::Private).unwrap();
        second.file().write_all(b"second").unwrap();
        assert!(second.commit_new().is_err());
        assert_eq!(fs::read(&path).unwrap(), b"first");
    }

    #[test]
    fn swap_in_replaces_a_directory_and_undo_restores_it() {
        let dir = tempfile::tempdir().unwrap();
        let (staged, target, previous) = (
            dir.path().join("new"),
            dir.path().join("site"),
            dir.path().join("old"),
        );
        fs::create_dir(&target).unwrap();
        fs::write(target.join("a"), "old").unwrap();
        fs::create_dir(&staged).unwrap();
        fs::write(staged.join("b"), "new").unwrap();
        let swap = swap_in(&staged, &target, &previous).unwrap();
        assert!(target.join("b").is_file() && previous.join("a").is_file());
        swap.undo(&staged);
        assert!(target.join("a").is_file() && staged.join("b").is_file());
        assert!(!previous.exists());
    }

    #[test]
    fn a_failed_swap_leaves_the_previous_entry() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("a"), "old").unwrap();
        let missing = dir.path().join("never-staged");
        assert!(swap_in(&missing, &target, &dir.path().join("old")).is_err());
        assert!(target.join("a").is_file());
        assert!(!dir.path().join("old").exists());
    }

    #[test]
    fn a_missing_directory_names_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_file(&dir.path().join("no/such/x"), b"", Access::Private).unwrap_err();
        assert!(err.to_string().starts_with("cannot write in "), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn shared_files_get_the_umask_mode_and_replaced_files_keep_theirs() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("detection.yml");
        write_file(&path, b"a", Access::Shared).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o044,
            0o044 & !umask(),
            "readable by the group and others"
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&path, b"b", Access::Shared).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    /// The process's umask, read from a file made with 0666.
    #[cfg(unix)]
    fn umask() -> u32 {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe");
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&probe)
            .unwrap();
        !fs::metadata(&probe).unwrap().permissions().mode() & 0o777
    }
}
