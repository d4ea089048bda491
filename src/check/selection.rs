//! Which rules run, at what severity, and in which files: the `[lint]` table of
//! `splforge.toml`, resolved against the rule registry once per run.
//!
//! Selectors follow ruff: a code (`SF201`), a code prefix (`SF2`, every SF2xx rule), a rule
//! name (`unknown-story`) or `ALL`. Without `select` the rules that are on by default run;
//! `select` replaces that set and `extend_select` adds to it, and either turns on a rule
//! that is off by default (`RuleDefault::Off`). `ignore` wins over both; a `per_file_ignores` glob
//! drops a rule's findings in the files it matches. An unknown selector is an error, so a
//! typo never silently turns a rule off.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::config::LintConfig;

use super::{RULES, Rule, Severity};

/// The resolved `[lint]` configuration.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    enabled: HashSet<&'static str>,
    /// The rules `select` or `extend_select` name: they also report what their rule
    /// reports only on request (SF405 on 4.x content).
    explicit: HashSet<&'static str>,
    severity: HashMap<&'static str, Severity>,
    per_file_ignores: Vec<(Glob, HashSet<&'static str>)>,
}

/// A selector in `[lint]` that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[lint] {key}: `{selector}` is not a rule code, code prefix, rule name or ALL")]
pub struct SelectionError {
    pub key: String,
    pub selector: String,
}

impl Default for RuleSelection {
    fn default() -> RuleSelection {
        RuleSelection {
            enabled: default_set(),
            explicit: HashSet::new(),
            severity: HashMap::new(),
            per_file_ignores: Vec::new(),
        }
    }
}

impl RuleSelection {
    pub fn from_config(lint: &LintConfig) -> Result<RuleSelection, SelectionError> {
        let selected = resolve_all("select", &lint.select)?;
        let extended = resolve_all("extend_select", &lint.extend_select)?;
        let mut enabled: HashSet<&'static str> = if lint.select.is_empty() {
            default_set()
        } else {
            selected.clone()
        };
        enabled.extend(&extended);
        let explicit: HashSet<&'static str> = selected.union(&extended).copied().collect();
        for code in resolve_all("ignore", &lint.ignore)? {
            enabled.remove(code);
        }
        let mut severity = HashMap::new();
        for (selector, level) in &lint.severity {
            for code in resolve("severity", selector)? {
                severity.insert(code, *level);
            }
        }
        let mut per_file_ignores = Vec::new();
        for (pattern, selectors) in &lint.per_file_ignores {
            let key = format!("per_file_ignores.\"{pattern}\"");
            per_file_ignores.push((Glob::new(pattern), resolve_all(&key, selectors)?));
        }
        Ok(RuleSelection {
            enabled,
            explicit,
            severity,
            per_file_ignores,
        })
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.contains(code)
    }

    /// Whether `select` or `extend_select` names the rule (by code, prefix, name or `ALL`)
    /// and `ignore` does not: it then also reports what it reports only on request.
    pub fn is_explicitly_selected(&self, code: &str) -> bool {
        self.explicit.contains(code) && self.enabled.contains(code)
    }

    /// The severity findings of `rule` are reported at.
    pub fn severity(&self, rule: &Rule) -> Severity {
        self.severity_of(rule.code, rule.severity)
    }

    /// The configured severity of `code`, else `default`.
    pub fn severity_of(&self, code: &str, default: Severity) -> Severity {
        self.severity.get(code).copied().unwrap_or(default)
    }

    /// Whether `per_file_ignores` drops `code` in the file at `path` (relative to the root).
    pub fn ignored_in(&self, code: &str, path: &Path) -> bool {
        let path = crate::load::source::display_path(path);
        self.per_file_ignores
            .iter()
            .any(|(glob, codes)| codes.contains(code) && glob.matches(&path))
    }
}

/// The rules that run when `[lint]` names none.
fn default_set() -> HashSet<&'static str> {
    RULES
        .iter()
        .filter(|r| r.on_by_default())
        .map(|r| r.code)
        .collect()
}

fn resolve_all(key: &str, selectors: &[String]) -> Result<HashSet<&'static str>, SelectionError> {
    let mut codes = HashSet::new();
    for selector in selectors {
        codes.extend(resolve(key, selector)?);
    }
    Ok(codes)
}

/// The codes one selector names.
pub(crate) fn resolve(key: &str, selector: &str) -> Result<Vec<&'static str>, SelectionError> {
    let codes: Vec<&'static str> = if selector.eq_ignore_ascii_case("ALL") {
        RULES.iter().map(|r| r.code).collect()
    } else {
        RULES
            .iter()
            .filter(|r| {
                r.name == selector
                    || r.code
                        .get(..selector.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(selector))
            })
            .map(|r| r.code)
            .collect()
    };
    if codes.is_empty() || selector.len() < 3 && !selector.eq_ignore_ascii_case("ALL") {
        return Err(SelectionError {
            key: key.to_owned(),
            selector: selector.to_owned(),
        });
    }
    Ok(codes)
}

