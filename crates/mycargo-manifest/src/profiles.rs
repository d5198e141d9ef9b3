//! `[profile.*]`: typed settings, cargo's validation when a manifest is read,
//! and `inherits` resolution for when a profile is used.

use std::collections::BTreeMap;

use mycargo_core::PackageIdSpec;

use crate::error::Chain;
use crate::schema::{StringOrBool, TomlDebugInfo, TomlProfile, TomlProfiles};

/// `opt-level`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptLevel {
    /// `0`..`3` (or another number cargo passes through to rustc).
    Level(String),
    /// `"s"`.
    Size,
    /// `"z"`.
    SizeMin,
}

/// `lto`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lto {
    /// `false`: thin-local LTO (rustc's default).
    False,
    /// `true` (`-C lto`; the string `"fat"` is passed on as named).
    Fat,
    Thin,
    /// `"off"`.
    Off,
    /// Any other string, passed to rustc.
    Named(String),
}

/// `strip`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strip {
    None,
    DebugInfo,
    Symbols,
    Named(String),
}

/// `panic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanicStrategy {
    Unwind,
    Abort,
    ImmediateAbort,
}

/// Which packages a `[profile.x.package.<spec>]` table applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProfilePackageSpec {
    All,
    Spec(PackageIdSpec),
}

/// One profile layer (a named profile, a `package` override or a
/// `build-override`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub opt_level: Option<OptLevel>,
    pub lto: Option<Lto>,
    pub codegen_backend: Option<String>,
    pub codegen_units: Option<u32>,
    pub debug: Option<TomlDebugInfo>,
    pub split_debuginfo: Option<String>,
    pub debug_assertions: Option<bool>,
    pub rpath: Option<bool>,
    pub panic: Option<PanicStrategy>,
    pub overflow_checks: Option<bool>,
    pub incremental: Option<bool>,
    pub inherits: Option<String>,
    pub strip: Option<Strip>,
    pub rustflags: Option<Vec<String>>,
    pub trim_paths: Option<toml::Value>,
    pub package: Vec<(ProfilePackageSpec, Profile)>,
    pub build_override: Option<Box<Profile>>,
}

/// All profiles of a manifest, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profiles {
    pub profiles: BTreeMap<String, Profile>,
}

fn feature_required(feature: &str, anchor: &str) -> Chain {
    Chain::new(format!(
        "feature `{feature}` is required\n\n\
         The package requires the Cargo feature called `{feature}`, but that feature is not stabilized in this version of Cargo (1.95.0).\n\
         Consider trying a newer version of Cargo (this may require the nightly release).\n\
         See https://doc.rust-lang.org/nightly/cargo/reference/unstable.html#{anchor} for more information about the status of this feature."
    ))
}

fn validate_layer(p: &TomlProfile, features: &[String]) -> Result<(), Chain> {
    if p.codegen_backend.is_some() {
        return Err(feature_required("codegen-backend", "codegen-backend"));
    }
    if p.rustflags.is_some() && !features.iter().any(|f| f == "profile-rustflags") {
        return Err(feature_required(
            "profile-rustflags",
            "profile-rustflags-option",
        ));
    }
    if p.trim_paths.is_some() {
        return Err(feature_required("trim-paths", "profile-trim-paths-option"));
    }
    if p.hint_mostly_unused.is_some() {
        return Err(feature_required(
            "profile-hint-mostly-unused",
            "profile-hint-mostly-unused",
        ));
    }
    Ok(())
}

fn validate_override(p: &TomlProfile, which: &str) -> Result<(), Chain> {
    if p.package.is_some() {
        return Err(Chain::new("package-specific profiles cannot be nested"));
    }
    if p.build_override.is_some() {
        return Err(Chain::new("build-override profiles cannot be nested"));
    }
    for (key, set) in [
        ("panic", p.panic.is_some()),
        ("lto", p.lto.is_some()),
        ("rpath", p.rpath.is_some()),
    ] {
        if set {
            return Err(Chain::new(format!(
                "`{key}` may not be specified in a `{which}` profile"
            )));
        }
    }
    Ok(())
}

