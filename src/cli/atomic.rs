//! Writing one file the user reads or commits (`new`, `migrate`, `report --out`).

use std::path::Path;

/// Writes a file a person reads ([`crate::atomic`]: never half-written; a new file gets the
/// mode the umask allows, a replaced file keeps its own).
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::atomic::write_file(path, bytes, crate::atomic::Access::Shared)?;
    Ok(())
}