/// A path glob: `*` within one path segment, `**` across segments, `?` one character.
/// Without a `/`, the pattern matches the file name in any directory (as .gitignore does).
#[derive(Debug, Clone)]
struct Glob {
    pattern: String,
}

impl Glob {
    fn new(pattern: &str) -> Glob {
        let pattern = pattern.trim_start_matches("./");
        let pattern = if pattern.contains('/') {
            pattern.to_owned()
        } else {
            format!("**/{pattern}")
        };
        Glob { pattern }
    }

    fn matches(&self, path: &str) -> bool {
        glob_match(self.pattern.as_bytes(), path.as_bytes())
    }
}

fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', b'/', rest @ ..] => {
            // `**/` matches zero or more whole directories.
            glob_match(rest, text)
                || text
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c == b'/')
                    .any(|(i, _)| glob_match(rest, &text[i + 1..]))
        }
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|i| glob_match(rest, &text[i..])),
        [b'*', rest @ ..] => {
            let segment_end = text.iter().position(|&c| c == b'/').unwrap_or(text.len());
            (0..=segment_end).any(|i| glob_match(rest, &text[i..]))
        }
        [b'?', rest @ ..] => {
            text.first().is_some_and(|&c| c != b'/') && glob_match(rest, &text[1..])
        }
        [c, rest @ ..] => text.first() == Some(c) && glob_match(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(toml: &str) -> LintConfig {
        toml::from_str(toml).unwrap()
    }

    #[test]
    fn select_ignore_and_prefixes() {
        let s = RuleSelection::from_config(&lint(
            "select = [\"SF2\", \"invalid-date\"]\nignore = [\"SF205\"]",
        ))
        .unwrap();
        assert!(s.is_enabled("SF201") && s.is_enabled("SF401"));
        assert!(!s.is_enabled("SF205") && !s.is_enabled("SF101"));
        assert!(RuleSelection::default().is_enabled("SF101"));
    }

    #[test]
    fn rules_off_by_default_run_only_when_named() {
        assert!(!RuleSelection::default().is_enabled("SF407"));
        assert!(RuleSelection::default().is_enabled("SF406"));
        let s =
            RuleSelection::from_config(&lint("extend_select = [\"kill-chain-mismatch\"]")).unwrap();
        assert!(s.is_enabled("SF407") && s.is_enabled("SF101"));
        assert!(s.is_explicitly_selected("SF407") && !s.is_explicitly_selected("SF101"));
        // `select` replaces the default set; a prefix or ALL names the rules it covers.
        let s = RuleSelection::from_config(&lint("select = [\"SF4\"]")).unwrap();
        assert!(s.is_enabled("SF407") && !s.is_enabled("SF101"));
        assert!(s.is_explicitly_selected("SF405"));
        let s =
            RuleSelection::from_config(&lint("select = [\"ALL\"]\nignore = [\"SF405\"]")).unwrap();
        assert!(s.is_enabled("SF407") && !s.is_explicitly_selected("SF405"));
        let err = RuleSelection::from_config(&lint("extend_select = [\"SF9\"]")).unwrap_err();
        assert_eq!(err.key, "extend_select");
    }

    #[test]
    fn unknown_selectors_are_errors() {
        let err = RuleSelection::from_config(&lint("ignore = [\"SF999\"]")).unwrap_err();
        assert_eq!(err.selector, "SF999");
        assert!(RuleSelection::from_config(&lint("select = [\"S\"]")).is_err());
    }

    #[test]
    fn severities_and_per_file_ignores() {
        let s = RuleSelection::from_config(&lint(
            "[severity]\nSF303 = \"error\"\n[per_file_ignores]\n\"detections/deprecated/**\" = [\"SF4\"]\n\"*_test.yml\" = [\"SF104\"]\n",
        ))
        .unwrap();
        assert_eq!(s.severity_of("SF303", Severity::Warning), Severity::Error);
        assert!(s.ignored_in("SF401", Path::new("detections/deprecated/a/b.yml")));
        assert!(!s.ignored_in("SF401", Path::new("detections/endpoint/b.yml")));
        assert!(s.ignored_in("SF104", Path::new("detections/endpoint/x_test.yml")));
    }

    #[test]
    fn globs() {
        let m = |p: &str, t: &str| Glob::new(p).matches(t);
        assert!(m("detections/**/*.yml", "detections/a.yml"));
        assert!(m("detections/**/*.yml", "detections/x/y/a.yml"));
        assert!(!m("detections/*.yml", "detections/x/a.yml"));
        assert!(m("stories/a?c.yml", "stories/abc.yml"));
        assert!(m("macros/**", "macros/x/y.yml"));
    }
}
