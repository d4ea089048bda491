//! Defects of 4.x content that contentctl 5 rejects, that splforge's rules do not report
//! as errors, and that migrate cannot fix: a story listed twice in a detection's
//! `analytic_story`. (A search naming a lookup no definition gives, which contentctl 5
//! rejects too, is SF304's in 5.x content, so the lint of the converted tree reports it.)

use std::collections::HashSet;

use crate::load::Span;
use crate::model::{Content, FileId, Text};

/// One defect, placed in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// The defects of `content` (`sources[file]` is each file's text).
pub fn contentctl5_defects(content: &Content) -> Vec<Defect> {
    let mut defects = Vec::new();
    for detection in &content.detections {
        defects.extend(twice(&detection.analytic_stories).map(|story| Defect {
            file: detection.header.file,
            span: story.span,
            message: format!(
                "story `{}` is listed twice in analytic_story: contentctl 5 rejects it",
                // Printed on a terminal: no control characters.
                story.value.replace(char::is_control, "?")
            ),
        }));
    }
    defects
}

/// The entries of `names` that repeat an earlier one.
fn twice(names: &[Text]) -> impl Iterator<Item = &Text> {
    let mut seen = HashSet::new();
    names.iter().filter(move |n| !seen.insert(n.value.as_str()))
}
