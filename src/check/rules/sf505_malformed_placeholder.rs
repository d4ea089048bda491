//! ## What it does
//! Reports a `$field$` placeholder that is not closed (`$dest` by itself), not opened
//! (`user$`), or that holds spaces (`$message for user$`), in every text Splunk fills
//! placeholders in: the message (4.x `tags.message`, 5.x `rba.message`), each
//! drilldown's name and search, and the title and description of the notable a deployment
//! raises (`alert_action.notable.rule_title`, `rule_description`). Observables and
//! `nes_fields` name fields, they hold no placeholders.
//!
//! A `$` that starts no name (`$ 5`, `$5`, `US$5`, `$$`) is left alone: it is not a
//! placeholder; nor is the `$` of a Windows administrative share (`C$`, `ADMIN$`, `IPC$`). Nor is `$PSWA Host$` when the search outputs a field `PSWA Host`, nor a spaced
//! placeholder in a deployment's notable, which serves many searches.
//!
//! ## Why is this bad?
//! Splunk replaces only `$name$` and prints anything else as it is: the risk message reads
//! "from $dest by abusing WMI", with no host, and the risk event it heads is no help to an
//! analyst. contentctl does not check the text; 15 production detections of a mid-2024
//! release shipped such a message.
//!
//! ## Example
//! ```yaml
//! message: A process was started on a remote endpoint from $dest by abusing WMI
//! ```
//!
//! ## Use instead
//! ```yaml
//! message: A process was started on a remote endpoint from $dest$ by abusing WMI
//! ```

use std::collections::HashMap;
use std::ops::Range;

use super::{Rule, RuleDefault, RuleScope};
use crate::check::searches::SearchOwner;
use crate::check::{Context, Finding, Severity};
use crate::load::excerpt;
use crate::spl::FieldSet;

pub(super) static RULE: Rule = Rule {
    code: "SF505",
    name: "malformed-placeholder",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a `$field$` placeholder is not closed, not opened, or holds spaces",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // A field whose name holds spaces (`rename x as "PSWA Host"`) is named by
    // `$PSWA Host$`: only a spaced name the search does not output is reported.
    let outputs: HashMap<usize, &FieldSet> = ctx
        .search_analyses()
        .iter()
        .filter_map(|searched| match searched.owner {
            SearchOwner::Detection(index) => Some((index, &searched.analysis.output)),
            _ => None,
        })
        .collect();
    for (index, detection) in ctx.content.detections.iter().enumerate() {
        let mut texts = Vec::new();
        texts.extend(detection.message.iter().map(|m| ("the message", m)));
        for drilldown in &detection.drilldowns {
            texts.extend(drilldown.name.iter().map(|n| ("a drilldown name", n)));
            texts.extend(drilldown.search.iter().map(|s| ("a drilldown search", s)));
        }
        let output = outputs.get(&index).copied();
        report(ctx, detection.header.file, &texts, output, out);
    }
    // The notable a deployment raises: ES fills `$field$` in its title and description
    // from the detection's result (contentctl first replaces `%name%`, `%description%`).
    for deployment in &ctx.content.deployments {
        let Some(notable) = &deployment.notable else {
            continue;
        };
        let mut texts = Vec::new();
        texts.extend(notable.rule_title.iter().map(|t| ("the notable title", t)));
        texts.extend((notable.rule_description.iter()).map(|t| ("the notable description", t)));
        report(ctx, deployment.header.file, &texts, None, out);
    }
}