/// cargo's checks of one `[profile.<name>]`.
fn validate_profile(
    name: &str,
    p: &TomlProfile,
    features: &[String],
    warnings: &mut Vec<String>,
) -> Result<(), Chain> {
    validate_layer(p, features)?;
    if let Some(b) = &p.build_override {
        validate_override(b, "build-override")?;
        validate_layer(b, features)?;
    }
    for pkg in p.package.iter().flat_map(|m| m.values()) {
        validate_override(pkg, "package")?;
        validate_layer(pkg, features)?;
    }
    if let Some(dir) = &p.dir_name {
        return Err(Chain::new(format!(
            "dir-name=\"{dir}\" in profile `{name}` is not currently allowed, directory names are tied to the profile name for custom profiles"
        )));
    }
    if p.inherits.as_deref() == Some("debug") {
        return Err(Chain::new(format!(
            "profile.{name}.inherits=\"debug\" should be profile.{name}.inherits=\"dev\""
        )));
    }
    match name {
        "doc" => warnings.push("profile `doc` is deprecated and has no effect".to_string()),
        "test" | "bench" if p.panic.is_some() => {
            warnings.push(format!("`panic` setting is ignored for `{name}` profile"))
        }
        _ => {}
    }
    if let Some(panic) = &p.panic
        && !matches!(panic.as_str(), "unwind" | "abort" | "immediate-abort")
    {
        return Err(Chain::new(format!(
            "`panic` setting of `{panic}` is not a valid setting, must be `unwind`, `abort`, or `immediate-abort`."
        )));
    }
    if let Some(StringOrBool::String(arg)) = &p.lto
        && (arg == "true" || arg == "false")
    {
        return Err(Chain::new(format!(
            "`lto` setting of string `\"{arg}\"` for `{name}` profile is not a valid setting, must be a boolean (`true`/`false`) or a string (`\"thin\"`/`\"fat\"`/`\"off\"`) or omitted."
        )));
    }
    Ok(())
}

fn convert_layer(p: &TomlProfile) -> Result<Profile, Chain> {
    let mut package = Vec::new();
    for (key, sub) in p.package.iter().flat_map(|m| m.iter()) {
        let spec = if key.as_str() == "*" {
            ProfilePackageSpec::All
        } else {
            ProfilePackageSpec::Spec(
                PackageIdSpec::parse(key, None).map_err(|e| Chain::new(e.to_string()))?,
            )
        };
        package.push((spec, convert_layer(sub)?));
    }
    Ok(Profile {
        opt_level: p.opt_level.as_ref().map(|o| match o.0.as_str() {
            "s" => OptLevel::Size,
            "z" => OptLevel::SizeMin,
            n => OptLevel::Level(n.to_string()),
        }),
        lto: p.lto.as_ref().map(|l| match l {
            StringOrBool::Bool(true) => Lto::Fat,
            StringOrBool::Bool(false) => Lto::False,
            StringOrBool::String(s) => match s.as_str() {
                "thin" => Lto::Thin,
                "off" => Lto::Off,
                other => Lto::Named(other.to_string()),
            },
        }),
        codegen_backend: p.codegen_backend.clone(),
        codegen_units: p.codegen_units,
        debug: p.debug,
        split_debuginfo: p.split_debuginfo.clone(),
        debug_assertions: p.debug_assertions,
        rpath: p.rpath,
        panic: p.panic.as_deref().map(|s| match s {
            "abort" => PanicStrategy::Abort,
            "immediate-abort" => PanicStrategy::ImmediateAbort,
            _ => PanicStrategy::Unwind,
        }),
        overflow_checks: p.overflow_checks,
        incremental: p.incremental,
        inherits: p.inherits.clone(),
        strip: p.strip.as_ref().map(|s| match s {
            StringOrBool::Bool(true) => Strip::Symbols,
            StringOrBool::Bool(false) => Strip::None,
            StringOrBool::String(s) => match s.as_str() {
                "none" => Strip::None,
                "debuginfo" => Strip::DebugInfo,
                "symbols" => Strip::Symbols,
                other => Strip::Named(other.to_string()),
            },
        }),
        rustflags: p.rustflags.clone(),
        trim_paths: p.trim_paths.clone(),
        package,
        build_override: match &p.build_override {
            Some(b) => Some(Box::new(convert_layer(b)?)),
            None => None,
        },
    })
}

