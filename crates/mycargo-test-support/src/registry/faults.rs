//! Things that go wrong: server faults per path, and bad `.crate` entries.

use std::io::{self, Read as _, Write};
use std::path::PathBuf;
use std::time::Duration;

/// A fault the server injects on one path (see [`super::Registry::fault`]).
/// A fault applies to a given number of requests of that path, then the
/// path answers normally again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and a short text body (e.g. 500, 503, 404).
    Status(u16),
    /// `429 Too Many Requests`, with `Retry-After: <secs>` if given.
    TooManyRequests { retry_after: Option<u64> },
    /// Wait this long, then answer normally (a slow server).
    Delay(Duration),
    /// Send the normal headers (with the full `Content-Length`) but only the
    /// first `n` bytes of the body, then close the connection.
    Truncate(usize),
    /// Close the connection without answering.
    Close,
    /// Answer with this status, these extra headers and this body.
    Custom {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
}

/// A broken or malicious tar entry appended to a `.crate` (see
/// [`super::Package::bad_entry`]). Paths are written raw into the tar
/// header, bypassing the tar crate's checks. `prefix` below is
/// `<name>-<version>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadEntry {
    /// A regular file at `<prefix>/<path>` where `path` climbs out with
    /// `..`. [`BadEntry::parent_dir`] climbs from
    /// `$CARGO_HOME/registry/src/<dir>/<prefix>/` to
    /// `$CARGO_HOME/escaped-by-parent-dir.txt`.
    ParentDir { path: String },
    /// A regular file at an absolute path (give one inside the test root,
    /// so a faulty unpacker writes there and the test can see it).
    Absolute { path: PathBuf },
    /// A symlink `<prefix>/<path>` pointing at `target`, followed (when
    /// `through` is given) by a regular file `<prefix>/<path>/<through>`
    /// written through it.
    Symlink {
        path: String,
        target: String,
        through: Option<String>,
    },
    /// A hard link `<prefix>/<path>` to `target` (raw, e.g. `/etc/passwd`).
    HardLink { path: String, target: String },
    /// A regular file named `<prefix>/.cargo-ok` with these contents (cargo
    /// skips such entries; the marker is its own).
    CargoOk { contents: Vec<u8> },
    /// A symlink named `<prefix>/.cargo-ok` pointing at `target` (the
    /// CVE-2022-36113 shape).
    CargoOkSymlink { target: String },
    /// A regular file `<prefix>/<path>` of `size` zero bytes: a few hundred
    /// KiB of gzip that expands past cargo's 512 MiB limit when `size` is
    /// larger. Streamed into the compressor, never held in memory.
    Bomb { path: String, size: u64 },
    /// A regular file outside the `<prefix>/` directory (`other-1.0.0/x`).
    OutsidePrefix { path: String },
}

impl BadEntry {
    /// `<prefix>/../../../../escaped-by-parent-dir.txt`.
    pub fn parent_dir() -> BadEntry {
        BadEntry::ParentDir {
            path: "../../../../escaped-by-parent-dir.txt".into(),
        }
    }

    /// `<prefix>/escape -> ../../../..` and a file
    /// `<prefix>/escape/escaped-by-symlink.txt` written through it.
    pub fn symlink_escape() -> BadEntry {
        BadEntry::Symlink {
            path: "escape".into(),
            target: "../../../..".into(),
            through: Some("escaped-by-symlink.txt".into()),
        }
    }

    /// A hard link `<prefix>/passwd` to `/etc/passwd`.
    pub fn hard_link() -> BadEntry {
        BadEntry::HardLink {
            path: "passwd".into(),
            target: "/etc/passwd".into(),
        }
    }

    /// A `.cargo-ok` entry containing `ok`.
    pub fn cargo_ok() -> BadEntry {
        BadEntry::CargoOk {
            contents: b"ok".to_vec(),
        }
    }

    /// A 600 MiB file of zeros at `<prefix>/bomb.bin`.
    pub fn bomb() -> BadEntry {
        BadEntry::Bomb {
            path: "bomb.bin".into(),
            size: 600 << 20,
        }
    }

    pub(crate) fn append<W: Write>(
        &self,
        ar: &mut tar::Builder<W>,
        prefix: &str,
    ) -> io::Result<()> {
        match self {
            BadEntry::ParentDir { path } => raw_file(ar, &format!("{prefix}/{path}"), b"escaped\n"),
            BadEntry::Absolute { path } => raw_file(ar, &path.to_string_lossy(), b"escaped\n"),
            BadEntry::Symlink {
                path,
                target,
                through,
            } => {
                let name = format!("{prefix}/{path}");
                raw_link(ar, &name, target, tar::EntryType::Symlink)?;
                if let Some(t) = through {
                    raw_file(ar, &format!("{name}/{t}"), b"escaped\n")?;
                }
                Ok(())
            }
            BadEntry::HardLink { path, target } => raw_link(
                ar,
                &format!("{prefix}/{path}"),
                target,
                tar::EntryType::Link,
            ),
            BadEntry::CargoOk { contents } => {
                raw_file(ar, &format!("{prefix}/.cargo-ok"), contents)
            }
            BadEntry::CargoOkSymlink { target } => raw_link(
                ar,
                &format!("{prefix}/.cargo-ok"),
                target,
                tar::EntryType::Symlink,
            ),
            BadEntry::Bomb { path, size } => {
                let mut h = header(&format!("{prefix}/{path}"), tar::EntryType::Regular)?;
                h.set_size(*size);
                h.set_cksum();
                ar.append(&h, io::repeat(0).take(*size))
            }
            BadEntry::OutsidePrefix { path } => raw_file(ar, path, b"outside\n"),
        }
    }
}

