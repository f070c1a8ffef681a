//! git's hook protocol: the `<old> <new> <ref>` lines of pre-receive and
//! post-receive, the arguments of update, push options and pusher identity.
//!
//! Everything here is pusher-controlled data. It is parsed strictly, bounded
//! in size, and never handed to a shell.

use std::io::BufRead;

use anyhow::{bail, Context, Result};

/// One ref update as git announces it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RefUpdate {
    pub old: String,
    pub new: String,
    pub refname: String,
}

impl RefUpdate {
    pub fn parse(old: &str, new: &str, refname: &str) -> Result<RefUpdate> {
        check_oid(old).with_context(|| format!("old object id of {}", printable(refname)))?;
        check_oid(new).with_context(|| format!("new object id of {}", printable(refname)))?;
        if !git2::Reference::is_valid_name(refname) || !refname.starts_with("refs/") {
            bail!(
                "`{}` is not a valid full ref name (refs/...)",
                printable(refname)
            );
        }
        if is_zero(old) && is_zero(new) {
            bail!("{refname}: both object ids are zero");
        }
        Ok(RefUpdate {
            old: old.to_owned(),
            new: new.to_owned(),
            refname: refname.to_owned(),
        })
    }
}

pub fn is_zero(oid: &str) -> bool {
    oid.bytes().all(|b| b == b'0')
}

fn check_oid(s: &str) -> Result<()> {
    if (s.len() == 40 || s.len() == 64)
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        Ok(())
    } else {
        bail!("`{}` is not a hex object id", printable(s))
    }
}

/// Renders pusher-controlled text safe for a terminal: control characters
/// are escaped, and long values are cut.
pub fn printable(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().take(200) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if s.chars().count() > 200 {
        out.push_str("...");
    }
    out
}

/// git never sends more than one line per ref; a push of a million refs is
/// not a push we gate.
const MAX_LINES: usize = 100_000;
const MAX_LINE_BYTES: u64 = 8 * 1024;

/// Reads pre-receive/post-receive stdin: one `<old> <new> <ref>` per line.
pub fn read_updates(input: impl BufRead) -> Result<Vec<RefUpdate>> {
    let mut input = input;
    let input = &mut input;
    let mut updates = Vec::new();
    let mut buf = Vec::new();
    for n in 1.. {
        buf.clear();
        let read = std::io::Read::take(&mut *input, MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut buf)
            .context("reading the ref updates from standard input")?;
        if read == 0 {
            break;
        }
        if n > MAX_LINES {
            bail!("more than {MAX_LINES} ref updates on standard input");
        }
        if buf.len() as u64 > MAX_LINE_BYTES {
            bail!("standard input line {n} is longer than {MAX_LINE_BYTES} bytes: this is not git's hook protocol");
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        let line = std::str::from_utf8(&buf).map_err(|_| {
            anyhow::anyhow!("standard input line {n} is not UTF-8: this is not git's hook protocol")
        })?;
        let fields: Vec<&str> = line.splitn(3, ' ').collect();
        let [old, new, refname] = fields[..] else {
            bail!(
                "standard input line {n} is `{}`, not `<old-oid> <new-oid> <ref>`: pushgate hook pre-receive must be run by git",
                printable(line)
            );
        };
        let update = RefUpdate::parse(old, new, refname).with_context(|| {
            format!(
                "standard input line {n} is `{}`, not `<old-oid> <new-oid> <ref>`",
                printable(line)
            )
        })?;
        updates.push(update);
    }
    Ok(updates)
}

/// Push options (`git push -o X`), which git passes to hooks as
/// `GIT_PUSH_OPTION_COUNT` and `GIT_PUSH_OPTION_<i>`.
pub fn push_options_from_env() -> Vec<String> {
    let count: usize = std::env::var("GIT_PUSH_OPTION_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (0..count.min(1000))
        .filter_map(|i| std::env::var(format!("GIT_PUSH_OPTION_{i}")).ok())
        .collect()
}

/// The pusher: the first variable of `pusher_env` that is set and non-empty.
pub fn pusher_from_env(vars: &[String]) -> Option<String> {
    vars.iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|v| v.trim().to_owned())
        .find(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const Z: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn reads_lines() {
        let input = format!("{Z} {A} refs/heads/main\n{A} {Z} refs/tags/a;b\n");
        let u = read_updates(input.as_bytes()).unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(u[1].refname, "refs/tags/a;b");
    }

    #[test]
    fn garbage_is_named() {
        let err = read_updates("hello world\n".as_bytes()).unwrap_err();
        assert!(format!("{err:#}").contains("line 1"), "{err:#}");
        let err = read_updates(&b"\xff\xfe\n"[..]).unwrap_err();
        assert!(format!("{err:#}").contains("not UTF-8"), "{err:#}");
        let long = vec![b'a'; 100_000];
        assert!(read_updates(&long[..]).is_err());
        let err = read_updates(format!("{A} {A} refs/heads/a..b\n").as_bytes()).unwrap_err();
        assert!(format!("{err:#}").contains("not a valid"), "{err:#}");
    }

    #[test]
    fn printable_escapes_controls() {
        assert_eq!(printable("a\u{1b}[31m'b"), "a\\u{1b}[31m'b");
    }
}
