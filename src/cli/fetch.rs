//! `mycargo fetch`

use super::common::{ManifestPath, heading, values};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Fetch dependencies for the target triple
    #[arg(long, value_name = "TRIPLE", num_args = 0..=1, help_heading = heading::COMPILATION_OPTIONS)]
    pub target: Option<Vec<String>>,

    #[command(flatten)]
    pub manifest: ManifestPath,
}

impl Args {
    /// The triples given to `--target` (empty when none).
    pub fn targets(&self) -> &[String] {
        values(&self.target)
    }
}