/// A GNU header with `name` copied raw into the name field (at most 100
/// bytes), so `..` and absolute paths survive.
fn header(name: &str, ty: tar::EntryType) -> io::Result<tar::Header> {
    let mut h = tar::Header::new_gnu();
    let bytes = name.as_bytes();
    let field = &mut h.as_old_mut().name;
    if bytes.len() > field.len() {
        return Err(io::Error::other(format!("tar name too long: {name}")));
    }
    field[..bytes.len()].copy_from_slice(bytes);
    h.set_entry_type(ty);
    h.set_mode(0o644);
    h.set_mtime(super::package::CRATE_MTIME);
    h.set_uid(0);
    h.set_gid(0);
    h.set_size(0);
    Ok(h)
}

fn raw_file<W: Write>(ar: &mut tar::Builder<W>, name: &str, data: &[u8]) -> io::Result<()> {
    let mut h = header(name, tar::EntryType::Regular)?;
    h.set_size(data.len() as u64);
    h.set_cksum();
    ar.append(&h, data)
}

fn raw_link<W: Write>(
    ar: &mut tar::Builder<W>,
    name: &str,
    target: &str,
    ty: tar::EntryType,
) -> io::Result<()> {
    let mut h = header(name, ty)?;
    let field = &mut h.as_old_mut().linkname;
    let bytes = target.as_bytes();
    if bytes.len() > field.len() {
        return Err(io::Error::other(format!("tar link too long: {target}")));
    }
    field[..bytes.len()].copy_from_slice(bytes);
    h.set_mode(0o777);
    h.set_cksum();
    ar.append(&h, io::empty())
}

#[cfg(test)]
mod tests {
    use super::super::Package;
    use super::*;

    fn listing(p: &Package) -> Vec<(String, tar::EntryType, Option<String>)> {
        let bytes = p.crate_bytes();
        let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        ar.entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = String::from_utf8(e.path_bytes().into_owned()).unwrap();
                let link = e
                    .link_name_bytes()
                    .map(|l| String::from_utf8(l.into_owned()).unwrap());
                (name, e.header().entry_type(), link)
            })
            .collect()
    }

    #[test]
    fn raw_entries_survive() {
        let p = Package::new("evil", "1.0.0")
            .bad_entry(BadEntry::parent_dir())
            .bad_entry(BadEntry::Absolute {
                path: "/tmp/abs.txt".into(),
            })
            .bad_entry(BadEntry::symlink_escape())
            .bad_entry(BadEntry::hard_link())
            .bad_entry(BadEntry::cargo_ok())
            .bad_entry(BadEntry::CargoOkSymlink {
                target: "/tmp/x".into(),
            })
            .bad_entry(BadEntry::OutsidePrefix {
                path: "other-1.0.0/x".into(),
            });
        let l = listing(&p);
        let find = |n: &str| {
            l.iter()
                .find(|e| e.0 == n)
                .unwrap_or_else(|| panic!("{n} not in {l:?}"))
        };
        assert_eq!(
            find("evil-1.0.0/../../../../escaped-by-parent-dir.txt").1,
            tar::EntryType::Regular
        );
        find("/tmp/abs.txt");
        let s = find("evil-1.0.0/escape");
        assert_eq!(s.1, tar::EntryType::Symlink);
        assert_eq!(s.2.as_deref(), Some("../../../.."));
        find("evil-1.0.0/escape/escaped-by-symlink.txt");
        let h = find("evil-1.0.0/passwd");
        assert_eq!(h.1, tar::EntryType::Link);
        assert_eq!(h.2.as_deref(), Some("/etc/passwd"));
        let oks: Vec<_> = l.iter().filter(|e| e.0 == "evil-1.0.0/.cargo-ok").collect();
        assert_eq!(oks.len(), 2);
        find("other-1.0.0/x");
    }

    #[test]
    fn bomb_is_small_and_expands() {
        let size = 64 << 20;
        let p = Package::new("bomb", "1.0.0").bad_entry(BadEntry::Bomb {
            path: "bomb.bin".into(),
            size,
        });
        let bytes = p.crate_bytes();
        assert!(bytes.len() < 1 << 20, "{}", bytes.len());
        let mut gz = flate2::read::GzDecoder::new(bytes.as_slice());
        let n = io::copy(&mut gz, &mut io::sink()).unwrap();
        assert!(n > size, "{n}");
    }
}
