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
    /// Optional documentation fields, rendered on the data-source page.
    pub event_information: Vec<Text>,
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
        }
    }
}
