//! `mycargo owner`

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[arg(value_name = "CRATE")]
    pub krate: Option<String>,

    /// Name of a user or team to invite as an owner
    #[arg(short = 'a', long, value_name = "LOGIN")]
    pub add: Vec<String>,

    /// Name of a user or team to remove as an owner
    #[arg(short = 'r', long, value_name = "LOGIN")]
    pub remove: Vec<String>,

    /// List owners of a crate
    #[arg(short = 'l', long)]
    pub list: bool,

    /// Registry index URL to modify owners for
    #[arg(long, value_name = "INDEX", conflicts_with = "registry")]
    pub index: Option<String>,

    /// Registry to modify owners for
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,

    /// API token to use when authenticating
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
}
