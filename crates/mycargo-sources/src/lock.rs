//! Cargo's package-cache locks under `$CARGO_HOME`, taken the same way so
//! that mycargo and cargo can share one cache:
//!
//! | mode | `.package-cache` | `.package-cache-mutate` |
//! |---|---|---|
//! | [`CacheLockMode::DownloadExclusive`] (resolve, download, unpack) | exclusive | — |
//! | [`CacheLockMode::Shared`] (build: read sources) | — | shared |
//! | [`CacheLockMode::MutateExclusive`] (delete or change cached files) | exclusive (second) | exclusive (first) |
//!
//! Download and Shared do not exclude each other (downloads only add
//! files). Locks are `flock(2)` locks (std's `File::lock`, as cargo's).
//! Within one process a lock is recursive: one locker per `CARGO_HOME`,
//! counting holders. Taking `Shared` while holding only
//! `DownloadExclusive` could deadlock against another process's
//! `MutateExclusive` and is refused. When the file system cannot lock or
//! `CARGO_HOME` is read-only, the lock is best effort, as in cargo.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use anyhow::Context as _;

/// The download lock file.
pub const CACHE_LOCK_NAME: &str = ".package-cache";
/// The mutate lock file (Shared and MutateExclusive).
pub const MUTATE_LOCK_NAME: &str = ".package-cache-mutate";

/// Which lock to take; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheLockMode {
    DownloadExclusive,
    Shared,
    MutateExclusive,
}

impl CacheLockMode {
    /// The words of cargo's `Blocking waiting for file lock on <...>`.
    fn description(self) -> &'static str {
        match self {
            CacheLockMode::DownloadExclusive => "package cache",
            CacheLockMode::Shared => "shared package cache",
            CacheLockMode::MutateExclusive => "package cache mutation",
        }
    }
}

#[derive(Debug, Default)]
struct RecursiveLock {
    /// `None` while not held, or held without an OS lock (best effort).
    file: Option<File>,
    count: u32,
    exclusive: bool,
}

#[derive(Debug, Default)]
struct State {
    cache: RecursiveLock,
    mutate: RecursiveLock,
}

/// The per-`CARGO_HOME` locker of this process.
#[derive(Debug)]
struct Locker {
    home: PathBuf,
    state: Mutex<State>,
}

static LOCKERS: LazyLock<Mutex<HashMap<PathBuf, Arc<Locker>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn locker_for(home: &Path) -> Arc<Locker> {
    let mut all = LOCKERS.lock().unwrap_or_else(|e| e.into_inner());
    all.entry(home.to_path_buf())
        .or_insert_with(|| {
            Arc::new(Locker {
                home: home.to_path_buf(),
                state: Mutex::new(State::default()),
            })
        })
        .clone()
}

/// A held lock; released (one level) when dropped.
#[must_use = "the lock is released when this is dropped"]
#[derive(Debug)]
pub struct CacheLock {
    mode: CacheLockMode,
    locker: Arc<Locker>,
}

impl CacheLock {
    pub fn mode(&self) -> CacheLockMode {
        self.mode
    }
}

impl Drop for CacheLock {
    fn drop(&mut self) {
        let mut st = self.locker.lock_state();
        match self.mode {
            CacheLockMode::DownloadExclusive => st.cache.release(),
            CacheLockMode::Shared => st.mutate.release(),
            CacheLockMode::MutateExclusive => {
                st.cache.release();
                st.mutate.release();
            }
        }
    }
}

