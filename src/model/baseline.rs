use super::deployment::Scheduling;
use super::{Fields, Generation, Header, Text};

/// A baseline: a scheduled search that fills a lookup other detections read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Baseline {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    pub baseline_type: Option<Text>,
    pub search: Option<Text>,
    /// Data models (`datamodel`), as written.
    pub datamodels: Vec<Text>,
    pub how_to_implement: Option<Text>,
    pub known_false_positives: Option<Text>,
    pub references: Vec<Text>,
    pub status: Option<Text>,
    pub analytic_stories: Vec<Text>,
    /// Detections this baseline feeds, by name.
    pub detections: Vec<Text>,
    pub products: Vec<Text>,
    pub required_fields: Vec<Text>,
    pub security_domain: Option<Text>,
    pub deployment: Option<Text>,
    /// The scheduling of an inline `deployment:` block, which replaces the default one.
    pub inline_scheduling: Option<Scheduling>,
}

impl Baseline {
    pub(super) fn read(
        header: Header,
        generation: Generation,
        f: &Fields<'_>,
        src: &str,
    ) -> Baseline {
        let tags = f.sub("tags");
        Baseline {
            header,
            generation,
            baseline_type: f.text("type", src),
            search: f.text("search", src),
            datamodels: f.texts("datamodel", src),
            how_to_implement: f.text("how_to_implement", src),
            known_false_positives: f.text("known_false_positives", src),
            references: f.texts("references", src),
            status: f.text("status", src),
            analytic_stories: tags.texts("analytic_story", src),
            detections: tags.texts("detections", src),
            products: tags.texts("product", src),
            required_fields: tags.texts("required_fields", src),
            security_domain: tags.text("security_domain", src),
            deployment: f.text("deployment", src),
            inline_scheduling: f
                .node("deployment")
                .map(|_| Scheduling::read(&f.sub("deployment").sub("scheduling"), src)),
        }
    }
}

/// An investigation: a search an analyst runs while triaging, listed on stories.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Investigation {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    pub search: Option<Text>,
    /// Data models (`datamodel`), as written.
    pub datamodels: Vec<Text>,
    pub how_to_implement: Option<Text>,
    pub known_false_positives: Option<Text>,
    pub references: Vec<Text>,
    pub analytic_stories: Vec<Text>,
    pub products: Vec<Text>,
    pub required_fields: Vec<Text>,
    pub security_domain: Option<Text>,
}

impl Investigation {
    pub(super) fn read(
        header: Header,
        generation: Generation,
        f: &Fields<'_>,
        src: &str,
    ) -> Investigation {
        let tags = f.sub("tags");
        Investigation {
            header,
            generation,
            search: f.text("search", src),
            datamodels: f.texts("datamodel", src),
            how_to_implement: f.text("how_to_implement", src),
            known_false_positives: f.text("known_false_positives", src),
            references: f.texts("references", src),
            analytic_stories: tags.texts("analytic_story", src),
            products: tags.texts("product", src),
            required_fields: tags.texts("required_fields", src),
            security_domain: tags.text("security_domain", src),
        }
    }
}
