//! mycargo-manifest
