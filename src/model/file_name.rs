//! The file names an object's name gives: its content file (contentctl's convention) and
//! its docs pages, and the longest name a file system allows. `check` (SF104), `scaffold`
//! (`splforge new`) and `docs` name files by these.

/// The longest file name a file system allows, in bytes (ext4, XFS, APFS, NTFS in UTF-16
/// units).
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// The longest file name an object called `name` gives: its content file `<stem>.yml`,
/// and its docs pages, `YYYY-MM-DD-<name>.md` when `dated` (detections), `<name>.md`, and
/// `<name>.html` (ASCII: one byte a character).
pub fn longest_file_name(name: &str, dated: bool) -> usize {
    let lower = name.to_lowercase();
    let date = if dated { "YYYY-MM-DD-".len() } else { 0 };
    [
        expected_stem(name).len() + ".yml".len(),
        date + lower.len() + ".md".len(),
        lower.chars().count() + ".html".len(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0)
}

/// The file stem contentctl expects for an object called `name`.
pub fn expected_stem(name: &str) -> String {
    name.replace([' ', '-', '.', '/'], "_").to_lowercase()
}
