//! Map keys that are validated while deserializing, so that a bad key is
//! reported at its span: package names, feature names and profile names.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer};

macro_rules! validated_name {
    ($name:ident, $check:expr) => {
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                let check: fn(&str) -> Result<(), String> = $check;
                check(&s).map_err(de::Error::custom)?;
                Ok($name(s))
            }
        }
    };
}

validated_name!(PackageName, |s| {
    mycargo_core::names::validate_package_name_ns(s, "package name").map_err(|e| e.to_string())
});
validated_name!(FeatureName, mycargo_core::names::validate_feature_name);
// cargo's message ends in a blank line here.
validated_name!(PathBaseName, |s| {
    mycargo_core::names::validate_package_name(s, "path base name").map_err(|e| format!("{e}\n\n"))
});
// A dependency's `registry = "..."` (a message ending in a blank line too).
validated_name!(RegistryName, |s| {
    mycargo_core::names::validate_package_name(s, "registry name").map_err(|e| format!("{e}\n\n"))
});
validated_name!(ProfileName, mycargo_core::names::validate_profile_name);
validated_name!(ProfilePackageKey, |s| {
    if s == "*" {
        return Ok(());
    }
    mycargo_core::PackageIdSpec::parse(s, None)
        .map(|_| ())
        .map_err(|e| e.to_string())
});
