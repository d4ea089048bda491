pub mod filters;

/// splforge patch: the largest result a builtin filter or function may make, in bytes,
/// measured before it is made (its text, and 32 bytes per array element). Results that
/// grow faster than their input (`replace`, `indent`, `join`, `split`, `range`) are
/// checked, so a template cannot allocate without bound.
pub(crate) const MAX_RESULT_BYTES: u64 = 256 * 1024 * 1024;

/// splforge patch: refuses a result of `bytes` over [`MAX_RESULT_BYTES`].
pub(crate) fn check_result_size(name: &str, bytes: u64) -> crate::errors::Result<()> {
    if bytes > MAX_RESULT_BYTES {
        return Err(crate::errors::Error::msg(format!(
            "`{}` would make {} bytes, over the {}-byte limit",
            name, bytes, MAX_RESULT_BYTES
        )));
    }
    Ok(())
}
pub mod functions;
pub mod testers;
