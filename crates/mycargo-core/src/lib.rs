//! mycargo-core
