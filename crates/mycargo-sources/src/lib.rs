//! mycargo-sources: where packages come from.
//!
//! - [`sparse`]: the sparse registry client ([`SparseRegistry`]):
//!   `config.json`, index files ([`IndexSummary`] per line) with cargo's
//!   on-disk cache and ETag/Last-Modified revalidation, parallel `.crate`
//!   downloads checked against the index checksum, offline mode.
//! - [`git_index`]: registry indexes kept in git (fetched with git2 or
//!   `git`, files read from the fetched commit's tree); [`SparseRegistry`]
//!   serves them too, downloads included.
//! - [`index`]: index paths, `dl` templates, index lines, the cache format.
//! - [`unpack`]: safe `.crate` extraction under `registry/src/`.
//! - [`lock`]: cargo's package-cache locks under `CARGO_HOME`.
//! - [`net`]: `net.*`/`http.*` settings, the HTTP client, retries.
//! - [`dir_name`]: `<host>-<hash>` directory names shared with cargo.
//! - [`local`]: `local-registry` sources (an index and `.crate`s on disk).
//! - [`directory`]: `directory` sources (unpacked crates, as `vendor`
//!   writes them, checked against `.cargo-checksum.json`).
//! - [`source_map`]: `[source]` replacement and `[registries]`.
//!
//! Layout under `$CARGO_HOME` (the same as cargo's):
//!
//! ```text
//! registry/index/<dir>/config.json
//! registry/index/<dir>/.cache/<index path>     cargo's cache format (v3)
//! registry/cache/<dir>/<name>-<version>.crate
//! registry/src/<dir>/<name>-<version>/         with .cargo-ok = {"v":1}
//! .package-cache, .package-cache-mutate        lock files
//! ```

pub mod checksum;
pub mod dir_name;
pub mod directory;
pub mod git;
pub mod git_index;
pub mod index;
pub mod local;
pub mod lock;
pub mod net;
pub mod source_map;
pub mod sparse;
pub mod unpack;

pub use dir_name::registry_dir_name;
pub use index::{IndexDep, IndexSummary, SummaryStatus};
pub use lock::{CacheLock, CacheLockMode};
pub use net::NetConfig;
pub use sparse::{
    CrateOnDisk, CrateRequest, DownloadEvent, RegistryConfig, Reporter, Silent, SparseRegistry,
    StaticToken, TokenSource,
};
