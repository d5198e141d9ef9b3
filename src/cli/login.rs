//! `mycargo login`

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// The token (deprecated: read it from stdin instead)
    #[arg(value_name = "TOKEN", hide = true)]
    pub token: Option<String>,

    /// Additional arguments for the credential provider
    #[arg(value_name = "args", last = true, num_args = 0..)]
    pub args: Vec<String>,

    /// Registry to use
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,
}
