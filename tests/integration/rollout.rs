//! Rolling rules out on real pushes (docs/rollout.md): evaluate mode
//! records what a rule would reject and starts rejecting on its date (the
//! clock set with PUSHGATE_NOW); exceptions cover what they match until
//! they expire, the same in `check` and `validate`; break-glass by an
//! on-call key lets policies through, never signatures, and is counted.

use std::path::{Path, PathBuf};

use crate::keys::ssh_keygen;
use crate::support::*;

fn shipped() -> String {
    format!("{}/policies/kubernetes", env!("CARGO_MANIFEST_DIR"))
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  namespace: shop
  labels: {app.kubernetes.io/name: NAME}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: web
          image: registry.example.com/web:TAG
          resources: {limits: {cpu: 100m, memory: 64Mi}}
";

fn deployment(name: &str, tag: &str) -> String {
    DEPLOYMENT.replace("NAME", name).replace("TAG", tag)
}

const LATEST: &str = "pushgate.kubernetes.deny_latest_tag";

struct Site {
    w: World,
    server: PathBuf,
    work: PathBuf,
    oncall: PathBuf,
    dev: PathBuf,
}

/// A server whose config is `policies` and `extra` under a fixed head:
/// oncall and dev are SSH keys, security a group holding dev.
fn site(refs: &str, policy_extra: &str, extra: &str) -> Site {
    site_with(refs, policy_extra, extra, &[])
}

/// [`site`] with `files` written beside the config before it is installed.
fn site_with(refs: &str, policy_extra: &str, extra: &str, files: &[(&str, &str)]) -> Site {
    site_on("audit.db", refs, policy_extra, extra, files)
}

/// [`site_with`] on the audit log `database`.
fn site_on(
    database: &str,
    refs: &str,
    policy_extra: &str,
    extra: &str,
    files: &[(&str, &str)],
) -> Site {
    let w = World::new();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    let (oncall, oncall_pub) = ssh_keygen(&w, "oncall", "ed25519");
    let (dev, dev_pub) = ssh_keygen(&w, "dev", "ed25519");
    std::fs::create_dir_all(server.join("keys")).unwrap();
    std::fs::copy(&oncall_pub, server.join("keys/oncall.pub")).unwrap();
    std::fs::copy(&dev_pub, server.join("keys/dev.pub")).unwrap();
    let config = format!(
        "version: 1
keys:
  oncall: keys/oncall.pub
  dev: keys/dev.pub
groups:
  security: [dev]
audit:
  database: {database}
refs:
{refs}policies:
  - path: {}
    manifest_namespaces: [pushgate.kubernetes]
{policy_extra}{extra}",
        shipped()
    );
    std::fs::write(server.join("pushgate.yaml"), config).unwrap();
    for (name, text) in files {
        std::fs::write(server.join(name), text).unwrap();
    }
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    let work = w.clone("work");
    Site {
        w,
        server,
        work,
        oncall,
        dev,
    }
}

impl Site {
    /// Commits `file` signed with `key` (None: unsigned).
    fn commit(&self, key: Option<&Path>, file: &str, content: &str) -> String {
        let p = self.work.join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        self.w.git_ok(&self.work, &["add", "--", file]);
        match key {
            None => self.w.git_ok(&self.work, &["commit", "-q", "-m", file]),
            Some(k) => {
                let key = format!("user.signingkey={}", k.display());
                self.w.git_ok(
                    &self.work,
                    &[
                        "-c",
                        "gpg.format=ssh",
                        "-c",
                        &key,
                        "commit",
                        "-q",
                        "-S",
                        "-m",
                        file,
                    ],
                )
            }
        };
        self.w.git_ok(&self.work, &["rev-parse", "HEAD"])
    }

    /// `git push origin main` as alice on day `today`, with push options.
    fn push(&self, today: &str, options: &[&str]) -> Run {
        self.push_as("alice", "HEAD:refs/heads/main", today, options)
    }

    fn push_as(&self, pusher: &str, refspec: &str, today: &str, options: &[&str]) -> Run {
        let mut c = self.w.cmd("git", &self.work);
        c.arg("push");
        for o in options {
            c.args(["-o", o]);
        }
        c.args(["origin", refspec])
            .env("PUSHGATE_PUSHER", pusher)
            .env("PUSHGATE_NOW", today);
        Run::from(c.output().unwrap())
    }

    fn pushgate(&self, today: &str, cwd: &Path, args: &[&str]) -> Run {
        let mut c = self.w.cmd(pushgate_bin(), cwd);
        c.args(args).env("PUSHGATE_NOW", today);
        Run::from(c.output().unwrap())
    }

    fn config(&self) -> String {
        self.server.join("pushgate.yaml").display().to_string()
    }

    fn records(&self, filter: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["audit", "list", "--format", "json", "--config"];
        let config = self.config();
        args.push(&config);
        args.extend(filter);
        let r = self.w.pushgate(self.w.dir.path(), &args);
        assert!(r.ok(), "{}{}", r.stdout, r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    }

    /// `pushgate check` of HEAD against what the server has, as CI runs it.
    fn check(&self, today: &str, options: &[&str]) -> Run {
        self.w.git_ok(&self.work, &["fetch", "-q", "origin"]);
        let config = self.config();
        let mut args = vec!["check", "--config", &config, "--pusher", "alice"];
        for o in options {
            args.extend(["-o", o]);
        }
        let has_main = self
            .w
            .git(&self.work, &["rev-parse", "-q", "--verify", "origin/main"])
            .ok();
        let zero = "0".repeat(40);
        args.extend([
            if has_main { "origin/main" } else { &zero },
            "HEAD",
            "refs/heads/main",
        ]);
        self.pushgate(today, &self.work, &args)
    }
}

const MAIN: &str = "  - match: refs/heads/main\n";

#[test]
fn evaluate_mode_records_what_it_would_reject_and_enforces_from_its_date() {
    let s = site(
        "  - match: refs/heads/main
    require_signed_commits: true
    enforce: evaluate
",
        "    enforce: evaluate\n    enforce_from: 2027-01-15\n",
        "",
    );
    s.commit(None, "k8s/web.yaml", &deployment("web", "latest"));
    // The day before: accepted, told, recorded.
    s.check("2027-01-14", &[]).assert_ok();
    let r = s.push("2027-01-14", &[]);
    r.snapshot_code(&s.w, "evaluate-mode")
        .assert_ok()
        .assert_says(&format!(
            "warning[{LATEST}] (evaluate mode: will reject from 2027-01-15) k8s/web.yaml:"
        ))
        .assert_says("warning[unsigned] (evaluate mode)");
    let rec = &s.records(&["--would-reject"])[0];
    assert_eq!(rec["decision"], "accepted");
    let rules: Vec<&str> = rec["would_reject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&LATEST) && rules.contains(&"unsigned"),
        "{rules:?}"
    );
    for f in rec["would_reject"].as_array().unwrap() {
        let from = if f["rule"] == LATEST {
            serde_json::json!("2027-01-15")
        } else {
            serde_json::Value::Null
        };
        assert_eq!(f["enforce_from"], from, "{f}");
    }
    assert_eq!(s.records(&["--would-reject", "--rule", LATEST]).len(), 1);
    assert!(s
        .records(&[
            "--would-reject",
            "--rule",
            "pushgate.kubernetes.deny_privileged"
        ])
        .is_empty());
    // `report rollout` counts it per rule.
    let report = s.pushgate(
        "2027-01-14",
        s.w.dir.path(),
        &[
            "report",
            "rollout",
            "--config",
            &s.config(),
            "--since",
            "2000-01-01",
        ],
    );
    report.assert_ok().assert_says(LATEST);

    // validate with the server's config: warnings the day before, failures from the day.
    let config = s.config();
    s.pushgate(
        "2027-01-14",
        &s.work,
        &["validate", "--config", &config, "k8s/"],
    )
    .assert_ok()
    .assert_says("WARN - k8s/web.yaml")
    .assert_says("(evaluate mode: will reject from 2027-01-15)");
    s.pushgate(
        "2027-01-15",
        &s.work,
        &["validate", "--config", &config, "k8s/"],
    )
    .assert_exit(1)
    .assert_says("FAIL - k8s/web.yaml");

    // From the date on, the policy set rejects (the ref rule, undated, still evaluates).
    s.commit(None, "k8s/api.yaml", &deployment("api", "latest"));
    s.check("2027-01-15", &[]).assert_rejected();
    s.push("2027-01-15", &[])
        .assert_rejected()
        .assert_says(&format!("error[{LATEST}] k8s/api.yaml:"))
        .assert_says("warning[unsigned] (evaluate mode)");
}

#[test]
fn an_evaluating_ref_rule_never_vouches_for_history() {
    // dev is evaluated for signatures until the 15th; main and release/*
    // enforce them. A commit that reached dev unsigned must still be judged
    // when it comes to either, before the date and after it (dev's history
    // then holds what it let in while it only evaluated).
    let s = site(
        "  - match: refs/heads/dev
    require_signed_commits: true
    enforce: evaluate
    enforce_from: 2027-01-15
  - match: refs/heads/main
    require_signed_commits: true
  - match: refs/heads/release/*
    require_signed_commits: true
",
        "    refs: [refs/heads/none]\n",
        "",
    );
    s.commit(None, "README", "unsigned");
    s.push_as("alice", "HEAD:refs/heads/dev", "2027-01-01", &[])
        .assert_ok()
        .assert_says("warning[unsigned] (evaluate mode: will reject from 2027-01-15)");
    s.push("2027-01-01", &[])
        .assert_rejected()
        .assert_says("error[unsigned]");
    for day in ["2027-01-01", "2027-01-20"] {
        s.push_as("alice", "HEAD:refs/heads/release/1", day, &[])
            .assert_rejected()
            .assert_says("error[unsigned]");
    }
}

fn exceptions_site(entries: &str) -> Site {
    site_with(
        MAIN,
        "",
        "exceptions: exceptions.yaml\n",
        &[("exceptions.yaml", entries)],
    )
}

const AGENT_EXCEPTION: &str = "# reviewed exceptions
- rule: pushgate.kubernetes.deny_latest_tag
  match: {path: \"k8s/agent/**\", kind: Deployment, name: agent}
  reason: \"agent tracks its vendor's latest; SEC-142\"
  owner: security
  expires: 2027-03-31
- rule: pushgate.kubernetes.deny_privileged
  match: {path: \"k8s/gone/**\"}
  reason: \"the old agent\"
  owner: dev
  expires: 2027-02-01
";

#[test]
fn exceptions_cover_what_they_match_until_they_expire_in_push_check_and_validate() {
    let s = exceptions_site(AGENT_EXCEPTION);
    s.commit(None, "k8s/agent/agent.yaml", &deployment("agent", "latest"));
    s.check("2027-03-31", &[]).assert_ok();
    s.push("2027-03-31", &[])
        .snapshot_code(&s.w, "exception-covered")
        .assert_ok()
        .assert_says(&format!("exception[{LATEST}] k8s/agent/agent.yaml:"))
        .assert_says(
            "exception: exceptions.yaml:2 (owner security, until 2027-03-31): agent tracks",
        );
    let rec = &s.records(&[])[0];
    assert_eq!(rec["exceptions"][0]["exception"]["owner"], "security");
    assert_eq!(
        rec["exceptions"][0]["exception"]["entry"],
        "exceptions.yaml:2"
    );

    // Same rule, another object: not covered.
    s.commit(None, "k8s/agent/web.yaml", &deployment("web", "latest"));
    s.check("2027-03-31", &[]).assert_rejected();
    s.push("2027-03-31", &[])
        .assert_rejected()
        .assert_says(&format!("error[{LATEST}] k8s/agent/web.yaml:"));
    s.w.git_ok(&s.work, &["reset", "-q", "--hard", "HEAD~1"]);

    // The day after it expires: the finding stands, and the entry is named.
    std::fs::write(
        s.work.join("k8s/agent/agent.yaml"),
        deployment("agent", "latest").replace("64Mi", "128Mi"),
    )
    .unwrap();
    s.commit(
        None,
        "k8s/agent/agent.yaml",
        &deployment("agent", "latest").replace("64Mi", "128Mi"),
    );
    s.push("2027-04-01", &[])
        .snapshot_code(&s.w, "exception-expired")
        .assert_rejected()
        .assert_says(&format!("error[{LATEST}] k8s/agent/agent.yaml:"))
        .assert_says("warning[exception-expired]: the exception at exceptions.yaml:2");

    // validate, from the clone's root with the server's files: the same answers.
    let config = s.config();
    let v = s.pushgate(
        "2027-03-31",
        &s.work,
        &["validate", "--config", &config, "k8s/agent/agent.yaml"],
    );
    v.assert_ok().assert_says("EXCP - k8s/agent/agent.yaml");
    s.commit(None, "k8s/agent/web.yaml", &deployment("web", "latest"));
    s.pushgate(
        "2027-03-31",
        &s.work,
        &["validate", "--config", &config, "k8s/agent/"],
    )
    .assert_exit(1)
    .assert_says("FAIL - k8s/agent/web.yaml");
    s.pushgate(
        "2027-04-01",
        &s.work,
        &["validate", "--config", &config, "k8s/agent/agent.yaml"],
    )
    .assert_exit(1);
    // And the list.
    s.pushgate(
        "2027-03-15",
        s.w.dir.path(),
        &[
            "exceptions",
            "list",
            "--config",
            &config,
            "--expiring",
            "30",
        ],
    )
    .assert_ok()
    .assert_says("exceptions.yaml:2")
    .assert_says("security");
    s.pushgate(
        "2027-01-01",
        s.w.dir.path(),
        &[
            "exceptions",
            "list",
            "--config",
            &config,
            "--expiring",
            "30d",
        ],
    )
    .assert_ok()
    .assert_says("no exception expires");
}

#[test]
fn malformed_exceptions_are_config_errors_naming_their_line() {
    let s = exceptions_site("[]\n");
    std::fs::write(
        s.server.join("exceptions.yaml"),
        "- rule: pushgate.kubernetes.deny_latest_tag
  reason: ok
  owner: security
  expires: 2027-03-31
- rule: pushgate.kubernetes.deny_latest_tag
  reason: no owner known
  owner: mallory
  expires: 2027-03-31
- rule: pushgate.kubernetes.deny_latest_tag
  reason: forever
  owner: security
  expires: 2099-01-01
- rule: unsigned
  reason: signatures are a ref rule
  owner: security
  expires: 2027-03-31
- rule: pushgate.kubernetes.deny_latest_tag
  reason: no end
  owner: dev
- rule: approvals-missing
  match: {path: \"k8s/**\"}
  reason: approvals name no file
  owner: dev
  expires: 2027-02-01
- rule: policy-error
  reason: one failure hides its namespace
  owner: dev
  expires: 2027-02-01
",
    )
    .unwrap();
    let r = s.pushgate(
        "2027-01-01",
        s.w.dir.path(),
        &["config", "check", "--config", &s.config()],
    );
    r.assert_exit(2);
    let out = format!("{}{}", r.stdout, r.stderr);
    for (line, says) in [
        (5, "`owner: mallory` is neither"),
        (9, "more than a year ahead"),
        (13, "is a signatures check"),
        (17, "has no `expires`"),
        (20, "findings name no file or object"),
        (25, "`rule: policy-error` is never excepted"),
    ] {
        assert!(
            out.contains(&format!("exceptions.yaml:{line}:")) && out.contains(says),
            "line {line}: {says}\n{out}"
        );
    }
    // A push meanwhile is rejected, not judged without the file.
    s.commit(None, "README", "x");
    s.push("2027-01-01", &[])
        .assert_rejected()
        .assert_says("config-broken");
    // A file that is not a list.
    std::fs::write(s.server.join("exceptions.yaml"), "rule: x\n").unwrap();
    let r = s.pushgate(
        "2027-01-01",
        s.w.dir.path(),
        &["config", "check", "--config", &s.config()],
    );
    r.assert_exit(2).assert_says("not a list of exceptions");
}

fn glass_site() -> Site {
    site(
        "  - match: refs/heads/main
    require_signed_commits: true
    pushers: [alice]
",
        "",
        "break_glass:
  signers: [oncall]
  bypass: [policies]
  max_per_day: 2
",
    )
}

const GLASS: &str = "pushgate.break-glass=INC-7: registry down, pinning latest";

#[test]
fn break_glass_by_an_on_call_signer_lets_policies_through_recorded_and_counted() {
    let s = glass_site();
    let oncall = s.oncall.clone();
    let dev = s.dev.clone();
    s.commit(Some(&dev), "README", "start");
    s.push("2027-01-01", &[]).assert_ok();
    s.push_as("alice", "HEAD:refs/heads/scratch", "2027-01-01", &[])
        .assert_ok();

    // Without the option: the policy rejects.
    s.commit(Some(&oncall), "k8s/web.yaml", &deployment("web", "latest"));
    s.push("2027-01-01", &[])
        .assert_rejected()
        .assert_says(&format!("error[{LATEST}]"));
    // With it, the tip signed by on-call: through, loudly, and recorded.
    s.check("2027-01-01", &[GLASS])
        .assert_ok()
        .assert_says("BREAK-GLASS by oncall");
    s.push("2027-01-01", &[GLASS])
        .snapshot_code(&s.w, "break-glass-granted")
        .assert_ok()
        .assert_says(
            "BREAK-GLASS by oncall (INC-7: registry down, pinning latest): 1 finding let through",
        )
        .assert_says(&format!("bypassed[{LATEST}]"));
    let used = s.records(&["--break-glass"]);
    assert_eq!(used.len(), 1);
    assert_eq!(used[0]["break_glass"]["signer"], "oncall");
    assert_eq!(
        used[0]["break_glass"]["reason"],
        "INC-7: registry down, pinning latest"
    );
    assert_eq!(used[0]["break_glass"]["bypassed"][0]["rule"], LATEST);

    // Replaying an on-call commit the server has, onto another ref: the
    // signature was consent to one push, not a token.
    s.push_as("alice", "HEAD:refs/heads/elsewhere", "2027-01-01", &[GLASS])
        .assert_rejected()
        .assert_says("the tip is already on the server (refs/heads/main)");

    // Signed by someone not on call: refused, saying why.
    s.commit(Some(&dev), "k8s/api.yaml", &deployment("api", "latest"));
    s.push("2027-01-01", &[GLASS])
        .snapshot_code(&s.w, "break-glass-refused")
        .assert_rejected()
        .assert_says("error[break-glass-refused]")
        .assert_says("signed by dev, who is not in `break_glass.signers`");
    // An unsigned commit under an on-call tip: signatures are never skipped.
    s.w.git_ok(&s.work, &["reset", "-q", "--hard", "HEAD~1"]);
    s.commit(None, "k8s/api.yaml", &deployment("api", "latest"));
    s.commit(Some(&oncall), "k8s/db.yaml", &deployment("db", "latest"));
    s.push("2027-01-01", &[GLASS])
        .assert_rejected()
        .assert_says("error[unsigned]");
    // No reason: refused.
    s.w.git_ok(&s.work, &["reset", "-q", "--hard", "HEAD~2"]);
    s.commit(Some(&oncall), "k8s/api.yaml", &deployment("api", "latest"));
    s.push("2027-01-01", &["pushgate.break-glass="])
        .assert_rejected()
        .assert_says("gives no reason");
    // A pusher not allowed on the ref: protection holds.
    s.push_as("mallory", "HEAD:refs/heads/main", "2027-01-01", &[GLASS])
        .assert_rejected()
        .assert_says("error[pusher-not-allowed]");
    // The second use of the day is granted; the third is over the cap.
    s.push("2027-01-01", &[GLASS]).assert_ok();
    s.commit(Some(&oncall), "k8s/db.yaml", &deployment("db", "latest"));
    s.push("2027-01-01", &[GLASS])
        .assert_rejected()
        .assert_says("used 2 times in the last 24 hours; `break_glass.max_per_day` is 2");
    // An on-call commit that landed once on a branch since deleted: the
    // log remembers it, so it is no token either. (scratch was created
    // before main took anything by break-glass: a ref created now would be
    // judged whole, see the next test.)
    s.w.git_ok(&s.work, &["fetch", "-q", "origin"]);
    s.w.git_ok(&s.work, &["reset", "-q", "--hard", "origin/scratch"]);
    s.commit(Some(&oncall), "notes.txt", "on-call notes");
    s.push_as("alice", "HEAD:refs/heads/scratch", "2027-01-01", &[])
        .assert_ok();
    s.push_as("alice", ":refs/heads/scratch", "2027-01-01", &[])
        .assert_ok();
    s.push_as("alice", "+HEAD:refs/heads/main", "2027-01-01", &[GLASS])
        .assert_rejected()
        .assert_says("the audit log shows the tip landed before");
    // A misspelt option is refused, not read as no request.
    s.push_as(
        "alice",
        "+HEAD:refs/heads/main",
        "2027-01-01",
        &["Pushgate.Break-Glass=INC-8"],
    )
    .assert_rejected()
    .assert_says("is not spelled `pushgate.break-glass=REASON`");

    // Listed: every update it was granted on, the two where something it
    // may not skip stood included; counted: the accepted ones.
    assert_eq!(s.records(&["--break-glass"]).len(), 4);
    assert_eq!(
        s.records(&["--break-glass", "--decision", "accepted"])
            .len(),
        2
    );
}

#[test]
fn break_glass_is_refused_where_the_config_has_none() {
    let s = site(MAIN, "", "");
    s.commit(Some(&s.oncall.clone()), "README", "x");
    s.push("2027-01-01", &[GLASS])
        .assert_rejected()
        .assert_says("this server has no `break_glass:`");
}

/// The same controls on a PostgreSQL log (a fleet's): evaluate mode's
/// records are found, and the daily cap counts what the shared log holds.
#[test]
fn rollout_marks_and_the_break_glass_cap_work_on_postgresql() {
    let pg = PgServer::start();
    let s = site_on(
        &pg.url,
        "  - match: refs/heads/main\n    require_signed_commits: true\n  - match: refs/heads/main\n    pushers: [bob]\n    enforce: evaluate\n",
        "",
        "break_glass:\n  signers: [oncall]\n  bypass: [policies]\n  max_per_day: 1\n",
        &[],
    );
    let oncall = s.oncall.clone();
    s.commit(Some(&oncall), "k8s/web.yaml", &deployment("web", "latest"));
    s.push("2027-01-01", &[GLASS]).assert_ok();
    s.commit(Some(&oncall), "k8s/api.yaml", &deployment("api", "latest"));
    s.push("2027-01-01", &[GLASS])
        .assert_rejected()
        .assert_says("used 1 time in the last 24 hours; `break_glass.max_per_day` is 1");
    assert_eq!(s.records(&["--break-glass"]).len(), 1);
    assert_eq!(
        s.records(&["--would-reject", "--rule", "pusher-not-allowed"])
            .len(),
        2
    );
    assert_eq!(s.records(&["--would-reject"]).len(), 2);
    let verify = s.w.pushgate(
        s.w.dir.path(),
        &["audit", "verify", "--config", &s.config()],
    );
    verify.assert_ok();
}

/// What a break-glass let onto one ref is not a pass for others: the same
/// signed commit cannot serve two refs of one push, and a new ref created
/// at it is judged, not vouched for by the ref that took it.
#[test]
fn one_break_glass_serves_one_ref_and_vouches_for_no_new_ref() {
    let s = glass_site();
    let (oncall, dev) = (s.oncall.clone(), s.dev.clone());
    s.commit(Some(&dev), "README", "start");
    s.push("2027-01-01", &[]).assert_ok();
    s.commit(Some(&oncall), "k8s/web.yaml", &deployment("web", "latest"));
    s.push_as("alice", "HEAD:refs/heads/main", "2027-01-01", &[GLASS])
        .assert_ok();
    // (A second ref in the same push, same tip.)
    s.commit(Some(&oncall), "k8s/api.yaml", &deployment("api", "latest"));
    let mut c = s.w.cmd("git", &s.work);
    c.args([
        "push",
        "-o",
        GLASS,
        "origin",
        "HEAD:refs/heads/main",
        "HEAD:refs/heads/prod",
    ])
    .env("PUSHGATE_PUSHER", "alice");
    Run::from(c.output().unwrap())
        .assert_rejected()
        .assert_says("one signed commit serves one ref update");
    // main took web.yaml through break-glass; a new ref at main's commit
    // is judged for it.
    s.w.git_ok(&s.work, &["reset", "-q", "--hard", "HEAD~1"]);
    s.push_as("mallory", "HEAD:refs/heads/release", "2027-01-01", &[])
        .assert_rejected()
        .assert_says(&format!("error[{LATEST}] k8s/web.yaml:"));
    // Until an operator declares main's history trusted again.
    let server = s.server.to_str().unwrap();
    s.w.pushgate(
        s.w.dir.path(),
        &[
            "baseline",
            "--repo",
            server,
            "--by",
            "ops",
            "refs/heads/main=refs/heads/main",
        ],
    )
    .assert_ok();
    s.push_as("mallory", "HEAD:refs/heads/release", "2027-01-01", &[])
        .assert_ok();
    s.w.pushgate(s.w.dir.path(), &["audit", "verify", "--repo", server])
        .assert_ok();
}
