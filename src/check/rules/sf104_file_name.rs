//! ## What it does
//! Reports a file whose name does not follow from the object's `name`: lower case, with
//! spaces, `-`, `.` and `/` turned into `_` (the convention contentctl enforces; 2022
//! content predates it and is not checked; so are data sources before contentctl 4.2 and the
//! SSA detections of `ssa_detections/`, which were not yet named content objects; nor, in a
//! format version set or inferred, lookups in contentctl 4.2-4.4 and investigations from 4.2,
//! whose file names contentctl does not check), and a name whose file names would be longer
//! than a file system allows (255 bytes): the content file `<stem>.yml`, its docs pages
//! `YYYY-MM-DD-<name>.md` (detections) or `<name>.md`, and `<name>.html`. A character
//! outside ASCII takes two to four bytes, so 67 characters can be too many.
//!
//! ## Why is this bad?
//! People and tools find content by file name; filter macros are named after the file
//! stem. A renamed detection whose file kept the old name is hard to find and often
//! keeps a filter macro that no longer matches. A file name over 255 bytes cannot be
//! created: `splforge new`, `docs` and a checkout on another machine fail on it.
//!
//! ## Example
//! ```yaml
//! # detections/cloud/aws_group_delete.yml
//! name: AWS IAM Failure Group Deletion
//! ```
//!
//! ## Use instead
//! ```yaml
//! # detections/cloud/aws_iam_failure_group_deletion.yml
//! name: AWS IAM Failure Group Deletion
//! ```

use super::{Rule, RuleDefault, RuleScope, all_headers};
use crate::check::{Context, Finding, Severity};
use crate::load::{ContentKind, excerpt};
use crate::model::Generation;
use crate::model::file_name::{MAX_FILE_NAME_BYTES, expected_stem, longest_file_name};

pub(super) static RULE: Rule = Rule {
    code: "SF104",
    name: "file-name",
    severity: Severity::Error,
    scope: RuleScope::File,
    default: RuleDefault::On,
    summary: "the file name does not follow from the object's name",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (kind, header) in all_headers(ctx.content) {
        // Deployments are named for people ("ESCU Default Configuration TTP"), not files;
        // 2022 content predates the convention (but not file systems).
        if kind == ContentKind::Deployment {
            continue;
        }
        let Some(name) = &header.name else { continue };
        let longest = longest_file_name(&name.value, kind == ContentKind::Detection);
        if longest > MAX_FILE_NAME_BYTES {
            out.push(
                RULE.at(
                    ctx,
                    header.file,
                    name.span,
                    format!(
                        "name \"{}\" gives file names of up to {longest} bytes, over the \
                         {MAX_FILE_NAME_BYTES}-byte limit of file systems",
                        excerpt(&name.value)
                    ),
                )
                .with_label("its file and docs pages cannot be written under this name")
                .with_help("shorten the name (a character outside ASCII takes 2 to 4 bytes)"),
            );
            continue;
        }
        if header.generation == Generation::Legacy2022 {
            continue;
        }
        let path = ctx.path(header.file);
        // contentctl's SSA detections (up to 4.2) are no named content objects: their
        // files are `ssa___<name>.yml` by custom, not checked.
        if crate::format::in_ssa_detections(path) {
            continue;
        }
        // contentctl 4.2-4.4 derive no lookup's file name, 4.2 and later no investigation's.
        if ctx
            .config
            .format()
            .is_some_and(|f| f.generation == header.generation && !f.checks_file_name(kind))
        {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let expected = expected_stem(&name.value);
        if stem != expected {
            out.push(
                RULE.at(
                    ctx,
                    header.file,
                    name.span,
                    format!(
                        "file `{}` does not match the name \"{}\"",
                        excerpt(stem),
                        excerpt(&name.value)
                    ),
                )
                .with_help(format!("rename the file to `{}.yml`", excerpt(&expected))),
            );
        }
    }
}
