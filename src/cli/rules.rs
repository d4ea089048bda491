//! `splforge rules` (every rule) and `splforge rule CODE` (one rule, explained).

use std::process::ExitCode;

use anyhow::bail;

use super::{print_human, rule_docs};
use crate::check::{self, RULES};

#[derive(Debug, clap::Args)]
pub(super) struct ListArgs {
    /// Print the rule reference as markdown (docs/rules.md is this output).
    #[arg(long)]
    markdown: bool,
}

#[derive(Debug, clap::Args)]
pub(super) struct RuleArgs {
    /// A rule code (SF201) or name (unknown-story).
    code: String,
}

pub(super) fn list(args: &ListArgs) -> anyhow::Result<ExitCode> {
    if args.markdown {
        return print_human(&rule_docs::markdown());
    }
    let mut out = String::new();
    for rule in RULES {
        out.push_str(&format!(
            "{}  {:<8} {:<4} {:<22} {}\n",
            rule.code,
            rule.severity.as_str(),
            if rule.on_by_default() { "on" } else { "off" },
            rule.name,
            rule.summary
        ));
    }
    print_human(&out)
}

pub(super) fn explain(args: &RuleArgs) -> anyhow::Result<ExitCode> {
    let code = &args.code;
    let Some(rule) = check::rule_by_code(code) else {
        bail!("no rule `{code}`; `splforge rules` lists them");
    };
    print_human(&format!(
        "# {} ({}): {}\n\nSeverity: {}, {}\n\n{}\n\n{}\n",
        rule.code,
        rule.name,
        rule.summary,
        rule.severity.as_str(),
        if rule.on_by_default() {
            "on by default"
        } else {
            "off by default"
        },
        rule.doc(),
        rule_docs::format_versions(rule.code)
    ))
}
