//! A sealed world for real pushes: temp dirs, a bare "server" repository with
//! pushgate installed, working clones, and the real `git` binary with no
//! system or user config leaking in.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const ZERO: &str = "0000000000000000000000000000000000000000";

pub fn pushgate_bin() -> &'static str {
    env!("CARGO_BIN_EXE_pushgate")
}

pub struct World {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(o: Output) -> Run {
        Run {
            status: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
    pub fn ok(&self) -> bool {
        self.status == 0
    }
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.ok(),
            "expected success, got {}\nstdout:\n{}\nstderr:\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
        self
    }
    #[track_caller]
    pub fn assert_exit(&self, code: i32) -> &Self {
        assert_eq!(
            self.status, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn assert_rejected(&self) -> &Self {
        assert!(
            !self.ok(),
            "expected rejection\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
    /// Snapshots what the pusher read (the `remote:` lines and the exit
    /// status) as `code-NAME`: every finding code has one, so a change to
    /// what a rejected pusher reads shows in review
    /// (snapshots::every_finding_code_has_a_snapshot).
    #[track_caller]
    pub fn snapshot_code(&self, w: &World, code: &str) -> &Self {
        let remote: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("remote:"))
            .collect();
        // A hook run directly (not through a push) has no `remote:` prefix.
        let read = if remote.is_empty() {
            self.stderr.clone()
        } else {
            remote.join("\n")
        };
        let text = format!("exit {}\n{}", self.status, mask(w, &read));
        insta::assert_snapshot!(format!("code-{code}"), text);
        self
    }
    #[track_caller]
    pub fn assert_says(&self, needle: &str) -> &Self {
        let all = format!("{}{}", self.stdout, self.stderr);
        assert!(
            all.contains(needle),
            "output lacks {needle:?}\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Text with what changes from run to run masked: the test's temp dir,
/// object ids, and the durations limits report.
pub fn mask(w: &World, text: &str) -> String {
    let tmp = w.dir.path().to_str().unwrap();
    let text = text.replace(tmp, "[tmp]");
    // Object ids: pushgate's 10-character short form, full ids, git's
    // abbreviations; a number (a byte limit) is not one.
    let ids = regex::Regex::new(r"\b[0-9a-f]{7,40}\b").unwrap();
    let text = ids.replace_all(&text, |c: &regex::Captures| {
        let t = &c[0];
        if t.len() == 10 || t.len() == 40 || t.bytes().any(|b| b.is_ascii_alphabetic()) {
            "[id]".to_owned()
        } else {
            t.to_owned()
        }
    });
    // Keys are made by each test, and dated from its clock.
    let fingerprints = regex::Regex::new(r"\b[0-9A-F]{40}\b").unwrap();
    let text = fingerprints.replace_all(&text, "[fingerprint]");
    let dates = regex::Regex::new(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b").unwrap();
    // git pads sideband lines with spaces; they are not the text.
    dates
        .replace_all(&text, "[date]")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

impl World {
    pub fn new() -> World {
        let dir = tempfile::Builder::new()
            .prefix("pushgate-test")
            .tempdir()
            .unwrap();
        let gitconfig = dir.path().join("gitconfig");
        std::fs::write(
            &gitconfig,
            "[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.com\n[advice]\n\tdetachedHead = false\n",
        )
        .unwrap();
        let gnupg = dir.path().join("gnupg");
        std::fs::create_dir(&gnupg).unwrap();
        std::os::unix::fs::PermissionsExt::set_mode(
            &mut std::fs::metadata(&gnupg).unwrap().permissions(),
            0o700,
        );
        std::fs::set_permissions(&gnupg, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        World { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// A command with a sealed environment: only PATH (and the locale and
    /// temp dir) from the host, so nothing a host sets — GL_ID,
    /// GIT_PUSH_OPTION_*, a pusher identity, RUST_BACKTRACE — leaks into a
    /// test; no system/global git config.
    pub fn cmd(&self, program: &str, cwd: &Path) -> Command {
        let mut c = Command::new(program);
        c.env_clear();
        for keep in ["PATH", "LANG", "LC_ALL", "TMPDIR"] {
            if let Some(v) = std::env::var_os(keep) {
                c.env(keep, v);
            }
        }
        c.current_dir(cwd)
            .env("HOME", self.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.path("gitconfig"))
            .env("GIT_TERMINAL_PROMPT", "0")
            // Commits made by tests carry one fixed date, so what they
            // print (and their ids, for a given history) does not depend
            // on the clock; signatures keep their own times.
            .env("GIT_AUTHOR_DATE", "2026-06-01T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-06-01T12:00:00Z")
            .env("GNUPGHOME", self.path("gnupg"))
            .stdin(Stdio::null());
        c
    }

    pub fn git(&self, cwd: &Path, args: &[&str]) -> Run {
        Run::from(self.cmd("git", cwd).args(args).output().unwrap())
    }

    /// `git mktree` fed `entries` (ls-tree lines); returns the tree id.
    #[track_caller]
    pub fn mktree(&self, cwd: &Path, entries: &str) -> String {
        let mut c = self.cmd("git", cwd);
        c.arg("mktree")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), entries.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git mktree failed");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// `git` that must succeed; returns trimmed stdout.
    #[track_caller]
    pub fn git_ok(&self, cwd: &Path, args: &[&str]) -> String {
        let r = self.git(cwd, args);
        assert!(r.ok(), "git {args:?} failed:\n{}{}", r.stdout, r.stderr);
        r.stdout.trim().to_owned()
    }

    pub fn pushgate(&self, cwd: &Path, args: &[&str]) -> Run {
        Run::from(self.cmd(pushgate_bin(), cwd).args(args).output().unwrap())
    }

    /// Creates `server.git` with `config` as its pushgate.yaml and installs
    /// the hooks given (e.g. "pre-receive,post-receive").
    pub fn server_with_hooks(&self, config: &str, hooks: &str) -> PathBuf {
        let server = self.path("server.git");
        self.git_ok(
            self.dir.path(),
            &["init", "-q", "--bare", server.to_str().unwrap()],
        );
        std::fs::write(server.join("pushgate.yaml"), config).unwrap();
        self.pushgate(
            self.dir.path(),
            &["install", server.to_str().unwrap(), "--hooks", hooks],
        )
        .assert_ok();
        server
    }

    /// A push the gate's own config breaks is rejected as `config-broken`,
    /// with no detail for the pusher; this is what operators read instead:
    /// `pushgate config check` on `server`'s config.
    pub fn config_check(&self, server: &Path) -> Run {
        self.pushgate(
            self.dir.path(),
            &["config", "check", "--repo", server.to_str().unwrap()],
        )
    }

    /// `config check` on a bare repository given `config`, nothing
    /// installed: for configs the install would refuse.
    pub fn check_config(&self, config: &str) -> Run {
        let server = self.path("server.git");
        self.git_ok(
            self.dir.path(),
            &["init", "-q", "--bare", server.to_str().unwrap()],
        );
        std::fs::write(server.join("pushgate.yaml"), config).unwrap();
        self.config_check(&server)
    }

    pub fn server(&self, config: &str) -> PathBuf {
        self.server_with_hooks(config, "pre-receive,post-receive")
    }

    /// A working clone of the server, named `name`.
    pub fn clone(&self, name: &str) -> PathBuf {
        let work = self.path(name);
        self.git_ok(
            self.dir.path(),
            &[
                "clone",
                "-q",
                self.path("server.git").to_str().unwrap(),
                work.to_str().unwrap(),
            ],
        );
        work
    }

    /// Writes `file` and commits it; returns the new commit id.
    pub fn commit(&self, work: &Path, file: &str, content: &str, msg: &str) -> String {
        let p = work.join(file);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, content).unwrap();
        self.git_ok(work, &["add", "--", file]);
        self.git_ok(work, &["commit", "-q", "-m", msg]);
        self.git_ok(work, &["rev-parse", "HEAD"])
    }

    /// `git push` from `work` as `pusher` (None: no identity at all).
    pub fn push(&self, work: &Path, pusher: Option<&str>, args: &[&str]) -> Run {
        let mut c = self.cmd("git", work);
        c.arg("push").args(args);
        if let Some(p) = pusher {
            c.env("PUSHGATE_PUSHER", p);
        }
        Run::from(c.output().unwrap())
    }

    /// The server's value of `refname`, or None.
    pub fn server_ref(&self, refname: &str) -> Option<String> {
        let r = self.git(
            &self.path("server.git"),
            &["rev-parse", "-q", "--verify", refname],
        );
        r.ok().then(|| r.stdout.trim().to_owned())
    }

    pub fn server_has_object(&self, id: &str) -> bool {
        self.git(&self.path("server.git"), &["cat-file", "-e", id])
            .ok()
    }

    /// Writes an executable script (mode 755).
    pub fn script(&self, path: &Path, text: &str) {
        std::fs::write(path, text).unwrap();
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    }

    /// Every audit record of `server`'s log, newest first, as JSON.
    pub fn records(&self, server: &Path) -> Vec<serde_json::Value> {
        let r = self.pushgate(
            self.dir.path(),
            &[
                "audit",
                "list",
                "--format",
                "json",
                "--limit",
                "1000000",
                "--repo",
                server.to_str().unwrap(),
            ],
        );
        assert!(r.ok(), "{}{}", r.stdout, r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    }
}

/// A PostgreSQL server of our own (Debian's `postgresql` package), in a temp
/// dir, listening only on a Unix socket there. Stopped and removed on drop.
/// As root, the server runs as the `postgres` user (it refuses root).
pub struct PgServer {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    /// `postgres://pushgate@<socket dir>/postgres`
    pub url: String,
}

impl PgServer {
    pub fn start() -> PgServer {
        PgServer::start_with(None)
    }

    /// With `password`, the server only lets the `pushgate` user in with
    /// that password (SCRAM), over the socket too.
    pub fn start_with(password: Option<&str>) -> PgServer {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").exists())
            .max()
            .expect(
                "PostgreSQL server binaries not found (apt-get install postgresql; .ci/run does)",
            );
        // SAFETY: geteuid has no preconditions.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let dir = tempfile::Builder::new()
            .prefix("pushgate-pg")
            .tempdir()
            .unwrap()
            .keep();
        let server = PgServer {
            url: format!(
                "postgres://pushgate@{}/postgres",
                dir.to_str().unwrap().replace('/', "%2F")
            ),
            dir,
            bin,
            as_postgres,
        };
        let pwfile = server.dir.join("pwfile");
        if let Some(pw) = password {
            std::fs::write(&pwfile, format!("{pw}\n")).unwrap();
        }
        if as_postgres {
            let o = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&server.dir)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let data = server.dir.join("data");
        let mut args = vec![
            "-D",
            data.to_str().unwrap(),
            "-U",
            "pushgate",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ];
        let pwarg = format!("--pwfile={}", pwfile.display());
        match password {
            Some(_) => args.extend(["-A", "scram-sha-256", pwarg.as_str()]),
            None => args.extend(["-A", "trust"]),
        }
        server.run("initdb", &args);
        server.start_again();
        server
    }

    /// A PostgreSQL program, run as the server's user.
    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let o = self
            .command(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }

    pub fn stop(&self) {
        let data = self.dir.join("data");
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    pub fn start_again(&self) {
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        let opts = format!(
            "-k {} -c listen_addresses= -c fsync=off -c max_connections=200",
            self.dir.display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-o",
                &opts,
                "start",
            ],
        );
    }

    /// A client for tampering and inspection.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .stdin(Stdio::null())
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The audit database a test runs on: a SQLite file in the server
/// repository, or a PostgreSQL server of its own.
#[derive(Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A started backend: what goes in `audit.database`, and raw SQL access.
pub struct AuditDb {
    pub database: String,
    pg: Option<PgServer>,
    sqlite_path: Option<PathBuf>,
}

impl AuditDb {
    pub fn new(w: &World, backend: Backend) -> AuditDb {
        match backend {
            Backend::Sqlite => AuditDb {
                database: "audit.db".into(),
                pg: None,
                sqlite_path: Some(w.path("server.git/audit.db")),
            },
            Backend::Postgres => {
                let pg = PgServer::start();
                AuditDb {
                    database: pg.url.clone(),
                    pg: Some(pg),
                    sqlite_path: None,
                }
            }
        }
    }

    /// Runs SQL against the log directly (tampering, in tests).
    pub fn exec(&self, sql: &str) {
        match (&self.pg, &self.sqlite_path) {
            (Some(pg), _) => {
                pg.client().batch_execute(sql).unwrap();
            }
            (None, Some(path)) => {
                rusqlite::Connection::open(path)
                    .unwrap()
                    .execute_batch(sql)
                    .unwrap();
            }
            (None, None) => unreachable!(),
        }
    }

    pub fn pg(&self) -> Option<&PgServer> {
        self.pg.as_ref()
    }
}