impl Profiles {
    /// Validate and convert `[profile]`.
    pub(crate) fn from_toml(
        toml: &TomlProfiles,
        cargo_features: &[String],
        warnings: &mut Vec<String>,
    ) -> Result<Profiles, Chain> {
        let mut profiles = BTreeMap::new();
        for (name, p) in &toml.0 {
            validate_profile(name, p, cargo_features, warnings)?;
            profiles.insert(name.0.clone(), convert_layer(p)?);
        }
        Ok(Profiles { profiles })
    }

    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The chain of profiles `name` inherits from, itself first, ending at
    /// a built-in (`dev`, `release`, or `test`/`bench`/`doc`/`check` which
    /// inherit from them). Errors are cargo's for missing `inherits`,
    /// unknown parents and loops.
    pub fn inheritance_chain(&self, name: &str) -> Result<Vec<String>, Chain> {
        let builtin_parent = |n: &str| match n {
            "test" | "doc" | "check" => Some("dev"),
            "bench" => Some("release"),
            _ => None,
        };
        let mut chain = vec![name.to_string()];
        let mut current = name.to_string();
        loop {
            if current == "dev" || current == "release" {
                return Ok(chain);
            }
            let parent = match self.profiles.get(&current).and_then(|p| p.inherits.clone()) {
                Some(p) => p,
                None => match builtin_parent(&current) {
                    Some(p) => p.to_string(),
                    None if self.profiles.contains_key(&current) => {
                        return Err(Chain::new(format!(
                            "profile `{current}` is missing an `inherits` directive \
                             (`inherits` is required for all profiles except `dev` or `release`)"
                        )));
                    }
                    None => {
                        return Err(Chain::new(format!("profile `{current}` is not defined")));
                    }
                },
            };
            if chain.contains(&parent) {
                return Err(Chain::new(format!(
                    "profile inheritance loop detected with profile `{current}` inheriting `{parent}`"
                )));
            }
            if !self.profiles.contains_key(&parent)
                && !matches!(
                    parent.as_str(),
                    "dev" | "release" | "test" | "bench" | "doc" | "check"
                )
            {
                return Err(Chain::new(format!(
                    "profile `{current}` inherits from `{parent}`, but that profile is not defined"
                )));
            }
            chain.push(parent.clone());
            current = parent;
        }
    }
}

/// A `[profile.<name>]` table read from configuration: cargo's checks of a
/// manifest profile, then converted.
pub fn profile_from_config(
    name: &str,
    toml: &TomlProfile,
    features: &[String],
    warnings: &mut Vec<String>,
) -> Result<Profile, Chain> {
    validate_profile(name, toml, features, warnings)?;
    convert_layer(toml)
}

impl Profile {
    /// Lay `over` (configuration) on this layer (the manifest's), key by
    /// key, as cargo merges config profiles: `package` overrides merge by
    /// spec, `build-override` merges too.
    pub fn merge(&mut self, over: &Profile) {
        macro_rules! take {
            ($($f:ident),*) => {$(
                if over.$f.is_some() {
                    self.$f = over.$f.clone();
                }
            )*};
        }
        take!(
            opt_level,
            lto,
            codegen_backend,
            codegen_units,
            debug,
            split_debuginfo,
            debug_assertions,
            rpath,
            panic,
            overflow_checks,
            incremental,
            inherits,
            strip,
            rustflags,
            trim_paths
        );
        for (spec, p) in &over.package {
            match self.package.iter_mut().find(|(s, _)| s == spec) {
                Some((_, mine)) => mine.merge(p),
                None => self.package.push((spec.clone(), p.clone())),
            }
        }
        if let Some(bo) = &over.build_override {
            match &mut self.build_override {
                Some(mine) => mine.merge(bo),
                None => self.build_override = Some(bo.clone()),
            }
        }
    }
}
