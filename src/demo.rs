//! `pushgate demo`: the newcomer's first run. Builds a throwaway server with
//! the example config, pushes changes that pass and changes that break each
//! rule, and narrates what the gate said. Needs nothing but `git`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{bail, Context, Result};
use sequoia_openpgp::cert::CipherSuite;

use crate::exit::Exit;
use crate::signature::sign::{self, Signer};

const CONFIG: &str = include_str!("../examples/demo/pushgate.yaml");

/// What a deploy script sees: a stand-in for `kubectl apply -f k8s/`.
const DEPLOY: &str = "#!/bin/sh
echo \"deploying $PUSHGATE_ENVIRONMENT: $PUSHGATE_REF at $(echo $PUSHGATE_NEW | cut -c1-10) (audit id $PUSHGATE_AUDIT_ID)\"
tr '\\0' '\\n' < \"$PUSHGATE_CHANGED_FILES\" | sed 's/^/  changed: /'
";

/// The shipped Kubernetes baseline, so the demo needs no checkout.
const BASELINE: &str = include_str!("../policies/kubernetes/baseline.rego");

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: web
          image: registry.example.com/shop/web:1.4.2
          resources:
            limits: {cpu: 500m, memory: 256Mi}
";

struct Demo {
    root: PathBuf,
    work: PathBuf,
    passed: usize,
    failed: Vec<String>,
}

pub fn run() -> ExitCode {
    match run_demo() {
        Ok(passed) => Exit::accepted(passed).into(),
        Err(e) => {
            eprintln!("pushgate demo could not run: {e:#}");
            Exit::Error.into()
        }
    }
}