impl RecursiveLock {
    fn release(&mut self) {
        self.count = self.count.saturating_sub(1);
        if self.count == 0 {
            // Closing the file releases the flock.
            self.file = None;
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Blocking {
    Yes,
    No,
}

/// Whether an IO error means "this file system cannot lock" (then cargo
/// carries on without a lock).
fn locking_unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported || matches!(e.raw_os_error(), Some(37 | 38 | 95))
}

fn maybe_readonly(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::PermissionDenied || e.kind() == io::ErrorKind::ReadOnlyFilesystem
}

/// Take an OS lock on `path`, shared or exclusive. `Ok(None)` when it would
/// block (non-blocking) — the caller tries again blocking after telling the
/// user. `Ok(Some(None))` when locking is not possible here (best effort).
fn os_lock(path: &Path, exclusive: bool, blocking: Blocking) -> io::Result<Option<Option<File>>> {
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let file = match OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if maybe_readonly(&e) && !exclusive => match File::open(path) {
            Ok(f) => f,
            Err(_) => return Ok(Some(None)),
        },
        Err(e) => return Err(e),
    };
    let result = match (exclusive, blocking) {
        (true, Blocking::Yes) => file.lock().map_err(TryLockError::Error),
        (false, Blocking::Yes) => file.lock_shared().map_err(TryLockError::Error),
        (true, Blocking::No) => file.try_lock(),
        (false, Blocking::No) => file.try_lock_shared(),
    };
    match result {
        Ok(()) => Ok(Some(Some(file))),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) if locking_unsupported(&e) => Ok(Some(None)),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

impl Locker {
    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Acquire one level of `which` (`true` = the mutate lock).
    fn acquire_one(
        &self,
        st: &mut State,
        mutate: bool,
        exclusive: bool,
        blocking: Blocking,
    ) -> anyhow::Result<bool> {
        let (lock, name) = if mutate {
            (&mut st.mutate, MUTATE_LOCK_NAME)
        } else {
            (&mut st.cache, CACHE_LOCK_NAME)
        };
        if lock.count > 0 {
            if exclusive && !lock.exclusive {
                anyhow::bail!("cannot upgrade a shared package cache lock to an exclusive one");
            }
            lock.count += 1;
            return Ok(true);
        }
        let path = self.home.join(name);
        let got = match os_lock(&path, exclusive, blocking) {
            Ok(got) => got,
            Err(e) if exclusive && maybe_readonly(&e) => {
                // A read-only CARGO_HOME: coordinate as a reader at least.
                os_lock(&path, false, blocking).ok().unwrap_or(Some(None))
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("failed to acquire package cache lock `{}`", path.display())
                });
            }
        };
        match got {
            None => Ok(false),
            Some(file) => {
                lock.file = file;
                lock.exclusive = exclusive;
                lock.count = 1;
                Ok(true)
            }
        }
    }

    fn acquire(&self, mode: CacheLockMode, blocking: Blocking) -> anyhow::Result<bool> {
        let mut st = self.lock_state();
        match mode {
            CacheLockMode::DownloadExclusive => self.acquire_one(&mut st, false, true, blocking),
            CacheLockMode::Shared => {
                if st.cache.count > 0 && st.mutate.count == 0 {
                    anyhow::bail!(
                        "a shared package cache lock cannot be taken while holding the download lock"
                    );
                }
                self.acquire_one(&mut st, true, false, blocking)
            }
            CacheLockMode::MutateExclusive => {
                if !self.acquire_one(&mut st, true, true, blocking)? {
                    return Ok(false);
                }
                match self.acquire_one(&mut st, false, true, blocking) {
                    Ok(true) => Ok(true),
                    Ok(false) => {
                        st.mutate.release();
                        Ok(false)
                    }
                    Err(e) => {
                        st.mutate.release();
                        Err(e)
                    }
                }
            }
        }
    }
}

/// Take `mode` on `cargo_home`'s package cache, waiting if another process
/// holds a conflicting lock; `on_block` is called once first with
/// `waiting for file lock on package cache` (cargo prints it after the
/// `Blocking` status).
pub fn acquire(
    cargo_home: &Path,
    mode: CacheLockMode,
    on_block: &dyn Fn(&str),
) -> anyhow::Result<CacheLock> {
    let locker = locker_for(cargo_home);
    if !locker.acquire(mode, Blocking::No)? {
        on_block(&format!("waiting for file lock on {}", mode.description()));
        locker.acquire(mode, Blocking::Yes)?;
    }
    Ok(CacheLock { mode, locker })
}

