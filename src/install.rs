//! `pushgate install`: writes the hook scripts into a bare repository,
//! records which config gates it, and switches on what the gate needs from
//! git. Idempotent, and careful never to clobber a hook someone else wrote.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Every hook script pushgate writes carries this line; it is how install
/// recognises its own hooks.
pub const MARKER: &str = "# pushgate: managed hook.";

/// The shell form, used when the binary's path cannot go on a `#!` line.
const TEMPLATES: &[(&str, &str)] = &[
    ("pre-receive", include_str!("../hooks/pre-receive")),
    ("update", include_str!("../hooks/update")),
    ("post-receive", include_str!("../hooks/post-receive")),
];

/// The direct form: the binary itself is the interpreter. Saves a shell
/// start (about 0.7 ms) on every hook run.
const DIRECT: &str = include_str!("../hooks/direct");

/// Linux reads at most this much of a `#!` line (BINPRM_BUF_SIZE).
const MAX_SHEBANG: usize = 255;

/// The script for hook `name`: direct when the path allows it (no white
/// space, short enough for the kernel), otherwise through /bin/sh.
fn hook_script(template: &str, exe: &str) -> String {
    let direct = DIRECT.replace("@PUSHGATE@", exe);
    let first = direct.lines().next().unwrap_or_default();
    if !exe.chars().any(char::is_whitespace) && first.len() < MAX_SHEBANG && exe.starts_with('/') {
        direct
    } else {
        template.replace("@PUSHGATE@", &sh_quote(exe))
    }
}

pub struct Options {
    pub config: Option<PathBuf>,
    pub hooks: Vec<String>,
    pub forge: String,
    pub force: bool,
}

/// Quotes `s` for a POSIX shell: the binary path goes into a script, and a
/// path may contain anything.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub fn parse_hooks(list: &str) -> Result<Vec<String>> {
    let hooks: Vec<String> = list
        .split(',')
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .collect();
    for h in &hooks {
        if !TEMPLATES.iter().any(|(name, _)| name == h) {
            bail!("--hooks: `{h}` is not one of pre-receive, update, post-receive");
        }
    }
    if !hooks.iter().any(|h| h == "pre-receive" || h == "update") {
        bail!("--hooks must include pre-receive or update, otherwise no push is gated");
    }
    Ok(hooks)
}

