//! git's hook protocol: the `<old> <new> <ref>` lines of pre-receive and
//! post-receive, the arguments of update, push options and pusher identity.
//!
//! Everything here is pusher-controlled data. It is parsed strictly, bounded
//! in size, and never handed to a shell.

use std::io::BufRead;

use anyhow::{bail, Context, Result};

use crate::config::Limits;

/// One ref update as git announces it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RefUpdate {
    pub old: String,
    pub new: String,
    pub refname: String,
}

impl RefUpdate {
    /// Checks one update as git gives it; `max_ref_name_bytes` is
    /// `limits.max_ref_name_bytes`.
    pub fn parse(
        old: &str,
        new: &str,
        refname: &str,
        max_ref_name_bytes: usize,
    ) -> Result<RefUpdate> {
        if refname.len() > max_ref_name_bytes {
            bail!(
                "the ref name `{}` is {} bytes; the limit is {max_ref_name_bytes} (limits.max_ref_name_bytes)",
                printable(refname),
                refname.len()
            );
        }
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
    printable_up_to(s, 200)
}

/// [`printable`] with a cut of `max` characters: a finding's message is
/// built from bounded parts but can quote several of them (two object
/// ids, a policy author's text).
pub fn printable_up_to(s: &str, max: usize) -> String {
    let cut: String = s.chars().take(max).collect();
    let mut out = escaped(&cut);
    if s.chars().count() > max {
        out.push_str("...");
    }
    out
}

/// [`printable`] without the cut, for text already bounded by its source
/// (an apply's output line, at most 4 KiB).
pub fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // Bidirectional controls reorder what the terminal shows; zero-width
        // characters hide text between what it shows.
        let hidden = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{061c}' | '\u{feff}');
        if c.is_control() || hidden {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads pre-receive/post-receive stdin: one `<old> <new> <ref>` per line.
/// At most `limits.max_ref_updates` lines, each at most two object ids and a
/// ref name of `limits.max_ref_name_bytes` long; reading stops at the first
/// byte past a bound, so garbage costs no more than a valid push.
pub fn read_updates(input: impl BufRead, limits: &Limits) -> Result<Vec<RefUpdate>> {
    let max_lines = limits.max_ref_updates;
    // "<64 hex> <64 hex> <ref>\n"
    let max_line_bytes = (limits.max_ref_name_bytes + 2 * 64 + 3) as u64;
    let mut input = input;
    let input = &mut input;
    let mut updates = Vec::new();
    let mut buf = Vec::new();
    for n in 1.. {
        buf.clear();
        let read = std::io::Read::take(&mut *input, max_line_bytes + 1)
            .read_until(b'\n', &mut buf)
            .context("reading the ref updates from standard input")?;
        if read == 0 {
            break;
        }
        if n > max_lines {
            bail!("the push updates more than {max_lines} refs (limits.max_ref_updates): split it into several pushes");
        }
        if buf.len() as u64 > max_line_bytes {
            bail!("standard input line {n} is longer than {max_line_bytes} bytes: not git's hook protocol, or a ref name over limits.max_ref_name_bytes ({})", limits.max_ref_name_bytes);
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
        let update =
            RefUpdate::parse(old, new, refname, limits.max_ref_name_bytes).with_context(|| {
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
/// More than `max` (`limits.max_push_options`) is an error, not a silent cut:
/// a policy must never read a truncated list.
pub fn push_options_from_env(max: usize) -> Result<Vec<String>> {
    let count: usize = match std::env::var(crate::env::PUSH_OPTION_COUNT) {
        Err(_) => 0,
        Ok(c) => c.parse().with_context(|| {
            format!("GIT_PUSH_OPTION_COUNT is `{}`, not a number", printable(&c))
        })?,
    };
    if count > max {
        bail!(
            "the push carries {count} push options; the limit is {max} (limits.max_push_options)"
        );
    }
    Ok((0..count)
        .map(|i| {
            let v = std::env::var_os(format!("{}{i}", crate::env::PUSH_OPTION_PREFIX))
                .unwrap_or_default();
            v.to_string_lossy().into_owned()
        })
        .collect())
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

    /// Text a terminal would hide or reorder is shown escaped.
    #[test]
    fn invisible_characters_are_escaped() {
        assert_eq!(
            escaped("a\u{200b}b\u{feff}c\u{061c}d\u{2062}e"),
            "a\\u{200b}b\\u{feff}c\\u{61c}d\\u{2062}e"
        );
    }

    #[test]
    fn reads_lines() {
        let input = format!("{Z} {A} refs/heads/main\n{A} {Z} refs/tags/a;b\n");
        let u = read_updates(input.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(u[1].refname, "refs/tags/a;b");
    }

    #[test]
    fn garbage_is_named() {
        let err = read_updates("hello world\n".as_bytes(), &Limits::default()).unwrap_err();
        assert!(format!("{err:#}").contains("line 1"), "{err:#}");
        let err = read_updates(&b"\xff\xfe\n"[..], &Limits::default()).unwrap_err();
        assert!(format!("{err:#}").contains("not UTF-8"), "{err:#}");
        let long = vec![b'a'; 100_000];
        assert!(read_updates(&long[..], &Limits::default()).is_err());
        let err = read_updates(
            format!("{A} {A} refs/heads/a..b\n").as_bytes(),
            &Limits::default(),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("not a valid"), "{err:#}");
    }

    #[test]
    fn bounds_are_the_configured_ones() {
        let limits = Limits {
            max_ref_updates: 2,
            max_ref_name_bytes: 20,
            ..Limits::default()
        };
        let line = format!("{Z} {A} refs/heads/main\n");
        assert_eq!(
            read_updates(line.repeat(2).as_bytes(), &limits)
                .unwrap()
                .len(),
            2
        );
        let err = read_updates(line.repeat(3).as_bytes(), &limits).unwrap_err();
        assert!(
            format!("{err:#}").contains("limits.max_ref_updates"),
            "{err:#}"
        );
        let long = format!("{Z} {A} refs/heads/{}\n", "x".repeat(15));
        let err = read_updates(long.as_bytes(), &limits).unwrap_err();
        assert!(
            format!("{err:#}").contains("limits.max_ref_name_bytes"),
            "{err:#}"
        );
        // A ref name over the bound but inside the line bound is named too.
        let err = RefUpdate::parse(Z, A, "refs/heads/abcdefghijklmnop", 20).unwrap_err();
        assert!(
            format!("{err:#}").contains("limits.max_ref_name_bytes"),
            "{err:#}"
        );
        // An endless line costs one bounded read, not memory.
        let endless = std::io::repeat(b'a');
        let err = read_updates(std::io::BufReader::new(endless), &limits).unwrap_err();
        assert!(format!("{err:#}").contains("longer than"), "{err:#}");
    }

    #[test]
    fn printable_escapes_controls() {
        assert_eq!(printable("a\u{1b}[31m'b"), "a\\u{1b}[31m'b");
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
    }
}
