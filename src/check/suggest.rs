//! "Did you mean" suggestions: the closest known name within a bounded edit distance.

/// The candidate closest to `wanted`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            if lower == wanted_lower {
                return Some((0, c));
            }
            // Length alone rules most candidates out before the quadratic distance.
            let len_gap = lower.chars().count().abs_diff(wanted_lower.chars().count());
            if len_gap > limit {
                return None;
            }
            let distance = bounded_levenshtein(&wanted_lower, &lower, limit)?;
            Some((distance, c))
        })
        .min_by_key(|&(distance, c)| (distance, c))
        .map(|(_, c)| c)
}

/// Whether two strings are at most `limit` edits apart.
pub fn edit_distance_at_most(a: &str, b: &str, limit: usize) -> bool {
    a.chars().count().abs_diff(b.chars().count()) <= limit
        && bounded_levenshtein(a, b, limit).is_some()
}

/// Levenshtein distance, or `None` as soon as it must exceed `limit`.
fn bounded_levenshtein(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["Ransomware", "AWS IAM Privilege Escalation", "XMRig"];
        assert_eq!(did_you_mean("Ransomwares", names), Some("Ransomware"));
        assert_eq!(did_you_mean("ransomware", names), Some("Ransomware"));
        assert_eq!(did_you_mean("Cobalt Strike", names), None);
    }
}
