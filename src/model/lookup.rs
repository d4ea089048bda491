use super::{Fields, Generation, Header, Text};

/// A lookup definition: a CSV file, a KV-store collection or an ML model.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Lookup {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    /// The CSV or .mlmodel file under `lookups/`, when the lookup has one.
    pub filename: Option<Text>,
    pub collection: Option<Text>,
    pub fields_list: Option<Text>,
    pub match_type: Option<Text>,
    pub min_matches: Option<Text>,
    pub max_matches: Option<Text>,
    pub default_match: Option<Text>,
    pub case_sensitive_match: Option<Text>,
    pub filter: Option<Text>,
}

impl Lookup {
    pub(super) fn read(
        header: Header,
        generation: Generation,
        f: &Fields<'_>,
        src: &str,
    ) -> Lookup {
        Lookup {
            header,
            generation,
            filename: f.text("filename", src),
            collection: f.text("collection", src),
            fields_list: f.text("fields_list", src),
            match_type: f.text("match_type", src),
            min_matches: f.text("min_matches", src),
            max_matches: f.text("max_matches", src),
            default_match: f.text("default_match", src),
            case_sensitive_match: f.text("case_sensitive_match", src),
            filter: f.text("filter", src),
        }
    }
}
