//! `config get`: the configuration as TOML or JSON, merged or file by
//! file, with where each value was defined.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::bail;

use crate::Config;
use crate::get::lookup;
use crate::key::{ConfigKey, escape_key_part};
use crate::load::{Loader, WhyLoad};
use crate::tree::ConfigValue as CV;
use crate::value::Definition;

/// How `config get` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowFormat {
    Toml,
    Json,
    JsonValue,
}

/// What `config get` asks for.
#[derive(Debug, Clone)]
pub struct ShowRequest<'a> {
    /// The dotted key; the whole configuration when `None`.
    pub key: Option<&'a str>,
    pub format: ShowFormat,
    pub show_origin: bool,
    /// `--merged=yes` (the default) or file by file.
    pub merged: bool,
}

/// What to print: the text for stdout, and a note for stderr (the JSON
/// formats list the environment variables there).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shown {
    pub stdout: String,
    pub stderr: Option<String>,
}

impl Config {
    /// `config get` (cargo's `-Z unstable-options` command).
    pub fn show(&self, req: &ShowRequest<'_>) -> anyhow::Result<Shown> {
        let key = ConfigKey::parse(req.key.unwrap_or(""));
        if req.format != ShowFormat::Toml {
            let name = if req.format == ShowFormat::Json {
                "json"
            } else {
                "json-value"
            };
            if req.show_origin {
                bail!(
                    "the `{name}` format does not support --show-origin, try the `toml` format instead"
                );
            }
            if !req.merged {
                bail!(
                    "the `{name}` format does not support --merged=no, try the `toml` format instead"
                );
            }
        }
        if req.merged {
            self.show_merged(&key, req)
        } else {
            self.show_unmerged(&key, req)
        }
    }

    fn show_merged(&self, key: &ConfigKey, req: &ShowRequest<'_>) -> anyhow::Result<Shown> {
        let value = match self.get_cv(key)? {
            Some(v) => Some(self.with_env(key, v.clone())),
            None => self.env_only(key),
        };
        let Some(value) = value else {
            bail!("config value `{key}` is not set");
        };
        // A table's values are the files' and `--config`'s: the variables
        // that may change what is under it are listed.
        let env_vars = match &value {
            CV::Table(..) => self.env_vars_under(key, "CARGO_"),
            _ => Vec::new(),
        };
        let mut out = Shown::default();
        match req.format {
            ShowFormat::Toml => {
                print_toml(&mut out.stdout, key, &value, req.show_origin);
                if !env_vars.is_empty() {
                    out.stdout.push_str(
                        "# The following environment variables may affect the loaded values.\n",
                    );
                    for (k, v) in &env_vars {
                        let _ = writeln!(out.stdout, "# {k}={}", shell_escape(v));
                    }
                }
            }
            ShowFormat::Json | ShowFormat::JsonValue => {
                let mut json = to_json(&value);
                if req.format == ShowFormat::Json {
                    for part in key.parts().iter().rev() {
                        let mut map = serde_json::Map::new();
                        map.insert(part.clone(), json);
                        json = serde_json::Value::Object(map);
                    }
                }
                out.stdout = format!("{json}\n");
                if !env_vars.is_empty() {
                    let mut note = String::from(
                        "note: The following environment variables may affect the loaded values.\n",
                    );
                    for (k, v) in &env_vars {
                        let _ = writeln!(note, "{k}={}", shell_escape(v));
                    }
                    out.stderr = Some(note);
                }
            }
        }
        Ok(out)
    }

    fn show_unmerged(&self, key: &ConfigKey, req: &ShowRequest<'_>) -> anyhow::Result<Shown> {
        let mut out = Shown::default();
        let section = |title: &str, value: &CV, out: &mut Shown| -> anyhow::Result<()> {
            let Some(v) = lookup(value, key)? else {
                return Ok(());
            };
            let _ = writeln!(out.stdout, "# {title}");
            print_toml(&mut out.stdout, key, v, req.show_origin);
            out.stdout.push('\n');
            Ok(())
        };
        // Highest precedence first: `--config`, the environment, then the
        // files from the most specific, each file after what it includes.
        if let Some(cli) = &self.cli_values {
            section("--config cli option", cli, &mut out)?;
        }
        let prefix = if key.parts().is_empty() {
            "CARGO".to_string()
        } else {
            key.env_key()
        };
        let env_vars = self.env_vars_under_exact(&prefix);
        if !env_vars.is_empty() {
            out.stdout.push_str("# Environment variables\n");
            for (k, v) in &env_vars {
                let _ = writeln!(out.stdout, "# {k}={}", shell_escape(v));
            }
            out.stdout.push('\n');
        }
        for (path, value) in self.files_unmerged()? {
            section(&path.display().to_string(), &value, &mut out)?;
        }
        Ok(out)
    }

    /// Each discovered file as written (`include` and all), most specific
    /// first, after the files it includes.
    fn files_unmerged(&self) -> anyhow::Result<Vec<(PathBuf, CV)>> {
        let mut loader = Loader {
            cwd: self.env.cwd(),
            discovery_root: None,
            warnings: Vec::new(),
            files: Vec::new(),
        };
        let mut out = Vec::new();
        for path in loader.discover(&self.cargo_home) {
            let value = loader.read_raw(&path, WhyLoad::Discovery)?;
            for include in crate::load::include_paths(&value)? {
                if include.exists() {
                    out.push((
                        include.clone(),
                        loader.read_raw(&include, WhyLoad::Discovery)?,
                    ));
                }
            }
            out.push((path, value));
        }
        Ok(out)
    }

