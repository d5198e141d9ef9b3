//! `mycargo yank`

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[arg(value_name = "CRATE")]
    pub krate: Option<String>,

    /// The version to yank or un-yank
    #[arg(long, alias = "vers", value_name = "VERSION")]
    pub version: Option<String>,

    /// Undo a yank, putting a version back into the index
    #[arg(long)]
    pub undo: bool,

    /// Registry index URL to yank from
    #[arg(long, value_name = "INDEX", conflicts_with = "registry")]
    pub index: Option<String>,

    /// Registry to yank from
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,

    /// API token to use when authenticating
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
}
