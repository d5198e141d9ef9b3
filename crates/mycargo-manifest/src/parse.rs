//! TOML text → [`TomlManifest`], keeping spans: syntax and type errors
//! become [`TomlDiagnostic`]s, ignored keys are collected for the
//! "unused manifest key" warnings.

use std::ops::Range;

use mycargo_util::TomlDiagnostic;
use serde::Deserialize;

use crate::error::ManifestError;
use crate::schema::TomlManifest;

/// A parsed manifest with the document it came from.
pub struct ParsedToml {
    pub manifest: TomlManifest,
    /// Dotted paths of keys no field took (`package.foo`, `bin.0.baz`).
    pub unused: Vec<String>,
    pub document: toml_edit::Document<String>,
}

/// Make a diagnostic at `span` of `source`. Continuation lines of `message`
/// are indented the way cargo's renderer aligns them under `error: `.
pub fn diagnostic(
    message: &str,
    display_path: &str,
    source: &str,
    span: Range<usize>,
) -> TomlDiagnostic {
    let message = message.replace('\n', "\n       ");
    TomlDiagnostic::new(message, display_path, source, span)
}

/// A TOML syntax error at its place. An unclosed array or inline table is
/// shown at the end of the file, where the parser cargo uses reports it.
fn syntax_error(e: &toml_edit::TomlError, display_path: &str, source: &str) -> ManifestError {
    let unclosed = e.message().starts_with("unclosed array")
        || e.message().starts_with("unclosed inline table");
    let span = match unclosed {
        true => source.len()..source.len(),
        false => e.span().unwrap_or(0..0),
    };
    ManifestError::Toml(Box::new(diagnostic(
        e.message(),
        display_path,
        source,
        span,
    )))
}

/// Parse `source` into the schema. `display_path` is how the file is named
/// in diagnostics.
pub fn parse_manifest_toml(source: &str, display_path: &str) -> Result<ParsedToml, ManifestError> {
    let document = toml_edit::Document::parse(source.to_string())
        .map_err(|e| syntax_error(&e, display_path, source))?;
    let de = toml_edit::de::Deserializer::from(document.clone());
    let mut unused = Vec::new();
    let manifest = serde_ignored::deserialize(de, |path| {
        let mut key = String::new();
        stringify(&mut key, &path);
        unused.push(key);
    })
    .map_err(|e: toml_edit::de::Error| {
        let span = e.span().unwrap_or(0..0);
        ManifestError::Toml(Box::new(
            diagnostic(e.message(), display_path, source, span).with_keys(error_keys(&e)),
        ))
    })?;
    Ok(ParsedToml {
        manifest,
        unused,
        document,
    })
}

/// The dotted table keys a deserialization error happened under
/// (`dependencies.foo`), as the deserializer tracked them while unwinding.
/// They are only visible in the error's own rendering, which without the
/// input is the message, a newline, then ``in `keys` `` and a newline.
fn error_keys(e: &toml_edit::de::Error) -> String {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    shown
        .strip_prefix(e.message())
        .and_then(|rest| rest.strip_prefix("\nin `"))
        .and_then(|rest| rest.strip_suffix("`\n"))
        .unwrap_or_default()
        .to_string()
}

/// A dotted key path as cargo prints it (`bin.0.baz`): options and newtypes
/// add nothing.
fn stringify(dst: &mut String, path: &serde_ignored::Path<'_>) {
    use serde_ignored::Path;
    match path {
        Path::Root => {}
        Path::Seq { parent, index } => {
            stringify(dst, parent);
            if !dst.is_empty() {
                dst.push('.');
            }
            dst.push_str(&index.to_string());
        }
        Path::Map { parent, key } => {
            stringify(dst, parent);
            if !dst.is_empty() {
                dst.push('.');
            }
            dst.push_str(key);
        }
        Path::Some { parent }
        | Path::NewtypeVariant { parent }
        | Path::NewtypeStruct { parent } => stringify(dst, parent),
    }
}

/// Deserialize just enough of `source` to read something (used for quick
/// looks at other manifests, e.g. a workspace root).
pub fn parse_as<T: for<'de> Deserialize<'de>>(
    source: &str,
    display_path: &str,
) -> Result<T, ManifestError> {
    let document = toml_edit::Document::parse(source.to_string())
        .map_err(|e| syntax_error(&e, display_path, source))?;
    T::deserialize(toml_edit::de::Deserializer::from(document)).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        ManifestError::Toml(Box::new(
            diagnostic(e.message(), display_path, source, span).with_keys(error_keys(&e)),
        ))
    })
}

/// A node of a parsed document: a table-level item or an inline value.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a toml_edit::Item),
    Value(&'a toml_edit::Value),
    Table(&'a toml_edit::Table),
}

impl<'a> Node<'a> {
    fn child(self, key: &str) -> Option<Node<'a>> {
        use toml_edit::{Item, Value};
        match self {
            Node::Item(Item::Table(t)) => t.get(key).map(Node::Item),
            Node::Item(Item::ArrayOfTables(a)) => a.get(key.parse().ok()?).map(Node::Table),
            Node::Item(Item::Value(v)) | Node::Value(v) => match v {
                Value::InlineTable(t) => t.get(key).map(Node::Value),
                Value::Array(a) => a.get(key.parse().ok()?).map(Node::Value),
                _ => None,
            },
            Node::Table(t) => t.get(key).map(Node::Item),
            Node::Item(_) => None,
        }
    }

    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Item(i) => i.span(),
            Node::Value(v) => v.span(),
            Node::Table(t) => t.span(),
        }
    }

    fn key_span(self, key: &str) -> Option<Range<usize>> {
        use toml_edit::{Item, Value};
        match self {
            Node::Item(Item::Table(t)) | Node::Table(t) => t.key(key).and_then(|k| k.span()),
            Node::Item(Item::Value(Value::InlineTable(t))) | Node::Value(Value::InlineTable(t)) => {
                t.key(key).and_then(|k| k.span())
            }
            _ => None,
        }
    }
}

fn walk<'a>(doc: &'a toml_edit::Document<String>, path: &[&str]) -> Option<Node<'a>> {
    let mut node = Node::Item(doc.as_item());
    for key in path {
        node = node.child(key)?;
    }
    Some(node)
}

/// The span of the value at `path` (keys, and array indices as numbers) in
/// `doc`, for errors found after deserialization.
pub fn span_of(doc: &toml_edit::Document<String>, path: &[&str]) -> Option<Range<usize>> {
    walk(doc, path)?.span()
}

/// The span of the key `path.last()` in its table.
pub fn key_span_of(doc: &toml_edit::Document<String>, path: &[&str]) -> Option<Range<usize>> {
    let (last, parent) = path.split_last()?;
    walk(doc, parent)?.key_span(last)
}
