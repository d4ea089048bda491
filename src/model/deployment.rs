use super::{Content, Detection, Fields, Generation, Header, Spanned, Text};

/// Scheduling and alert actions applied to all detections of one type.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Deployment {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    /// The detection type this deployment applies to (TTP, Anomaly, ...).
    pub detection_type: Option<Text>,
    pub cron_schedule: Option<Text>,
    pub earliest_time: Option<Text>,
    pub latest_time: Option<Text>,
    pub schedule_window: Option<Text>,
    pub notable: Option<Notable>,
    pub rba_enabled: Option<Spanned<bool>>,
    /// 2021: what the deployment applies to, when it has no `type`.
    pub applies_to: AppliesTo,
}

/// A 2021 deployment's `tags`: it applies to the detections of these stories (`all`: every
/// one), with these names, or of these products.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AppliesTo {
    pub analytic_stories: Vec<Text>,
    pub detection_names: Vec<Text>,
    pub products: Vec<Text>,
}

/// When a search runs (`scheduling:` of a deployment).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Scheduling {
    pub cron_schedule: Option<Text>,
    pub earliest_time: Option<Text>,
    pub latest_time: Option<Text>,
    pub schedule_window: Option<Text>,
}

impl Scheduling {
    pub(super) fn read(f: &Fields<'_>, src: &str) -> Scheduling {
        Scheduling {
            cron_schedule: f.text("cron_schedule", src),
            earliest_time: f.text("earliest_time", src),
            latest_time: f.text("latest_time", src),
            schedule_window: f.text("schedule_window", src),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Notable {
    pub rule_title: Option<Text>,
    pub rule_description: Option<Text>,
    pub nes_fields: Vec<Text>,
}

impl Deployment {
    pub(super) fn read(
        header: Header,
        generation: Generation,
        f: &Fields<'_>,
        src: &str,
    ) -> Deployment {
        let scheduling = f.sub("scheduling");
        let actions = f.sub("alert_action");
        let notable = actions.node("notable").map(|_| {
            let n = actions.sub("notable");
            Notable {
                rule_title: n.text("rule_title", src),
                rule_description: n.text("rule_description", src),
                nes_fields: n.texts("nes_fields", src),
            }
        });
        Deployment {
            header,
            generation,
            detection_type: f.text("type", src),
            cron_schedule: scheduling.text("cron_schedule", src),
            earliest_time: scheduling.text("earliest_time", src),
            latest_time: scheduling.text("latest_time", src),
            schedule_window: scheduling.text("schedule_window", src),
            notable,
            rba_enabled: rba_enabled(&actions.sub("rba"), src),
            applies_to: {
                let tags = f.sub("tags");
                AppliesTo {
                    analytic_stories: tags.texts("analytic_story", src),
                    detection_names: tags.texts("detection_name", src),
                    products: tags.texts("product", src),
                }
            },
        }
    }
}

/// `rba.enabled`: a boolean, or (5.x init repositories) the string `'true'` / `'false'`.
fn rba_enabled(rba: &Fields<'_>, src: &str) -> Option<Spanned<bool>> {
    rba.bool("enabled").or_else(|| {
        let text = rba.text("enabled", src)?;
        let value = match text.value.to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            _ => return None,
        };
        Some(Spanned {
            value,
            span: text.span,
        })
    })
}

impl Content {
    /// The 2021 way to find a detection's deployment: one without a `type` applies to what its
    /// `tags` name: the detection by name first, then one of its stories, then `all`, then one
    /// of its products.
    pub fn deployment_by_tags(&self, d: &Detection) -> Option<&Deployment> {
        self.deployment_applying_to(d.name(), &d.analytic_stories, &d.products)
    }

    /// [`Content::deployment_by_tags`] for any search: its name, stories and products.
    pub fn deployment_applying_to(
        &self,
        name: &str,
        stories: &[Text],
        products: &[Text],
    ) -> Option<&Deployment> {
        let untyped = || {
            self.deployments
                .iter()
                .filter(|dep| dep.detection_type.is_none())
        };
        let has = |list: &[Text], wanted: &str| list.iter().any(|t| t.value == wanted);
        let any_of = |list: &[Text], wanted: &[Text]| wanted.iter().any(|w| has(list, &w.value));
        untyped()
            .find(|dep| has(&dep.applies_to.detection_names, name))
            .or_else(|| untyped().find(|dep| any_of(&dep.applies_to.analytic_stories, stories)))
            .or_else(|| untyped().find(|dep| has(&dep.applies_to.analytic_stories, "all")))
            .or_else(|| untyped().find(|dep| any_of(&dep.applies_to.products, products)))
    }
}
