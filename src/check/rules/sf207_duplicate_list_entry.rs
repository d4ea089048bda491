//! ## What it does
//! Reports an entry written twice in one of a detection's lists: a story in
//! `analytic_story`, a technique in `mitre_attack_id`, a data source in `data_source`, a
//! phase in `kill_chain_phases`, a CVE in `cve`, or two drilldowns with the same name and
//! search. Names compare as the references they are compared as elsewhere: stories, data
//! sources and phases ignoring letter case, techniques and CVEs exactly.
//!
//! A story listed twice in a 5.x detection is an error: contentctl 5.6.2 rejects the
//! detection ("Duplicate Story found in list").
//!
//! ## Why is this bad?
//! The second entry adds nothing and is usually a copy-paste slip, often one that hides
//! the entry that was meant (a second story that was never added). The build repeats it:
//! the story's page lists the detection twice, ES shows two identical drilldowns, and
//! coverage counts the technique twice.
//!
//! ## Example
//! ```yaml
//! tags:
//!   analytic_story:
//!   - Active Directory Lateral Movement
//!   - Active Directory Lateral Movement
//! ```
//!
//! ## Use instead
//! ```yaml
//! tags:
//!   analytic_story:
//!   - Active Directory Lateral Movement
//! ```

use std::collections::HashMap;

use super::{Rule, RuleDefault, RuleScope};
use crate::check::{Context, Finding, Severity};
use crate::load::Span;
use crate::load::excerpt;
use crate::model::{Detection, Generation, Text};

/// What an `analytic_story` entry is called in messages.
const STORY: &str = "analytic story";

pub(super) static RULE: Rule = Rule {
    code: "SF207",
    name: "duplicate-list-entry",
    severity: Severity::Warning,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "a detection lists the same story, technique, data source or drilldown twice",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for detection in &ctx.content.detections {
        let file = detection.header.file;
        for (list, entries) in keyed_lists(detection) {
            let mut first_seen: HashMap<String, Span> = HashMap::new();
            for Entry { key, shown, span } in entries {
                match first_seen.get(&key) {
                    Some(&first) => {
                        let rejected =
                            list == STORY && detection.generation == Generation::Contentctl5;
                        out.push(
                            RULE.at(
                                ctx,
                                file,
                                span,
                                format!("{list} \"{}\" is listed twice", excerpt(shown)),
                            )
                            .with_related(ctx.path(file), first, "first listed here")
                            .with_help("remove this entry")
                            .with_severity(if rejected {
                                Severity::Error
                            } else {
                                RULE.severity
                            }),
                        );
                    }
                    None => {
                        first_seen.insert(key, span);
                    }
                }
            }
        }
    }
}

/// One entry of a list: what it is compared by, what a message shows, where it is.
struct Entry<'a> {
    key: String,
    shown: &'a str,
    span: Span,
}

/// Each list of the detection, as `(what an entry is, its entries)`.
fn keyed_lists(detection: &Detection) -> Vec<(&'static str, Vec<Entry<'_>>)> {
    fn folded(texts: &[Text]) -> Vec<Entry<'_>> {
        texts
            .iter()
            .map(|t| Entry {
                key: t.value.to_lowercase(),
                shown: &t.value,
                span: t.span,
            })
            .collect()
    }
    fn exact(texts: &[Text]) -> Vec<Entry<'_>> {
        texts
            .iter()
            .map(|t| Entry {
                key: t.value.clone(),
                shown: &t.value,
                span: t.span,
            })
            .collect()
    }
    // A drilldown is its name (what ES shows) with its search.
    let drilldowns = detection
        .drilldowns
        .iter()
        .filter_map(|d| {
            let name = d.name.as_ref()?;
            let search = d.search.as_ref().map_or("", |s| s.value.as_str());
            Some(Entry {
                key: format!("{}\n{search}", name.value),
                shown: &name.value,
                span: name.span,
            })
        })
        .collect();
    vec![
        (STORY, folded(&detection.analytic_stories)),
        ("technique", exact(&detection.mitre_attack_ids)),
        ("data source", folded(&detection.data_source_entries)),
        ("kill-chain phase", folded(&detection.kill_chain_phases)),
        ("CVE", exact(&detection.cves)),
        ("drilldown (name and search)", drilldowns),
    ]
}