fn run_demo() -> Result<bool> {
    let git_version = Command::new("git")
        .arg("--version")
        .output()
        .context("the demo needs `git` on PATH")?;
    if !git_version.status.success() {
        bail!("`git --version` failed; the demo needs a working git");
    }
    let tmp = tempfile::Builder::new()
        .prefix("pushgate-demo")
        .tempdir()
        .context("creating a temp dir")?;
    let root = tmp.path().to_path_buf();
    std::fs::write(
        root.join("gitconfig"),
        "[init]\n\tdefaultBranch = main\n[user]\n\tname = Alice\n\temail = alice@example.com\n[advice]\n\tdetachedHead = false\n",
    )?;
    let mut d = Demo {
        work: root.join("work"),
        root,
        passed: 0,
        failed: vec![],
    };

    println!(
        "pushgate demo: a throwaway Git server in {}",
        d.root.display()
    );
    println!();
    let server = d.root.join("infra.git");
    d.git_ok(&d.root, &["init", "-q", "--bare", "infra.git"])?;
    std::fs::write(server.join("pushgate.yaml"), CONFIG)?;
    std::fs::write(server.join("deploy.sh"), DEPLOY)?;
    std::fs::set_permissions(
        server.join("deploy.sh"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    std::fs::create_dir_all(server.join("policies/kubernetes"))?;
    std::fs::write(server.join("policies/kubernetes/baseline.rego"), BASELINE)?;
    // Keys made on the spot: alice signs with OpenPGP, bob with SSH, and
    // mallory has a key the server has never heard of.
    let alice = Signer::new_openpgp("Alice <alice@example.com>", CipherSuite::Cv25519)?;
    let bob = Signer::new_ssh("bob@example.com")?;
    let mallory = Signer::new_openpgp("Mallory <mallory@example.com>", CipherSuite::Cv25519)?;
    std::fs::create_dir_all(server.join("keys"))?;
    std::fs::write(server.join("keys/alice.asc"), alice.public_file()?)?;
    std::fs::write(server.join("keys/bob.pub"), bob.public_file()?)?;
    let exe = std::env::current_exe().context("finding the pushgate binary")?;
    let opts = crate::install::Options {
        config: None,
        hooks: Some(vec!["pre-receive".into(), "post-receive".into()]),
        forge: Some(crate::install::Forge::Plain),
        force: false,
    };
    crate::install::install(&server, &opts, &exe)?;
    println!("Installed pushgate into infra.git with this config:");
    for line in CONFIG
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        println!("    {line}");
    }
    println!();

    d.git_ok(&d.root, &["clone", "-q", "infra.git", "work"])?;
    let work = d.work.clone();

    d.write("k8s/web.yaml", DEPLOYMENT)?;
    d.commit("Add the web deployment", Some(&alice))?;
    d.scenario(
        "alice pushes a deployment, signed with her OpenPGP key",
        Some("alice"),
        &["origin", "main"],
        true,
    )?;

    d.write(
        "k8s/web.yaml",
        &DEPLOYMENT.replace("web:1.4.2", "web:latest"),
    )?;
    d.commit("Run the latest web image", Some(&alice))?;
    d.scenario(
        "alice switches the image to :latest (Kubernetes baseline policy)",
        Some("alice"),
        &["origin", "main"],
        false,
    )?;

    d.git_ok(&work, &["reset", "-q", "--hard", "origin/main"])?;
    d.write(
        "k8s/web.yaml",
        &DEPLOYMENT.replace("replicas: 2", "replicas: 3"),
    )?;
    d.commit("Scale web to 3", None)?;
    d.scenario(
        "alice pushes a commit she forgot to sign",
        Some("alice"),
        &["origin", "main"],
        false,
    )?;

    d.git_ok(&work, &["reset", "-q", "--hard", "origin/main"])?;
    d.write(
        "k8s/web.yaml",
        &DEPLOYMENT.replace("replicas: 2", "replicas: 3"),
    )?;
    d.commit("Scale web to 3", Some(&mallory))?;
    d.scenario(
        "a commit signed by a key nobody trusts",
        Some("alice"),
        &["origin", "main"],
        false,
    )?;

    d.git_ok(&work, &["reset", "-q", "--hard", "origin/main"])?;
    d.write(
        "k8s/web.yaml",
        &DEPLOYMENT.replace("replicas: 2", "replicas: 3"),
    )?;
    d.commit("Scale web to 3", Some(&bob))?;
    d.scenario(
        "mallory (not in `pushers`) pushes bob's signed commit",
        Some("mallory"),
        &["origin", "main"],
        false,
    )?;
    d.scenario(
        "the same push with no pusher identity at all",
        None,
        &["origin", "main"],
        false,
    )?;
    d.scenario(
        "bob pushes it himself, signed with his SSH key",
        Some("bob"),
        &["origin", "main"],
        true,
    )?;

    d.git_ok(
        &work,
        &["commit", "-q", "--amend", "-m", "Scale web to 3 (reworded)"],
    )?;
    d.sign_head(&bob)?;
    d.scenario(
        "bob rewrites main's history and force-pushes",
        Some("bob"),
        &["--force", "origin", "main"],
        false,
    )?;

    d.git_ok(&work, &["reset", "-q", "--hard", "origin/main"])?;
    d.git_ok(&work, &["checkout", "-q", "-b", "feature"])?;
    d.write(
        "k8s/cache.yaml",
        "kind: ConfigMap\nmetadata:\n  name: cache\n  namespace: shop\n",
    )?;
    d.commit("Add cache", Some(&bob))?;
    d.git_ok(&work, &["checkout", "-q", "main"])?;
    d.write(
        "k8s/web.yaml",
        &DEPLOYMENT.replace("replicas: 2", "replicas: 4"),
    )?;
    d.commit("Scale web to 4", Some(&bob))?;
    d.git_ok(&work, &["merge", "-q", "--no-edit", "feature"])?;
    d.sign_head(&bob)?;
    d.scenario(
        "bob pushes a merge commit to main (linear history required)",
        Some("bob"),
        &["origin", "main"],
        false,
    )?;
    d.scenario(
        "...the same merge goes to an unprotected branch first",
        Some("bob"),
        &["origin", "main:refs/heads/sneaky"],
        true,
    )?;
    d.scenario(
        "...and is then fast-forwarded onto main (laundering)",
        Some("bob"),
        &["origin", "refs/remotes/origin/sneaky:main"],
        false,
    )?;

    d.git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"])?;
    d.git_ok(&work, &["rebase", "-q", "feature"])?;
    d.sign_head(&bob)?;
    d.scenario(
        "bob rebases instead, signs, and pushes",
        Some("bob"),
        &["origin", "main"],
        true,
    )?;

    d.tag("v1.0", "HEAD", Some(&alice))?;
    d.scenario(
        "alice pushes release tag v1.0, signed",
        Some("alice"),
        &["origin", "v1.0"],
        true,
    )?;
    d.tag("v1.1", "HEAD", None)?;
    d.scenario(
        "alice pushes release tag v1.1, unsigned",
        Some("alice"),
        &["origin", "v1.1"],
        false,
    )?;
    d.tag("v1.0", "HEAD~1", Some(&alice))?;
    d.scenario(
        "alice moves the v1.0 tag (immutable)",
        Some("alice"),
        &["--force", "origin", "v1.0"],
        false,
    )?;

    d.scenario(
        "alice deletes main",
        Some("alice"),
        &["origin", "--delete", "main"],
        false,
    )?;

    let mut store = crate::audit::Store::open_url(&server.join("audit.db").to_string_lossy())?;
    let records = store.list(&crate::audit::Filter {
        limit: 50,
        ..Default::default()
    })?;
    println!(
        "The audit log (pushgate audit list --repo {}):",
        server.display()
    );
    for line in crate::report::audit_table(&records).lines() {
        println!("   {line}");
    }
    match store.verify()? {
        crate::audit::Verification::Intact { entries, .. } => {
            println!("   pushgate audit verify: intact, {entries} chained entries");
        }
        crate::audit::Verification::Broken { id, why } => {
            bail!("the demo's audit log is broken at {id}: {why}")
        }
    }
    println!();

    println!("What you saw");
    println!("  - Every push ran through pushgate's pre-receive hook on the server; the");
    println!("    `remote:` lines are what a real pusher reads: the ref, the commit, the");
    println!("    rule (with its line in pushgate.yaml) and how to fix it.");
    println!("  - A rejected push changes nothing: no ref moves, no object stays.");
    println!("  - Changed manifests are parsed and checked by the shipped Kubernetes");
    println!("    baseline (Rego, in-process); a violation names file:line and the rule.");
    println!("  - Every commit new to main must carry a good signature by alice or bob");
    println!("    (OpenPGP or SSH), checked in-process against keys/ on the server.");
    println!("  - Every decision, accepted or rejected, is in the audit log; accepted ones");
    println!("    are marked landed once the ref moved. Each entry is hash-chained.");
    println!("  - Accepted updates to main and v* tags ran deploy.sh for their environment");
    println!("    once they landed (the `| deploying ...` lines), recorded in the audit log.");
    println!("  - Commits count for every ref they are new to, so a merge cannot reach");
    println!("    main by landing on an unprotected branch first.");
    println!();
    let total = d.passed + d.failed.len();
    if d.failed.is_empty() {
        println!("All {total} pushes were decided as expected. Next: README.md, \"Install on a server\".");
        Ok(true)
    } else {
        println!(
            "{} of {total} pushes were NOT decided as expected:",
            d.failed.len()
        );
        for f in &d.failed {
            println!("  - {f}");
        }
        Ok(false)
    }
}

impl Demo {
    fn git(&self, dir: &Path) -> Command {
        let mut c = Command::new("git");
        c.current_dir(dir)
            .env("HOME", &self.root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.root.join("gitconfig"))
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::null());
        for v in crate::config::DEFAULT_PUSHER_ENV.iter().chain(&[
            "PUSHGATE_CONFIG",
            "GIT_DIR",
            "GIT_WORK_TREE",
        ]) {
            c.env_remove(v);
        }
        c
    }

    fn git_ok(&self, dir: &Path, args: &[&str]) -> Result<()> {
        let out = self.git(dir).args(args).output().context("running git")?;
        if !out.status.success() {
            bail!(
                "git {} failed:\n{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }

    /// Commits everything in the work tree, signed by `signer` if given.
    fn commit(&self, msg: &str, signer: Option<&Signer>) -> Result<()> {
        self.git_ok(&self.work, &["add", "-A"])?;
        self.git_ok(&self.work, &["commit", "-q", "-m", msg])?;
        match signer {
            Some(s) => self.sign_head(s),
            None => Ok(()),
        }
    }

    /// Replaces HEAD with a signed copy of itself, as `git commit -S` would
    /// have made it.
    fn sign_head(&self, signer: &Signer) -> Result<()> {
        let repo = git2::Repository::open(&self.work)?;
        let head = repo.head()?.peel_to_commit()?.id();
        let signed = sign::sign_commit(&repo, head, signer)?;
        self.git_ok(&self.work, &["reset", "-q", "--hard", &signed.to_string()])
    }

    /// An annotated tag `name` at `rev`, signed if `signer` is given.
    fn tag(&self, name: &str, rev: &str, signer: Option<&Signer>) -> Result<()> {
        let Some(signer) = signer else {
            return self.git_ok(&self.work, &["tag", "-f", "-a", "-m", name, name, rev]);
        };
        let repo = git2::Repository::open(&self.work)?;
        let target = repo.revparse_single(rev)?.peel_to_commit()?.id();
        let tagger = git2::Signature::now("Alice", "alice@example.com")?;
        let id = sign::signed_tag(
            &repo,
            target,
            name,
            &format!("Release {name}"),
            &tagger,
            signer,
        )?;
        self.git_ok(
            &self.work,
            &["update-ref", &format!("refs/tags/{name}"), &id.to_string()],
        )
    }

    fn write(&self, rel: &str, content: &str) -> Result<()> {
        let p = self.work.join(rel);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&p, content).with_context(|| format!("writing {rel}"))
    }

    fn scenario(
        &mut self,
        title: &str,
        pusher: Option<&str>,
        args: &[&str],
        expect_accept: bool,
    ) -> Result<()> {
        let n = self.passed + self.failed.len() + 1;
        let who = pusher
            .map(|p| format!("PUSHGATE_PUSHER={p} "))
            .unwrap_or_default();
        println!("{n}. {title}");
        println!("   $ {who}git push {}", args.join(" "));
        let mut c = self.git(&self.work);
        c.arg("push").args(args);
        if let Some(p) = pusher {
            c.env("PUSHGATE_PUSHER", p);
        }
        let out = c.output().context("running git push")?;
        let text = String::from_utf8_lossy(&out.stderr);
        for line in text
            .lines()
            .filter(|l| l.starts_with("remote:") || l.contains("[rejected]") || l.contains("->"))
        {
            println!("   | {}", line.trim_end());
        }
        let accepted = out.status.success();
        let verdict = if accepted { "accepted" } else { "rejected" };
        if accepted == expect_accept {
            println!("   => {verdict}, as expected");
            self.passed += 1;
        } else {
            println!("   => {verdict}: NOT what this step expected");
            self.failed.push(title.to_owned());
        }
        println!();
        Ok(())
    }
}
