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

    /// The stanza name in macros.conf: `name(N)` for a macro with N arguments.
    pub fn stanza_name(&self) -> String {
        match self.arguments.len() {
            0 => self.header.name().to_owned(),
            n => format!("{}({n})", self.header.name()),
        }
    }
}
