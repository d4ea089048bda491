//! A git revision's content files, read with the `git` command into a directory of our own
//! so that the ordinary loader (`model::Content::load`) reads them.
//!
//! The revision is untrusted like any repository: its tree is listed first
//! (`git ls-tree -l`, which gives every blob's size), and only regular files under the
//! content directories, with plain relative paths and within the loader's size limit, are
//! read (`git cat-file --batch`, exactly the listed number of bytes). Symbolic links and
//! submodules are never written, so nothing read later can lead out of the directory.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::load::ContentKind;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(String),
    #[error("{root} is not inside a git work tree ({message})")]
    NotARepository { root: PathBuf, message: String },
    #[error(
        "revision `{revision}` is not in this clone: it is a shallow clone (fetch the history \
         with `git fetch --unshallow`, or `git fetch --deepen=N`), or the revision does not exist"
    )]
    MissingInShallowClone { revision: String },
    #[error("revision `{revision}` not found: {message}")]
    MissingRevision { revision: String, message: String },
    #[error("`{revision}` has no content root `{prefix}`")]
    NoRoot { revision: String, prefix: String },
    #[error("git {command}: {message}")]
    Failed { command: String, message: String },
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

/// A revision resolved to its commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Revision {
    /// As the user named it.
    pub name: String,
    /// The full commit id.
    pub commit: String,
}

/// What reading a revision left out, for the notes' caveats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Symbolic links and submodules under the content directories.
    pub links: usize,
    /// Files over the size limit.
    pub too_large: usize,
    /// Paths that are not plain relative paths.
    pub bad_paths: usize,
}

/// A revision's content as read: the YAML files are written out, the lookup data files are
/// only named (path under the root -> blob id), so a change to one shows without reading it.
#[derive(Debug, Clone, Default)]
pub struct Materialized {
    pub skipped: Skipped,
    pub lookup_data: std::collections::BTreeMap<String, String>,
}

/// The repository the content root is in.
pub struct GitRepository {
    root: PathBuf,
    /// The content root's path inside the repository (`""` or `sub/dir/`).
    prefix: String,
}

impl GitRepository {
    pub fn open(root: &Path) -> Result<GitRepository, GitError> {
        let output = git(root, &["rev-parse", "--show-prefix"])?;
        if !output.status.success() {
            return Err(GitError::NotARepository {
                root: root.to_path_buf(),
                message: stderr_text(&output.stderr),
            });
        }
        let prefix = String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_owned();
        Ok(GitRepository {
            root: root.to_path_buf(),
            prefix,
        })
    }

    /// Resolves `name` to a commit; a revision a shallow clone lacks says so.
    pub fn resolve(&self, name: &str) -> Result<Revision, GitError> {
        if name.starts_with('-') {
            return Err(GitError::MissingRevision {
                revision: name.to_owned(),
                message: "a revision cannot start with `-`".to_owned(),
            });
        }
        let spec = format!("{name}^{{commit}}");
        let output = git(&self.root, &["rev-parse", "--verify", "--quiet", &spec])?;
        if output.status.success() {
            let commit = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            return Ok(Revision {
                name: name.to_owned(),
                commit,
            });
        }
        let shallow = git(&self.root, &["rev-parse", "--is-shallow-repository"])?;
        if String::from_utf8_lossy(&shallow.stdout).trim() == "true" {
            return Err(GitError::MissingInShallowClone {
                revision: name.to_owned(),
            });
        }
        Err(GitError::MissingRevision {
            revision: name.to_owned(),
            message: "no such commit, branch or tag in this repository".to_owned(),
        })
    }

    /// Writes the content files of `revision` under `dir` (which must be empty and ours).
    pub fn materialize(
        &self,
        revision: &Revision,
        dir: &Path,
        max_file_bytes: u64,
    ) -> Result<Materialized, GitError> {
        let tree = format!("{}:{}", revision.commit, self.prefix);
        let output = git(
            &self.root,
            &["ls-tree", "--full-tree", "-r", "-z", "-l", &tree],
        )?;
        if !output.status.success() {
            return Err(GitError::NoRoot {
                revision: revision.name.clone(),
                prefix: self.prefix.clone(),
            });
        }
        let (entries, skipped) = content_entries(&output.stdout, max_file_bytes);
        let (yaml, data): (Vec<TreeEntry>, Vec<TreeEntry>) =
            entries.into_iter().partition(TreeEntry::is_yaml);
        self.write_blobs(&yaml, dir)?;
        let lookup_data = data
            .into_iter()
            .filter(|e| e.path.starts_with(ContentKind::Lookup.directory()))
            .map(|e| (e.path.to_string_lossy().into_owned(), e.object))
            .collect();
        Ok(Materialized {
            skipped,
            lookup_data,
        })
    }

