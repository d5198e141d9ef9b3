//! Single-file packages (`-Zscript`): a `.rs` file (or one without an
//! extension) whose manifest, if any, is in a frontmatter at its top:
//!
//! ```text
//! #!/usr/bin/env cargo
//! ---cargo
//! [dependencies]
//! regex = "1"
//! ---
//! fn main() {}
//! ```
//!
//! [`parse`] finds the frontmatter with cargo's rules and errors;
//! [`manifest_text`] is the TOML the manifest parser reads (the file up to
//! the frontmatter's end, the opening fence commented out, so line numbers
//! hold); [`normalize`] fills in what a script's manifest implies.

use std::ops::Range;
use std::path::Path;

use crate::error::Chain;
use crate::schema::{TomlManifest, TomlPackageBuild, TomlTarget, TomlWorkspace};

/// Whether a manifest path names a single-file package: a `.rs` file or
/// one without an extension.
pub fn is_embedded(path: &Path) -> bool {
    match path.extension() {
        None => true,
        Some(ext) => ext == "rs",
    }
}

/// A frontmatter problem, at a byte range of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontmatterError {
    pub message: String,
    pub span: Range<usize>,
}

impl FrontmatterError {
    fn new(message: impl Into<String>, span: Range<usize>) -> FrontmatterError {
        FrontmatterError {
            message: message.into(),
            span,
        }
    }
}

/// Where the parts of a script are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptSource {
    /// The `#!` line, with its newline.
    pub shebang: Option<Range<usize>>,
    /// The opening fence's dashes.
    pub open: Option<Range<usize>>,
    /// The infostring after the opening fence (trimmed), if any.
    pub info: Option<Range<usize>>,
    /// The manifest between the fences, with its final newline.
    pub body: Option<Range<usize>>,
    /// The closing fence's dashes.
    pub close: Option<Range<usize>>,
    /// Where the Rust code starts.
    pub content: usize,
}

/// Rust's whitespace characters.
fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\n' | '\t'
            | '\u{0B}'
            | '\u{0C}'
            | '\r'
            | ' '
            | '\u{85}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// After leading blank lines: the offset just past the last newline of the
/// whitespace run starting at `at` (or `at` when the run has none).
fn skip_blank_lines(text: &str, at: usize) -> usize {
    let run: usize = text[at..]
        .chars()
        .take_while(|c| is_whitespace(*c))
        .map(char::len_utf8)
        .sum();
    match text[at..at + run].rfind('\n') {
        Some(nl) => at + nl + 1,
        None => at,
    }
}

fn count_dashes(text: &str, at: usize) -> usize {
    text[at..].bytes().take_while(|b| *b == b'-').count()
}

/// Find the shebang and the frontmatter of a script, as cargo does.
pub fn parse(text: &str) -> Result<ScriptSource, FrontmatterError> {
    let mut src = ScriptSource::default();
    let mut at = 0;
    if let Some(rest) = text.strip_prefix("#!")
        && !rest.trim_start().starts_with('[')
    {
        let end = text.find('\n').map_or(text.len(), |n| n + 1);
        src.shebang = Some(0..end);
        at = end;
    }
    at = skip_blank_lines(text, at);
    let dashes = count_dashes(text, at);
    match dashes {
        0 => {
            src.content = at;
            return Ok(src);
        }
        1 | 2 => {
            return Err(FrontmatterError::new(
                format!("found {dashes} `-` in rust frontmatter, expected at least 3"),
                text.len()..text.len(),
            ));
        }
        n if n >= 256 => {
            return Err(FrontmatterError::new(
                format!(
                    "too many `-` symbols: frontmatter openings may be delimited by up to 255 `-` symbols, but found {n}"
                ),
                at..at + n,
            ));
        }
        _ => {}
    }
    let open = at..at + dashes;
    let fence = &text[open.clone()];
    let Some(nl) = text[open.end..].find('\n').map(|n| open.end + n) else {
        return Err(FrontmatterError::new(
            format!("unclosed frontmatter; expected `{fence}`"),
            text.len()..text.len(),
        ));
    };
    let info_raw = &text[open.end..nl];
    let info_raw = info_raw.strip_suffix('\r').unwrap_or(info_raw);
    let trimmed = info_raw.trim_matches([' ', '\t']);
    if !trimmed.is_empty() {
        let lead = info_raw.len() - info_raw.trim_start_matches([' ', '\t']).len();
        let start = open.end + lead;
        src.info = Some(start..start + trimmed.len());
    }
    let closing = format!("\n{fence}");
    let Some(close_nl) = text[nl..].find(&closing).map(|i| nl + i) else {
        // A shorter fence on a line of its own start is a mismatch.
        for k in (1..dashes.saturating_sub(1)).rev() {
            let shorter = format!("\n{}", "-".repeat(k));
            if let Some(i) = text[nl..].find(&shorter) {
                let start = nl + i + 1;
                let end = (start + k + 1).min(text.len());
                return Err(FrontmatterError::new(
                    format!(
                        "closing code fence has {} less `-` than the opening fence",
                        dashes - (k + 1)
                    ),
                    start..end,
                ));
            }
        }
        return Err(FrontmatterError::new(
            format!("unclosed frontmatter; expected `{fence}`"),
            text.len()..text.len(),
        ));
    };
    src.open = Some(open.clone());
    src.body = Some(nl + 1..close_nl + 1);
    let close = close_nl + 1..close_nl + 1 + dashes;
    src.close = Some(close.clone());
    let line_end = text[close.end..]
        .find('\n')
        .map_or(text.len(), |n| close.end + n + 1);
    let after = &text[close.end..line_end];
    let more = count_dashes(text, close.end);
    if more > 0 {
        return Err(FrontmatterError::new(
            format!("closing code fence has {more} more `-` than the opening fence"),
            close.end..close.end + more,
        ));
    }
    let rest = after
        .trim_end_matches(['\n', '\r'])
        .trim_matches([' ', '\t']);
    if !rest.is_empty() {
        let start = close.end + after.find(rest).unwrap_or(0);
        return Err(FrontmatterError::new(
            "unexpected characters after frontmatter close",
            start..start + rest.len(),
        ));
    }
    let next = skip_blank_lines(text, line_end);
    let again = count_dashes(text, next);
    if again > 0 {
        return Err(FrontmatterError::new(
            "only one frontmatter is supported",
            next..next + again,
        ));
    }
    src.content = line_end;
    Ok(src)
}

