//! mycargo-test-support
