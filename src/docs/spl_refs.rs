//! The macros and lookups a search names, as the pages list them.
//!
//! A lexical scan, not a parse: pages only list names, and `spl` owns real analysis.

/// Macro names as the Macros section lists them: every backquoted macro in the search,
/// without arguments, minus the CIM helpers, `get_*` macros, filter macros and
/// `drop_dm_object_name`; sorted and without repeats.
pub fn listed_macros(search: &str) -> Vec<String> {
    let mut names: Vec<String> = backquoted(search)
        .filter_map(macro_name)
        .filter(|name| !is_helper_macro(name))
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

fn is_helper_macro(name: &str) -> bool {
    ["cim_", "get_", "_filter", "drop_dm_object_name"]
        .iter()
        .any(|part| name.contains(part))
}

/// The texts between matching pairs of backquotes.
fn backquoted(search: &str) -> impl Iterator<Item = &str> {
    search.split('`').skip(1).step_by(2)
}

fn macro_name(call: &str) -> Option<&str> {
    let name = call.split('(').next()?.trim();
    let valid = !name.is_empty() && !name.contains(char::is_whitespace);
    valid.then_some(name)
}

/// Lookup names after each `lookup` command (also `inputlookup`/`outputlookup`) in
/// `text`, skipping options such as `update=true`; in order of appearance.
pub fn lookup_candidates(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("lookup") {
        let at = from + found;
        from = at + "lookup".len();
        let after = &text[from..];
        if !after.starts_with(char::is_whitespace) || !is_command_start(&text[..at]) {
            continue;
        }
        let name = after
            .split_whitespace()
            .find(|token| !token.contains('='))
            .map(|token| token.trim_matches(['"', '\'']));
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            names.push(name);
        }
    }
    names
}

/// Whether `lookup` after `before` is a command word: at a word start, or the end of
/// `inputlookup` / `outputlookup`.
fn is_command_start(before: &str) -> bool {
    let word_start = |text: &str| {
        text.chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    };
    word_start(before)
        || ["input", "output"]
            .iter()
            .any(|prefix| before.strip_suffix(prefix).is_some_and(word_start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_drop_arguments_and_helpers() {
        let search = "`cloudtrail` x | `security_content_ctime(firstTime)` | \
                      `drop_dm_object_name(Processes)` | `cim_x` | `x_filter` | `cloudtrail`";
        assert_eq!(
            listed_macros(search),
            ["cloudtrail", "security_content_ctime"]
        );
    }

    #[test]
    fn lookups_skip_options() {
        assert_eq!(
            lookup_candidates(
                "| lookup update=true brandMonitoring_lookup domain | inputlookup x.csv"
            ),
            ["brandMonitoring_lookup", "x.csv"]
        );
    }
}
