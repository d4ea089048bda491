//! Completion: story, macro, data source, lookup, detection and deployment names; ATT&CK
//! ids with their names; inside `$...$`, the fields the detection's search outputs; and the
//! enum values the schema of the file's format version allows for the key being written.
//!
//! The place is read from the text of the line and the lines above it, not from the parsed
//! tree: while a person types, the file is often not valid YAML.

use lsp_types::{CompletionItem, CompletionItemKind};

use crate::load::ContentKind;
use crate::model::FileId;
use crate::spl::FieldSet;

use super::workspace::Workspace;

/// What the text before the cursor asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wanted {
    Names(ContentKind),
    Attack,
    Fields,
    /// The value of the YAML key `key`; `top_level` when the key is at column 0.
    Enum {
        key: String,
        top_level: bool,
    },
}

/// The completion items at byte `offset` of file `file`, and the byte offset the typed
/// prefix they replace starts at.
pub fn complete(
    workspace: &Workspace,
    file: FileId,
    offset: usize,
) -> (Vec<CompletionItem>, usize) {
    let source = workspace.file(file).source.text.as_str();
    let offset = crate::load::source::floor_char_boundary(source, offset.min(source.len()));
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &source[line_start..offset];
    let Some((wanted, prefix_len)) = wanted(source, line_start, before) else {
        return (Vec::new(), offset);
    };
    let items = match wanted {
        Wanted::Names(kind) => names(workspace, kind),
        Wanted::Attack => attack_ids(workspace),
        Wanted::Fields => fields(workspace, file),
        Wanted::Enum { key, top_level } => enum_values(workspace, file, &key, top_level),
    };
    (items, offset - prefix_len)
}

/// What `before` (the line up to the cursor) asks for, and the length of the prefix typed.
fn wanted(source: &str, line_start: usize, before: &str) -> Option<(Wanted, usize)> {
    // Inside a `$...$`: an odd number of `$` before the cursor on this line.
    if before.matches('$').count() % 2 == 1 {
        let prefix = before.rsplit('$').next().unwrap_or("");
        return Some((Wanted::Fields, prefix.len()));
    }
    // After an opening backtick: a macro call.
    if before.matches('`').count() % 2 == 1 {
        let prefix = before.rsplit('`').next().unwrap_or("");
        return Some((Wanted::Names(ContentKind::Macro), prefix.len()));
    }
    let word_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map_or(0, |i| i + 1);
    let words: Vec<&str> = before[..word_start].split_whitespace().collect();
    if let Some(last) = words.last()
        && ["lookup", "inputlookup", "outputlookup"].contains(&last.trim_start_matches('|'))
    {
        return Some((
            Wanted::Names(ContentKind::Lookup),
            before.len() - word_start,
        ));
    }
    let trimmed = before.trim_start();
    // `key: value` on this line, or `- value` under a `key:` line above.
    let (key, key_indent, value) =
        if let Some(item) = trimmed.strip_prefix("- ").or(trimmed.strip_prefix('-')) {
            let (key, indent) = parent_key(source, line_start, before.len() - trimmed.len())?;
            (key, indent, item)
        } else {
            let (key, value) = trimmed.split_once(':')?;
            (key.trim().to_owned(), before.len() - trimmed.len(), value)
        };
    let value_len = value.trim_start().len();
    let quote = value.trim_start().starts_with(['"', '\'']);
    let prefix_len = value_len - usize::from(quote);
    let wanted = match key.as_str() {
        "analytic_story" | "analytic_stories" => Wanted::Names(ContentKind::Story),
        "data_source" | "data_sources" => Wanted::Names(ContentKind::DataSource),
        "mitre_attack_id" => Wanted::Attack,
        "detections" | "detection_names" => Wanted::Names(ContentKind::Detection),
        "deployment" => Wanted::Names(ContentKind::Deployment),
        "lookup" | "lookups" => Wanted::Names(ContentKind::Lookup),
        "baseline" | "baselines" => Wanted::Names(ContentKind::Baseline),
        _ => Wanted::Enum {
            key,
            top_level: key_indent == 0,
        },
    };
    Some((wanted, prefix_len))
}

/// The key of the block sequence an item at `indent` on the line at `line_start` is in:
/// the nearest line above, less indented (or as indented, for `key:` followed by
/// `- item` at the same column), that ends in `key:`.
fn parent_key(source: &str, line_start: usize, indent: usize) -> Option<(String, usize)> {
    for line in source[..line_start].lines().rev() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let own = line.len() - trimmed.len();
        if own > indent || (own == indent && trimmed.starts_with('-')) {
            continue;
        }
        let key = trimmed.trim_start_matches("- ").strip_suffix(':')?;
        return Some((key.trim().to_owned(), own));
    }
    None
}

