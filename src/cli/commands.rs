//! The operators' commands (install, doctor, check, validate, policy test,
//! audit, apply run): each reads its arguments, calls the stage modules,
//! prints through `report`, and maps the outcome to an exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use super::args::{
    AuditCommand, AuditSource, CheckArgs, ForgeArg, Format, Output, TableFormat, ValidateArgs,
};
use crate::config::Config;
use crate::exit::{print_error, Exit};
use crate::gate::{self, Gate};
use crate::git::Repo;
use crate::hook::push_for;
use crate::install;
use crate::protocol::{self, RefUpdate};
use crate::report::{self, Atomicity};

pub(super) fn cmd_install_client(
    work: Option<PathBuf>,
    config: Option<PathBuf>,
    pusher: Option<String>,
    force: bool,
) -> ExitCode {
    let run = || -> Result<()> {
        let work = work.unwrap_or_else(|| PathBuf::from("."));
        let exe = std::env::current_exe().context("finding the pushgate binary")?;
        let did =
            install::install_client(&work, config.as_deref(), pusher.as_deref(), force, &exe)?;
        println!(
            "{}: every git push from this clone is checked first, as the server will decide it (skip once: git push --no-verify)",
            work.display()
        );
        for d in did {
            println!("  {d}");
        }
        Ok(())
    };
    match run() {
        Ok(()) => Exit::Success.into(),
        Err(e) => {
            print_error("pushgate install --client: nothing was installed", &e);
            Exit::Error.into()
        }
    }
}

pub(super) fn cmd_install(
    bare_repo: Option<PathBuf>,
    config: Option<PathBuf>,
    hooks: Option<&str>,
    forge: ForgeArg,
    force: bool,
    all: Option<PathBuf>,
    template: Option<PathBuf>,
) -> ExitCode {
    let run = || -> Result<()> {
        let hooks = hooks.map(install::parse_hooks).transpose()?;
        let exe = std::env::current_exe().context("finding the pushgate binary")?;
        let opts = install::Options {
            config,
            hooks,
            forge: forge.forge(),
            force,
        };
        if let Some(dir) = &template {
            for d in install::install_template(dir, &opts, &exe)? {
                println!("  {d}");
            }
            println!(
                "{}: template written; guard new repositories with: git config --system init.templateDir {}",
                dir.display(),
                dir.display()
            );
            return Ok(());
        }
        let repos = match (&bare_repo, &all) {
            (Some(r), _) => vec![r.clone()],
            (None, Some(dir)) => {
                let found = install::find_bare_repos(dir)?;
                if found.is_empty() {
                    bail!("no bare repository under {}", dir.display());
                }
                found
            }
            (None, None) => bail!("name a bare repository, or --all DIR"),
        };
        let mut failed = 0;
        for r in &repos {
            match install::install(r, &opts, &exe) {
                Ok(did) => {
                    println!("{}: guarded by pushgate", r.display());
                    for d in did {
                        println!("  {d}");
                    }
                }
                Err(e) => {
                    failed += 1;
                    print_error(&format!("{}: not installed", r.display()), &e);
                }
            }
        }
        if failed > 0 {
            bail!(
                "{failed} of {} repositories were not installed",
                repos.len()
            );
        }
        Ok(())
    };
    match run() {
        Ok(()) => Exit::Success.into(),
        Err(e) => {
            print_error("pushgate install failed", &e);
            Exit::Error.into()
        }
    }
}

pub(super) fn cmd_doctor(dir: Option<PathBuf>, format: TableFormat) -> ExitCode {
    let run = || -> Result<Exit> {
        let dir = dir.unwrap_or_else(|| PathBuf::from("."));
        let repos = install::find_bare_repos(&dir)?;
        if repos.is_empty() {
            bail!("no bare repository at or under {}", dir.display());
        }
        let reports: Vec<crate::doctor::Report> = repos
            .iter()
            .map(|r| crate::doctor::examine(r, env!("CARGO_PKG_VERSION")))
            .collect();
        match format {
            TableFormat::Json => println!("{}", serde_json::to_string_pretty(&reports)?),
            TableFormat::Table => print!("{}", report::doctor(&reports)),
        }
        Ok(Exit::accepted(reports.iter().all(|r| r.guarded)))
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error("pushgate doctor: could not run", &e);
            Exit::Error.into()
        }
    }
}

