//! `pushgate config export`: the server's config, keys, policies and data
//! as one self-contained directory, for CI and developers' machines to run
//! `pushgate check --config DIR/pushgate.yaml` with exactly the server's
//! rules.
//!
//! The server's config names files by absolute paths or paths relative to
//! it, anywhere on the server; a copy of the YAML alone would not load
//! elsewhere. So the export copies every file the gate loads (the key files,
//! each policy set's `.rego` files, its data files) under the output
//! directory and rewrites the config to name them relatively. The server-
//! only sections are left out: `audit` (a database URL, a password file)
//! and `apply` (the deploy command) mean nothing to a check, and may say
//! more than CI should know. The result is loaded again before the command
//! reports success, so an export that would not load is never handed out.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// What was exported.
#[derive(Debug)]
pub struct Exported {
    pub config: PathBuf,
    pub files: usize,
}

/// Writes the export of the config at `from` into `out` (which must not
/// exist, or be an empty directory).
pub fn export(from: &Path, out: &Path) -> Result<Exported> {
    let gate = crate::gate::Gate::load(from)?;
    gate.compile_all()?;
    let config = &gate.config;
    if out.exists()
        && std::fs::read_dir(out)
            .with_context(|| format!("reading {}", out.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty; export into a new directory",
            out.display()
        );
    }
    let text = std::fs::read_to_string(&config.path)
        .with_context(|| format!("reading {}", config.path.display()))?;
    let mut raw: serde_json::Value = serde_saphyr::from_str(&text)
        .with_context(|| format!("reading {} as YAML", config.path.display()))?;
    let Some(top) = raw.as_object_mut() else {
        bail!("{}: the config is not a mapping", config.path.display());
    };
    top.remove("audit");
    top.remove("apply");
    // Its principals are in `keys:` below, each naming its copy.
    top.remove("allowed_signers");

    let mut files = 0;
    let the_config = std::fs::canonicalize(&config.path).ok();
    let mut copy = |src: &Path, rel: PathBuf| -> Result<String> {
        // A data directory holding the config itself (`data: [.]`) would
        // copy it verbatim, audit and apply sections included.
        if std::fs::canonicalize(src).ok() == the_config {
            note!(
                "pushgate config export: left out {} (the config itself)",
                src.display()
            );
            return Ok(rel.to_string_lossy().into_owned());
        }
        let dst = out.join(&rel);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::copy(src, &dst)
            .with_context(|| format!("copying {} to {}", src.display(), dst.display()))?;
        files += 1;
        detail!(
            "pushgate config export: {} -> {}",
            src.display(),
            dst.display()
        );
        Ok(rel.to_string_lossy().into_owned())
    };

    if !config.keys.is_empty() {
        let mut keys = serde_json::Map::new();
        for (n, (name, paths)) in config.keys.iter().enumerate() {
            let mut list = Vec::new();
            for (i, p) in paths.iter().enumerate() {
                // Named by position: a signer's name is not a path (`../x`).
                let ext = p
                    .extension()
                    .map(|e| format!(".{}", e.to_string_lossy()))
                    .unwrap_or_default();
                list.push(serde_json::Value::from(copy(
                    p,
                    PathBuf::from("keys").join(format!("{n}-{i}{ext}")),
                )?));
            }
            keys.insert(name.clone(), serde_json::Value::Array(list));
        }
        top.insert("keys".into(), serde_json::Value::Object(keys));
    }

    if let Some(serde_json::Value::Array(sets)) = top.get_mut("policies") {
        if sets.len() != config.policies.len() {
            bail!(
                "{}: `policies` changed while it was read",
                config.path.display()
            );
        }
        for (i, (raw_set, set)) in sets.iter_mut().zip(&config.policies).enumerate() {
            let Some(raw_set) = raw_set.as_object_mut() else {
                bail!("{}: policies[{i}] is not a mapping", config.path.display());
            };
            let base = PathBuf::from("policies").join(i.to_string());
            let path = copy_tree(
                &set.path,
                &|n| n.ends_with(".rego"),
                (out, &base.join("rego")),
                &mut copy,
            )?;
            raw_set.insert("path".into(), path.into());
            if !set.data.is_empty() {
                let mut data = Vec::new();
                for (j, d) in set.data.iter().enumerate() {
                    let rel = base.join("data").join(j.to_string());
                    data.push(serde_json::Value::from(copy_tree(
                        d,
                        &crate::policy::is_data_file,
                        (out, &rel),
                        &mut copy,
                    )?));
                }
                raw_set.insert("data".into(), serde_json::Value::Array(data));
            }
        }
    }

    let yaml = serde_saphyr::to_string(&raw).context("writing the exported config")?;
    let config_out = out.join("pushgate.yaml");
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    std::fs::write(
        &config_out,
        format!(
            "# Exported by `pushgate config export` from {} for `pushgate check`.\n# The server-only sections (audit, apply) are left out.\n{yaml}",
            config.path.display()
        ),
    )
    .with_context(|| format!("writing {}", config_out.display()))?;
    crate::gate::Gate::load(&config_out)
        .context("the exported config does not load (a bug: report it)")?;
    Ok(Exported {
        config: config_out,
        files,
    })
}

/// Copies what the gate loads from `src` (a file, or a directory walked as
/// the policy loader walks it) to `rel` under the output; returns the path
/// the exported config names.
fn copy_tree(
    src: &Path,
    keep: &dyn Fn(&str) -> bool,
    (out, rel): (&Path, &Path),
    copy: &mut dyn FnMut(&Path, PathBuf) -> Result<String>,
) -> Result<String> {
    std::fs::create_dir_all(out.join(rel))
        .with_context(|| format!("creating {}", out.join(rel).display()))?;
    if src.is_file() {
        let name = src.file_name().map(PathBuf::from).unwrap_or_default();
        return copy(src, rel.join(name));
    }
    let mut files = Vec::new();
    crate::policy::walk(src, keep, &mut files)?;
    for f in &files {
        let inner = f.strip_prefix(src).unwrap_or(f);
        copy(f, rel.join(inner))?;
    }
    Ok(rel.to_string_lossy().into_owned())
}