fn item(label: String, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label,
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

fn names(workspace: &Workspace, kind: ContentKind) -> Vec<CompletionItem> {
    let options = workspace.options();
    let context = workspace.context(&options);
    let item_kind = match kind {
        ContentKind::Macro => CompletionItemKind::FUNCTION,
        ContentKind::Lookup => CompletionItemKind::FILE,
        _ => CompletionItemKind::REFERENCE,
    };
    context
        .index
        .names(kind)
        .iter()
        .map(|name| {
            let detail = context
                .index
                .find(kind, name)
                .map(|d| crate::load::source::display_path(&workspace.file(d.file).source.path));
            item((*name).to_owned(), item_kind, detail)
        })
        .collect()
}

fn attack_ids(workspace: &Workspace) -> Vec<CompletionItem> {
    let Ok(catalogue) = crate::attack::catalogue(&workspace.config.attack_version) else {
        return Vec::new();
    };
    catalogue
        .techniques()
        .iter()
        .filter(|t| !t.revoked && !t.deprecated)
        .map(|t| {
            let mut completion = item(
                t.id.to_owned(),
                CompletionItemKind::CONSTANT,
                Some(t.name.to_owned()),
            );
            // Clients filter on this: typing part of the name finds the id.
            completion.filter_text = Some(format!("{} {}", t.id, t.name));
            completion
        })
        .collect()
}

fn fields(workspace: &Workspace, file: FileId) -> Vec<CompletionItem> {
    let Some(search) = (workspace.content.detections.iter())
        .find(|d| d.header.file == file)
        .and_then(|d| d.search.as_ref())
    else {
        return Vec::new();
    };
    match workspace.spl().analyse(&search.value).output {
        FieldSet::Known { fields, .. } => fields
            .into_iter()
            .map(|f| {
                item(
                    f,
                    CompletionItemKind::FIELD,
                    Some("output by the search".to_owned()),
                )
            })
            .collect(),
        FieldSet::Unknown => Vec::new(),
    }
}

/// The values the schema of the file's kind, in the repository's format version, allows
/// for `key`: the top-level property's for a key at column 0, else those of every property
/// of that name nested in the schema.
fn enum_values(
    workspace: &Workspace,
    file: FileId,
    key: &str,
    top_level: bool,
) -> Vec<CompletionItem> {
    let kind = workspace.file(file).kind;
    let generation =
        crate::model::file_generation(workspace.file(file)).unwrap_or(workspace.content.generation);
    let text = match workspace.config.format() {
        Some(format) if format.generation == generation => {
            crate::check::schema::format_schema_text(kind.name(), format).ok()
        }
        _ => crate::check::schema::schema_text(kind, generation).map(str::to_owned),
    };
    let Some(schema) = text.and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok()) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    match schema.get("properties").and_then(|p| p.get(key)) {
        Some(property) if top_level => enums_of(&schema, property, &mut values),
        _ => collect_enums(&schema, &schema, key, &mut values, 0),
    }
    values.sort();
    values.dedup();
    values
        .into_iter()
        .map(|v| {
            item(
                v,
                CompletionItemKind::ENUM_MEMBER,
                Some(format!("{key} ({} schema)", kind.name())),
            )
        })
        .collect()
}

/// Every `enum` of a property named `key` anywhere in `node` (following `$ref`s one level).
fn collect_enums(
    root: &serde_json::Value,
    node: &serde_json::Value,
    key: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    match node {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(properties)) = map.get("properties")
                && let Some(property) = properties.get(key)
            {
                enums_of(root, property, out);
            }
            for value in map.values() {
                collect_enums(root, value, key, out, depth + 1);
            }
        }
        serde_json::Value::Array(items) => {
            for value in items {
                collect_enums(root, value, key, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The enum values of a property schema: its own, its items', its alternatives', and
/// those of the definition it refers to.
fn enums_of(root: &serde_json::Value, property: &serde_json::Value, out: &mut Vec<String>) {
    let mut stack = vec![property];
    let mut seen = 0;
    while let Some(schema) = stack.pop() {
        seen += 1;
        if seen > 64 {
            return;
        }
        if let Some(values) = schema.get("enum").and_then(|e| e.as_array()) {
            out.extend(values.iter().filter_map(|v| v.as_str()).map(str::to_owned));
        }
        if let Some(value) = schema.get("const").and_then(|v| v.as_str()) {
            out.push(value.to_owned());
        }
        stack.extend(schema.get("items"));
        for alternatives in ["anyOf", "oneOf", "allOf"] {
            if let Some(list) = schema.get(alternatives).and_then(|a| a.as_array()) {
                stack.extend(list);
            }
        }
        if let Some(pointer) = schema.get("$ref").and_then(|r| r.as_str())
            && let Some(target) = pointer.strip_prefix('#').and_then(|p| root.pointer(p))
        {
            stack.push(target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted_at(source: &str) -> Option<(Wanted, usize)> {
        let offset = source.find('^').unwrap();
        let source = source.replacen('^', "", 1);
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        wanted(&source, line_start, &source[line_start..offset])
    }

    #[test]
    fn the_place_decides_what_is_completed() {
        assert_eq!(
            wanted_at("tags:\n  analytic_story:\n  - Ransom^\n"),
            Some((Wanted::Names(ContentKind::Story), 6))
        );
        assert_eq!(
            wanted_at("tags:\n  mitre_attack_id:\n    - T10^\n"),
            Some((Wanted::Attack, 3))
        );
        assert_eq!(
            wanted_at("search: '| tstats `secu^"),
            Some((Wanted::Names(ContentKind::Macro), 4))
        );
        assert_eq!(
            wanted_at("search: '| inputlookup mal^"),
            Some((Wanted::Names(ContentKind::Lookup), 3))
        );
        assert_eq!(
            wanted_at("  message: Process $proc^"),
            Some((Wanted::Fields, 4))
        );
        assert_eq!(
            wanted_at("type: TT^\n"),
            Some((
                Wanted::Enum {
                    key: "type".into(),
                    top_level: true
                },
                2
            ))
        );
        assert_eq!(
            wanted_at("data_source:\n- 'Sysmon^"),
            Some((Wanted::Names(ContentKind::DataSource), 6))
        );
    }
}