/// The TOML of a script's manifest, as the manifest parser reads it: the
/// file up to the end of the frontmatter with the opening fence commented
/// out (the shebang and the fence are then TOML comments and line numbers
/// are the file's); the shebang alone, or nothing, without a frontmatter.
pub fn manifest_text(text: &str) -> Result<String, FrontmatterError> {
    let src = parse(text)?;
    let (Some(open), Some(body)) = (&src.open, &src.body) else {
        return Ok(src
            .shebang
            .map(|s| format!("#{}", &text[s.start + 1..s.end]))
            .unwrap_or_default());
    };
    if let Some(info) = &src.info {
        let info_text = &text[info.clone()];
        if let Some(attrs) = info_text.strip_prefix("cargo,") {
            return Err(FrontmatterError::new(
                format!("unsupported frontmatter infostring attributes: `{attrs}`"),
                info.clone(),
            ));
        }
        if info_text != "cargo" {
            return Err(FrontmatterError::new(
                format!(
                    "unsupported frontmatter infostring `{info_text}`; specify `cargo` for embedding a manifest"
                ),
                info.clone(),
            ));
        }
    }
    let mut out = String::with_capacity(body.end + 1);
    out.push_str(&text[..open.start]);
    out.push('#');
    out.push_str(&text[open.start..body.end]);
    // The shebang is a TOML comment only without its `!`-led text being
    // read as a key: `#!...` already starts with `#`.
    Ok(out)
}

/// A package name from a script's file stem: leading characters that
/// cannot start an identifier dropped, others that cannot continue one
/// replaced (by `_` if the stem has one, else `-`); `package` when nothing
/// is left.
pub fn sanitize_name(stem: &str) -> String {
    let placeholder = if stem.contains('_') { '_' } else { '-' };
    let parts: Vec<String> = stem
        .split("::")
        .map(|part| {
            let mut out = String::new();
            for c in part.chars() {
                if out.is_empty() {
                    if (unicode_ident::is_xid_start(c) || c == '_') && !c.is_ascii_digit() {
                        out.push(c);
                    }
                } else if unicode_ident::is_xid_continue(c) || c == '-' {
                    out.push(c);
                } else {
                    out.push(placeholder);
                }
            }
            out
        })
        .collect();
    let name = parts.join("::");
    if name.is_empty() {
        "package".to_string()
    } else {
        name
    }
}

/// The fields a script's manifest may not have, in cargo's order.
fn disallowed_fields(toml: &TomlManifest) -> Vec<&'static str> {
    let pkg = toml.package();
    let mut out = Vec::new();
    let mut check = |present: bool, name: &'static str| {
        if present {
            out.push(name);
        }
    };
    check(toml.workspace.is_some(), "`workspace`");
    check(toml.lib.is_some(), "`lib`");
    check(toml.bin.is_some(), "`bin`");
    check(toml.example.is_some(), "`example`");
    check(toml.test.is_some(), "`test`");
    check(toml.bench.is_some(), "`bench`");
    check(toml.build_dependencies.is_some(), "`build-dependencies`");
    check(toml.build_dependencies2.is_some(), "`build_dependencies`");
    if let Some(p) = pkg {
        check(p.workspace.is_some(), "`package.workspace`");
        check(p.build.is_some(), "`package.build`");
        check(p.metabuild.is_some(), "`package.metabuild`");
        check(p.links.is_some(), "`package.links`");
        check(p.autolib.is_some(), "`package.autolib`");
        check(p.autobins.is_some(), "`package.autobins`");
        check(p.autoexamples.is_some(), "`package.autoexamples`");
        check(p.autotests.is_some(), "`package.autotests`");
        check(p.autobenches.is_some(), "`package.autobenches`");
        check(p.default_run.is_some(), "`package.default-run`");
    }
    out
}

