//! `mycargo config get`: the configuration as cargo would read it, as TOML
//! or JSON, merged or file by file (`-Z unstable-options`, as in cargo).

use mycargo_config::{ShowFormat, ShowRequest};
use mycargo_util::CliResult;

use crate::cli::config::{Args, ConfigCommand};
use crate::context::GlobalContext;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    if !gctx.unstable.unstable_options {
        let see = "See https://github.com/rust-lang/cargo/issues/9301 for more information about the `cargo config` command.";
        let ch = crate::unstable::channel(&gctx.env);
        if matches!(ch.as_str(), "nightly" | "dev") {
            return Err(anyhow::anyhow!(
                "the `cargo config` command is unstable, pass `-Z unstable-options` to enable it\n{see}"
            )
            .into());
        }
        return Err(anyhow::anyhow!(
            "the `cargo config` command is unstable, and only available on the nightly channel of Cargo, but this is the `{ch}` channel\n\
             See https://doc.rust-lang.org/book/appendix-07-nightly-rust.html for more information about Rust release channels.\n\
             {see}"
        )
        .into());
    }
    let ConfigCommand::Get(get) = &args.command;
    let format = match get.format.as_str() {
        "json" => ShowFormat::Json,
        "json-value" => ShowFormat::JsonValue,
        _ => ShowFormat::Toml,
    };
    let shown = gctx.config.show(&ShowRequest {
        key: get.key.as_deref(),
        format,
        show_origin: get.show_origin,
        merged: get.merged == "yes",
    })?;
    write!(gctx.shell.out(), "{}", shown.stdout)?;
    if let Some(note) = shown.stderr {
        write!(gctx.shell.err(), "{note}")?;
    }
    Ok(())
}
