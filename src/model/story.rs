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
    /// 2022 `tags.kill_chain_phases`, which a 2022 story page lists among its tags.
    pub kill_chain_phases: Vec<Text>,
    /// 2022: how Python prints the page's fields that are not plain strings.
    #[serde(skip)]
    pub python: Option<Box<super::python::PythonTexts>>,
}

/// The scalar and list fields a 2022 story page prints.
const PAGE_SCALARS_2022: [&str; 7] = [
    "id",
    "version",
    "date",
    "author",
    "description",
    "narrative",
    "name",
];
const PAGE_LISTS_2022: [&str; 3] = ["references", "tags.product", "tags.kill_chain_phases"];

impl Story {
    pub(super) fn read(header: Header, generation: Generation, f: &Fields<'_>, src: &str) -> Story {
        let tags = f.sub("tags");
        let python = if generation == Generation::Legacy2022 {
            super::python::PythonTexts::read(f, &PAGE_SCALARS_2022, &PAGE_LISTS_2022)
        } else {
            None
        };
        Story {
            python,
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
            kill_chain_phases: tags.texts("kill_chain_phases", src),
        }
    }
}
