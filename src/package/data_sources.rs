//! `lookups/data_sources.csv`: one row per data source, as contentctl's `DataSourceWriter`
//! writes it (Python's `csv.writer`: minimal quoting, `\r\n` line ends).

use crate::model::{Content, Text};

const HEADER: [&str; 10] = [
    "name",
    "id",
    "author",
    "source",
    "sourcetype",
    "separator",
    "supported_TA_name",
    "supported_TA_version",
    "supported_TA_url",
    "description",
];

pub fn csv(content: &Content) -> String {
    let mut out = String::new();
    row(&mut out, HEADER.iter().map(|h| (*h).to_owned()));
    let text = |t: &Option<Text>| t.as_ref().map(|t| t.value.clone()).unwrap_or_default();
    for ds in &content.data_sources {
        let ta = ds.supported_add_ons.first();
        row(
            &mut out,
            [
                text(&ds.header.name),
                text(&ds.header.id),
                text(&ds.header.author),
                text(&ds.source),
                text(&ds.sourcetype),
                text(&ds.separator),
                ta.map(|t| text(&t.name)).unwrap_or_default(),
                ta.map(|t| text(&t.version)).unwrap_or_default(),
                ta.map(|t| text(&t.url)).unwrap_or_default(),
                text(&ds.header.description),
            ],
        );
    }
    out
}

fn row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}
