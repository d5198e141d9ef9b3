//! `mycargo search`: query a registry's web API and print the hits as
//! cargo does (`name = "ver"    # description`).

use anyhow::Context as _;
use mycargo_util::CliResult;

use super::registry_api;
use crate::cli::search::Args;
use crate::context::GlobalContext;

/// The registry's page-size cap.
const MAX_LIMIT: u32 = 100;

pub fn run(gctx: &mut GlobalContext, args: &Args) -> CliResult {
    Ok(search(gctx, args)?)
}

fn search(gctx: &mut GlobalContext, args: &Args) -> anyhow::Result<()> {
    let query = args.query.join(" ");
    let limit = args.limit.unwrap_or(10).min(MAX_LIMIT);
    let target = registry_api::target(gctx, args.registry.as_deref(), args.index.as_deref())?;
    let token = registry_api::find_token(gctx, &target, None)?;
    // Search needs `config.json`: from a sparse index, as cargo, it says
    // nothing about it; a git index is fetched, and says so.
    let index = registry_api::sparse(gctx, &target, None)?;
    if !target.source_id.is_sparse() && !index.index_dir().join(".git").exists() {
        gctx.shell.status(
            "Updating",
            mycargo_sources::source_map::SourceMap::describe(&target.source_id),
        )?;
    }
    let config = index.config()?;
    let client =
        registry_api::client(gctx, &target, &config, token.map(registry_api::Auth::Token))?;
    let (crates, total) = client.search(&query, limit).with_context(|| {
        format!(
            "failed to retrieve search results from the registry at {}",
            client.host()
        )
    })?;
    let items: Vec<(String, Option<String>)> = crates
        .iter()
        .map(|c| {
            (
                format!("{} = \"{}\"", c.name, c.max_version),
                c.description.as_ref().map(|d| d.replace('\n', " ")),
            )
        })
        .collect();
    let margin = items.iter().map(|(l, _)| l.len() + 4).max().unwrap_or(0);
    let width = 80usize.max(128usize.saturating_sub(margin));
    let out = gctx.shell.out();
    for (left, desc) in &items {
        match desc {
            Some(d) => writeln!(
                out,
                "{left}{}# {}",
                " ".repeat(margin - left.len()),
                truncate(d, width)
            )?,
            None => writeln!(out, "{left}")?,
        }
    }
    if total > limit {
        if limit < MAX_LIMIT {
            writeln!(
                out,
                "... and {} crates more (use --limit N to see more)",
                total - limit
            )?;
        } else {
            writeln!(out, "... and {} crates more", total - limit)?;
        }
    }
    if !crates.is_empty() || total > 0 {
        gctx.shell
            .note("to learn more about a package, run `cargo info <name>`")?;
    }
    Ok(())
}

/// At most `max` characters, the last one `…` when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
