//! Where splforge may write: the checks every output path passes before anything is
//! written or replaced there (`build`'s app and package, `docs`' sites, `lint`'s cache).
//!
//! The content repository is untrusted input (a pull request's `splforge.toml` names the
//! output directories), so:
//!
//! - a path taken from the repository's configuration is relative, has no `..`, and no part
//!   of it that exists is a symbolic link: it resolves inside the root ([`configured_path`]);
//! - no output overlaps what splforge reads: it is not the root or a directory above it, and
//!   not inside (or equal to) a content directory, `app_template/` or `templates/`
//!   ([`check_outside_inputs`]).
//!
//! Which existing files an output may replace is decided where it is written, by a marker
//! splforge leaves in each directory it makes (`package`'s `.splforge-build`, `docs`'
//! `.splforge-docs`, the cache's `CACHEDIR.TAG`).

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::load::ContentKind;

/// Directories of the root that splforge reads besides the content directories, and the
/// repository's own `.git`, which no output may touch.
const OTHER_INPUT_DIRS: [&str; 3] = [crate::package::APP_TEMPLATE_DIR, "templates", ".git"];

#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error(
        "{setting} = {path:?} in the repository's configuration does not stay inside the content root ({reason})"
    )]
    OutsideRoot {
        setting: &'static str,
        path: PathBuf,
        reason: &'static str,
    },
    #[error(
        "{what} {path} would overlap {input}, which splforge reads or must not touch: refusing to write there"
    )]
    OverlapsInput {
        what: &'static str,
        path: PathBuf,
        input: PathBuf,
    },
    #[error("cannot resolve {path}: {message}")]
    Resolve { path: PathBuf, message: String },
}

/// `root/relative` for a path named by the repository's configuration (`setting`), when it
/// stays inside the root: relative, without `..`, and with no existing part a symbolic link
/// (which could point anywhere).
pub fn configured_path(
    root: &Path,
    relative: &Path,
    setting: &'static str,
) -> Result<PathBuf, LocationError> {
    let outside = |reason| LocationError::OutsideRoot {
        setting,
        path: relative.to_path_buf(),
        reason,
    };
    let mut path = root.to_path_buf();
    for component in relative.components() {
        match component {
            Component::Normal(part) => {
                path.push(part);
                if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(outside("it goes through a symbolic link"));
                }
            }
            Component::CurDir => {}
            Component::ParentDir => return Err(outside("it contains `..`")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(outside("it is an absolute path"));
            }
        }
    }
    Ok(path)
}

/// Refuses an output directory `output` (`what` names it in the message) that is the root,
/// a directory above it, or inside one of the directories splforge reads.
pub fn check_outside_inputs(
    root: &Path,
    output: &Path,
    what: &'static str,
) -> Result<(), LocationError> {
    let root = resolve(root)?;
    let output = resolve(output)?;
    if root.starts_with(&output) {
        return Err(LocationError::OverlapsInput {
            what,
            path: output,
            input: root,
        });
    }
    let inputs = ContentKind::ALL
        .iter()
        .map(|k| k.directory())
        .chain(OTHER_INPUT_DIRS);
    for input in inputs {
        let input = root.join(input);
        if output.starts_with(&input) {
            return Err(LocationError::OverlapsInput {
                what,
                path: output,
                input,
            });
        }
    }
    Ok(())
}

/// `path` made absolute with its symbolic links resolved: the longest part of it that
/// exists is resolved by the file system, the rest (which does not exist yet) appended
/// with `.` and `..` taken lexically.
fn resolve(path: &Path) -> Result<PathBuf, LocationError> {
    let mut existing = path.to_path_buf();
    let mut rest: Vec<PathBuf> = Vec::new();
    loop {
        if let Ok(resolved) = fs::canonicalize(if existing.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &existing
        }) {
            let mut resolved = resolved;
            for part in rest.iter().rev() {
                if part.as_os_str() == ".." {
                    resolved.pop();
                } else {
                    resolved.push(part);
                }
            }
            return Ok(resolved);
        }
        let Some(last) = existing
            .file_name()
            .map(PathBuf::from)
            .or_else(|| existing.ends_with("..").then(|| PathBuf::from("..")))
        else {
            break;
        };
        rest.push(last);
        existing = match existing.parent() {
            Some(parent) => parent.to_path_buf(),
            None => break,
        };
    }
    Err(LocationError::Resolve {
        path: path.to_path_buf(),
        message: "no part of it exists".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_paths_stay_inside_the_root() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        assert_eq!(
            configured_path(root, Path::new("dist"), "[build] out").unwrap(),
            root.join("dist")
        );
        assert!(configured_path(root, Path::new("./a/b"), "[build] out").is_ok());
        for bad in ["../x", "a/../../x", "/tmp/x"] {
            assert!(
                configured_path(root, Path::new(bad), "[build] out").is_err(),
                "{bad}"
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/tmp", root.join("link")).unwrap();
            assert!(configured_path(root, Path::new("link/x"), "[build] out").is_err());
        }
    }

    #[test]
    fn outputs_never_overlap_what_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        fs::create_dir_all(root.join("detections/endpoint")).unwrap();
        for bad in [
            root.clone(),
            dir.path().to_path_buf(),
            root.join("detections"),
            root.join("detections/endpoint/new"),
            root.join("macros/x"),
            root.join("app_template"),
            root.join(".git/hooks"),
            root.join("dist/../detections"),
        ] {
            assert!(
                check_outside_inputs(&root, &bad, "output").is_err(),
                "{}",
                bad.display()
            );
        }
        for good in [
            root.join("dist"),
            root.join("dist/app"),
            dir.path().join("x"),
        ] {
            assert!(check_outside_inputs(&root, &good, "output").is_ok());
        }
    }
}
