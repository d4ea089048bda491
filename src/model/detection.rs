use super::{Fields, Generation, Header, Spanned, Text};

/// A detection, normalised across generations.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Detection {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    /// `production`, `experimental`, `deprecated`, ... (4.x and 5.x; 2022 files have none).
    pub status: Option<Text>,
    /// TTP, Anomaly, Hunting, Correlation, ... (2022: also `batch`, `streaming`).
    pub detection_type: Option<Text>,
    pub search: Option<Text>,
    pub how_to_implement: Option<Text>,
    pub known_false_positives: Option<Text>,
    pub references: Vec<Text>,
    /// Data source names (4.x/5.x `data_source`), `A AND B` split into two.
    pub data_sources: Vec<Text>,
    /// `data_source` entries as written (`A AND B` kept whole), for build output.
    pub data_source_entries: Vec<Text>,
    /// Data models (2022 `datamodel`).
    pub datamodels: Vec<Text>,
    pub drilldowns: Vec<Drilldown>,
    /// The alert / risk message: 5.x `rba.message`, else `tags.message`.
    pub message: Option<Text>,
    pub risk_objects: Vec<RiskObject>,
    pub threat_objects: Vec<ThreatObject>,
    /// Where `risk_objects` and `threat_objects` came from.
    pub risk_source: RiskSource,
    /// 4.x / 2022 observables, as written.
    pub observables: Vec<Observable>,
    pub analytic_stories: Vec<Text>,
    pub asset_type: Option<Text>,
    pub mitre_attack_ids: Vec<Text>,
    pub kill_chain_phases: Vec<Text>,
    pub products: Vec<Text>,
    pub security_domain: Option<Text>,
    pub required_fields: Vec<Text>,
    pub cves: Vec<Text>,
    /// Atomic Red Team test GUIDs (`tags.atomic_guid`).
    pub atomic_guids: Vec<Text>,
    /// Test data URLs (2022 `tags.dataset`; 4.x/5.x carry them in `tests[].attack_data`).
    pub datasets: Vec<Text>,
    pub confidence: Option<Spanned<i64>>,
    pub impact: Option<Spanned<i64>>,
    /// The risk score written in the file (4.x/2022 `tags.risk_score`).
    pub risk_score: Option<Spanned<i64>>,
    /// Fields a throttled alert groups by (`tags.throttling.fields`).
    pub throttling_fields: Vec<Text>,
    pub manual_test: Option<Text>,
    pub tests: Vec<DetectionTest>,
    /// 2022: how Python prints the page's fields that are not plain strings.
    #[serde(skip)]
    pub python: Option<Box<super::python::PythonTexts>>,
}

/// The scalar and list fields a 2022 detection page prints.
const PAGE_SCALARS_2022: [&str; 11] = [
    "id",
    "version",
    "date",
    "author",
    "type",
    "description",
    "how_to_implement",
    "known_false_positives",
    "tags.message",
    "tags.impact",
    "tags.confidence",
];
const PAGE_LISTS_2022: [&str; 7] = [
    "datamodel",
    "references",
    "tags.product",
    "tags.required_fields",
    "tags.kill_chain_phases",
    "tags.dataset",
    "tags.analytic_story",
];

#[derive(Debug, Clone, serde::Serialize)]
pub struct Drilldown {
    pub name: Option<Text>,
    pub search: Option<Text>,
    pub earliest_offset: Option<Text>,
    pub latest_offset: Option<Text>,
}

/// An entity a risk event is about (user, system, other).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RiskObject {
    pub field: Text,
    pub object_type: Text,
    pub score: Option<Spanned<i64>>,
}

