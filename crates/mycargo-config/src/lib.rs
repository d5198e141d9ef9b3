//! mycargo-config