/// The warning cargo prints for a script without `package.edition`.
pub const EDITION_WARNING: &str = "`package.edition` is unspecified, defaulting to `2024`";

/// Fill in what a script's manifest implies: a `[package]` named after the
/// file, the newest edition (the returned warning says so), one binary
/// built from the file, no build script, no target discovery, and a
/// workspace of its own. Fields a script may not have are refused.
pub(crate) fn normalize(
    toml: &mut TomlManifest,
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<(), Chain> {
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    if toml.package.is_none() && toml.project.is_none() {
        toml.package = Some(Box::default());
    }
    let pkg = match (&mut toml.package, &mut toml.project) {
        (Some(p), _) | (None, Some(p)) => p,
        (None, None) => return Err(Chain::new("no `package` section found")),
    };
    if pkg.edition.is_none() {
        pkg.edition = Some(crate::schema::inheritable::InheritableField::Value(
            "2024".to_string(),
        ));
        warnings.push(EDITION_WARNING.to_string());
    }
    let disallowed = disallowed_fields(toml);
    if !disallowed.is_empty() {
        let verb = if disallowed.len() == 1 { "is" } else { "are" };
        return Err(Chain::new(format!(
            "{} {verb} not allowed in embedded manifests",
            disallowed.join(", ")
        )));
    }
    let pkg = match (&mut toml.package, &mut toml.project) {
        (Some(p), _) | (None, Some(p)) => p,
        (None, None) => return Err(Chain::new("no `package` section found")),
    };
    let name = match &pkg.name {
        Some(n) => n.0.clone(),
        None => {
            let n = sanitize_name(&stem);
            pkg.name = Some(crate::schema::names::PackageName(n.clone()));
            n
        }
    };
    pkg.build = Some(TomlPackageBuild::Auto(false));
    pkg.autolib = Some(false);
    pkg.autobins = Some(false);
    pkg.autoexamples = Some(false);
    pkg.autotests = Some(false);
    pkg.autobenches = Some(false);
    toml.bin = Some(vec![TomlTarget {
        name: Some(name),
        path: Some(file_name),
        ..TomlTarget::default()
    }]);
    toml.workspace = Some(TomlWorkspace::default());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontmatter_after_a_shebang_and_blank_lines() {
        let text = "#!/usr/bin/env cargo\n\n---cargo\n[dependencies]\n---\nfn main() {}\n";
        let src = parse(text).unwrap();
        assert_eq!(&text[src.body.clone().unwrap()], "[dependencies]\n");
        assert_eq!(&text[src.info.clone().unwrap()], "cargo");
        assert_eq!(&text[src.content..], "fn main() {}\n");
        let toml = manifest_text(text).unwrap();
        assert_eq!(toml, "#!/usr/bin/env cargo\n\n#---cargo\n[dependencies]\n");
    }

    #[test]
    fn no_frontmatter_or_an_indented_one_is_all_code() {
        assert_eq!(parse("fn main() {}").unwrap().body, None);
        assert_eq!(parse("  ---\n---\n").unwrap().body, None);
        assert_eq!(
            manifest_text("#!/bin/x\nfn main(){}").unwrap(),
            "#!/bin/x\n"
        );
    }

    #[test]
    fn fence_errors_as_cargo_words_them() {
        let err = |t: &str| parse(t).unwrap_err().message;
        assert_eq!(
            err("--\n"),
            "found 2 `-` in rust frontmatter, expected at least 3"
        );
        assert_eq!(err("---\n[a]\n"), "unclosed frontmatter; expected `---`");
        assert_eq!(
            err("----\n[a]\n---\n"),
            "closing code fence has 1 less `-` than the opening fence"
        );
        assert_eq!(
            err("---\n---- \n"),
            "closing code fence has 1 more `-` than the opening fence"
        );
        assert_eq!(
            err("---\n--- x\n"),
            "unexpected characters after frontmatter close"
        );
        assert_eq!(
            err("---\n---\n\n---\n---\n"),
            "only one frontmatter is supported"
        );
        let info = |t: &str| manifest_text(t).unwrap_err().message;
        assert_eq!(
            info("---cargo,clippy\n---\n"),
            "unsupported frontmatter infostring attributes: `clippy`"
        );
        assert_eq!(
            info("--- toml\n---\n"),
            "unsupported frontmatter infostring `toml`; specify `cargo` for embedding a manifest"
        );
    }

    #[test]
    fn names_from_file_stems() {
        assert_eq!(sanitize_name("s-h.w§c!"), "s-h-w-c-");
        assert_eq!(sanitize_name("42answer"), "answer");
        assert_eq!(sanitize_name("42"), "package");
        assert_eq!(sanitize_name("my_script.v2"), "my_script_v2");
        assert_eq!(sanitize_name("echo"), "echo");
    }
}
