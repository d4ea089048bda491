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

    /// The arguments whose names macros.conf cannot hold (see [`is_argument_name`]).
    pub fn bad_arguments(&self) -> impl Iterator<Item = &Text> {
        self.arguments
            .iter()
            .filter(|a| !is_argument_name(&a.value))
    }

    /// The stanza name in macros.conf: `name(N)` for a macro with N arguments.
    pub fn stanza_name(&self) -> String {
        match self.arguments.len() {
            0 => self.header.name().to_owned(),
            n => format!("{}({n})", self.header.name()),
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
