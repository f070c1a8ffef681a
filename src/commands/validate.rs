//! `pushgate validate` and `policy test`: conftest's commands, on files and on a policy's tests.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};

use crate::config::Config;
use crate::exit::{print_error, Exit};

/// `validate`'s flags: conftest's names, values and exit codes.
#[derive(clap::Args)]
pub(crate) struct ValidateArgs {
    /// Take manifest globs (and, without -p, policy sets and their data) from this config.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// Policy directory or file; only `.rego` files are read (default: ./policy, or the config's sets).
    #[arg(long = "policy", short = 'p')]
    pub(crate) policies: Vec<PathBuf>,
    /// Data directory or file (JSON/YAML), merged into `data` under its directory's path.
    #[arg(long = "data", short = 'd')]
    pub(crate) data: Vec<PathBuf>,
    /// Namespace (package) whose rules run (default: main, or the config's).
    #[arg(long = "namespace", short = 'n')]
    pub(crate) namespaces: Vec<String>,
    /// Run the rules of every package.
    #[arg(long)]
    pub(crate) all_namespaces: bool,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub(crate) fail_on_warn: bool,
    /// Evaluate once over all documents: `input` is the array of `{path, contents}`.
    #[arg(long)]
    pub(crate) combine: bool,
    /// Skip files whose path matches this regular expression.
    #[arg(long)]
    pub(crate) ignore: Option<String>,
    /// Rego syntax of the policies: v1, v0, or auto (v1, else v0, per file).
    #[arg(long, value_enum, default_value_t = crate::policy::RegoVersion::Auto)]
    pub(crate) rego_version: crate::policy::RegoVersion,
    /// Read every file as this format (conftest's --parser); default: by
    /// extension (`.toml` is TOML; `.tf`/`.hcl` are refused: HCL2 is not
    /// supported yet).
    #[arg(long, value_enum)]
    pub(crate) parser: Option<crate::validate::Parser>,
    /// Check every document against the Kubernetes schemas of this version
    /// (kubeconform's flag; default: the config's manifests.schemas, else
    /// the newest built in when another schema flag is given).
    #[arg(long)]
    pub(crate) kubernetes_version: Option<String>,
    /// More schemas, as kubeconform's -schema-location: a directory (of
    /// `{kind}-{group}-{version}.json` files, and CRD YAML), one JSON file, or
    /// a template (`dir/{{ .ResourceKind }}{{ .KindSuffix }}.json`). Local only.
    #[arg(long)]
    pub(crate) schema_location: Vec<PathBuf>,
    /// Unknown fields are errors (kubeconform's -strict).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Documents of kinds no schema describes pass without a word
    /// (kubeconform's -ignore-missing-schemas; manifests.schemas.unknown_kinds: skip).
    #[arg(long)]
    pub(crate) ignore_missing_schemas: bool,
    /// How findings are printed: text for people; json, junit, github (workflow commands), tap, table, sarif for tools (conftest's names).
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
    pub(crate) output: Output,
    /// Files or directories; `-` reads documents from standard input
    /// (`kubectl kustomize overlays/prod | pushgate validate -`).
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Run the `test_*` rules of Rego files (like `opa test`, `conftest verify`).
    Test {
        /// Data directory or file, merged into `data`.
        #[arg(long = "data", short = 'd')]
        data: Vec<PathBuf>,
        /// Only the tests whose full name (`data.pkg.test_x`) matches this regular expression.
        #[arg(long)]
        run: Option<String>,
        /// Policy directories or files (default: ./policy).
        dirs: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Output {
    Text,
    Json,
    Junit,
    Github,
    Tap,
    Table,
    Sarif,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn cmd_validate(args: ValidateArgs) -> ExitCode {
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
        kubernetes_version,
        schema_location,
        strict,
        ignore_missing_schemas,
        output,
        paths,
    } = args;
    let mut loaded: Option<Config> = None;
    let run = || -> Result<crate::validate::Report> {
        let (manifests, limits) = match &config {
            Some(path) => {
                let c = loaded.insert(Config::load(path)?);
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
        // Schema checks alone need no policy: ./policy is the default only
        // when it exists, or when nothing else would be checked.
        let schema_flags = kubernetes_version.is_some()
            || !schema_location.is_empty()
            || strict
            || ignore_missing_schemas
            || loaded
                .as_ref()
                .is_some_and(|c| c.manifests.schemas.is_some());
        if policies.is_empty() && (!schema_flags || std::path::Path::new("policy").exists()) {
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
        let configured = loaded.as_ref().and_then(|c| c.manifests.schemas.clone());
        let asked = kubernetes_version.is_some()
            || !schema_location.is_empty()
            || strict
            || ignore_missing_schemas;
        let schemas = if configured.is_some() || asked {
            let mut s = configured.unwrap_or_else(|| crate::config::Schemas {
                kubernetes: crate::config::KUBERNETES_VERSIONS
                    .last()
                    .map_or_else(String::new, |v| (*v).to_owned()),
                crds: Vec::new(),
                local_crds: Vec::new(),
                locations: Vec::new(),
                strict: false,
                unknown_kinds: crate::config::UnknownKinds::Reject,
            });
            if let Some(v) = &kubernetes_version {
                s.kubernetes = crate::config::kubernetes_version(v)
                    .with_context(|| {
                        format!(
                            "--kubernetes-version {v}: pushgate has schemas for {}",
                            crate::config::KUBERNETES_VERSIONS.join(", ")
                        )
                    })?
                    .to_owned();
            }
            s.strict |= strict;
            if ignore_missing_schemas {
                s.unknown_kinds = crate::config::UnknownKinds::Skip;
            }
            s.locations = schema_location;
            Some(crate::validate::catalog(&s, &selector.limits)?)
        } else {
            None
        };
        let opts = crate::validate::Options {
            schemas,
            render: loaded
                .as_ref()
                .map(|c| c.manifests.render.clone())
                .unwrap_or_default(),
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
        let mut report = crate::validate::run(&paths, &opts)?;
        // The server's rollout controls, so CI gives the server's answer.
        if let Some(c) = &loaded {
            crate::validate::roll_out(&mut report, c);
        }
        Ok(report)
    };
    let rendered = run().and_then(|report| {
        let text = match output {
            Output::Junit => crate::validate::junit(&report)?,
            _ => String::new(),
        };
        Ok((report, text))
    });
    match rendered {
        Ok((report, junit)) => {
            for ns in &report.empty_namespaces {
                say!("WARN - namespace `{ns}` defines no deny, violation or warn rule; nothing in it ran");
            }
            let text = match output {
                Output::Text => crate::validate::text(&report),
                Output::Json => crate::validate::json(&report),
                Output::Junit => junit,
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

pub(crate) fn cmd_policy_test(
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
