use super::{Fields, Generation, Header, Text};

/// A Dashboard Studio dashboard: `dashboards/<stem>.yml` says its name and theme, the
/// JSON definition beside it (`dashboards/<stem>.json`, read at build time) is the
/// dashboard itself.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dashboard {
    #[serde(flatten)]
    pub header: Header,
    pub generation: Generation,
    /// `light` (the default) or `dark`.
    pub theme: Option<Text>,
    /// The definition file's name stem: the YAML file's.
    pub file_stem: String,
    /// A Jinja2 template of the dashboard's XML, when the file replaces contentctl's.
    pub j2_template: Option<Text>,
}

impl Dashboard {
    pub(super) fn read(
        header: Header,
        generation: Generation,
        f: &Fields<'_>,
        src: &str,
        file_stem: &str,
    ) -> Dashboard {
        Dashboard {
            header,
            generation,
            theme: f.text("theme", src),
            file_stem: file_stem.to_owned(),
            j2_template: f.text("j2_template", src),
        }
    }

    /// The JSON definition, relative to the content root.
    pub fn definition_path(&self) -> String {
        format!("dashboards/{}.json", self.file_stem)
    }
}

/// A record of content removed from the app (5.x `removed/<name>.yml`): contentctl 5.6.2
/// reads its header and `status: removed` and ignores the rest; its name and id stay
/// taken. Nothing of it is built (contentctl's deprecation CSV needs
/// `enforce_deprecation_mapping_requirement`, off by default, which splforge does not read).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Removed {
    #[serde(flatten)]
    pub header: Header,
    pub status: Option<Text>,
}