/// Installs into one repository; returns what it did, one line per action.
pub fn install(repo_path: &Path, opts: &Options, exe: &Path) -> Result<Vec<String>> {
    if opts.forge != "plain" {
        bail!(
            "--forge {} is not supported by this build yet; use --forge plain (see docs/install.md)",
            opts.forge
        );
    }
    let repo = git2::Repository::open_bare(repo_path).with_context(|| {
        format!(
            "{} is not a bare git repository (pushgate guards the server side)",
            repo_path.display()
        )
    })?;
    let git_dir = std::path::absolute(repo.path()).context("resolving the repository path")?;

    let config_path = match &opts.config {
        Some(p) => std::path::absolute(p).context("resolving --config")?,
        None => git_dir.join("pushgate.yaml"),
    };
    crate::gate::Gate::load(&config_path)?;

    let exe = std::path::absolute(exe).context("resolving the pushgate binary")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let exe_str = exe.to_str().context(
        "the pushgate binary's path is not UTF-8; install it somewhere with a plain path",
    )?;

    let hooks_dir = git_dir.join("hooks");
    std::fs::create_dir_all(&hooks_dir)
        .with_context(|| format!("creating {}", hooks_dir.display()))?;

    // Check every target before writing any, so a refusal changes nothing.
    for name in &opts.hooks {
        let path = hooks_dir.join(name);
        if let Ok(existing) = std::fs::read_to_string(&path) {
            if !existing.contains(MARKER) && !opts.force {
                bail!(
                    "{} exists and was not written by pushgate; rerun with --force to replace it (it is kept as {name}.pushgate-old)",
                    path.display()
                );
            }
        } else if path.exists() && !opts.force {
            bail!(
                "{} exists and is not a text file; rerun with --force to replace it",
                path.display()
            );
        }
    }

    let mut did = Vec::new();
    for name in &opts.hooks {
        let template = TEMPLATES
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| *t)
            .context("unknown hook")?;
        let script = hook_script(template, exe_str);
        let path = hooks_dir.join(name);
        let existing = std::fs::read(&path).ok();
        if existing.as_deref() == Some(script.as_bytes()) {
            did.push(format!("hooks/{name}: already up to date"));
        } else {
            if let Some(old) = &existing {
                if !String::from_utf8_lossy(old).contains(MARKER) {
                    let backup = hooks_dir.join(format!("{name}.pushgate-old"));
                    std::fs::rename(&path, &backup)
                        .with_context(|| format!("keeping the old hook as {}", backup.display()))?;
                    did.push(format!(
                        "hooks/{name}: kept the previous hook as hooks/{name}.pushgate-old"
                    ));
                }
            }
            write_executable(&path, &script)?;
            did.push(format!("hooks/{name}: written"));
        }
    }
    // A hook of ours that is no longer wanted (switching pre-receive <-> update).
    for (name, _) in TEMPLATES {
        if opts.hooks.iter().any(|h| h == name) {
            continue;
        }
        let path = hooks_dir.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|s| s.contains(MARKER)) {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            did.push(format!("hooks/{name}: removed (not in --hooks)"));
        }
    }

    let mut cfg = repo
        .config()
        .context("opening the repository's git config")?;
    let config_str = config_path
        .to_str()
        .context("the config path is not UTF-8")?;
    for (key, value) in [
        ("pushgate.config", config_str),
        // Without it, `git push -o` fails and policies never see push options.
        ("receive.advertisePushOptions", "true"),
    ] {
        if cfg.get_string(key).ok().as_deref() == Some(value) {
            did.push(format!("git config {key}: already {value}"));
        } else {
            cfg.set_str(key, value)
                .with_context(|| format!("setting {key}"))?;
            did.push(format!("git config {key} = {value}"));
        }
    }
    Ok(did)
}

fn write_executable(path: &Path, content: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    // Write beside and rename, so git never runs a half-written hook.
    let tmp = path.with_extension("pushgate-tmp");
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
    f.write_all(content.as_bytes())
        .with_context(|| format!("writing {}", tmp.display()))?;
    f.set_permissions(std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("making {} executable", tmp.display()))?;
    drop(f);
    std::fs::rename(&tmp, path).with_context(|| format!("installing {}", path.display()))
}

/// Every bare repository under `dir`, not descending into repositories.
pub fn find_bare_repos(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        if d.join("HEAD").is_file() && d.join("objects").is_dir() {
            if git2::Repository::open_bare(&d).is_ok_and(|r| r.is_bare()) {
                found.push(d);
            }
            continue;
        }
        if depth >= 8 {
            continue;
        }
        let entries = std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))?;
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push((e.path(), depth + 1));
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_quotes() {
        assert_eq!(sh_quote("/a b/it's"), r"'/a b/it'\''s'");
    }

    #[test]
    fn hooks_list_is_checked() {
        assert!(parse_hooks("post-receive").is_err());
        assert!(parse_hooks("pre-receive,bogus").is_err());
        assert_eq!(
            parse_hooks("update,post-receive").unwrap(),
            vec!["update", "post-receive"]
        );
    }

    #[test]
    fn direct_form_only_for_plain_paths() {
        assert!(hook_script(TEMPLATES[1].1, "/usr/bin/pushgate")
            .starts_with("#!/usr/bin/pushgate hook-file\n"));
        let spaced = hook_script(TEMPLATES[1].1, "/opt/my tools/pushgate");
        assert!(spaced.starts_with("#!/bin/sh\n"), "{spaced}");
        assert!(
            spaced.contains("exec '/opt/my tools/pushgate' hook update"),
            "{spaced}"
        );
        let long = format!("/{}", "x".repeat(300));
        assert!(hook_script(TEMPLATES[1].1, &long).starts_with("#!/bin/sh\n"));
    }

    #[test]
    fn templates_carry_the_marker() {
        assert!(DIRECT.contains(MARKER));
        for (name, t) in TEMPLATES {
            assert!(t.contains(MARKER), "{name}");
            assert!(t.contains("@PUSHGATE@"), "{name}");
        }
    }
}
