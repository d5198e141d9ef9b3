//! The config value tree: every value tagged with its [`Definition`], built
//! from a parsed TOML document. Only strings, integers, booleans, arrays and
//! tables are allowed (cargo rejects floats and datetimes).

use std::collections::BTreeMap;

use anyhow::bail;

use crate::key::escape_key_part;
use crate::value::Definition;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConfigValue {
    Integer(i64, Definition),
    String(String, Definition),
    Boolean(bool, Definition),
    List(Vec<ConfigValue>, Definition),
    Table(BTreeMap<String, ConfigValue>, Definition),
}

use ConfigValue as CV;

impl ConfigValue {
    pub(crate) fn empty_table(def: Definition) -> ConfigValue {
        CV::Table(BTreeMap::new(), def)
    }

    pub(crate) fn definition(&self) -> &Definition {
        match self {
            CV::Integer(_, d) | CV::String(_, d) | CV::Boolean(_, d) => d,
            CV::List(_, d) | CV::Table(_, d) => d,
        }
    }

    /// Cargo's name for the type, used in error messages.
    pub(crate) fn desc(&self) -> &'static str {
        match self {
            CV::Table(..) => "table",
            CV::List(..) => "array",
            CV::String(..) => "string",
            CV::Boolean(..) => "boolean",
            CV::Integer(..) => "integer",
        }
    }

    pub(crate) fn is_container(&self) -> bool {
        matches!(self, CV::List(..) | CV::Table(..))
    }

    /// Convert a whole document. Errors name the key path, as cargo's do:
    /// `failed to parse config at `build.x[1].a`` caused by
    /// `unsupported TOML configuration type `float``.
    pub(crate) fn from_document(
        table: &toml_edit::Table,
        def: &Definition,
    ) -> anyhow::Result<ConfigValue> {
        let mut path = Vec::new();
        from_table(table.iter(), def, &mut path).map_err(|e| {
            e.context(format!(
                "failed to parse config at `{}`",
                render_path(&path)
            ))
        })
    }
}

enum Seg {
    Key(String),
    Idx(usize),
}

fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&escape_key_part(k));
            }
            Seg::Idx(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn from_table<'a>(
    entries: impl Iterator<Item = (&'a str, &'a toml_edit::Item)>,
    def: &Definition,
    path: &mut Vec<Seg>,
) -> anyhow::Result<ConfigValue> {
    let mut map = BTreeMap::new();
    for (key, item) in entries {
        path.push(Seg::Key(key.to_string()));
        let Some(value) = from_item(item, def, path)? else {
            path.pop();
            continue;
        };
        path.pop();
        map.insert(key.to_string(), value);
    }
    Ok(CV::Table(map, def.clone()))
}

fn from_item(
    item: &toml_edit::Item,
    def: &Definition,
    path: &mut Vec<Seg>,
) -> anyhow::Result<Option<ConfigValue>> {
    Ok(Some(match item {
        toml_edit::Item::None => return Ok(None),
        toml_edit::Item::Value(v) => from_value(v, def, path)?,
        toml_edit::Item::Table(t) => from_table(t.iter(), def, path)?,
        toml_edit::Item::ArrayOfTables(a) => {
            let mut list = Vec::new();
            for (i, t) in a.iter().enumerate() {
                path.push(Seg::Idx(i));
                list.push(from_table(t.iter(), def, path)?);
                path.pop();
            }
            CV::List(list, def.clone())
        }
    }))
}

fn from_value(
    value: &toml_edit::Value,
    def: &Definition,
    path: &mut Vec<Seg>,
) -> anyhow::Result<ConfigValue> {
    use toml_edit::Value as V;
    Ok(match value {
        V::String(s) => CV::String(s.value().clone(), def.clone()),
        V::Integer(i) => CV::Integer(*i.value(), def.clone()),
        V::Boolean(b) => CV::Boolean(*b.value(), def.clone()),
        V::Array(a) => {
            let mut list = Vec::new();
            for (i, v) in a.iter().enumerate() {
                path.push(Seg::Idx(i));
                list.push(from_value(v, def, path)?);
                path.pop();
            }
            CV::List(list, def.clone())
        }
        V::InlineTable(t) => {
            let mut map = BTreeMap::new();
            for (k, v) in t.iter() {
                path.push(Seg::Key(k.to_string()));
                map.insert(k.to_string(), from_value(v, def, path)?);
                path.pop();
            }
            CV::Table(map, def.clone())
        }
        V::Float(_) => bail!("unsupported TOML configuration type `float`"),
        V::Datetime(_) => bail!("unsupported TOML configuration type `datetime`"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> Definition {
        Definition::Path("/w/.cargo/config.toml".into())
    }

    fn parse(s: &str) -> anyhow::Result<ConfigValue> {
        let doc: toml_edit::DocumentMut = s.parse()?;
        ConfigValue::from_document(doc.as_table(), &def())
    }

    #[test]
    fn converts_all_supported_types() -> anyhow::Result<()> {
        let cv = parse("a = 1\nb = 'x'\nc = true\nd = [1, 'y']\ne = { f = 2 }\n[[g]]\nh = 3\n")?;
        let CV::Table(map, _) = cv else {
            panic!("root is a table")
        };
        assert_eq!(map["a"], CV::Integer(1, def()));
        assert_eq!(map["b"], CV::String("x".into(), def()));
        assert_eq!(map["c"], CV::Boolean(true, def()));
        assert_eq!(map["d"].desc(), "array");
        assert_eq!(map["e"].desc(), "table");
        let CV::List(g, _) = &map["g"] else {
            panic!("g is a list")
        };
        assert_eq!(g[0].desc(), "table");
        Ok(())
    }

    #[test]
    fn float_is_rejected_with_key_path() {
        let err = parse("[build]\nx = [1, { a = 1.5 }]\n").expect_err("floats are unsupported");
        let chain: Vec<String> = err.chain().map(|e| e.to_string()).collect();
        assert_eq!(
            chain,
            [
                "failed to parse config at `build.x[1].a`",
                "unsupported TOML configuration type `float`"
            ]
        );
        let err = parse("d = 1979-05-27\n").expect_err("datetimes are unsupported");
        assert!(format!("{err:#}").contains("`datetime`"));
    }
}