pub(super) fn cmd_config_check(source: &AuditSource) -> ExitCode {
    let run = || -> Result<Exit> {
        let path = source.config_path()?;
        let gate = Gate::load(&path)?;
        let namespaces = gate.compile_all()?;
        let key_files: usize = gate.config.keys.values().map(Vec::len).sum();
        say!(
            "{}: loads: {} signer(s) from {key_files} key file(s), {} policy set(s) with {namespaces} namespace(s) compiled",
            path.display(),
            gate.config.keys.len(),
            gate.policies.len()
        );
        if let Some(audit) = &gate.config.audit {
            let target = crate::audit::Target::from(audit);
            if !target.is_postgres() && !Path::new(&audit.database).exists() {
                // Creating it here would start a log in the wrong place
                // (a new release directory) without anyone noticing.
                bail!(
                    "the audit log {} does not exist; a push would start a new, empty log there. If the config moved (a new release directory), point audit.database at the existing log by an absolute path outside the release directories; if this is a new installation, create it with `pushgate audit verify --config {}`",
                    audit.database,
                    path.display()
                );
            }
            crate::audit::Store::open(&target)
                .and_then(|mut s| s.check_writable())
                .with_context(|| {
                    format!(
                        "the audit log {} cannot be written; every push would be rejected",
                        audit.database
                    )
                })?;
            say!(
                "{}: audit log {} is writable",
                path.display(),
                audit.database
            );
        }
        if let Some(apply) = &gate.config.apply {
            let program = apply.command.first().map(String::as_str).unwrap_or("");
            if !program_exists(program) {
                bail!("apply.command: `{program}` is not found (as a path, or on PATH); every apply would fail");
            }
        }
        Ok(Exit::Success)
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error(
                "pushgate config check: the config is broken; pushes would be rejected",
                &e,
            );
            Exit::Error.into()
        }
    }
}

pub(super) fn cmd_config_export(source: &AuditSource, output: &Path) -> ExitCode {
    let run = || -> Result<Exit> {
        let path = source.config_path()?;
        let done = crate::export::export(&path, output)?;
        say!(
            "exported {} with {} file(s) to {}; in CI: pushgate check --config {} OLD NEW REF",
            path.display(),
            done.files,
            output.display(),
            done.config.display()
        );
        Ok(Exit::Success)
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error("pushgate config export: nothing usable was written", &e);
            Exit::Error.into()
        }
    }
}

pub(super) fn cmd_man(dir: Option<&Path>, cmd: clap::Command) -> ExitCode {
    let run = || -> Result<()> {
        match dir {
            None => clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .context("writing the manual page")?,
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                clap_mangen::generate_to(cmd, dir)
                    .with_context(|| format!("writing the manual pages into {}", dir.display()))?;
                note!("pushgate man: pages written to {}", dir.display());
            }
        }
        Ok(())
    };
    match run() {
        Ok(()) => Exit::Success.into(),
        Err(e) => {
            print_error("pushgate man: could not write the pages", &e);
            Exit::Error.into()
        }
    }
}

/// Whether `program` names an executable: a path as given, else a name
/// found on `PATH` (as the apply will run it).
fn program_exists(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let runnable = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.is_empty() {
        return false;
    }
    if program.contains('/') {
        return runnable(Path::new(program));
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| runnable(&d.join(program))))
        .unwrap_or(false)
}

pub(super) fn cmd_baseline(
    repo: &Path,
    config: Option<&Path>,
    by: Option<String>,
    force: bool,
    format: TableFormat,
    refs: &[String],
) -> ExitCode {
    let run = || -> Result<Exit> {
        let repo = Repo::open(repo)?;
        let config_path = config
            .map(Path::to_path_buf)
            .unwrap_or_else(|| repo.config_path());
        let config = Config::load(&config_path)?;
        let requests = refs
            .iter()
            .map(|a| crate::baseline::resolve(&repo, a))
            .collect::<Result<Vec<_>>>()?;
        let by = by.unwrap_or_else(crate::baseline::default_operator);
        let done = crate::baseline::apply(&repo, &config, &requests, &by, force)?;
        match format {
            TableFormat::Json => println!("{}", serde_json::to_string_pretty(&done)?),
            TableFormat::Table => {
                for d in &done {
                    say!(
                        "baseline: {} {} {} \"{}\"{}; its history is trusted, later pushes are judged from it",
                        protocol::printable(&d.refname),
                        if d.moved { "set to" } else { "stays at" },
                        d.new,
                        protocol::printable(&d.subject),
                        match d.audit_id {
                            Some(id) => format!(" (audit record {id}, by {})", protocol::printable(&by)),
                            None => " (no audit log in the config: not recorded)".into(),
                        }
                    );
                }
            }
        }
        Ok(Exit::Success)
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error(
                "pushgate baseline: stopped (the refs before the failing one were set and recorded)",
                &e,
            );
            Exit::Error.into()
        }
    }
}

