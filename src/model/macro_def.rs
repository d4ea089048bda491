use super::{Fields, Generation, Header, Text};

/// A search macro: `name(arguments)` expands to `definition`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Macro {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    pub definition: Option<Text>,
    pub arguments: Vec<Text>,
}

impl Macro {
    pub(super) fn read(header: Header, generation: Generation, f: &Fields<'_>, src: &str) -> Macro {
        Macro {
            header,
            generation,
            definition: f.text("definition", src),
            arguments: f.texts("arguments", src),
        }
    }

    /// The arguments macros.conf cannot hold, with why: a name that is not one
    /// ([`is_argument_name`]), or a name an earlier argument has (`args = a, a` leaves `$a$`
    /// ambiguous).
    pub fn bad_arguments(&self) -> Vec<(&Text, ArgumentProblem)> {
        let mut seen = std::collections::HashSet::new();
        self.arguments
            .iter()
            .filter_map(|a| {
                if !is_argument_name(&a.value) {
                    Some((a, ArgumentProblem::NotAName))
                } else if !seen.insert(a.value.as_str()) {
                    Some((a, ArgumentProblem::Repeated))
                } else {
                    None
                }
            })
            .collect()
    }

    /// The stanza name in macros.conf: `name(N)` for a macro with N arguments.
    pub fn stanza_name(&self) -> String {
        match self.arguments.len() {
            0 => self.header.name().to_owned(),
            n => format!("{}({n})", self.header.name()),
        }
    }
}

/// Why macros.conf cannot hold a macro argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgumentProblem {
    /// Not letters, digits, `_` and `-`.
    NotAName,
    /// The name of an earlier argument.
    Repeated,
}

impl ArgumentProblem {
    /// What is wrong, after the argument's name.
    pub fn describe(self) -> &'static str {
        match self {
            ArgumentProblem::NotAName => "is not a name of letters, digits, '_' and '-'",
            ArgumentProblem::Repeated => "is the name of an earlier argument",
        }
    }
}

/// Whether `name` can be a macro argument: Splunk's macros.conf says argument names "may
/// only contain alphanumeric characters, underscores '_', and hyphens '-'" (and a name has
/// at least one). `$`, `,`, white space and line breaks would change what `args` and the
/// definition's `$name$` tokens mean.
pub fn is_argument_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::is_argument_name;

    #[test]
    fn argument_names_are_alphanumeric_underscore_and_hyphen() {
        for good in ["field", "b64in", "a_b-c", "9"] {
            assert!(is_argument_name(good), "{good}");
        }
        for bad in [
            "", "$", "a$b", "a b", "a\nb", "a,b", "\u{0}", "é", "a=b", " a",
        ] {
            assert!(!is_argument_name(bad), "{bad:?}");
        }
    }
}
