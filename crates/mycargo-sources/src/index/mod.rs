//! Index files: where they live, what a line says, and the on-disk cache.

pub mod cache;
pub mod lines;
pub mod path;
pub mod summary;

pub use cache::{CacheFile, IndexVersion};
pub use lines::IndexLines;
pub use path::{dep_path, expand_dl, index_path};
pub use summary::{INDEX_V_MAX, IndexDep, IndexSummary, SummaryStatus, parse_line};
