//! Concrete profile settings for a unit: the built-in `dev`/`release`
//! defaults, then `[profile.*]` layers along the `inherits` chain, then
//! `[profile.x.package.<spec>]` overrides, then `build-override` for host
//! units — cargo's order.

use mycargo_core::PackageId;
use mycargo_manifest::schema::TomlDebugInfo;
use mycargo_manifest::{
    Lto, OptLevel, PanicStrategy, Profile, ProfilePackageSpec, Profiles, Strip,
};

/// Every setting that reaches rustc, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResolvedProfile {
    /// The profile's name (`dev`, `release`, a custom one).
    pub name: String,
    pub opt_level: String,
    pub lto: LtoSetting,
    pub codegen_units: Option<u32>,
    /// `-C debuginfo=` value; `None` when off.
    pub debuginfo: Option<String>,
    pub debug_assertions: bool,
    pub overflow_checks: bool,
    pub rpath: bool,
    pub incremental: bool,
    pub panic: &'static str,
    /// `-C strip=` value; `None` for no stripping.
    pub strip: Option<String>,
    pub split_debuginfo: Option<String>,
    /// `rustflags` (nightly `profile-rustflags`).
    pub rustflags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LtoSetting {
    /// Not set: rustc's default (thin-local), with `-C embed-bitcode=no`.
    Default,
    Off,
    Fat,
    Thin,
    Named(String),
}

impl ResolvedProfile {
    fn dev() -> ResolvedProfile {
        ResolvedProfile {
            name: "dev".into(),
            opt_level: "0".into(),
            lto: LtoSetting::Default,
            codegen_units: None,
            debuginfo: Some("2".into()),
            debug_assertions: true,
            overflow_checks: true,
            rpath: false,
            incremental: true,
            panic: "unwind",
            strip: None,
            split_debuginfo: None,
            rustflags: Vec::new(),
        }
    }

    fn release() -> ResolvedProfile {
        ResolvedProfile {
            name: "release".into(),
            opt_level: "3".into(),
            debuginfo: None,
            debug_assertions: false,
            overflow_checks: false,
            incremental: false,
            ..ResolvedProfile::dev()
        }
    }

    /// Everything that changes the output, without the profile's name: a
    /// dependency built by `build` and by `test` (profile `test`, the same
    /// settings) is one compilation, as cargo hashes it.
    pub fn comparable(&self) -> String {
        let named = ResolvedProfile {
            name: String::new(),
            ..self.clone()
        };
        format!("{named:?}")
    }

    /// The words of the `Finished` line: `optimized` or `unoptimized`,
    /// `+ debuginfo` when on.
    pub fn describe(&self) -> String {
        let mut s = if self.opt_level == "0" {
            "unoptimized".to_string()
        } else {
            "optimized".to_string()
        };
        if self.debuginfo.is_some() {
            s.push_str(" + debuginfo");
        }
        s
    }

