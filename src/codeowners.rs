//! A CODEOWNERS file (GitHub's and GitLab's common syntax) read as path
//! rules: `PATTERN @owner ...` per line, `#` comments, the last matching
//! line wins (the gate applies that precedence, see `approvals`).
//!
//! Patterns follow gitignore, as GitHub documents: a pattern with a `/`
//! before its end is anchored at the repository root (`/docs/`, `docs/*`),
//! one without matches at any depth (`*.tf`, `apps/`); a trailing `/`
//! means everything below; a pattern may also name a directory, so `x`
//! matches `x` and everything below it. What GitHub does not support is
//! refused rather than guessed: `!` negation, `[...]` ranges, and owners
//! that are not `@name` of a key or group (e-mail addresses, unknown
//! teams), since pushgate knows people only by key.

use globset::{GlobBuilder, GlobMatcher};

/// One line that names a pattern.
#[derive(Debug)]
pub struct Line {
    pub line: u64,
    /// As written.
    pub pattern: String,
    pub matcher: GlobMatcher,
    /// Key or group names, without the `@`; empty: the paths have no owner.
    pub owners: Vec<String>,
}

/// Every line, or every problem as (line, message).
pub fn parse(text: &str, known: &dyn Fn(&str) -> bool) -> Result<Vec<Line>, Vec<(u64, String)>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let content = raw.split_once(" #").map_or(raw, |(c, _)| c).trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let mut words = content.split_whitespace();
        let Some(pattern) = words.next() else {
            continue;
        };
        match glob_of(pattern) {
            Err(why) => problems.push((n, format!("`{pattern}`: {why}"))),
            Ok(glob) => {
                let mut owners = Vec::new();
                for w in words {
                    match w.strip_prefix('@') {
                        Some(name) if known(name) => owners.push(name.to_owned()),
                        Some(_) => problems.push((
                            n,
                            format!("owner `{w}` of `{pattern}` is neither in `keys:` nor in `groups:`"),
                        )),
                        None => problems.push((
                            n,
                            format!("owner `{w}` of `{pattern}` is not `@name`: pushgate knows owners by key, so e-mail addresses cannot own paths"),
                        )),
                    }
                }
                match GlobBuilder::new(&glob).literal_separator(true).build() {
                    Ok(g) => out.push(Line {
                        line: n,
                        pattern: pattern.to_owned(),
                        matcher: g.compile_matcher(),
                        owners,
                    }),
                    Err(e) => problems.push((
                        n,
                        format!("`{pattern}` is not a valid pattern: {}", e.kind()),
                    )),
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The glob a gitignore-style pattern means, as a path from the root.
fn glob_of(pattern: &str) -> Result<String, &'static str> {
    if pattern.starts_with('!') {
        return Err("`!` negation is not part of CODEOWNERS syntax");
    }
    if pattern.contains(['[', ']', '{', '}', ',', '\\']) {
        return Err("character ranges, braces, commas and escapes are not read here as GitHub reads them; rename the path or list it another way");
    }
    let dir_only = pattern.ends_with('/');
    let body = pattern.trim_end_matches('/');
    let anchored = body.starts_with('/') || body.contains('/');
    let body = body.trim_start_matches('/');
    if body.is_empty() {
        // `/` or `*` alone: everything.
        return Ok("**".into());
    }
    let base = if anchored || body.starts_with("**") {
        body.to_owned()
    } else {
        format!("**/{body}")
    };
    let last = body.rsplit('/').next().unwrap_or(body);
    Ok(if dir_only || body.ends_with("/**") {
        format!("{base}/**")
    } else if last.contains(['*', '?']) {
        // `docs/*` is the files in docs, not what is below them (GitHub:
        // it matches docs/getting-started.md, not docs/build-app/x.md).
        base
    } else {
        // The pattern itself, or a directory of that name and what is in it.
        format!("{{{base},{base}/**}}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners_of(text: &str, path: &str) -> Option<Vec<String>> {
        let lines = parse(text, &|n| !n.contains("unknown")).unwrap();
        lines
            .iter()
            .rev()
            .find(|l| l.matcher.is_match(path))
            .map(|l| l.owners.clone())
    }

    #[test]
    fn github_documented_examples() {
        // From GitHub's "About code owners" example file.
        let text = "* @global\n*.js @js\n/build/logs/ @logs\ndocs/* @docs\napps/ @apps\n/docs/ @rootdocs\n/apps/github\n";
        assert_eq!(owners_of(text, "README.md"), Some(vec!["global".into()]));
        assert_eq!(owners_of(text, "src/x/app.js"), Some(vec!["js".into()]));
        assert_eq!(
            owners_of(text, "build/logs/a/b.log"),
            Some(vec!["logs".into()])
        );
        // docs/* is anchored (a slash in the pattern) and one level deep;
        // then /docs/ (a later line) takes every file below docs.
        assert_eq!(
            owners_of(text, "docs/getting-started.md"),
            Some(vec!["rootdocs".into()])
        );
        assert_eq!(
            owners_of(text, "x/apps/deploy.yaml"),
            Some(vec!["apps".into()])
        );
        // A pattern without owners removes ownership (the last match wins).
        assert_eq!(owners_of(text, "apps/github/a.yaml"), Some(vec![]));
        assert_eq!(
            owners_of(text, "apps/other/a.yaml"),
            Some(vec!["apps".into()])
        );
    }

    #[test]
    fn a_wildcard_last_part_does_not_reach_into_subdirectories() {
        let text = "/docs/build-app/ @carol\ndocs/* @dave\n";
        assert_eq!(
            owners_of(text, "docs/build-app/t.md"),
            Some(vec!["carol".into()])
        );
        assert_eq!(owners_of(text, "docs/intro.md"), Some(vec!["dave".into()]));
        assert!(parse("/data/a,b.csv @x\n", &|_| true).is_err());
    }

    #[test]
    fn unsupported_syntax_and_unknown_owners_are_errors_with_lines() {
        let err = parse(
            "# c\n*.tf @ok\n!x @ok\nx user@example.com\ny @unknown-team\n",
            &|n| !n.contains("unknown"),
        )
        .unwrap_err();
        let lines: Vec<u64> = err.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![3, 4, 5]);
        assert!(err[1].1.contains("e-mail"), "{err:?}");
    }
}
