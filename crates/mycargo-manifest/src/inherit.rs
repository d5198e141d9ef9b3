//! `workspace = true` inheritance: the values a workspace root offers
//! ([`InheritableFields`]) and the lookups with cargo's errors. Path-valued
//! fields (`readme`, `license-file`, path dependencies) are rebased from the
//! root to the member.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Chain;
use crate::schema::{InheritablePackage, StringOrBool, TomlDependency, TomlLints, VecStringOrBool};

/// What `[workspace.package]`, `[workspace.dependencies]` and
/// `[workspace.lints]` of a root provide.
#[derive(Debug, Clone, Default)]
pub struct InheritableFields {
    pub package: InheritablePackage,
    pub dependencies: BTreeMap<String, TomlDependency>,
    /// Whether the root has a `[workspace.dependencies]` table at all.
    pub dependencies_defined: bool,
    pub lints: Option<TomlLints>,
    /// The directory of the root manifest.
    pub ws_root: PathBuf,
}

fn missing(key: &str) -> Chain {
    Chain::new(format!("`workspace.package.{key}` was not defined"))
}

/// Wrap an inheritance failure as cargo does.
pub(crate) fn inherit_context(key: &str, section: &str, err: Chain) -> Chain {
    err.context(format!(
        "error inheriting `{key}` from workspace root manifest's `workspace.{section}.{key}`"
    ))
}

macro_rules! getter {
    ($fn:ident, $field:ident, $key:literal, $ty:ty) => {
        pub fn $fn(&self) -> Result<$ty, Chain> {
            self.package.$field.clone().ok_or_else(|| missing($key))
        }
    };
}

impl InheritableFields {
    getter!(version, version, "version", semver::Version);
    getter!(authors, authors, "authors", Vec<String>);
    getter!(description, description, "description", String);
    getter!(homepage, homepage, "homepage", String);
    getter!(documentation, documentation, "documentation", String);
    getter!(keywords, keywords, "keywords", Vec<String>);
    getter!(categories, categories, "categories", Vec<String>);
    getter!(license, license, "license", String);
    getter!(repository, repository, "repository", String);
    getter!(publish, publish, "publish", VecStringOrBool);
    getter!(edition, edition, "edition", String);
    getter!(exclude, exclude, "exclude", Vec<String>);
    getter!(include, include, "include", Vec<String>);
    getter!(
        rust_version,
        rust_version,
        "rust-version",
        crate::schema::RustVersion
    );

    /// `readme`, rebased to be relative to `package_root`.
    pub fn readme(&self, package_root: &Path) -> Result<StringOrBool, Chain> {
        match self.package.readme.clone() {
            Some(StringOrBool::String(p)) => Ok(StringOrBool::String(rebase(
                &self.ws_root,
                &p,
                package_root,
            ))),
            Some(b) => Ok(b),
            None => Err(missing("readme")),
        }
    }

    /// `license-file`, rebased to be relative to `package_root`.
    pub fn license_file(&self, package_root: &Path) -> Result<String, Chain> {
        match &self.package.license_file {
            Some(p) => Ok(rebase(&self.ws_root, p, package_root)),
            None => Err(missing("license-file")),
        }
    }

    /// A `[workspace.dependencies]` entry, with a relative `path` rebased
    /// onto `package_root`.
    pub fn dependency(&self, name: &str, package_root: &Path) -> Result<TomlDependency, Chain> {
        if !self.dependencies_defined {
            return Err(Chain::new("`workspace.dependencies` was not defined"));
        }
        let dep = self.dependencies.get(name).cloned().ok_or_else(|| {
            Chain::new(format!(
                "`dependency.{name}` was not found in `workspace.dependencies`"
            ))
        })?;
        Ok(match dep {
            TomlDependency::Detailed(mut d) => {
                // A path under a named base is not relative to the root.
                if let Some(p) = &d.path
                    && d.base.is_none()
                {
                    d.path = Some(rebase(&self.ws_root, p, package_root));
                }
                TomlDependency::Detailed(d)
            }
            simple => simple,
        })
    }

    pub fn lints(&self) -> Result<TomlLints, Chain> {
        self.lints
            .clone()
            .ok_or_else(|| Chain::new("`workspace.lints` was not defined"))
    }
}

/// `path` (relative to `from`) expressed relative to `to`, with `/`
/// separators as cargo writes them.
pub(crate) fn rebase(from: &Path, path: &str, to: &Path) -> String {
    let abs = mycargo_util::fs::normalize_path(&from.join(path));
    let to = mycargo_util::fs::normalize_path(to);
    match mycargo_util::fs::diff_paths(&abs, &to) {
        Some(p) => p
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        None => abs.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebasing() {
        assert_eq!(
            rebase(Path::new("/ws"), "README.md", Path::new("/ws/m1")),
            "../README.md"
        );
        assert_eq!(
            rebase(Path::new("/ws"), "docs/R.md", Path::new("/ws/a/b")),
            "../../docs/R.md"
        );
        assert_eq!(
            rebase(Path::new("/ws"), "../dep", Path::new("/ws/m")),
            "../../dep"
        );
        assert_eq!(rebase(Path::new("/ws"), "m/x", Path::new("/ws/m")), "x");
    }
}