    /// Override tables (`build-override`, `package.<spec>`) of the
    /// profile's inheritance chain, merged as one: `strip` is unset unless
    /// one of them sets it.
    fn apply_override<'p>(&mut self, layers: impl Iterator<Item = &'p Profile>) {
        let (mut any, mut strip_set) = (false, false);
        for layer in layers {
            self.apply(layer);
            any = true;
            strip_set |= layer.strip.is_some();
        }
        if any && !strip_set {
            self.strip = None;
        }
    }

    fn apply(&mut self, layer: &Profile) {
        if let Some(o) = &layer.opt_level {
            self.opt_level = match o {
                OptLevel::Level(l) => l.clone(),
                OptLevel::Size => "s".into(),
                OptLevel::SizeMin => "z".into(),
            };
        }
        if let Some(l) = &layer.lto {
            self.lto = match l {
                Lto::False => LtoSetting::Default,
                Lto::Fat => LtoSetting::Fat,
                Lto::Thin => LtoSetting::Thin,
                Lto::Off => LtoSetting::Off,
                Lto::Named(n) => LtoSetting::Named(n.clone()),
            };
        }
        if let Some(c) = layer.codegen_units {
            self.codegen_units = Some(c);
        }
        if let Some(d) = layer.debug {
            self.debuginfo = match d {
                TomlDebugInfo::None => None,
                other => Some(other.as_rustc_arg().to_string()),
            };
        }
        if let Some(v) = layer.debug_assertions {
            self.debug_assertions = v;
        }
        if let Some(v) = layer.overflow_checks {
            self.overflow_checks = v;
        }
        if let Some(v) = layer.rpath {
            self.rpath = v;
        }
        if let Some(v) = layer.incremental {
            self.incremental = v;
        }
        if let Some(p) = layer.panic {
            self.panic = match p {
                PanicStrategy::Unwind => "unwind",
                PanicStrategy::Abort => "abort",
                PanicStrategy::ImmediateAbort => "immediate-abort",
            };
        }
        if let Some(s) = &layer.strip {
            self.strip = match s {
                Strip::None => Some("none".into()),
                Strip::DebugInfo => Some("debuginfo".into()),
                Strip::Symbols => Some("symbols".into()),
                Strip::Named(n) => Some(n.clone()),
            };
        }
        if let Some(s) = &layer.split_debuginfo {
            self.split_debuginfo = Some(s.clone());
        }
        if let Some(f) = &layer.rustflags {
            self.rustflags = f.clone();
        }
    }
}

/// Makes the profile of each unit for one requested profile.
#[derive(Debug, Clone)]
pub struct ProfileMaker {
    requested: String,
    /// The profile with every named layer applied, before package overrides.
    base: ResolvedProfile,
    layers: Vec<Profile>,
}

impl ProfileMaker {
    /// `requested` is the profile the user asked for (`dev`, `release`,
    /// `test`, `bench`, or a custom name); `profiles` are the workspace
    /// root's `[profile.*]` tables.
    /// `incremental` overrides every profile's setting
    /// (`CARGO_INCREMENTAL`, `build.incremental`).
    pub fn new(
        requested: &str,
        profiles: Option<&Profiles>,
        incremental: Option<bool>,
    ) -> anyhow::Result<ProfileMaker> {
        let empty = Profiles::default();
        let profiles = profiles.unwrap_or(&empty);
        let chain = profiles
            .inheritance_chain(requested)
            .map_err(|e| anyhow::anyhow!("{}", e.messages().join("\n\nCaused by:\n  ")))?;
        // The chain runs from the requested profile up to dev/release.
        let root = chain.last().map(String::as_str).unwrap_or("dev");
        let mut base = if root == "release" {
            ResolvedProfile::release()
        } else {
            ResolvedProfile::dev()
        };
        let mut layers = Vec::new();
        for name in chain.iter().rev() {
            if let Some(layer) = profiles.get(name) {
                base.apply(layer);
                layers.push(layer.clone());
            }
        }
        base.name = requested.to_string();
        if let Some(inc) = incremental {
            base.incremental = inc;
        }
        Ok(ProfileMaker {
            requested: requested.to_string(),
            base,
            layers,
        })
    }

    pub fn name(&self) -> &str {
        &self.requested
    }

    /// The profile before per-package overrides (for the `Finished` line).
    pub fn base(&self) -> &ResolvedProfile {
        &self.base
    }

    /// cargo defers a host unit's `debuginfo = 0` default: when the same
    /// unit with the normal debuginfo is built for the target anyway, the
    /// host shares it. `Some(profile to share)` when `host` (a host unit's
    /// profile) was weakened by that default and not by `build-override`.
    pub fn shareable_host_profile(
        &self,
        pkg: &PackageId,
        is_member: bool,
        is_local: bool,
        host: &ResolvedProfile,
    ) -> Option<ResolvedProfile> {
        let explicit = self.layers.iter().any(|l| {
            l.build_override
                .as_ref()
                .is_some_and(|bo| bo.debug.is_some())
        });
        let normal = self.unit_profile(pkg, is_member, is_local, false);
        if explicit || host.debuginfo.is_some() || normal.debuginfo.is_none() {
            return None;
        }
        Some(ResolvedProfile {
            debuginfo: normal.debuginfo,
            ..host.clone()
        })
    }

