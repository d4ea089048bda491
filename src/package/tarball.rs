//! Reproducible `.tar.gz`: sorted entries, fixed owner, group and modes, one mtime for every
//! entry, a gzip header without a timestamp, and a pinned compressor (zlib-rs, level 6, in
//! blocks on every core: [`super::gzip`]).

use std::collections::BTreeMap;

use super::gzip::gzip;

/// The deflate level of the package.
const LEVEL: u32 = 6;

/// The archive of `files` (paths relative to the app directory) under `top/`.
///
/// The tar is never assembled: it is a sequence of pieces, the headers (written by the `tar`
/// crate) and the file contents borrowed from `files`, which the compressor gathers block by
/// block. That keeps a 17 MB tar out of memory.
pub fn tar_gz(
    top: &str,
    files: &BTreeMap<String, Vec<u8>>,
    mtime: u64,
) -> std::io::Result<Vec<u8>> {
    // Headers go into the builder's buffer; `layout` says where each piece of the tar comes
    // from, `mark` how much of that buffer it has taken.
    let mut builder = tar::Builder::new(Vec::new());
    builder.mode(tar::HeaderMode::Deterministic);
    let mut layout = Vec::with_capacity(3 * files.len() + 2);
    let mut mark = 0;
    for dir in directories(top, files) {
        let mut header = header(tar::EntryType::Directory, 0o755, 0, mtime);
        builder.append_data(&mut header, format!("{dir}/"), std::io::empty())?;
    }
    for (path, bytes) in files {
        let mut header = header(tar::EntryType::Regular, 0o644, bytes.len() as u64, mtime);
        // An entry without its data: the header (after a long-name entry, if any).
        builder.append_data(&mut header, format!("{top}/{path}"), std::io::empty())?;
        layout.push(Piece::Meta(mark..builder.get_ref().len()));
        mark = builder.get_ref().len();
        layout.push(Piece::Data(bytes));
        layout.push(Piece::Data(
            &ZEROS[..bytes.len().next_multiple_of(512) - bytes.len()],
        ));
    }
    // The end-of-archive marker.
    let meta = builder.into_inner()?;
    layout.push(Piece::Meta(mark..meta.len()));
    let pieces: Vec<&[u8]> = layout
        .iter()
        .map(|piece| match piece {
            Piece::Meta(range) => &meta[range.clone()],
            Piece::Data(bytes) => *bytes,
        })
        .collect();
    gzip(&pieces, LEVEL)
}

/// Zeros to pad a file's contents to a whole tar block.
static ZEROS: [u8; 512] = [0; 512];

/// Where a piece of the tar comes from.
enum Piece<'a> {
    /// A range of the headers the `tar` crate wrote.
    Meta(std::ops::Range<usize>),
    /// File contents or padding.
    Data(&'a [u8]),
}

fn header(kind: tar::EntryType, mode: u32, size: u64, mtime: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_size(size);
    header.set_mtime(mtime);
    header.set_uid(0);
    header.set_gid(0);
    let _ = header.set_username("");
    let _ = header.set_groupname("");
    header
}

/// Every directory that holds a file, `top` first, sorted (so parents precede children).
fn directories(top: &str, files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut dirs = std::collections::BTreeSet::new();
    dirs.insert(top.to_owned());
    for path in files.keys() {
        let mut prefix = top.to_owned();
        let parts: Vec<&str> = path.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            prefix.push('/');
            prefix.push_str(part);
            dirs.insert(prefix.clone());
        }
    }
    dirs.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_byte_identical_and_list_directories() {
        let mut files = BTreeMap::new();
        files.insert("default/app.conf".to_owned(), b"[ui]\n".to_vec());
        files.insert("README.md".to_owned(), b"hi\n".to_vec());
        let a = tar_gz("App", &files, 1).unwrap();
        assert_eq!(a, tar_gz("App", &files, 1).unwrap());
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(a.as_slice()));
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "App/",
                "App/default/",
                "App/README.md",
                "App/default/app.conf"
            ]
        );
    }
}
