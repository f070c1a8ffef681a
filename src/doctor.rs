//! `pushgate doctor`: whether each repository is really guarded.
//!
//! The commonest failure of a server-side gate is silent: a forge upgrade
//! regenerated a hook, a repository was created after the install, hooks
//! were pointed elsewhere, the binary moved. Then pushes go through
//! unchecked. Doctor looks at what git will actually run for each
//! repository, and at everything the gate loads, and says how to fix each
//! problem.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::install::{Forge, MARKER};

/// One thing doctor checked.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked: `hooks/pre-receive`, `config`, `audit`, ...
    pub what: String,
    pub ok: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// One repository's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub repository: PathBuf,
    pub forge: Forge,
    pub guarded: bool,
    pub checks: Vec<Check>,
}

fn ok(what: impl Into<String>, message: impl Into<String>) -> Check {
    Check {
        what: what.into(),
        ok: true,
        message: message.into(),
        fix: None,
    }
}

fn bad(what: impl Into<String>, message: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        what: what.into(),
        ok: false,
        message: message.into(),
        fix: Some(fix.into()),
    }
}

/// Examines one bare repository. `version` is this pushgate's; hooks must
/// run a binary of the same version.
pub fn examine(path: &Path, version: &str) -> Report {
    let mut checks = Vec::new();
    let repo = match git2::Repository::open_bare(path) {
        Ok(r) => r,
        Err(e) => {
            return Report {
                repository: path.to_path_buf(),
                forge: Forge::Plain,
                guarded: false,
                checks: vec![bad(
                    "repository",
                    format!("not a bare git repository: {}", e.message()),
                    "point doctor at the server's bare repositories",
                )],
            }
        }
    };
    // (libgit2's path ends in a slash; components() drops it.)
    let git_dir: PathBuf = std::path::absolute(repo.path())
        .unwrap_or_else(|_| repo.path().to_path_buf())
        .components()
        .collect();
    let cfg = repo.config().ok();
    let get = |key: &str| cfg.as_ref().and_then(|c| c.get_string(key).ok());
    let detected = Forge::detect(&git_dir);
    let recorded = get("pushgate.forge").as_deref().and_then(Forge::parse);
    let forge = recorded.unwrap_or(detected);
    let hooks: Vec<String> = get("pushgate.hooks")
        .unwrap_or_else(|| "pre-receive,post-receive".into())
        .split(',')
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .collect();
    let reinstall = format!(
        "pushgate install {} --forge {}",
        git_dir.display(),
        detected.name()
    );

    if recorded.is_none() {
        checks.push(bad(
            "install",
            "pushgate was never installed here (no pushgate.* keys in the repository's git config)",
            reinstall.clone(),
        ));
    } else if recorded != Some(detected) && detected != Forge::Plain {
        checks.push(bad(
            "forge",
            format!(
                "installed for {}, but the repository now looks like a {} repository (its hooks were regenerated?)",
                forge.name(),
                detected.name()
            ),
            reinstall.clone(),
        ));
    }

    if let Some(hooks_path) = get("core.hooksPath") {
        let hp = PathBuf::from(&hooks_path);
        let hp = if hp.is_absolute() {
            hp
        } else {
            git_dir.join(hp)
        };
        let ours = git_dir.join("hooks");
        let same = hp.canonicalize().ok() == ours.canonicalize().ok();
        // GitLab's Gitaly points core.hooksPath at its own runner, which
        // then runs custom_hooks/: that is the layout, not a bypass.
        if !same && forge != Forge::Gitlab {
            checks.push(bad(
                "core.hooksPath",
                format!("git runs hooks from {hooks_path}, not from {}", ours.display()),
                format!("unset it (git config --unset core.hooksPath, also --global/--system), or install pushgate's hooks into {hooks_path}"),
            ));
        }
    }

    for name in &hooks {
        checks.extend(check_hook(&git_dir, forge, name, version, &reinstall));
    }

    // Under `update`, git has already moved a push's objects out of
    // quarantine when the gate runs: a rejected push's blobs (a leaked key)
    // stay in the repository until gc prunes them.
    if hooks.iter().any(|h| h == "update") && !hooks.iter().any(|h| h == "pre-receive") {
        checks.push(Check {
            what: "hooks/update".into(),
            ok: true,
            message: "the gate runs in the update hook: a rejected push's objects stay in the repository (git moved them out of quarantine before update ran), so a leaked secret in a rejected push is still on the server".into(),
            fix: Some(format!(
                "install the pre-receive hook instead ({reinstall} --hooks pre-receive,post-receive), or prune from a timer: git -C {} gc --prune=now",
                git_dir.display()
            )),
        });
    }

    if recorded.is_some()
        && !cfg
            .as_ref()
            .is_some_and(|c| c.get_bool("receive.fsckObjects").unwrap_or(false))
    {
        checks.push(bad(
            "receive.fsckObjects",
            "git does not fsck pushed objects: a tree with `..` or `.git` entries, which checkouts and the apply export refuse, can be pushed (pushgate install sets receive.fsckObjects)",
            format!("git -C {} config receive.fsckObjects true", git_dir.display()),
        ));
    }

    let config_path = get("pushgate.config")
        .map(PathBuf::from)
        .unwrap_or_else(|| git_dir.join("pushgate.yaml"));
    match crate::gate::Gate::load(&config_path).and_then(|g| g.compile_all().map(|_| g)) {
        Ok(gate) => {
            checks.push(ok(
                "config",
                format!(
                    "{} loads: keys, policies and globs are valid",
                    config_path.display()
                ),
            ));
            // Audit facts (landed) and applies are written by post-receive.
            if (gate.config.audit.is_some() || gate.config.apply.is_some())
                && !hooks.iter().any(|h| h == "post-receive")
            {
                checks.push(bad(
                    "hooks/post-receive",
                    "audit or apply is configured, but the post-receive hook is not installed: no apply runs and no decision is ever marked landed",
                    format!("{reinstall} --hooks pre-receive,post-receive"),
                ));
            }
            let refs: Vec<String> = repo
                .references()
                .map(|it| {
                    it.flatten()
                        .filter_map(|r| r.name().ok().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let patterns: Vec<(&str, &globset::GlobMatcher, String)> = gate
                .config
                .refs
                .iter()
                .map(|r| {
                    (
                        r.pattern.as_str(),
                        &r.matcher,
                        format!("{}:{}", config_path.display(), r.line),
                    )
                })
                .collect();
            for t in likely_typos(&patterns, &refs) {
                checks.push(Check {
                    what: "refs".into(),
                    ok: true,
                    message: format!(
                        "{}: `match: {}` matches no ref of this repository, but `{}` exists: a typo? The rule protects nothing until such a ref is created",
                        t.at, t.pattern, t.existing
                    ),
                    fix: Some(format!("correct the pattern at {} (or ignore this if the ref is yet to come)", t.at)),
                });
            }
            checks.extend(exceptions(&gate.config));
            if let Some(audit) = &gate.config.audit {
                checks.push(match crate::audit::Store::open(&crate::audit::Target::from(audit))
                    .and_then(|mut s| s.check_writable())
                {
                    Ok(()) => ok("audit", format!("{} is writable", audit.database)),
                    Err(e) => bad(
                        "audit",
                        format!("{} cannot be written: {e:#}; every push would be rejected", audit.database),
                        "give the user that runs the hooks write access to the database and its directory",
                    ),
                });
            }
        }
        Err(e) => checks.push(bad(
            "config",
            format!("{e}"),
            "fix the config; every push is rejected until it loads",
        )),
    }

    Report {
        repository: git_dir,
        forge,
        guarded: checks.iter().all(|c| c.ok),
        checks,
    }
}

/// Exceptions that rot: expired entries, and entries that covered no
/// finding in the last 30 days of the audit log (advice, not a failure:
/// the repository is still guarded).
fn exceptions(config: &crate::config::Config) -> Vec<Check> {
    let Some(ex) = &config.exceptions else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let advice = |message: String, fix: String| Check {
        what: "exceptions".into(),
        ok: true,
        message,
        fix: Some(fix),
    };
    for e in ex.entries.iter().filter(|e| e.expired(config.today)) {
        let u = e.used(&ex.file);
        out.push(advice(
            format!(
                "{} (`{}`, owner {}) expired on {}; it covers nothing now",
                u.entry, e.rule, e.owner, e.expires
            ),
            format!("remove the entry, or have {} renew it", e.owner),
        ));
    }
    let Some(audit) = &config.audit else {
        return out;
    };
    let since = crate::time::utc_of(jiff::Timestamp::now().as_second() - 30 * 86_400);
    let seen = crate::audit::Store::open(&crate::audit::Target::from(audit))
        .and_then(|mut s| s.exception_entries_since(&since));
    let seen = match seen {
        Ok(s) => s,
        Err(e) => {
            out.push(advice(
                format!(
                    "cannot tell which exceptions are used: the audit log cannot be read: {e:#}"
                ),
                "check the audit log (the `audit` line below)".into(),
            ));
            return out;
        }
    };
    for e in ex.entries.iter().filter(|e| !e.expired(config.today)) {
        let u = e.used(&ex.file);
        if !seen.contains(&format!("{}|{}", e.rule, u.entry)) {
            out.push(advice(
                format!("{} (`{}` {}, owner {}) covered no finding in the last 30 days", u.entry, e.rule, e.describe_match(), e.owner),
                "remove it if what it excepted is gone (or ignore this if it is newer than 30 days)".into(),
            ));
        }
    }
    out
}

/// A `refs:` pattern that looks like a misspelling of a ref that exists.
#[derive(Debug, PartialEq, Eq)]
pub struct Typo {
    pub pattern: String,
    /// The existing ref (or, for a glob, the existing prefix) it is close to.
    pub existing: String,
    /// Where the pattern is written (`file:line`).
    pub at: String,
}

/// Patterns that match none of `refs` but are within a small edit distance
/// of one (`refs/heads/mian`, `refs/heads/relase/*`): such a rule protects
/// nothing and says nothing, the silent failure doctor is for. A glob is
/// compared by its literal leading segments (up to the first one with a
/// wildcard) against the same number of segments of each ref. Patterns
/// matching nothing and close to nothing (refs yet to be created, tag
/// series) are left alone. Pure: the caller reads the refs.
pub fn likely_typos(
    patterns: &[(&str, &globset::GlobMatcher, String)],
    refs: &[String],
) -> Vec<Typo> {
    let mut out = Vec::new();
    for (pattern, matcher, at) in patterns {
        if refs.iter().any(|r| matcher.is_match(r)) {
            continue;
        }
        let segments: Vec<&str> = pattern.split('/').collect();
        let literal: Vec<&str> = segments
            .iter()
            .take_while(|s| !s.contains(['*', '?', '[', '{']))
            .copied()
            .collect();
        let glob = literal.len() < segments.len();
        // `refs/heads/*` has no name of its own to misspell.
        if literal.len() < 3 {
            continue;
        }
        let wanted = literal.join("/");
        // One edit for short names, two for longer ones.
        let last = literal.last().map_or(0, |s| s.chars().count());
        let allowed = if last <= 4 { 1 } else { 2 };
        let no_digits = |s: &str| {
            s.chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
        };
        let wanted_letters = no_digits(&wanted);
        // Each distinct prefix once: a repository may have 100,000 refs.
        let candidates: std::collections::BTreeSet<String> = refs
            .iter()
            .filter_map(|r| {
                let parts: Vec<&str> = r.split('/').collect();
                if parts.len() < literal.len() || (!glob && parts.len() != literal.len()) {
                    return None;
                }
                Some(parts[..literal.len()].join("/"))
            })
            .collect();
        let best = candidates
            .into_iter()
            .filter(|c| c.len().abs_diff(wanted.len()) <= allowed)
            // Names that differ only in digits are series (v1/v2,
            // release-1.0/1.1, team19/team99), not typos of each other.
            .filter(|c| no_digits(c) != wanted_letters)
            .filter_map(|c| {
                let d = strsim::damerau_levenshtein(&wanted, &c);
                (d > 0 && d <= allowed).then_some((d, c))
            })
            .min();
        if let Some((_, existing)) = best {
            out.push(Typo {
                pattern: pattern.to_string(),
                existing: if glob {
                    format!("{existing}/…")
                } else {
                    existing
                },
                at: at.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod typo_tests {
    use super::*;

    fn typos(patterns: &[&str], refs: &[&str]) -> Vec<String> {
        let matchers: Vec<globset::GlobMatcher> = patterns
            .iter()
            .map(|p| globset::Glob::new(p).unwrap().compile_matcher())
            .collect();
        let input: Vec<(&str, &globset::GlobMatcher, String)> = patterns
            .iter()
            .zip(&matchers)
            .map(|(p, m)| (*p, m, "cfg:1".to_string()))
            .collect();
        let refs: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
        likely_typos(&input, &refs)
            .into_iter()
            .map(|t| format!("{} ~ {}", t.pattern, t.existing))
            .collect()
    }

    #[test]
    fn a_misspelled_ref_is_named_and_a_future_one_is_not() {
        let refs = ["refs/heads/main", "refs/heads/release/1.0", "refs/tags/v1"];
        assert_eq!(
            typos(&["refs/heads/mian"], &refs),
            ["refs/heads/mian ~ refs/heads/main"]
        );
        assert_eq!(
            typos(&["refs/heads/relase/*"], &refs),
            ["refs/heads/relase/* ~ refs/heads/release/…"]
        );
        // Matches, or close to nothing, or no name of its own: silent.
        for quiet in [
            "refs/heads/main",
            "refs/heads/**",
            "refs/heads/production",
            "refs/tags/v*",
            "refs/heads/v2",
            "refs/heads/release",
        ] {
            assert_eq!(typos(&[quiet], &refs), Vec::<String>::new(), "{quiet}");
        }
        // A short name: one edit is a typo, two are another ref.
        assert_eq!(typos(&["refs/heads/dve"], &["refs/heads/dev"]).len(), 1);
        assert_eq!(typos(&["refs/heads/qa"], &["refs/heads/v1"]).len(), 0);
        // Series that differ in digits only are not typos of each other.
        for (pattern, existing) in [
            ("refs/heads/v2", "refs/heads/v1"),
            ("refs/heads/release-1.1", "refs/heads/release-1.0"),
            ("refs/tags/v2.0.0", "refs/tags/v1.1.0"),
            ("refs/heads/main2", "refs/heads/main"),
            (
                "refs/heads/feature/team99/**",
                "refs/heads/feature/team19/x",
            ),
        ] {
            assert_eq!(
                typos(&[pattern], &[existing]),
                Vec::<String>::new(),
                "{pattern}"
            );
        }
    }
}

/// The checks for one of pushgate's hooks: there, executable, ours, naming
/// a binary that exists and is this version, and run by the host.
fn check_hook(
    git_dir: &Path,
    forge: Forge,
    name: &str,
    version: &str,
    reinstall: &str,
) -> Vec<Check> {
    let rel = forge.hook_path(name);
    let what = rel.display().to_string();
    let path = git_dir.join(&rel);
    let mut out = Vec::new();
    if let Some(runner) = forge.runner(name) {
        let text = std::fs::read_to_string(git_dir.join(&runner)).unwrap_or_default();
        if !text.contains(".d/") || !is_executable(&git_dir.join(&runner)) {
            out.push(bad(
                runner.display().to_string(),
                format!("does not run the scripts in {}.d/, so pushgate's hook never runs", runner.display()),
                "let the forge regenerate its hooks (Gitea: Site Administration, \"Resynchronize pre-receive, update and post-receive hooks\")",
            ));
        }
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(_) if path.exists() => {
            out.push(bad(
                &what,
                "is not a text file pushgate wrote",
                reinstall.to_owned() + " --force",
            ));
            return out;
        }
        Err(_) => {
            out.push(bad(
                &what,
                "is missing: pushes are not checked",
                reinstall.to_owned(),
            ));
            return out;
        }
    };
    if !text.contains(MARKER) {
        out.push(bad(
            &what,
            "was not written by pushgate (replaced or regenerated by something else): pushes are not checked",
            reinstall.to_owned() + " --force",
        ));
        return out;
    }
    if !is_executable(&path) {
        out.push(bad(
            &what,
            "is not executable, so git skips it",
            reinstall.to_owned(),
        ));
        return out;
    }
    let Some(binary) = hook_binary(&text) else {
        out.push(bad(&what, "names no pushgate binary", reinstall.to_owned()));
        return out;
    };
    if !is_executable(&binary) {
        out.push(bad(
            &what,
            format!(
                "runs {}, which does not exist (moved or uninstalled?)",
                binary.display()
            ),
            reinstall.to_owned(),
        ));
        return out;
    }
    match binary_version(&binary) {
        Some(v) if v == version => out.push(ok(&what, format!("runs {} {v}", binary.display()))),
        Some(v) => out.push(bad(
            &what,
            format!(
                "runs {}, which is pushgate {v}; this is {version}",
                binary.display()
            ),
            reinstall.to_owned(),
        )),
        None => out.push(bad(
            &what,
            format!(
                "runs {}, which does not answer as pushgate",
                binary.display()
            ),
            reinstall.to_owned(),
        )),
    }
    out
}

/// The binary a hook script runs: the `#!` interpreter of the direct form,
/// or the quoted path after `exec` in the shell form.
fn hook_binary(text: &str) -> Option<PathBuf> {
    let first = text.lines().next()?;
    if let Some(rest) = first.strip_prefix("#!") {
        if let Some(bin) = rest.strip_suffix(" hook-file") {
            return Some(PathBuf::from(bin));
        }
    }
    let exec = text.lines().find_map(|l| l.strip_prefix("exec '"))?;
    // '...' with '\'' for each quote inside.
    let mut out = String::new();
    let mut rest = exec;
    loop {
        let end = rest.find('\'')?;
        out.push_str(&rest[..end]);
        rest = &rest[end..];
        if let Some(r) = rest.strip_prefix(r"'\''") {
            out.push('\'');
            rest = r;
        } else {
            return Some(PathBuf::from(out));
        }
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Every pushgate binary carries its version between these markers, so
/// doctor can read a hook's binary's version without running it. (Doctor
/// often runs as root from a timer, and hook files are writable by the git
/// user: executing whatever path a hook names would hand root to anyone
/// who can edit a hook.)
const VERSION_TAG: &[u8] = b"\0pushgate-version=";

#[used]
static EMBEDDED_VERSION: [u8; VERSION_TAG.len() + env!("CARGO_PKG_VERSION").len() + 1] = {
    let mut out = [0u8; VERSION_TAG.len() + env!("CARGO_PKG_VERSION").len() + 1];
    let v = env!("CARGO_PKG_VERSION").as_bytes();
    let mut i = 0;
    while i < VERSION_TAG.len() {
        out[i] = VERSION_TAG[i];
        i += 1;
    }
    let mut j = 0;
    while j < v.len() {
        out[i + j] = v[j];
        j += 1;
    }
    out
};

/// The version embedded in the pushgate binary at `binary`, read from the
/// file (never executed); None if it carries none.
fn binary_version(binary: &Path) -> Option<String> {
    // Keep the static alive in this binary, whatever the optimiser thinks.
    std::hint::black_box(&EMBEDDED_VERSION);
    let bytes = std::fs::read(binary).ok()?;
    // The tag also appears on its own (the constant searched for here), so
    // take the first occurrence followed by a version and a NUL.
    bytes
        .windows(VERSION_TAG.len())
        .enumerate()
        .filter(|(_, w)| *w == VERSION_TAG)
        .find_map(|(at, _)| {
            let rest = &bytes[at + VERSION_TAG.len()..];
            let end = rest.iter().take(64).position(|b| *b == 0)?;
            let v = &rest[..end];
            let plausible = !v.is_empty()
                && v.iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'));
            plausible.then(|| String::from_utf8_lossy(v).into_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_binary_in_both_hook_forms() {
        assert_eq!(
            hook_binary("#!/usr/bin/pushgate hook-file\n# x\n"),
            Some(PathBuf::from("/usr/bin/pushgate"))
        );
        assert_eq!(
            hook_binary(
                "#!/bin/sh\n# x\nexec '/opt/my tools/it'\\''s/pushgate' hook update \"$@\"\n"
            ),
            Some(PathBuf::from("/opt/my tools/it's/pushgate"))
        );
        assert_eq!(hook_binary("#!/bin/sh\necho hi\n"), None);
    }

    #[test]
    fn versions_are_read_from_the_file_not_by_running_it() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("pushgate");
        // A script that would leave a trace if doctor ran it.
        std::fs::write(
            &fake,
            format!("#!/bin/sh\ntouch {}/ran\n", dir.path().display()),
        )
        .unwrap();
        std::os::unix::fs::PermissionsExt::set_mode(
            &mut std::fs::metadata(&fake).unwrap().permissions(),
            0o755,
        );
        assert_eq!(binary_version(&fake), None);
        assert!(!dir.path().join("ran").exists());
        let mut tagged = b"ELF...".to_vec();
        tagged.extend_from_slice(VERSION_TAG);
        tagged.extend_from_slice(b"9.9.9\0more");
        std::fs::write(&fake, tagged).unwrap();
        assert_eq!(binary_version(&fake).as_deref(), Some("9.9.9"));
    }
}
