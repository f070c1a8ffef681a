//! The downstream apply on real pushes: variables, working directory and
//! changed files; when it must not run; failures, timeouts, serialisation
//! per environment, background mode and re-runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::*;

const SCRIPT: &str = r#"#!/bin/sh
out="$APPLY_OUT/$PUSHGATE_AUDIT_ID"
mkdir -p "$out"
date +%s.%N > "$out/start"
env | grep '^PUSHGATE_' | sort > "$out/env"
pwd > "$out/pwd"
ls > "$out/ls"
cp "$PUSHGATE_CHANGED_FILES" "$out/changed"
echo "applying $PUSHGATE_ENVIRONMENT"
case "$APPLY_MODE" in
  fail) echo "cluster unreachable" >&2; exit 3 ;;
  long) printf 'deployment.apps/web configured %0900d end-of-line\n' 0; exit 3 ;;
  hang) sleep 30 ;;
  slow) sleep 1 ;;
  slower) sleep 3 ;;
esac
date +%s.%N > "$out/end"
"#;

fn config(mode: &str, timeout: u64) -> String {
    format!(
        "version: 1
audit:
  database: audit.db
refs:
  - match: refs/heads/main
    environment: production
  - match: refs/tags/v*
    environment: production
  - match: refs/heads/env/**
    environment: staging
  - match: refs/heads/gone
    environment: staging
apply:
  command: [./apply.sh, --flag]
  timeout_seconds: {timeout}
  mode: {mode}
"
    )
}

struct Env {
    w: World,
    work: PathBuf,
    out: PathBuf,
}

fn setup(mode: &str, timeout: u64) -> Env {
    let w = World::new();
    let server = w.path("server.git");
    w.git_ok(
        w.dir.path(),
        &["init", "-q", "--bare", server.to_str().unwrap()],
    );
    std::fs::write(server.join("apply.sh"), SCRIPT).unwrap();
    std::fs::set_permissions(
        server.join("apply.sh"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    std::fs::write(server.join("pushgate.yaml"), config(mode, timeout)).unwrap();
    w.pushgate(w.dir.path(), &["install", server.to_str().unwrap()])
        .assert_ok();
    let work = w.clone("work");
    let out = w.path("applied");
    std::fs::create_dir_all(&out).unwrap();
    Env { w, work, out }
}

impl Env {
    fn push(&self, apply_mode: &str, args: &[&str]) -> Run {
        let mut c = self.w.cmd("git", &self.work);
        c.arg("push")
            .args(args)
            .env("APPLY_OUT", &self.out)
            .env("APPLY_MODE", apply_mode);
        Run::from(c.output().unwrap())
    }

    fn runs(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.out)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        v.sort();
        v
    }

    fn records(&self) -> Vec<serde_json::Value> {
        let server = self.w.path("server.git");
        let r = self.w.pushgate(
            self.w.dir.path(),
            &[
                "audit",
                "list",
                "--format",
                "json",
                "--repo",
                server.to_str().unwrap(),
            ],
        );
        assert!(r.ok(), "{}", r.stderr);
        serde_json::from_str::<serde_json::Value>(&r.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn apply_runs_with_its_variables_tree_and_changed_files() {
    let e = setup("sync", 60);
    e.w.commit(&e.work, "k8s/web.yaml", "kind: A\n", "first");
    let new = e.w.git_ok(&e.work, &["rev-parse", "HEAD"]);
    let r = e.push("ok", &["origin", "main"]);
    r.assert_ok()
        .assert_says("pushgate: applying production for refs/heads/main")
        .assert_says("  | applying production")
        .assert_says("apply succeeded");
    let runs = e.runs();
    assert_eq!(runs.len(), 1);
    let env = read(&runs[0].join("env"));
    assert!(env.contains("PUSHGATE_REF=refs/heads/main\n"), "{env}");
    assert!(env.contains(&format!("PUSHGATE_NEW={new}\n")), "{env}");
    assert!(env.contains(&format!("PUSHGATE_OLD={ZERO}\n")), "{env}");
    assert!(env.contains("PUSHGATE_ENVIRONMENT=production\n"), "{env}");
    assert!(env.contains("PUSHGATE_REPOSITORY=server.git\n"), "{env}");
    assert!(env.contains("PUSHGATE_AUDIT_ID="), "{env}");
    assert_eq!(read(&runs[0].join("ls")).trim(), "k8s");
    assert_eq!(read(&runs[0].join("changed")), "k8s/web.yaml\0");
    // The export is removed afterwards, and was not the server repository.
    let pwd = read(&runs[0].join("pwd"));
    assert!(!Path::new(pwd.trim()).exists(), "{pwd}");
    let rec = &e.records()[0];
    assert_eq!(rec["apply"]["status"], "succeeded");
    assert_eq!(rec["apply"]["exit_code"], 0);
    assert!(rec["apply"]["started"].is_string() && rec["apply"]["finished"].is_string());

    // The second push: changed files relative to the old value.
    e.w.commit(&e.work, "k8s/db.yaml", "kind: B\n", "second");
    e.push("ok", &["origin", "main"]).assert_ok();
    let runs = e.runs();
    assert_eq!(read(&runs[1].join("changed")), "k8s/db.yaml\0");
}

#[test]
fn no_apply_for_rejections_unmatched_refs_or_deletions() {
    let e = setup("sync", 60);
    let server = e.w.path("server.git");
    let cfg = read(&server.join("pushgate.yaml")).replace(
        "    environment: production\n  - match: refs/tags/v*",
        "    environment: production\n    pushers: [alice]\n  - match: refs/tags/v*",
    );
    std::fs::write(server.join("pushgate.yaml"), cfg).unwrap();
    e.w.commit(&e.work, "a", "a", "a");
    e.push("ok", &["origin", "main"]).assert_rejected(); // no pusher
    e.push("ok", &["origin", "main:refs/heads/feature"])
        .assert_ok(); // no environment
    e.push("ok", &["origin", "main:refs/heads/gone"])
        .assert_ok(); // staging: applies
    assert_eq!(e.runs().len(), 1);
    e.push("ok", &["origin", "--delete", "gone"]).assert_ok(); // deletion: no apply
    assert_eq!(e.runs().len(), 1);
}

#[test]
fn hostile_branch_names_reach_the_apply_as_data() {
    let e = setup("sync", 60);
    e.w.commit(&e.work, "a", "a", "a");
    let name = "refs/heads/env/x$(touch${IFS}PWNED)";
    e.push("ok", &["origin", &format!("HEAD:{name}")])
        .assert_ok();
    let runs = e.runs();
    assert_eq!(runs.len(), 1);
    assert!(read(&runs[0].join("env")).contains(&format!("PUSHGATE_REF={name}\n")));
    for dir in [
        e.w.dir.path().to_path_buf(),
        e.w.path("server.git"),
        e.work.clone(),
        runs[0].clone(),
    ] {
        assert!(!dir.join("PWNED").exists(), "PWNED in {}", dir.display());
    }
}

#[test]
fn a_failing_apply_leaves_the_push_landed_and_is_recorded() {
    let e = setup("sync", 60);
    let id = e.w.commit(&e.work, "a", "a", "a");
    let r = e.push("fail", &["origin", "main"]);
    r.assert_ok()
        .assert_says("cluster unreachable")
        .assert_says("apply failed");
    assert_eq!(
        e.w.server_ref("refs/heads/main").as_deref(),
        Some(id.as_str())
    );
    let rec = &e.records()[0];
    assert_eq!(rec["landed"], true);
    assert_eq!(rec["apply"]["status"], "failed");
    assert_eq!(rec["apply"]["exit_code"], 3);
}

#[test]
fn a_hanging_apply_is_killed_at_the_timeout() {
    let e = setup("sync", 1);
    e.w.commit(&e.work, "a", "a", "a");
    let t = Instant::now();
    e.push("hang", &["origin", "main"])
        .assert_ok()
        .assert_says("apply timed_out");
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    let rec = &e.records()[0];
    assert_eq!(rec["apply"]["status"], "timed_out");
    assert!(rec["apply"]["exit_code"].is_null());
}

#[test]
fn applies_to_one_environment_never_overlap() {
    let e = setup("sync", 60);
    e.w.commit(&e.work, "a", "a", "a");
    e.w.git_ok(&e.work, &["tag", "v1"]);
    // main and v1 both map to production; pushed concurrently.
    std::thread::scope(|s| {
        s.spawn(|| e.push("slow", &["origin", "main"]).assert_ok().status);
        s.spawn(|| e.push("slow", &["origin", "v1"]).assert_ok().status);
    });
    let runs = e.runs();
    assert_eq!(runs.len(), 2);
    let span = |d: &PathBuf| -> (f64, f64) {
        (
            read(&d.join("start")).trim().parse().unwrap(),
            read(&d.join("end")).trim().parse().unwrap(),
        )
    };
    let (a, b) = (span(&runs[0]), span(&runs[1]));
    assert!(a.1 <= b.0 || b.1 <= a.0, "applies overlapped: {a:?} {b:?}");
}

#[test]
fn background_mode_returns_before_the_apply_ends() {
    let e = setup("background", 60);
    e.w.commit(&e.work, "a", "a", "a");
    let t = Instant::now();
    e.push("slower", &["origin", "main"])
        .assert_ok()
        .assert_says("started in the background");
    // The apply takes 3 s; a push that waited for it would take longer.
    assert!(
        t.elapsed() < Duration::from_millis(2500),
        "push waited {:?}",
        t.elapsed()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rec = &e.records()[0];
        if rec["apply"]["status"] == "succeeded" {
            let log = rec["apply"]["log"].as_str().unwrap().to_owned();
            assert!(read(Path::new(&log)).contains("applying production"));
            break;
        }
        assert!(Instant::now() < deadline, "apply never finished: {rec}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn an_operator_can_rerun_an_apply() {
    let e = setup("sync", 60);
    e.w.commit(&e.work, "a", "a", "a");
    e.push("fail", &["origin", "main"]).assert_ok();
    assert!(!e.runs()[0].join("end").exists());
    let id = e.records()[0]["id"].to_string();
    let server = e.w.path("server.git");
    let mut c = e.w.cmd(pushgate_bin(), e.w.dir.path());
    c.args(["apply", "run", &id, "--repo", server.to_str().unwrap()])
        .env("APPLY_OUT", &e.out)
        .env("APPLY_MODE", "ok");
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(e.records()[0]["apply"]["status"], "succeeded");
    // The failed run stopped before `end`; the re-run (same audit id) got there.
    assert!(e.runs()[0].join("end").exists());
}

/// A hostile tree: 100 KB of blob, named 16 times per tree, three trees
/// deep (4,096 paths, 400 MB checked out) in a push of a few KB (four deep,
/// the gate's limits.max_changed_files already refuses it). The
/// export is counted before anything is written and refused: the apply
/// ends `failed` with the limit's name, the command never runs, the push
/// itself lands (the gate passed it).
#[test]
fn an_export_over_its_budget_is_refused_before_a_byte_is_written() {
    let e = setup("sync", 60);
    let server = e.w.path("server.git");
    let mut cfg = config("sync", 60);
    cfg.push_str("  max_export_files: 1000\n  max_export_bytes: 1000000\n");
    std::fs::write(server.join("pushgate.yaml"), cfg).unwrap();

    let blob_file = e.w.path("blob");
    std::fs::write(&blob_file, vec![b'x'; 100 * 1024]).unwrap();
    let blob =
        e.w.git_ok(&e.work, &["hash-object", "-w", blob_file.to_str().unwrap()]);
    let mktree = |entries: String| e.w.mktree(&e.work, &entries);
    let mut tree = mktree(
        (0..16)
            .map(|i| format!("100644 blob {}\tf{i}.yaml\n", blob.trim()))
            .collect(),
    );
    for _ in 0..2 {
        tree = mktree(
            (0..16)
                .map(|i| format!("040000 tree {tree}\td{i}\n"))
                .collect(),
        );
    }
    let commit = e.w.git_ok(&e.work, &["commit-tree", &tree, "-m", "expand"]);
    e.w.git_ok(&e.work, &["update-ref", "refs/heads/main", commit.trim()]);

    let t = Instant::now();
    let r = e.push("", &["origin", "main"]);
    r.assert_ok().assert_says("apply failed");
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    assert_eq!(
        e.w.server_ref("refs/heads/main").as_deref(),
        Some(commit.trim())
    );
    assert!(e.runs().is_empty(), "the command ran: {:?}", e.runs());
    let rec = &e.records()[0];
    assert_eq!(rec["apply"]["status"], "failed", "{rec}");
    let why = rec["apply"]["error"].as_str().unwrap_or_default();
    assert!(
        why.contains("4096 files") && why.contains("apply.max_export_files"),
        "{why}"
    );
}

/// What people read about an apply: a long output line reaches the pusher
/// whole (not cut at 200 characters), `audit list` and `audit show` say
/// how it ended and how long it took, the output is kept in the record for
/// `audit show` and `apply log`, and an id that is a fact of a decision
/// (ids are chain entries, so they skip) shows that decision.
#[test]
fn apply_outcome_and_output_are_readable_afterwards() {
    let e = setup("sync", 60);
    e.w.commit(&e.work, "a", "a", "a");
    let r = e.push("long", &["origin", "main"]);
    r.assert_ok().assert_says("end-of-line");
    let rec = &e.records()[0];
    assert_eq!(rec["apply"]["status"], "failed");
    assert!(rec["apply"]["duration_ms"].is_u64(), "{rec}");
    let stored = rec["apply"]["output"].as_str().unwrap();
    assert!(
        stored.contains("applying production") && stored.contains("end-of-line"),
        "{stored}"
    );
    let id = rec["id"].as_i64().unwrap().to_string();
    let server = e.w.path("server.git");
    let repo = server.to_str().unwrap();
    let pg = |args: &[&str]| e.w.pushgate(e.w.dir.path(), args);
    pg(&["audit", "list", "--repo", repo])
        .assert_ok()
        .assert_says("APPLY")
        .assert_says("failed (exit 3)");
    pg(&["audit", "show", &id, "--repo", repo])
        .assert_ok()
        .assert_says("apply         failed (exit 3)")
        .assert_says("| applying production")
        .assert_says("end-of-line");
    pg(&["apply", "log", &id, "--repo", repo])
        .assert_ok()
        .assert_says("failed (exit 3)")
        .assert_says("end-of-line");
    // The entry after the decision is its `landed` fact.
    let fact = (rec["id"].as_i64().unwrap() + 1).to_string();
    pg(&["audit", "show", &fact, "--repo", repo])
        .assert_ok()
        .assert_says(&format!("is the `landed` fact of decision {id}"))
        .assert_says(&format!("decision {id}: accepted"));
    pg(&["audit", "show", "999", "--repo", repo])
        .assert_exit(2)
        .assert_says("ids are the numbers `pushgate audit list` shows");
}

/// The apply goes where the decision said: a config changed between
/// pre-receive judging the push and post-receive applying it (a release
/// switched mid-push) does not move the apply to another environment.
#[test]
fn the_apply_uses_the_decided_environment_not_a_config_changed_since() {
    let e = setup("sync", 60);
    let hook = e.w.path("server.git/hooks/post-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nsed 's/environment: production/environment: staging/' pushgate.yaml > p.new && mv p.new pushgate.yaml\nexec '{}' hook post-receive\n",
            pushgate_bin()
        ),
    )
    .unwrap();
    e.w.commit(&e.work, "k8s/web.yaml", "kind: A\n", "first");
    e.push("ok", &["origin", "main"])
        .assert_ok()
        .assert_says("pushgate: applying production for refs/heads/main")
        .assert_says("  | applying production");
    let config = std::fs::read_to_string(e.w.path("server.git/pushgate.yaml")).unwrap();
    assert!(
        !config.contains("production"),
        "the hook did not switch: {config}"
    );
}
