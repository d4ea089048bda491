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

/// The 2022 generator's scans (`bin/doc_gen.py` at security_content 0b60916), as regular
/// expressions with the same leftmost-first semantics as Python's `re`.
mod generator_2022 {
    use std::sync::LazyLock;

    use regex::Regex;

    /// `re.findall('\`([^\s]+)`', search)`.
    pub static MACRO: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"`([^\s]+)`").ok());
    /// `re.findall('lookup (?:update=true)?(?:append=t)?\s*([^\s]*)', text)`.
    pub static LOOKUP: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"lookup (?:update=true)?(?:append=t)?\s*([^\s]*)").ok());
}

/// Macro names as the 2022 generator listed them: each backquoted text without white space
/// (so a call with a space in its arguments is not seen), dropped when the whole text, with
/// its arguments, contains `cim_`, `get_`, `_filter` or `drop_dm_object_name`, cut at its
/// first `(`; sorted and without repeats.
pub fn listed_macros_2022(search: &str) -> Vec<String> {
    let Some(pattern) = generator_2022::MACRO.as_ref() else {
        return Vec::new();
    };
    let mut names: Vec<String> = pattern
        .captures_iter(search)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .filter(|call| !is_helper_macro(call))
        .map(|call| call.split('(').next().unwrap_or(call).to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Lookup candidates as the 2022 generator found them: the word after every `lookup `
/// anywhere (`inputlookup`, `outputlookup`, inside any word), past one `update=true` and one
/// `append=t`; in order, repeats kept (its pages list a lookup once per mention).
pub fn lookup_candidates_2022(text: &str) -> Vec<&str> {
    let Some(pattern) = generator_2022::LOOKUP.as_ref() else {
        return Vec::new();
    };
    pattern
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .collect()
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

    #[test]
    fn the_2022_scans_follow_the_generator() {
        let search = "| inputlookup append=t a | lookup update=true b x | outputlookup c \
                      | lookup  local=true d | mylookup e | lookup b";
        assert_eq!(
            lookup_candidates_2022(search),
            ["a", "b", "c", "local=true", "e", "b"]
        );
        assert_eq!(
            listed_macros_2022("`m(a, b)` | `n(x)` | `ctime(get_x)` | `o` `o`"),
            ["n", "o"]
        );
    }
}
