//! The clock: today's date, for "date in the future" and new content.

/// Today's date, `YYYY-MM-DD` (UTC), from the system clock.
pub(super) fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_of(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// The time now, in nanoseconds since the Unix epoch (for the lint cache's snapshot).
pub(super) fn now_nanos() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The `YYYY-MM-DD` date (UTC) of a Unix time ([`crate::date::Date`]).
pub(super) fn date_of(epoch_seconds: i64) -> String {
    crate::date::Date::from_epoch_seconds(epoch_seconds)
        .0
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::date_of;

    #[test]
    fn civil_dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(19_723 * 86_400), "2024-01-01");
        assert_eq!(date_of(20_781 * 86_400 + 86_399), "2026-11-24");
    }
}
