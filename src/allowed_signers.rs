//! git's SSH `allowed_signers` format (`gpg.ssh.allowedSignersFile`, see
//! ssh-keygen(1) "ALLOWED SIGNERS"): one line per key,
//! `principals [options] keytype base64 [comment]`.
//!
//! Teams that verify SSH-signed commits with git already keep this file;
//! pushgate reads it as it is, rather than asking for one `.pub` per person.
//! Each principal becomes a signer name. What pushgate cannot honour the
//! way ssh-keygen does is refused with the line, never read differently:
//! wildcard principals (pushgate names are exact), `cert-authority` (SSH
//! certificates are not verified), and `valid-after`/`valid-before` (git
//! checks them against the commit time; pushgate does not yet). A line
//! whose `namespaces=` leaves out `git` is skipped, as `ssh-keygen -Y
//! verify -n git` would not accept its key for commits either.
//!
//! A leaf module: the config reads the principals (to know the names), the
//! keyring reads the keys; neither imports the other for it.

/// One line of an allowed_signers file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based.
    pub number: u64,
    pub principals: Vec<String>,
    /// `keytype base64 [comment]`, as a `.pub` line.
    pub key: String,
}

/// Whether `text` is in this format rather than plain `.pub` lines: its
/// first line that is not blank or a comment does not start with a key
/// type.
pub fn looks_like(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| {
            let first = l.split_whitespace().next().unwrap_or("");
            !is_key_type(first) && l.split_whitespace().any(is_key_type)
        })
}

pub fn is_key_type(token: &str) -> bool {
    ["ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"]
        .iter()
        .any(|p| token.starts_with(p))
}

/// Parses every line; an error names the line and what to change.
pub fn parse(text: &str) -> Result<Vec<Line>, (u64, String)> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let number = n as u64 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let tokens = tokenize(line).map_err(|e| (number, e))?;
        let Some(key_at) = tokens.iter().position(|t| is_key_type(t)) else {
            return Err((
                number,
                "no key on this line (expected `principals [options] ssh-ed25519 AAAA… [comment]`)"
                    .into(),
            ));
        };
        if key_at == 0 {
            return Err((
                number,
                "the line starts with a key, not with principals: in an allowed_signers file every line names who the key is (`alice@example.com ssh-ed25519 AAAA…`); plain .pub files list keys alone".into(),
            ));
        }
        if key_at > 2 {
            return Err((
                number,
                "expected `principals [options] keytype key`; found more fields before the key"
                    .into(),
            ));
        }
        let principals: Vec<String> = tokens[0].split(',').map(str::to_owned).collect();
        for p in &principals {
            if p.is_empty() {
                return Err((number, "an empty principal".into()));
            }
            if p.contains(['*', '?', '!']) {
                return Err((
                    number,
                    format!("principal `{p}` is a pattern; pushgate's signer names are exact, so list each signer"),
                ));
            }
        }
        let mut git = true;
        if key_at == 2 {
            for option in split_options(&tokens[1]) {
                let (name, value) = option.split_once('=').unwrap_or((option.as_str(), ""));
                match name.to_ascii_lowercase().as_str() {
                    "namespaces" => {
                        git = value
                            .trim_matches('"')
                            .split(',')
                            .any(|ns| ns.trim() == "git");
                    }
                    "cert-authority" => {
                        return Err((number, "`cert-authority`: SSH certificates are not verified by pushgate; list the signers' own keys".into()))
                    }
                    "valid-after" | "valid-before" => {
                        return Err((number, format!("`{name}`: key validity windows are not supported yet; remove it, or keep this key out of the file")))
                    }
                    other => return Err((number, format!("unknown option `{other}`"))),
                }
            }
        }
        if git {
            out.push(Line {
                number,
                principals,
                key: tokens[key_at..].join(" "),
            });
        }
    }
    Ok(out)
}

/// Splits on white space outside double quotes.
fn tokenize(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err("a quote is not closed".into());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// Splits `a,b="x,y",c` on commas outside quotes.
fn split_options(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    #[test]
    fn principals_options_and_refusals() {
        let text = format!(
            "# team\nalice@example.com,alice {KEY} laptop\nbob namespaces=\"file,git\" {KEY}\ncarol namespaces=\"file\" {KEY}\n"
        );
        assert!(looks_like(&text));
        assert!(!looks_like(&format!("# keys\n{KEY} alice\n")));
        let lines = parse(&text).unwrap();
        assert_eq!(lines.len(), 2, "carol's key is not for git: skipped");
        assert_eq!(lines[0].principals, ["alice@example.com", "alice"]);
        assert_eq!(lines[0].number, 2);
        assert_eq!(lines[0].key, format!("{KEY} laptop"));
        assert_eq!(lines[1].principals, ["bob"]);
        for (bad, says) in [
            (format!("*@example.com {KEY}"), "is a pattern"),
            (format!("dave cert-authority {KEY}"), "cert-authority"),
            (format!("dave valid-after=20260101 {KEY}"), "valid-after"),
            (format!("dave no-such-option {KEY}"), "unknown option"),
            (format!("dave \"unclosed {KEY}"), "not closed"),
            ("dave nothing-here".to_owned(), "no key"),
        ] {
            let e = parse(&bad).unwrap_err();
            assert!(e.1.contains(says), "{bad}: {e:?}");
            assert_eq!(e.0, 1);
        }
    }
}
