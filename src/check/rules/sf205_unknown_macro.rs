//! ## What it does
//! Reports a backtick macro call in a search that names no macro in `macros/`, no
//! generated `<detection>_filter` macro, and none of `[spl] external_macros` in
//! splforge.toml. A call with the wrong number of arguments is reported too.
//!
//! ## Why is this bad?
//! Splunk fails the whole search at run time: "Error in 'SearchParser': The search
//! specifies a macro 'x' that cannot be found". Nothing catches it before deployment.
//!
//! ## Example
//! ```yaml
//! search: '`cloudtrial` eventName=DeleteGroup | `security_content_ctime(firstTime, x)`'
//! ```
//!
//! ## Use instead
//! ```yaml
//! search: '`cloudtrail` eventName=DeleteGroup | `security_content_ctime(firstTime)`'
//! ```

use std::collections::{HashMap, HashSet};

use super::{Rule, RuleScope};
use crate::check::macro_calls::macro_calls;
use crate::check::{Context, Finding, Severity};
use crate::model::{FileId, Text};

pub(super) static RULE: Rule = Rule {
    code: "SF205",
    name: "unknown-macro",
    severity: Severity::Error,
    scope: RuleScope::Repository,
    summary: "a search calls a macro that does not exist, or with the wrong arguments",
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let c = ctx.content;
    let mut arities: HashMap<&str, Vec<usize>> = HashMap::new();
    for m in &c.macros {
        if let Some(name) = &m.header.name {
            arities
                .entry(name.as_str())
                .or_default()
                .push(m.arguments.len());
        }
    }
    let external: HashSet<&str> = ctx
        .config
        .spl
        .external_macros
        .iter()
        .map(String::as_str)
        .collect();
    let generated_filters: HashSet<String> = c
        .detections
        .iter()
        .map(|d| d.header.file)
        .chain(c.baselines.iter().map(|b| b.header.file))
        .filter_map(|f| ctx.path(f).file_stem().and_then(|s| s.to_str()))
        .map(|stem| format!("{stem}_filter"))
        .collect();
    let searches = c
        .detections
        .iter()
        .map(|d| (d.header.file, &d.search))
        .chain(c.baselines.iter().map(|b| (b.header.file, &b.search)))
        .chain(c.investigations.iter().map(|i| (i.header.file, &i.search)));
    let names: Vec<&str> = arities.keys().copied().collect();
    for (file, search) in searches {
        let Some(search) = search else { continue };
        check_search(
            ctx,
            out,
            file,
            search,
            &arities,
            &names,
            &external,
            &generated_filters,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn check_search(
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
    file: FileId,
    search: &Text,
    arities: &HashMap<&str, Vec<usize>>,
    names: &[&str],
    external: &HashSet<&str>,
    generated_filters: &HashSet<String>,
) {
    let source = ctx.source(file);
    for call in macro_calls(&search.value) {
        let name = call.name.as_str();
        if external.contains(name) || generated_filters.contains(name) {
            continue;
        }
        let span = search.sub_span(source, call.name_range.clone());
        match arities.get(name) {
            None => out.push(
                RULE.at(ctx, file, span, format!("macro `{name}` does not exist"))
                    .with_label("not in macros/ nor [spl] external_macros")
                    .with_help_opt(
                        crate::check::suggest::did_you_mean(name, names.iter().copied())
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
            ),
            Some(known) if !known.contains(&call.arity) => out.push(RULE.at(
                ctx,
                file,
                span,
                format!(
                    "macro `{name}` takes {} argument(s), called with {}",
                    join(known),
                    call.arity
                ),
            )),
            Some(_) => {}
        }
    }
}

fn join(arities: &[usize]) -> String {
    arities
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}