    /// Reads each blob with one `git cat-file --batch` and writes it to its path under `dir`.
    fn write_blobs(&self, entries: &[TreeEntry], dir: &Path) -> Result<(), GitError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut child = git_command(&self.root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| GitError::Spawn(e.to_string()))?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| GitError::Spawn("no stdin".to_owned()))?;
        let ids: String = entries.iter().map(|e| format!("{}\n", e.object)).collect();
        // Written from a thread: git's output would fill the pipe before it read all ids.
        let writer = std::thread::spawn(move || stdin.write_all(ids.as_bytes()));
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| GitError::Spawn("no stdout".to_owned()))?;
        let result = read_batch(BufReader::new(stdout), entries, dir);
        let _ = writer.join();
        let status = child.wait().map_err(|e| GitError::Spawn(e.to_string()))?;
        result?;
        if !status.success() {
            return Err(GitError::Failed {
                command: "cat-file --batch".to_owned(),
                message: format!("exited with {status}"),
            });
        }
        Ok(())
    }
}

fn read_batch(mut reader: impl BufRead, entries: &[TreeEntry], dir: &Path) -> Result<(), GitError> {
    let failed = |message: String| GitError::Failed {
        command: "cat-file --batch".to_owned(),
        message,
    };
    let mut header = String::new();
    for entry in entries {
        header.clear();
        reader
            .read_line(&mut header)
            .map_err(|e| failed(e.to_string()))?;
        let mut fields = header.split_whitespace();
        let (Some(object), Some("blob"), Some(size)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return Err(failed(format!("unexpected answer {:?}", header.trim_end())));
        };
        let size: u64 = size.parse().map_err(|_| failed("bad size".to_owned()))?;
        if object != entry.object || size != entry.size {
            return Err(failed(format!("{object} is not the listed blob")));
        }
        let mut contents = Vec::with_capacity(size as usize);
        (&mut reader)
            .take(size + 1)
            .read_to_end(&mut contents)
            .map_err(|e| failed(e.to_string()))?;
        if contents.pop() != Some(b'\n') || contents.len() as u64 != size {
            return Err(failed("short answer".to_owned()));
        }
        let path = dir.join(&entry.path);
        let io = |e: std::io::Error| GitError::Io {
            path: path.clone(),
            message: e.to_string(),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, &contents).map_err(io)?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TreeEntry {
    object: String,
    size: u64,
    path: PathBuf,
}

impl TreeEntry {
    fn is_yaml(&self) -> bool {
        is_yaml(&self.path)
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yml" || e == "yaml")
}

/// The regular files under the content directories in `git ls-tree -r -z -l` output.
fn content_entries(listing: &[u8], max_file_bytes: u64) -> (Vec<TreeEntry>, Skipped) {
    let mut entries = Vec::new();
    let mut skipped = Skipped::default();
    for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let text = String::from_utf8_lossy(record);
        let Some((meta, path)) = text.split_once('\t') else {
            continue;
        };
        let in_content = path.split('/').next().is_some_and(|first| {
            ContentKind::ALL
                .iter()
                .any(|kind| kind.directory() == first)
        });
        if !in_content {
            continue;
        }
        let mut fields = meta.split_whitespace();
        let (Some(mode), Some(kind), Some(object), Some(size)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if kind != "blob" || !(mode == "100644" || mode == "100755") {
            skipped.links += 1;
            continue;
        }
        let Ok(size) = size.parse::<u64>() else {
            continue;
        };
        let relative = PathBuf::from(path);
        if is_yaml(&relative) && size > max_file_bytes {
            skipped.too_large += 1;
            continue;
        }
        let plain = !path.contains('\\')
            && relative
                .components()
                .all(|c| matches!(c, Component::Normal(n) if n != ".git"));
        if !plain || record.contains(&b'\n') {
            skipped.bad_paths += 1;
            continue;
        }
        entries.push(TreeEntry {
            object: object.to_owned(),
            size,
            path: relative,
        });
    }
    (entries, skipped)
}

/// `git` run in `root`, never prompting, paging or running a repository's fsmonitor hook:
/// the one way splforge starts git (`build`'s commit time and `docs`' source address too).
pub fn git_command(root: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(root)
        .args(["-c", "core.fsmonitor=false", "--no-pager"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    command
}

/// The first line git prints for `args` in `root`, when git is installed, `root` is in a
/// checkout and the command succeeds with output.
pub fn first_line(root: &Path, args: &[&str]) -> Option<String> {
    let output = git_command(root)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let line = text.lines().next()?.trim();
    (output.status.success() && !line.is_empty()).then(|| line.to_owned())
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    git_command(root)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| GitError::Spawn(e.to_string()))
}

fn stderr_text(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_keeps_only_plain_regular_files_in_content_directories() {
        let listing = b"100644 blob aaa     10\tdetections/a.yml\0\
120000 blob bbb      9\tdetections/link.yml\0\
100644 blob ccc     99\tmacros/big.yml\0\
100644 blob ddd      5\tbin/tool.py\0\
160000 commit eee      -\tstories/sub\0\
100644 blob fff      3\tstories/../x.yml\0";
        let (entries, skipped) = content_entries(listing, 50);
        assert_eq!(
            entries,
            [TreeEntry {
                object: "aaa".to_owned(),
                size: 10,
                path: PathBuf::from("detections/a.yml"),
            }]
        );
        assert_eq!(
            skipped,
            Skipped {
                links: 2,
                too_large: 1,
                bad_paths: 1
            }
        );
    }
}