/// `apply log ID`: the output of a decision's newest apply — the part kept
/// in its audit record, else (background applies of older versions) its
/// log file.
pub(super) fn cmd_apply_log(id: i64, source: &AuditSource) -> ExitCode {
    let run = || -> Result<Exit> {
        let record = audit_store(source)?
            .show(id)?
            .with_context(|| format!("no decision with id {id} (pushgate audit list)"))?;
        let Some(apply) = &record.apply else {
            bail!("decision {id} has no apply (its ref has no environment, it did not land, or no apply is configured)");
        };
        say!(
            "pushgate apply log {id}: {}",
            report::apply_summary(Some(apply))
        );
        if let Some(text) = apply["output"].as_str() {
            print!("{}", report::terminal_safe(text));
            if apply["output_truncated"] == true {
                say!(
                    "pushgate apply log {id}: only the first {} KiB are kept in the audit record{}",
                    crate::apply::STORED_OUTPUT / 1024,
                    apply["log"]
                        .as_str()
                        .map(|l| format!("; the whole output is in {l}"))
                        .unwrap_or_default()
                );
            }
        } else if let Some(log) = apply["log"].as_str() {
            let text =
                std::fs::read(log).with_context(|| format!("reading the apply log {log}"))?;
            print!("{}", report::terminal_safe(&String::from_utf8_lossy(&text)));
        } else {
            say!("pushgate apply log {id}: no output was recorded");
        }
        Ok(Exit::Success)
    };
    match run() {
        Ok(code) => code.into(),
        Err(e) => {
            print_error("pushgate apply log: could not show the output", &e);
            Exit::Error.into()
        }
    }
}

/// Loads what a hook needs. Any failure here rejects the push.
pub(super) fn cmd_apply_run(id: i64, source: &AuditSource, log: Option<PathBuf>) -> ExitCode {
    let result = (|| -> Result<&'static str> {
        let config_path = source.config_path()?;
        let repo_dir = match (std::env::var_os(crate::env::APPLY_GIT_DIR), &source.repo) {
            (Some(d), _) => PathBuf::from(d),
            (None, Some(r)) => r.clone(),
            (None, None) => config_path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        };
        let repo = Repo::open(&repo_dir)?;
        let config = Config::load(&config_path)?;
        let (Some(audit), Some(apply)) = (&config.audit, &config.apply) else {
            bail!(
                "{} configures no `apply` (or no `audit`)",
                config_path.display()
            );
        };
        let mut store = crate::audit::Store::open(&crate::audit::Target::from(audit))?;
        let record = store
            .show(id)?
            .with_context(|| format!("no decision with id {id}"))?;
        if !record.landed {
            bail!(
                "decision {id} did not land ({}), so there is nothing to apply",
                record.body.decision
            );
        }
        let job = crate::apply::Job::from_record(&record).with_context(|| {
            format!(
                "decision {id} ({}) maps to no environment",
                record.body.refname
            )
        })?;
        let out = match log {
            Some(l) => crate::apply::Output::Log(l),
            None => crate::apply::Output::Stream,
        };
        crate::apply::run(&repo, apply, &mut store, &job, out)
    })();
    match result {
        Ok("succeeded") => Exit::Success.into(),
        Ok(status) => {
            say!("pushgate apply: {status}");
            Exit::Rejected.into()
        }
        Err(e) => {
            print_error("pushgate apply run: could not run", &e);
            Exit::Error.into()
        }
    }
}

pub(super) fn resolve_rev(repo: &Repo, rev: &str) -> Result<String> {
    if protocol::is_zero(rev) && rev.len() >= 4 {
        return Ok("0".repeat(40));
    }
    let obj = repo.git.revparse_single(rev).with_context(|| {
        format!(
            "`{}` names no object in this repository",
            protocol::printable(rev)
        )
    })?;
    Ok(obj.id().to_string())
}

