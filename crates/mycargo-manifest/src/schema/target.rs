//! `[lib]`, `[[bin]]`, `[[example]]`, `[[test]]`, `[[bench]]` as written.

use serde::Deserialize;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TomlTarget {
    pub name: Option<String>,
    pub crate_type: Option<Vec<String>>,
    #[serde(rename = "crate_type")]
    pub crate_type2: Option<Vec<String>>,
    pub path: Option<String>,
    pub filename: Option<String>,
    pub test: Option<bool>,
    pub doctest: Option<bool>,
    pub bench: Option<bool>,
    pub doc: Option<bool>,
    pub doc_scrape_examples: Option<bool>,
    pub proc_macro: Option<bool>,
    #[serde(rename = "proc_macro")]
    pub proc_macro2: Option<bool>,
    pub harness: Option<bool>,
    pub required_features: Option<Vec<String>>,
    pub edition: Option<String>,
    pub plugin: Option<bool>,
}

impl TomlTarget {
    /// `proc-macro`, or the legacy `proc_macro`.
    pub fn proc_macro(&self) -> Option<bool> {
        self.proc_macro.or(self.proc_macro2)
    }

    /// `crate-type`, or the legacy `crate_type`.
    pub fn crate_types(&self) -> Option<&Vec<String>> {
        self.crate_type.as_ref().or(self.crate_type2.as_ref())
    }
}