    /// `CARGO_...` variables of the environment that may change `key`'s
    /// value, sorted (`prefix` then the key's own spelling).
    fn env_vars_under(&self, key: &ConfigKey, prefix: &str) -> Vec<(String, String)> {
        let wanted = if key.parts().is_empty() {
            prefix.to_string()
        } else {
            key.env_key()
        };
        self.env_vars_under_exact(&wanted)
    }

    fn env_vars_under_exact(&self, prefix: &str) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = self
            .env
            .with_prefix(prefix)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        vars.sort();
        vars
    }

    /// A value at a named key, with its environment variable applied as
    /// cargo applies it there (lists extended, scalars replaced, but not
    /// over `--config`). The whole configuration keeps the files' values.
    fn with_env(&self, key: &ConfigKey, value: CV) -> CV {
        if key.parts().is_empty() {
            return value;
        }
        let env_key = key.env_key();
        let Some(raw) = self.env.get(&env_key) else {
            return value;
        };
        let def = Definition::Environment(env_key.clone());
        match value {
            CV::List(mut items, d) => {
                items.extend(
                    raw.split_whitespace()
                        .map(|s| CV::String(s.to_string(), def.clone())),
                );
                // Files, then the environment, then `--config`.
                items.sort_by_key(|i| i.definition().rank());
                CV::List(items, d)
            }
            CV::Table(..) => value,
            scalar if scalar.definition().rank() < def.rank() => scalar_from_env(raw, def),
            scalar => scalar,
        }
    }

    /// A key set only in the environment.
    fn env_only(&self, key: &ConfigKey) -> Option<CV> {
        if key.parts().is_empty() {
            return None;
        }
        let env_key = key.env_key();
        let raw = self.env.get(&env_key)?;
        Some(scalar_from_env(raw, Definition::Environment(env_key)))
    }
}

fn scalar_from_env(raw: &str, def: Definition) -> CV {
    if let Ok(n) = raw.parse::<i64>() {
        CV::Integer(n, def)
    } else if let Ok(b) = raw.parse::<bool>() {
        CV::Boolean(b, def)
    } else {
        CV::String(raw.to_string(), def)
    }
}

/// `key = value` lines for every leaf under `value` (tables flattened into
/// dotted keys), with `# origin` comments when asked.
fn print_toml(out: &mut String, key: &ConfigKey, value: &CV, show_origin: bool) {
    match value {
        CV::Table(map, _) => {
            let mut key = key.clone();
            for (k, v) in map {
                key.push(k);
                print_toml(out, &key, v, show_origin);
                key.pop();
            }
        }
        CV::List(items, _) if show_origin => {
            let _ = writeln!(out, "{} = [", dotted(key));
            for item in items {
                let _ = writeln!(out, "    {}, # {}", inline(item), item.definition());
            }
            out.push_str("]\n");
        }
        leaf => {
            let _ = write!(out, "{} = {}", dotted(key), inline(leaf));
            if show_origin {
                let _ = write!(out, " # {}", leaf.definition());
            }
            out.push('\n');
        }
    }
}

fn dotted(key: &ConfigKey) -> String {
    key.parts()
        .iter()
        .map(|p| escape_key_part(p))
        .collect::<Vec<_>>()
        .join(".")
}

/// A value in TOML's inline form: `"s"`, `1`, `[1, 2]`, `{ x = 1 }`.
fn inline(value: &CV) -> String {
    match value {
        CV::Integer(n, _) => n.to_string(),
        CV::Boolean(b, _) => b.to_string(),
        CV::String(s, _) => toml_edit::Value::from(s.as_str())
            .to_string()
            .trim()
            .to_string(),
        CV::List(items, _) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        CV::Table(map, _) if map.is_empty() => "{}".to_string(),
        CV::Table(map, _) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{} = {}", escape_key_part(k), inline(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
    }
}

fn to_json(value: &CV) -> serde_json::Value {
    match value {
        CV::Integer(n, _) => serde_json::Value::from(*n),
        CV::Boolean(b, _) => serde_json::Value::from(*b),
        CV::String(s, _) => serde_json::Value::from(s.as_str()),
        CV::List(items, _) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        CV::Table(map, _) => {
            serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// A value as a POSIX shell would need it quoted (bare when safe).
fn shell_escape(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=/,.+:@%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> Definition {
        Definition::Path(PathBuf::from("/c.toml"))
    }

    #[test]
    fn inline_values_as_toml_writes_them() {
        let list = CV::List(
            vec![
                CV::Integer(1, def()),
                CV::Boolean(true, def()),
                CV::String("a\"b".into(), def()),
                CV::Table([("x".to_string(), CV::List(vec![], def()))].into(), def()),
            ],
            def(),
        );
        assert_eq!(inline(&list), r#"[1, true, 'a"b', { x = [] }]"#);
    }

    #[test]
    fn keys_are_quoted_only_when_needed() {
        let key = ConfigKey::from_parts(["target", "cfg(unix)", "runner"]);
        assert_eq!(dotted(&key), r#"target."cfg(unix)".runner"#);
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_escape("100"), "100");
        assert_eq!(shell_escape("/a/b"), "/a/b");
        assert_eq!(shell_escape("cat dog"), "'cat dog'");
        assert_eq!(shell_escape("it's"), r"'it'\''s'");
    }
}