/// The commit `hex` names (through annotated tags), for a merge base.
fn oid_of(repo: &Repo, hex: &str) -> Result<git2::Oid> {
    let id = git2::Oid::from_str(hex)?;
    repo.peel_to_commit(id)?
        .with_context(|| format!("{hex} does not name a commit"))
}

pub(super) fn cmd_check(args: CheckArgs) -> ExitCode {
    let CheckArgs {
        repo: repo_dir,
        config,
        push_options,
        pusher,
        format,
        server_refs,
        against,
        update,
    } = args;
    let server_refs = server_refs.as_deref();
    let result = (|| {
        let repo = Repo::open(&repo_dir)?;
        let config_path = config.unwrap_or_else(|| repo.config_path());
        let gate = Gate::load(&config_path)?;
        let (old, new, refname) = match (&against, update.as_slice()) {
            (None, [old, new, refname]) => {
                (resolve_rev(&repo, old)?, resolve_rev(&repo, new)?, refname)
            }
            (Some(base), [new, refname]) => {
                let new = resolve_rev(&repo, new)?;
                let base_id = resolve_rev(&repo, base)?;
                let merge_base = repo
                    .git
                    .merge_base(oid_of(&repo, &base_id)?, oid_of(&repo, &new)?)
                    .with_context(|| format!("{base} and the new commit have no common history"))?;
                note!("pushgate check: OLD is {merge_base}, the merge base of {base} and NEW");
                (merge_base.to_string(), new, refname)
            }
            (None, _) => bail!("give OLD NEW REF (or --against BASE and NEW REF)"),
            (Some(_), _) => {
                bail!("with --against BASE, give only NEW and REF: OLD is their merge base")
            }
        };
        let update = RefUpdate::parse(&old, &new, refname, gate.config.limits.max_ref_name_bytes)?;
        let mut push = push_for(&gate.config, vec![update], push_options);
        if pusher.is_some() {
            push.pusher = pusher.clone();
        }
        // The server's decision trusts only the server's refs. A clone's own
        // branches prove nothing (a local `main` can hold anything), so only
        // a named remote's tracking refs stand in for them.
        let vouching: Vec<(String, git2::Oid)> = match server_refs {
            None => Vec::new(),
            Some(remote) => repo.tracking_refs_as_server(remote)?,
        };
        match server_refs {
            None => note!("pushgate check: no server refs given (--server-refs REMOTE): every commit the update brings is checked"),
            Some(remote) => note!(
                "pushgate check: history on the server, from {remote}'s tracking refs: {}",
                if vouching.is_empty() {
                    "none".to_owned()
                } else {
                    vouching.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
                }
            ),
        }
        detail!(
            "pushgate check: config {}: {} signer(s), {} policy set(s); pusher {}",
            config_path.display(),
            gate.config.keys.len(),
            gate.policies.len(),
            push.pusher.as_deref().unwrap_or(report::UNKNOWN_PUSHER)
        );
        let started = std::time::Instant::now();
        let decision = gate::decide_with_refs(&repo, &gate, &push, &vouching);
        detail!(
            "pushgate check: decided in {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        decision
    })();
    match result {
        Ok(decision) => {
            match format {
                Format::Text => print!(
                    "{}",
                    report::terminal_safe(&report::text(&decision, Atomicity::AllOrNothing))
                ),
                Format::Json => println!("{}", report::json(&decision)),
            }
            Exit::accepted(decision.accepted()).into()
        }
        Err(e) => {
            print_error("pushgate check: could not decide", &e);
            Exit::Error.into()
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn cmd_validate(args: ValidateArgs) -> ExitCode {
    let ValidateArgs {
        config,
        mut policies,
        mut data,
        mut namespaces,
        all_namespaces,
        fail_on_warn,
        combine,
        ignore,
        rego_version,
        parser,
        output,
        paths,
    } = args;
    let run = || -> Result<crate::validate::Report> {
        let (manifests, limits) = match &config {
            Some(path) => {
                let c = Config::load(path)?;
                if policies.is_empty() {
                    for set in &c.policies {
                        policies.push(set.path.clone());
                        data.extend(set.data.iter().cloned());
                        if namespaces.is_empty() || !all_namespaces {
                            namespaces.extend(set.manifest_namespaces.iter().cloned());
                        }
                    }
                }
                (c.manifests.clone(), c.limits.clone())
            }
            None => Default::default(),
        };
        if policies.is_empty() {
            policies.push(PathBuf::from("policy"));
        }
        if namespaces.is_empty() {
            namespaces.push("main".into());
        }
        namespaces.dedup();
        let selector =
            crate::manifest::Selector::new(&manifests, &limits).context("manifest globs")?;
        let ignore = match ignore {
            Some(re) => Some(regex::Regex::new(&re).with_context(|| format!("--ignore {re:?}"))?),
            None => None,
        };
        let opts = crate::validate::Options {
            policies,
            data,
            namespaces,
            all_namespaces,
            fail_on_warn,
            combine,
            ignore,
            rego_version,
            selector,
            parser,
        };
        crate::validate::run(&paths, &opts)
    };
    match run() {
        Ok(report) => {
            for ns in &report.empty_namespaces {
                say!("WARN - namespace `{ns}` defines no deny, violation or warn rule; nothing in it ran");
            }
            let text = match output {
                Output::Text => crate::validate::text(&report),
                Output::Json => crate::validate::json(&report),
                Output::Junit => crate::validate::junit(&report),
                Output::Github => crate::validate::github(&report),
                Output::Tap => crate::validate::tap(&report),
                Output::Table => crate::validate::table(&report),
                Output::Sarif => crate::validate::sarif(&report),
            };
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            Exit::accepted(!report.failed()).into()
        }
        Err(e) => {
            print_error("pushgate validate: could not run", &e);
            Exit::Error.into()
        }
    }
}

pub(super) fn cmd_policy_test(
    data: Vec<PathBuf>,
    run: Option<String>,
    verbose: bool,
    mut dirs: Vec<PathBuf>,
) -> ExitCode {
    if dirs.is_empty() {
        dirs.push(PathBuf::from("policy"));
    }
    let filter = match run.as_deref().map(regex::Regex::new).transpose() {
        Ok(f) => f,
        Err(e) => {
            print_error(
                "pushgate policy test: --run is not a valid regular expression",
                &e.into(),
            );
            return Exit::Error.into();
        }
    };
    let bundle = match crate::policy::Bundle::load(&dirs, &data) {
        Ok(b) => b,
        Err(e) => {
            print_error("pushgate policy test: could not load the policies", &e);
            return Exit::Error.into();
        }
    };
    let mut results = bundle.run_tests(filter.as_ref());
    results.sort_by(|a, b| a.name.cmp(&b.name));
    let (mut passed, mut failed) = (0, 0);
    for t in &results {
        let name = &t.name;
        match &t.verdict {
            Ok(true) => {
                passed += 1;
                println!("PASS {name}");
            }
            Ok(false) => {
                failed += 1;
                println!("FAIL {name}");
            }
            Err(e) => {
                failed += 1;
                println!("ERROR {name}: {e}");
            }
        }
        if verbose {
            for p in &t.prints {
                println!("  print: {p}");
            }
            println!("  time: {:.3} ms", t.duration.as_secs_f64() * 1000.0);
        }
    }
    if results.is_empty() {
        println!(
            "no test_* rules{} found in {}",
            if run.is_some() { " matching --run" } else { "" },
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Exit::Rejected.into();
    }
    println!("policy tests: {passed} passed, {failed} failed");
    Exit::accepted(failed == 0).into()
}

/// The audit log a config names. A config broken elsewhere (the moment
/// an operator most needs the log) still opens its log, with a note.
pub(super) fn audit_store(source: &AuditSource) -> Result<crate::audit::Store> {
    let config_path = source.config_path()?;
    let audit = match Config::load(&config_path) {
        Ok(config) => config.audit,
        Err(e) => match Config::audit_only(&config_path) {
            Some(audit) => {
                note!("pushgate: the config does not load ({e}); reading the audit log its `audit:` section names");
                Some(audit)
            }
            None => return Err(e.into()),
        },
    };
    let audit = audit.with_context(|| {
        format!(
            "{} has no `audit:` section, so nothing is recorded",
            config_path.display()
        )
    })?;
    crate::audit::Store::open(&crate::audit::Target::from(&audit))
}

/// `list` and `reconcile` select records through the query index; an
/// index that `verify` would flag (a row edited, a signer row deleted)
/// would silently hide records, so they read none until it is intact.
pub(super) fn trust_index(store: &mut crate::audit::Store) -> Result<()> {
    if let crate::audit::Verification::Broken { id, why } = store.verify()? {
        bail!("the audit log fails verification at record {id}: {why}; its index cannot be trusted to find records (pushgate audit verify shows the same)");
    }
    Ok(())
}

pub(super) fn cmd_audit(cmd: AuditCommand) -> ExitCode {
    use crate::audit::{Filter, Verification};
    let result = (|| -> Result<Exit> {
        match cmd {
            AuditCommand::List {
                source,
                refname,
                pusher,
                signer,
                decision,
                environment,
                commit,
                since,
                until,
                limit,
                format,
            } => {
                let filter = Filter {
                    refname,
                    pusher,
                    signer,
                    decision,
                    environment,
                    commit,
                    since: since
                        .as_deref()
                        .map(crate::audit::normalize_time)
                        .transpose()?,
                    until: until
                        .as_deref()
                        .map(crate::audit::normalize_time)
                        .transpose()?,
                    limit,
                };
                let mut store = audit_store(&source)?;
                trust_index(&mut store)?;
                let records = store.list(&filter)?;
                match format {
                    TableFormat::Json => println!("{}", serde_json::to_string_pretty(&records)?),
                    TableFormat::Table => {
                        print!("{}", report::terminal_safe(&report::audit_table(&records)))
                    }
                }
                Ok(Exit::Success)
            }
            AuditCommand::Show { id, source, format } => {
                let mut store = audit_store(&source)?;
                let record = match store.show(id)? {
                    Some(r) => r,
                    None => match store.entry(id)? {
                        Some((kind, Some(decision))) => {
                            note!("pushgate audit: entry {id} is the `{kind}` fact of decision {decision}; showing decision {decision}");
                            store.show(decision)?.with_context(|| format!("decision {decision} is missing (pushgate audit verify)"))?
                        }
                        _ => bail!("no decision with id {id}: ids are the numbers `pushgate audit list` shows (entry numbers of the chain, so they skip the facts between decisions)"),
                    },
                };
                match format {
                    TableFormat::Json => println!("{}", serde_json::to_string_pretty(&record)?),
                    TableFormat::Table => {
                        print!("{}", report::terminal_safe(&report::audit_record(&record)))
                    }
                }
                Ok(Exit::Success)
            }
            AuditCommand::Reconcile {
                repo,
                config,
                format,
            } => {
                let repo = Repo::open(repo.as_deref().unwrap_or(Path::new(".")))?;
                let source = AuditSource {
                    repo: None,
                    config: Some(config.unwrap_or_else(|| repo.config_path())),
                };
                let refs: Vec<(String, String)> = repo
                    .refs()?
                    .into_iter()
                    .map(|(n, id)| (n, id.to_string()))
                    .collect();
                let mut store = audit_store(&source)?;
                trust_index(&mut store)?;
                let found = store.reconcile(&repo.name, &refs)?;
                let drift = found
                    .iter()
                    .any(|r| matches!(r, crate::audit::Reconciled::Drift { .. }));
                match format {
                    TableFormat::Json => println!("{}", serde_json::to_string_pretty(&found)?),
                    TableFormat::Table => {
                        print!(
                            "{}",
                            report::terminal_safe(&report::reconciled(
                                &repo.name,
                                refs.len(),
                                &found
                            ))
                        )
                    }
                }
                Ok(Exit::accepted(!drift))
            }
            AuditCommand::Export { source } => {
                let mut store = audit_store(&source)?;
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::new(stdout.lock());
                let n = store.export(&mut out)?;
                say!("exported {n} entries from {}", store.describe());
                Ok(Exit::Success)
            }
            AuditCommand::Import { file, source } => {
                let mut store = audit_store(&source)?;
                let n = if file == Path::new("-") {
                    store.import(std::io::stdin().lock())?
                } else {
                    let f = std::fs::File::open(&file)
                        .with_context(|| format!("opening {}", file.display()))?;
                    store.import(std::io::BufReader::new(f))?
                };
                println!("imported {n} entries into {}", store.describe());
                Ok(Exit::Success)
            }
            AuditCommand::Verify { source } => match audit_store(&source)?.verify()? {
                Verification::Intact { entries, head } => {
                    println!("audit log intact: {entries} entries, head {head}");
                    Ok(Exit::Success)
                }
                Verification::Broken { id, why } => {
                    println!("audit log BROKEN at record {id}: {why}");
                    Ok(Exit::Rejected)
                }
            },
        }
    })();
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            print_error("pushgate audit: could not run", &e);
            Exit::Error.into()
        }
    }
}