/// Reports the malformed placeholders of `texts` (each with the place it is in) of one file.
/// `output` is what the search that fills them outputs, if one search does: a spaced
/// placeholder is reported only when that search outputs no field of its name.
fn report(
    ctx: &Context<'_>,
    file: crate::model::FileId,
    texts: &[(&str, &crate::model::Text)],
    output: Option<&FieldSet>,
    out: &mut Vec<Finding>,
) {
    if texts.is_empty() {
        return;
    }
    let source = ctx.source(file);
    for (place, text) in texts {
        for malformed in malformed_placeholders(&text.value) {
            let written = &text.value[malformed.range.clone()];
            if malformed.kind == Malformed::Spaces {
                let name = &written[1..written.len() - 1];
                if output.is_none_or(|output| output.contains(name) != Some(false)) {
                    continue;
                }
            }
            let written = excerpt(written);
            let (message, help) = match malformed.kind {
                Malformed::Unclosed => (
                    format!("placeholder `{written}` in {place} has no closing `$`"),
                    format!("write `{written}$`"),
                ),
                Malformed::Unopened => (
                    format!("placeholder `{written}` in {place} has no opening `$`"),
                    format!("write `${written}`"),
                ),
                Malformed::Spaces => (
                    format!("placeholder `{written}` in {place} holds spaces"),
                    "a placeholder is one field name between two `$`".to_owned(),
                ),
            };
            out.push(
                RULE.at(ctx, file, text.sub_span(source, malformed.range), message)
                    .with_label("Splunk prints this as it is")
                    .with_help(help),
            );
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Malformed {
    /// `$dest` with no `$` after the name.
    Unclosed,
    /// `user$` with no `$` before the name.
    Unopened,
    /// `$message for user$`: an opening and a closing `$` around words.
    Spaces,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MalformedPlaceholder {
    kind: Malformed,
    /// The bytes of the text that make it up, its `$` included.
    range: Range<usize>,
}

/// A character of a placeholder's name: anything but white space and `$`, as Splunk reads
/// `$...$` (and as [`crate::check::searches::placeholders`] does).
fn is_name_char(c: char) -> bool {
    c != '$' && !c.is_whitespace()
}

/// Whether a name after `$` looks like a field: it starts with a letter, `_` or `(` (not a
/// price such as `$5`, not punctuation).
fn starts_a_name(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '('
}

/// A Windows administrative share (`C$`, `ADMIN$`, `IPC$`, `PRINT$`), which messages about
/// SMB activity name, ending in `$` as written.
fn is_admin_share(word: &str) -> bool {
    let word = word.trim_start_matches('\\');
    let share = word.rsplit('\\').next().unwrap_or(word);
    (share.len() == 1 && share.chars().all(|c| c.is_ascii_uppercase()))
        || ["ADMIN", "IPC", "PRINT"]
            .iter()
            .any(|known| share.eq_ignore_ascii_case(known))
}

/// Punctuation that ends a sentence around an unclosed placeholder, not part of it.
fn trailing_punctuation(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | '"' | '\'')
}

/// The ill-formed placeholders of a text, in order. Each `$` is read once, left to right:
/// `$name$` is a placeholder and both its `$` are used up; `$$` is a literal dollar; a `$`
/// before a name opens a placeholder, a `$` after a word closes one.
fn malformed_placeholders(text: &str) -> Vec<MalformedPlaceholder> {
    let mut found = Vec::new();
    // An unclosed `$name` waiting to see whether a `word$` closes it after spaces.
    let mut open: Option<Range<usize>> = None;
    let mut at = 0;
    while let Some(dollar) = text[at..].find('$').map(|i| at + i) {
        let after = &text[dollar + 1..];
        if after.starts_with('$') {
            // `$$`: Splunk's literal dollar.
            at = dollar + 2;
            continue;
        }
        let name_len = after.find(|c| !is_name_char(c)).unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('$') {
            // `$name$`, well formed.
            found.extend(open.take().map(|range| unclosed(text, range)));
            at = dollar + 1 + name_len + 1;
            continue;
        }
        if after.starts_with(starts_a_name) {
            // `$name` followed by a space or the end: an opening.
            found.extend(open.take().map(|range| unclosed(text, range)));
            open = Some(dollar..dollar + 1 + name_len);
            at = dollar + 1 + name_len;
            continue;
        }
        // A `$` that opens no name: the end of `word$`, or a lone dollar (`$ 5`, `$5`).
        let before = &text[..dollar];
        let word_start = before
            .char_indices()
            .rev()
            .find(|(_, c)| !is_name_char(*c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let ends_a_word = after[..name_len].chars().all(trailing_punctuation);
        if word_start < dollar && ends_a_word && !is_admin_share(&text[word_start..dollar]) {
            found.push(match open.take() {
                Some(range) => MalformedPlaceholder {
                    kind: Malformed::Spaces,
                    range: range.start..dollar + 1,
                },
                None => MalformedPlaceholder {
                    kind: Malformed::Unopened,
                    range: word_start..dollar + 1,
                },
            });
        } else {
            found.extend(open.take().map(|range| unclosed(text, range)));
        }
        at = dollar + 1;
    }
    found.extend(open.map(|range| unclosed(text, range)));
    found
}

/// An unclosed `$name`, without the sentence's punctuation after it.
fn unclosed(text: &str, range: Range<usize>) -> MalformedPlaceholder {
    let name = &text[range.clone()];
    // `$(Search_Activity.user)` keeps its parenthesis; `($dest)` does not.
    let kept = if name.contains('(') {
        name.trim_end_matches(|c| c != ')' && trailing_punctuation(c))
    } else {
        name.trim_end_matches(trailing_punctuation)
    };
    // The `$` and the name's first character are never punctuation: nothing empty is kept.
    MalformedPlaceholder {
        kind: Malformed::Unclosed,
        range: range.start..range.start + kept.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Malformed, &str)> {
        malformed_placeholders(text)
            .into_iter()
            .map(|m| (m.kind, &text[m.range]))
            .collect()
    }

    #[test]
    fn well_formed_text_has_none() {
        for text in [
            "User $user$ on $dest$ ran $process_name$.",
            "Paid $ 5 or $5, or $$ in SPL; $info_min_time$",
            "| search user=$user$ | eval x=\"$$\"",
            "$a$$b$",
            "US$5 or $5.",
            "copied to the ADMIN$ share of $dest$ or C$, IPC$ or \\\\host\\C$",
            "",
            "no dollars at all",
        ] {
            assert_eq!(kinds(text), [], "{text}");
        }
    }

    #[test]
    fn finds_unclosed_unopened_and_spaced_placeholders() {
        assert_eq!(
            kinds("started from $dest by abusing WMI on $host$"),
            [(Malformed::Unclosed, "$dest")]
        );
        assert_eq!(kinds("on $dest."), [(Malformed::Unclosed, "$dest")]);
        assert_eq!(kinds("on $dest"), [(Malformed::Unclosed, "$dest")]);
        assert_eq!(
            kinds("by user user$ attempting"),
            [(Malformed::Unopened, "user$")]
        );
        assert_eq!(
            kinds("header 4form_data$ in uri path $uri_path$"),
            [(Malformed::Unopened, "4form_data$")]
        );
        assert_eq!(
            kinds("see $message for the user$ now"),
            [(Malformed::Spaces, "$message for the user$")]
        );
        assert_eq!(
            kinds("user $(Search_Activity.user) logged in"),
            [(Malformed::Unclosed, "$(Search_Activity.user)")]
        );
        assert_eq!(kinds("by user$."), [(Malformed::Unopened, "user$")]);
        assert_eq!(
            kinds("on $PSWA Host$."),
            [(Malformed::Spaces, "$PSWA Host$")]
        );
        assert_eq!(
            kinds("$a and $b$ and c$"),
            [(Malformed::Unclosed, "$a"), (Malformed::Unopened, "c$")]
        );
    }

    #[test]
    fn ranges_stay_on_character_boundaries() {
        assert_eq!(
            kinds("é$ and ü$x"),
            [(Malformed::Unopened, "é$"), (Malformed::Unclosed, "$x")]
        );
    }
}