    /// The profile of a unit of `pkg`. `is_local`: a path package (only
    /// those get incremental compilation). `for_host`: build scripts, proc
    /// macros and their dependencies, which get `build-override`.
    pub fn unit_profile(
        &self,
        pkg: &PackageId,
        is_member: bool,
        is_local: bool,
        for_host: bool,
    ) -> ResolvedProfile {
        let mut p = self.base.clone();
        // In cargo's order: the host defaults, `build-override`, then
        // `[profile.*.package.*]` (which so win for host units too).
        // cargo merges each override table whole, `strip` included: an
        // override that does not set `strip` leaves it unset.
        if for_host {
            // cargo's build-override defaults: no optimisation, no debuginfo.
            p.opt_level = "0".into();
            p.codegen_units = None;
            p.debuginfo = None;
            p.apply_override(
                self.layers
                    .iter()
                    .filter_map(|l| l.build_override.as_deref()),
            );
        }
        p.apply_override(
            self.layers
                .iter()
                .filter_map(|l| package_override(l, pkg, is_member)),
        );
        // With debuginfo off in the profile and `strip` unset, cargo strips
        // debuginfo (1.77+). Decided on the base profile, not build-override.
        if p.strip.is_none() && self.base.debuginfo.is_none() {
            p.strip = Some("debuginfo".into());
        }
        if !is_local {
            p.incremental = false;
        }
        p
    }
}

/// The most specific `[profile.x.package.*]` layer for `pkg`: a matching
/// spec beats `"*"`, which covers only non-members.
fn package_override<'a>(
    layer: &'a Profile,
    pkg: &PackageId,
    is_member: bool,
) -> Option<&'a Profile> {
    let mut star = None;
    for (spec, p) in &layer.package {
        match spec {
            ProfilePackageSpec::Spec(s) if s.matches(pkg) => return Some(p),
            ProfilePackageSpec::All if !is_member => star = Some(p),
            _ => {}
        }
    }
    star
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg() -> PackageId {
        let src = mycargo_core::SourceId::for_path(std::path::Path::new("/w/a")).unwrap();
        PackageId::new("a", semver::Version::new(0, 1, 0), src)
    }

    #[test]
    fn defaults() {
        let dev = ProfileMaker::new("dev", None, None).unwrap();
        let p = dev.unit_profile(&pkg(), true, true, false);
        assert_eq!(
            (p.opt_level.as_str(), p.debuginfo.as_deref()),
            ("0", Some("2"))
        );
        assert!(p.incremental && p.strip.is_none());
        assert_eq!(dev.base().describe(), "unoptimized + debuginfo");
        let host = dev.unit_profile(&pkg(), true, true, true);
        assert_eq!(host.debuginfo, None);
        assert_eq!(host.strip, None, "dev keeps symbols even for host units");

        let rel = ProfileMaker::new("release", None, None).unwrap();
        let p = rel.unit_profile(&pkg(), true, true, false);
        assert_eq!(p.opt_level, "3");
        assert_eq!(p.strip.as_deref(), Some("debuginfo"));
        assert!(!p.incremental);
        assert_eq!(rel.base().describe(), "optimized");
        let host = rel.unit_profile(&pkg(), true, true, true);
        assert_eq!(host.opt_level, "0");
        assert!(!host.debug_assertions);

        let test = ProfileMaker::new("test", None, None).unwrap();
        assert_eq!(test.base().opt_level, "0");
        let bench = ProfileMaker::new("bench", None, None).unwrap();
        assert_eq!(bench.base().opt_level, "3");
        assert!(ProfileMaker::new("custom", None, None).is_err());
    }

    #[test]
    fn non_path_packages_are_not_incremental() {
        let dev = ProfileMaker::new("dev", None, None).unwrap();
        assert!(!dev.unit_profile(&pkg(), false, false, false).incremental);
    }
}
