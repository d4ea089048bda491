use super::{Fields, Generation, Header, Text};

/// An analytic story: a narrative that groups detections.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Story {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    pub narrative: Option<Text>,
    pub references: Vec<Text>,
    pub status: Option<Text>,
    pub category: Vec<Text>,
    pub products: Vec<Text>,
    pub usecase: Option<Text>,
    pub cves: Vec<Text>,
    pub group: Vec<Text>,
}

impl Story {
    pub(super) fn read(header: Header, generation: Generation, f: &Fields<'_>, src: &str) -> Story {
        let tags = f.sub("tags");
        Story {
            header,
            generation,
            narrative: f.text("narrative", src),
            references: f.texts("references", src),
            status: f.text("status", src),
            category: tags.texts("category", src),
            products: tags.texts("product", src),
            usecase: tags.text("usecase", src),
            cves: tags.texts("cve", src),
            group: tags.texts("group", src),
        }
    }
}
