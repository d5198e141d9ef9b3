//! `mycargo logout`

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Registry to use
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,
}
