//! `mycargo config` (cargo's `-Z unstable-options` command)

#[derive(clap::Args, Debug)]
#[command(subcommand_required = true, arg_required_else_help = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ConfigCommand {
    Get(GetArgs),
}

#[derive(clap::Args, Debug)]
pub struct GetArgs {
    /// The config key to display
    #[arg(value_name = "key")]
    pub key: Option<String>,

    /// Display format
    #[arg(
        long,
        value_name = "format",
        default_value = "toml",
        value_parser = ["toml", "json", "json-value"]
    )]
    pub format: String,

    /// Display where the config value is defined
    #[arg(long)]
    pub show_origin: bool,

    /// Whether or not to merge config values
    #[arg(
        long,
        value_name = "merged",
        default_value = "yes",
        value_parser = ["yes", "no"]
    )]
    pub merged: String,
}