/// Take `mode` if no other process holds a conflicting lock.
pub fn try_acquire(cargo_home: &Path, mode: CacheLockMode) -> anyhow::Result<Option<CacheLock>> {
    let locker = locker_for(cargo_home);
    if locker.acquire(mode, Blocking::No)? {
        Ok(Some(CacheLock { mode, locker }))
    } else {
        Ok(None)
    }
}

/// Whether this process holds `mode` (or a stronger lock covering it).
pub fn is_locked(cargo_home: &Path, mode: CacheLockMode) -> bool {
    let locker = locker_for(cargo_home);
    let st = locker.lock_state();
    match mode {
        CacheLockMode::DownloadExclusive => st.cache.count > 0,
        CacheLockMode::Shared => st.mutate.count > 0,
        CacheLockMode::MutateExclusive => st.mutate.count > 0 && st.mutate.exclusive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Another "process": an independent open file description.
    fn foreign_lock(path: &Path, exclusive: bool) -> File {
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .unwrap();
        if exclusive {
            f.lock().unwrap();
        } else {
            f.lock_shared().unwrap();
        }
        f
    }

    #[test]
    fn download_lock_is_exclusive_and_recursive() {
        let home = tempfile::tempdir().unwrap();
        let l1 = acquire(home.path(), CacheLockMode::DownloadExclusive, &|_| panic!()).unwrap();
        let l2 = acquire(home.path(), CacheLockMode::DownloadExclusive, &|_| panic!()).unwrap();
        assert!(home.path().join(CACHE_LOCK_NAME).exists());
        // Another open file description cannot take it.
        let other = File::open(home.path().join(CACHE_LOCK_NAME)).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(l1);
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(l2);
        other.try_lock().unwrap();
    }

    #[test]
    fn download_and_shared_coexist_mutate_excludes_both() {
        let home = tempfile::tempdir().unwrap();
        // A foreign reader holds the shared lock: downloads proceed.
        let reader = foreign_lock(&home.path().join(MUTATE_LOCK_NAME), false);
        let l = try_acquire(home.path(), CacheLockMode::DownloadExclusive).unwrap();
        assert!(l.is_some());
        drop(l);
        // ... but mutation must wait.
        assert!(
            try_acquire(home.path(), CacheLockMode::MutateExclusive)
                .unwrap()
                .is_none()
        );
        // The failed attempt left nothing held.
        assert!(!is_locked(home.path(), CacheLockMode::MutateExclusive));
        assert!(!is_locked(home.path(), CacheLockMode::DownloadExclusive));
        drop(reader);
        let m = try_acquire(home.path(), CacheLockMode::MutateExclusive)
            .unwrap()
            .unwrap();
        assert!(is_locked(home.path(), CacheLockMode::DownloadExclusive));
        assert!(is_locked(home.path(), CacheLockMode::Shared));
        drop(m);
        assert!(!is_locked(home.path(), CacheLockMode::Shared));
    }

    #[test]
    fn blocking_message_then_waits() {
        let home = tempfile::tempdir().unwrap();
        let holder = foreign_lock(&home.path().join(CACHE_LOCK_NAME), true);
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(String::new()));
        let (c2, s2) = (calls.clone(), seen.clone());
        let h = home.path().to_path_buf();
        let t = std::thread::spawn(move || {
            let _l = acquire(&h, CacheLockMode::DownloadExclusive, &|m| {
                c2.fetch_add(1, Ordering::SeqCst);
                *s2.lock().unwrap() = m.to_string();
            })
            .unwrap();
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        drop(holder);
        t.join().unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(
            *seen.lock().unwrap(),
            "waiting for file lock on package cache"
        );
    }

    #[test]
    fn shared_while_downloading_is_refused() {
        let home = tempfile::tempdir().unwrap();
        let _d = acquire(home.path(), CacheLockMode::DownloadExclusive, &|_| {}).unwrap();
        assert!(acquire(home.path(), CacheLockMode::Shared, &|_| {}).is_err());
    }
}
