//! `mycargo search`

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[arg(value_name = "QUERY", num_args = 0..)]
    pub query: Vec<String>,

    /// Limit the number of results (default: 10, max: 100)
    #[arg(long, value_name = "LIMIT")]
    pub limit: Option<u32>,

    /// Registry index URL to search packages in
    #[arg(long, value_name = "INDEX", conflicts_with = "registry")]
    pub index: Option<String>,

    /// Registry to search packages in
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,
}
