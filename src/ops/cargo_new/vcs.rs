//! Version control for a new package: detecting an enclosing repository,
//! creating one (git through git2; hg, pijul and fossil through their
//! programs, as cargo does) and writing the ignore file.

use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;

use anyhow::Context as _;
use mycargo_util::fs::{create_dir_all, write_atomic};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum VersionControl {
    Git,
    Hg,
    Pijul,
    Fossil,
    NoVcs,
}

impl FromStr for VersionControl {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<VersionControl> {
        match s {
            "git" => Ok(VersionControl::Git),
            "hg" => Ok(VersionControl::Hg),
            "pijul" => Ok(VersionControl::Pijul),
            "fossil" => Ok(VersionControl::Fossil),
            "none" => Ok(VersionControl::NoVcs),
            other => anyhow::bail!("unknown vcs specification: `{other}`"),
        }
    }
}

/// Whether `path` is inside a git work tree (and not ignored there) or an hg
/// repository. Like cargo, git discovery does not read
/// `GIT_CEILING_DIRECTORIES`.
pub(super) fn existing_vcs_repo(path: &Path, cwd: &Path) -> bool {
    in_git_repo(path) || in_hg_repo(path, cwd)
}

fn in_git_repo(path: &Path) -> bool {
    let Ok(repo) = git2::Repository::discover(path) else {
        return false;
    };
    if repo.workdir().is_some_and(|w| w == path) {
        return true;
    }
    !repo.is_path_ignored(path).unwrap_or(false)
}

fn in_hg_repo(path: &Path, cwd: &Path) -> bool {
    Command::new("hg")
        .current_dir(cwd)
        .arg("--cwd")
        .arg(path)
        .arg("root")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Create the repository for `vcs` at `path` unless one is there, and the
/// directory itself.
pub(super) fn init_vcs(path: &Path, vcs: VersionControl, cwd: &Path) -> anyhow::Result<()> {
    match vcs {
        VersionControl::Git => {
            if !path.join(".git").exists() {
                create_dir_all(path)?;
                git2::Repository::init(path)?;
            }
        }
        VersionControl::Hg => {
            if !path.join(".hg").exists() {
                exec(
                    Command::new("hg")
                        .current_dir(cwd)
                        .arg("init")
                        .arg("--")
                        .arg(path),
                )?;
            }
        }
        VersionControl::Pijul => {
            if !path.join(".pijul").exists() {
                exec(
                    Command::new("pijul")
                        .current_dir(cwd)
                        .arg("init")
                        .arg("--")
                        .arg(path),
                )?;
            }
        }
        VersionControl::Fossil => {
            if !path.join(".fossil").exists() {
                // fossil does not create the directory.
                create_dir_all(path)?;
                exec(
                    Command::new("fossil")
                        .current_dir(cwd)
                        .arg("init")
                        .arg("--")
                        .arg(path.join(".fossil")),
                )?;
                exec(
                    Command::new("fossil")
                        .current_dir(path)
                        .arg("open")
                        .arg("--")
                        .arg(".fossil"),
                )?;
            }
        }
        VersionControl::NoVcs => create_dir_all(path)?,
    }
    Ok(())
}

/// Run a command with inherited output; errors in cargo's words.
fn exec(cmd: &mut Command) -> anyhow::Result<()> {
    let shown = display_command(cmd);
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("could not execute process {shown} (never executed)"))?;
    if !status.success() {
        anyhow::bail!("process didn't exit successfully: {shown} ({status})");
    }
    Ok(())
}

/// `` `program arg ...` `` with shell quoting where needed, as cargo shows a
/// command.
fn display_command(cmd: &Command) -> String {
    let mut s = format!("`{}", cmd.get_program().to_string_lossy());
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&shell_escape(&arg.to_string_lossy()));
    }
    s.push('`');
    s
}

fn shell_escape(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_=/,.+".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_string();
    }
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("'\\''"),
            '!' => out.push_str("'\\!'"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The entries cargo ignores, in each system's syntax.
struct IgnoreList {
    git: &'static [&'static str],
    hg: &'static [&'static str],
    fossil: &'static [&'static str],
}

const IGNORE: IgnoreList = IgnoreList {
    git: &["/target"],
    hg: &["^target$"],
    fossil: &["target"],
};