/// An artefact of the attack (process name, file hash, URL, ...).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ThreatObject {
    pub field: Text,
    pub object_type: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskSource {
    /// None: the detection declares no risk.
    None,
    /// 5.x `rba:` block.
    Rba,
    /// Derived from 4.x / 2022 observables, as contentctl 4 does.
    Observables,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Observable {
    pub name: Option<Text>,
    pub observable_type: Option<Text>,
    pub roles: Vec<Text>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DetectionTest {
    pub name: Option<Text>,
    pub test_type: Option<Text>,
    pub attack_data: Vec<AttackData>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AttackData {
    pub data: Option<Text>,
    pub source: Option<Text>,
    pub sourcetype: Option<Text>,
}

impl Detection {
    pub(super) fn read(
        header: Header,
        generation: Generation,
        f: &Fields<'_>,
        src: &str,
    ) -> Detection {
        let tags = f.sub("tags");
        let rba = f.sub("rba");
        let observables: Vec<Observable> = tags
            .list("observable")
            .iter()
            .map(|o| Observable {
                name: o.text("name", src),
                observable_type: o.text("type", src),
                roles: o.texts("role", src),
            })
            .collect();
        let confidence = tags.int("confidence");
        let impact = tags.int("impact");
        let risk_score = tags.int("risk_score");
        let (risk_objects, threat_objects, risk_source) = if f.has("rba") {
            rba_objects(&rba, src)
        } else {
            observable_objects(
                &observables,
                observable_score(risk_score, impact, confidence),
            )
        };
        let python = if generation == Generation::Legacy2022 {
            super::python::PythonTexts::read(f, &PAGE_SCALARS_2022, &PAGE_LISTS_2022)
        } else {
            None
        };
        Detection {
            python,
            header,
            generation,
            status: f.text("status", src),
            detection_type: f.text("type", src),
            search: f.text("search", src),
            how_to_implement: f.text("how_to_implement", src),
            known_false_positives: f.text("known_false_positives", src),
            references: f.texts("references", src),
            data_source_entries: f.texts("data_source", src),
            data_sources: f
                .texts("data_source", src)
                .iter()
                .flat_map(|t| split_data_sources(t, src))
                .collect(),
            datamodels: f.texts("datamodel", src),
            drilldowns: f
                .list("drilldown_searches")
                .iter()
                .map(|d| Drilldown {
                    name: d.text("name", src),
                    search: d.text("search", src),
                    earliest_offset: d.text("earliest_offset", src),
                    latest_offset: d.text("latest_offset", src),
                })
                .collect(),
            message: rba
                .text("message", src)
                .or_else(|| tags.text("message", src)),
            risk_objects,
            threat_objects,
            risk_source,
            observables,
            analytic_stories: tags.texts("analytic_story", src),
            asset_type: tags.text("asset_type", src),
            mitre_attack_ids: tags.texts("mitre_attack_id", src),
            kill_chain_phases: tags.texts("kill_chain_phases", src),
            products: tags.texts("product", src),
            security_domain: tags.text("security_domain", src),
            required_fields: tags.texts("required_fields", src),
            cves: tags.texts("cve", src),
            atomic_guids: tags.texts("atomic_guid", src),
            datasets: tags.texts("dataset", src),
            confidence,
            impact,
            risk_score,
            throttling_fields: tags.sub("throttling").texts("fields", src),
            manual_test: tags.text("manual_test", src),
            tests: f
                .list("tests")
                .iter()
                .map(|t| DetectionTest {
                    name: t.text("name", src),
                    test_type: t.text("test_type", src),
                    attack_data: t
                        .list("attack_data")
                        .iter()
                        .map(|a| AttackData {
                            data: a.text("data", src),
                            source: a.text("source", src),
                            sourcetype: a.text("sourcetype", src),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    pub fn name(&self) -> &str {
        self.header.name()
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_ref().map(Text::as_str)
    }

    /// An SPL2 pipeline for the Splunk streaming analytics (SSA) engine rather than an SPL
    /// search: `| from read_ssa_enriched_events() | ...`, the `ssa___*` detections of 2021 to
    /// contentctl 4.2, or a 2021 detection of type `streaming`. Its search is not SPL (`/regex/`
    /// literals, `/* */` comments) and has no filter macro, so the SPL checks skip it.
    pub fn is_spl2(&self) -> bool {
        self.detection_type
            .as_ref()
            .is_some_and(|t| t.as_str() == "streaming")
            || self
                .search
                .as_ref()
                .is_some_and(|s| s.as_str().trim_start().starts_with("| from read_ssa"))
    }

    /// Production content ships; 2022 files have no status and all shipped.
    pub fn is_production(&self) -> bool {
        match self.status() {
            Some(status) => status == "production",
            None => self.generation == Generation::Legacy2022,
        }
    }

    /// The score of the detection as a whole: the observables' score
    /// (`observable_score`), else (5.x) the highest risk-object score.
    pub fn overall_risk_score(&self) -> Option<i64> {
        self.observable_score().map(|s| s.value).or_else(|| {
            self.risk_objects
                .iter()
                .filter_map(|r| r.score.map(|s| s.value))
                .max()
        })
    }

    /// The score 4.x / 2022 observables carry: impact x confidence / 100 rounded as
    /// contentctl 4 rounds it, else the written `tags.risk_score`.
    pub fn observable_score(&self) -> Option<Spanned<i64>> {
        observable_score(self.risk_score, self.impact, self.confidence)
    }
}

/// contentctl's convention for a detection that needs several data sources at once (a
/// join): `Sysmon EventID 1 AND Sysmon EventID 3` names two data sources.
fn split_data_sources(text: &Text, src: &str) -> Vec<Text> {
    let value = text.value.as_str();
    if !value.contains(" AND ") {
        return vec![text.clone()];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, separator) in value.match_indices(" AND ").chain([(value.len(), "")]) {
        let part = &value[start..at];
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let offset = start + (part.len() - part.trim_start().len());
            parts.push(Text {
                value: trimmed.to_owned(),
                span: text.sub_span(src, offset..offset + trimmed.len()),
                // A part is no longer the whole scalar: positions inside it are not mapped.
                style: super::fields::TextStyle(None),
            });
        }
        start = at + separator.len();
    }
    parts
}

/// contentctl 4's score: `round(confidence * impact / 100)` with Python's round-half-to-even
/// when both are written (a written `risk_score` is then ignored, as contentctl 4 does);
/// else the written `risk_score` (2022).
fn observable_score(
    risk_score: Option<Spanned<i64>>,
    impact: Option<Spanned<i64>>,
    confidence: Option<Spanned<i64>>,
) -> Option<Spanned<i64>> {
    let (Some(impact), Some(confidence)) = (impact, confidence) else {
        return risk_score;
    };
    let product = confidence.value.saturating_mul(impact.value);
    let (quotient, remainder) = (product.div_euclid(100), product.rem_euclid(100));
    let value = match remainder.cmp(&50) {
        std::cmp::Ordering::Greater => quotient + 1,
        std::cmp::Ordering::Equal => quotient + (quotient & 1),
        std::cmp::Ordering::Less => quotient,
    };
    Some(Spanned {
        value,
        span: impact.span,
    })
}

fn rba_objects(rba: &Fields<'_>, src: &str) -> (Vec<RiskObject>, Vec<ThreatObject>, RiskSource) {
    let risk = rba
        .list("risk_objects")
        .iter()
        .filter_map(|r| {
            Some(RiskObject {
                field: r.text("field", src)?,
                object_type: r.text("type", src).unwrap_or_default(),
                score: r.int("score"),
            })
        })
        .collect();
    let threat = rba
        .list("threat_objects")
        .iter()
        .filter_map(|t| {
            Some(ThreatObject {
                field: t.text("field", src)?,
                object_type: t.text("type", src).unwrap_or_default(),
            })
        })
        .collect();
    (risk, threat, RiskSource::Rba)
}

/// One observable as contentctl 4.4.7 turns it into RBA: a risk object or a threat object.
#[derive(Debug, Clone)]
pub enum ObservableObject {
    Risk(RiskObject),
    Threat(ThreatObject),
}

impl Observable {
    /// contentctl 4.4.7's mapping: victims of user or system types are risk objects;
    /// attackers are threat objects (processes, files, URLs and IPs under a fixed type, any
    /// other type under its own name, lower-cased); anything else is a risk object of type
    /// `other`. The build's 4.x savedsearches.conf is rendered from this, so it is what
    /// contentctl 4 content really does.
    pub fn rba_object(&self, score: Option<Spanned<i64>>) -> ObservableObject {
        let field = self.name.clone().unwrap_or_default();
        let kind = self
            .observable_type
            .as_ref()
            .map(|t| t.value.to_lowercase())
            .unwrap_or_default();
        let has_role = |role: &str| self.roles.iter().any(|r| r.value == role);
        let risk = |t: &str| {
            ObservableObject::Risk(RiskObject {
                field: field.clone(),
                object_type: Text::synthetic(t),
                score,
            })
        };
        let threat = |t: &str| {
            ObservableObject::Threat(ThreatObject {
                field: field.clone(),
                object_type: Text::synthetic(t),
            })
        };
        let victim = has_role("Victim");
        match kind.as_str() {
            "user" | "username" | "email address" if victim => risk("user"),
            "device" | "endpoint" | "hostname" | "ip address" if victim => risk("system"),
            _ if !has_role("Attacker") => risk("other"),
            "process name" | "process" => threat("process"),
            "file name" | "file" | "file hash" => threat("file_name"),
            "url string" | "url" => threat("url"),
            "ip address" => threat("ip_address"),
            other => threat(other),
        }
    }
}

/// Risk and threat objects from 4.x / 2022 observables (`Observable::rba_object`), in order.
fn observable_objects(
    observables: &[Observable],
    score: Option<Spanned<i64>>,
) -> (Vec<RiskObject>, Vec<ThreatObject>, RiskSource) {
    let mut risk = Vec::new();
    let mut threat = Vec::new();
    for observable in observables.iter().filter(|o| o.name.is_some()) {
        match observable.rba_object(score) {
            ObservableObject::Risk(r) => risk.push(r),
            ObservableObject::Threat(t) => threat.push(t),
        }
    }
    let source = if observables.is_empty() {
        RiskSource::None
    } else {
        RiskSource::Observables
    };
    (risk, threat, source)
}
