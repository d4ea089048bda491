use super::{Fields, Generation, Header, Text};

/// A data source: where the events a detection reads come from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DataSource {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    pub source: Option<Text>,
    pub sourcetype: Option<Text>,
    pub separator: Option<Text>,
    pub supported_add_ons: Vec<SupportedAddOn>,
    pub fields: Vec<Text>,
    pub field_mappings: Vec<Text>,
    pub example_log: Option<Text>,
    /// Optional documentation fields, rendered on the data-source page:
    /// `event_information: [string]`.
    pub event_information: Vec<Text>,
    /// `examples: [{title, description}]`.
    pub examples: Vec<DataSourceExample>,
    /// `remediation: {console, cli, code}`.
    pub remediation: Remediation,
}

/// One example of what the event means for security.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DataSourceExample {
    pub title: Option<Text>,
    pub description: Option<Text>,
}

/// How to remediate what the event reveals: console steps, CLI commands, code.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Remediation {
    pub console: Vec<ConsoleRemediation>,
    pub cli: Vec<CliRemediation>,
    pub code: Vec<CodeRemediation>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ConsoleRemediation {
    pub title: Option<Text>,
    pub steps: Vec<Text>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CliRemediation {
    pub title: Option<Text>,
    pub description: Option<Text>,
    pub commands: Vec<Text>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CodeRemediation {
    pub title: Option<Text>,
    pub language: Option<Text>,
    pub code: Option<Text>,
}

impl Remediation {
    fn read(f: &Fields<'_>, src: &str) -> Remediation {
        Remediation {
            console: f
                .list("console")
                .iter()
                .map(|c| ConsoleRemediation {
                    title: c.text("title", src),
                    steps: c.texts("steps", src),
                })
                .collect(),
            cli: f
                .list("cli")
                .iter()
                .map(|c| CliRemediation {
                    title: c.text("title", src),
                    description: c.text("description", src),
                    commands: c.texts("commands", src),
                })
                .collect(),
            code: f
                .list("code")
                .iter()
                .map(|c| CodeRemediation {
                    title: c.text("title", src),
                    language: c.text("language", src),
                    code: c.text("code", src),
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.console.is_empty() && self.cli.is_empty() && self.code.is_empty()
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SupportedAddOn {
    pub name: Option<Text>,
    pub url: Option<Text>,
    pub version: Option<Text>,
}

impl DataSource {
    pub(super) fn read(
        header: Header,
        generation: Generation,
        f: &Fields<'_>,
        src: &str,
    ) -> DataSource {
        DataSource {
            header,
            generation,
            source: f.text("source", src),
            sourcetype: f.text("sourcetype", src),
            separator: f.text("separator", src),
            supported_add_ons: f
                .list("supported_TA")
                .iter()
                .map(|ta| SupportedAddOn {
                    name: ta.text("name", src),
                    url: ta.text("url", src),
                    version: ta.text("version", src),
                })
                .collect(),
            fields: f.texts("fields", src),
            field_mappings: f.texts("field_mappings", src),
            example_log: f.text("example_log", src),
            event_information: f.texts("event_information", src),
            examples: f
                .list("examples")
                .iter()
                .map(|e| DataSourceExample {
                    title: e.text("title", src),
                    description: e.text("description", src),
                })
                .collect(),
            remediation: Remediation::read(&f.sub("remediation"), src),
        }
    }
}