impl IgnoreList {
    fn items(&self, vcs: VersionControl) -> &'static [&'static str] {
        match vcs {
            VersionControl::Hg => self.hg,
            VersionControl::Fossil => self.fossil,
            _ => self.git,
        }
    }

    /// The content of a new ignore file.
    fn format_new(&self, vcs: VersionControl) -> String {
        self.items(vcs).join("\n") + "\n"
    }

    /// What to append to an existing ignore file: entries already there are
    /// commented out (fossil, which has no comments, just skips them).
    fn format_existing(&self, existing: &[u8], vcs: VersionControl) -> anyhow::Result<String> {
        let existing_items = lines(existing)?;
        let items = self.items(vcs);
        let mut out = String::new();
        if vcs != VersionControl::Fossil {
            out.push_str("\n\n# Added by cargo\n");
            if items.iter().any(|i| existing_items.iter().any(|e| e == i)) {
                out.push_str("#\n# already existing elements were commented out\n");
            }
            out.push('\n');
        }
        for item in items {
            if existing_items.iter().any(|e| e == item) {
                if vcs == VersionControl::Fossil {
                    continue;
                }
                out.push('#');
            }
            out.push_str(item);
            out.push('\n');
        }
        Ok(out)
    }
}

/// The lines of a file as `BufRead::lines` gives them (no `\n` or `\r\n`),
/// with cargo's error for a line that is not UTF-8.
fn lines(bytes: &[u8]) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    if bytes.is_empty() {
        return Ok(out);
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match std::str::from_utf8(line) {
            Ok(s) => out.push(s.to_string()),
            Err(_) => {
                anyhow::bail!("Character at line {i} is invalid. Cargo only supports UTF-8.")
            }
        }
    }
    Ok(out)
}

/// Write (or extend) the ignore file(s) of `vcs` in `base`.
pub(super) fn write_ignore_file(base: &Path, vcs: VersionControl) -> anyhow::Result<()> {
    let files = match vcs {
        VersionControl::Git => vec![base.join(".gitignore")],
        VersionControl::Hg => vec![base.join(".hgignore")],
        VersionControl::Pijul => vec![base.join(".ignore")],
        VersionControl::Fossil => {
            create_dir_all(&base.join(".fossil-settings"))?;
            vec![
                base.join(".fossil-settings/ignore-glob"),
                base.join(".fossil-settings/clean-glob"),
            ]
        }
        VersionControl::NoVcs => return Ok(()),
    };
    for file in files {
        let contents = match std::fs::read(&file) {
            Ok(existing) => {
                let mut new = existing.clone();
                new.extend_from_slice(IGNORE.format_existing(&existing, vcs)?.as_bytes());
                new
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                IGNORE.format_new(vcs).into_bytes()
            }
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("failed to open file `{}`", file.display())));
            }
        };
        write_atomic(&file, contents)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ignore_files() {
        assert_eq!(IGNORE.format_new(VersionControl::Git), "/target\n");
        assert_eq!(IGNORE.format_new(VersionControl::Hg), "^target$\n");
        assert_eq!(IGNORE.format_new(VersionControl::Fossil), "target\n");
    }

    #[test]
    fn existing_ignore_files() {
        assert_eq!(
            IGNORE
                .format_existing(b"foo\n/target\r\n", VersionControl::Git)
                .unwrap(),
            "\n\n# Added by cargo\n#\n# already existing elements were commented out\n\n#/target\n"
        );
        assert_eq!(
            IGNORE.format_existing(b"foo", VersionControl::Git).unwrap(),
            "\n\n# Added by cargo\n\n/target\n"
        );
        assert_eq!(
            IGNORE
                .format_existing(b"target\n", VersionControl::Fossil)
                .unwrap(),
            ""
        );
        assert_eq!(
            IGNORE
                .format_existing(b"a\n\xff\n", VersionControl::Git)
                .unwrap_err()
                .to_string(),
            "Character at line 1 is invalid. Cargo only supports UTF-8."
        );
    }

    #[test]
    fn vcs_names() {
        assert_eq!("hg".parse::<VersionControl>().unwrap(), VersionControl::Hg);
        assert_eq!(
            "svn".parse::<VersionControl>().unwrap_err().to_string(),
            "unknown vcs specification: `svn`"
        );
    }

    #[test]
    fn command_display() {
        let mut c = Command::new("hg");
        c.args(["init", "--", "/tmp/a b"]);
        assert_eq!(display_command(&c), "`hg init -- '/tmp/a b'`");
    }

    #[test]
    fn missing_program_error() {
        let err = exec(Command::new("mycargo-no-such-program-xyz").arg("init")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not execute process `mycargo-no-such-program-xyz init` (never executed)"
        );
    }
}
