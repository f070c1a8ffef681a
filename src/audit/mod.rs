//! The audit log: every decision, append-only, hash-chained, queryable.
//!
//! Each entry (a decision, or a later fact about one: it landed) is a
//! canonical JSON body chained to the previous entry by SHA-256 over
//! `prev_hash || body`, computed while holding the chain's write lock
//! ([`db::Db::begin_write`]) so concurrent pushes, on one server or many,
//! cannot fork the chain. Query tables (`decisions`, `decision_commits`,
//! `decision_signers`) are derived indexes: `list` and `show` only select
//! ids from them and read the chained bodies, and `verify` checks that they
//! agree with the bodies.
//!
//! Two engines, one [`Store`]: SQLite (a file path; the embedded default)
//! and PostgreSQL (a `postgres://` URL; one log for a fleet of servers).
//! Everything above [`db::Db`] is shared, so both behave the same.

mod db;
pub mod deployments;
mod postgres;
mod sqlite;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use db::{all, first, int, opt_text, text, Arg, Db};

const SCHEMA_VERSION: i64 = 4;
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A decision as recorded: the spec's audit fields, less the facts that
/// arrive later (`landed`, `apply`) and the chain fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DecisionBody {
    pub time: String,
    pub repository: String,
    pub pusher: Option<String>,
    #[serde(rename = "ref")]
    pub refname: String,
    pub old: String,
    pub new: String,
    pub action: String,
    pub environment: Option<String>,
    pub decision: String,
    pub violations: serde_json::Value,
    pub warnings: serde_json::Value,
    pub commits: Vec<String>,
    pub signers: Vec<String>,
    /// Signers of the approvals of the new tip that counted for this ref
    /// (docs/approvals.md). Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<String>,
    pub push_options: Vec<String>,
    /// The Git server that decided (`audit.server`, default its host
    /// name), so one log can serve a fleet. Absent in older records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The new tip's tree: what promotion compares across environments
    /// and repositories (docs/environments.md). Absent in older records
    /// and for deletions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    /// The oldest committer time of the commits the update brought (the
    /// tip's when it brought none): where DORA's lead time starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_commit_time: Option<String>,
    /// A rollback's reason (`pushgate rollback --reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A rollback's target: the deployment (audit id) re-applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_to: Option<i64>,
    /// Findings of rules in evaluate mode (docs/rollout.md).
    #[serde(default, skip_serializing_if = "is_empty_list")]
    pub would_reject: serde_json::Value,
    /// Findings exceptions covered, each with its entry, owner and reason.
    #[serde(default, skip_serializing_if = "is_empty_list")]
    pub exceptions: serde_json::Value,
    /// A granted break-glass: `{reason, signer, bypassed}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_glass: Option<serde_json::Value>,
}

fn is_empty_list(v: &serde_json::Value) -> bool {
    v.is_null() || v.as_array().is_some_and(Vec::is_empty)
}

/// Marks of content let onto a ref that other refs did not let in: a
/// break-glass that bypassed something, an exception limited by `match.ref`.
pub const BYPASSED: &str = "bypassed";
pub const SCOPED_EXCEPTION: &str = "scoped_exception";
pub const BASELINE: &str = "baseline";

/// The rollout marks a decision is indexed under (`decision_marks`):
/// `would_reject:RULE`, `exception:RULE`, `break_glass`. Derived from the
/// chained body alone, so `verify` recomputes them.
pub fn marks(d: &DecisionBody) -> Vec<String> {
    let rules = |v: &serde_json::Value, kind: &str| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("rule").and_then(|r| r.as_str()))
            .map(|r| format!("{kind}:{r}"))
            .collect()
    };
    let mut out = rules(&d.would_reject, "would_reject");
    out.extend(rules(&d.exceptions, "exception"));
    if let Some(g) = &d.break_glass {
        out.push("break_glass".into());
        if g["bypassed"].as_array().is_some_and(|b| !b.is_empty()) {
            out.push(BYPASSED.into());
        }
    }
    if d.exceptions
        .as_array()
        .into_iter()
        .flatten()
        .any(|f| !f["exception"]["refs"].is_null())
    {
        out.push(SCOPED_EXCEPTION.into());
    }
    // A baseline declares the ref's history trusted again.
    if d.action == "baseline" {
        out.push(BASELINE.into());
    }
    out.sort();
    out.dedup();
    out
}

/// Whether an entry's `kind` column fits its body: the three kinds the log
/// writes, each with the keys only it has.
fn kind_fits(kind: &str, body: &str) -> bool {
    let Ok(serde_json::Value::Object(b)) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    let has = |k: &str| b.contains_key(k);
    match kind {
        "decision" => has("ref") && has("decision") && has("commits") && !has("status"),
        "landed" => has("landed") && !has("ref"),
        "apply" => has("status") && !has("ref") && !has("landed"),
        _ => false,
    }
}

/// The query index as the chained bodies determine it (see `verify`).
#[derive(Default)]
struct Index {
    rows: std::collections::BTreeMap<i64, [Option<String>; 8]>,
    commits: std::collections::BTreeMap<i64, Vec<String>>,
    signers: std::collections::BTreeMap<i64, Vec<String>>,
    approvals: std::collections::BTreeMap<i64, Vec<String>>,
    marks: std::collections::BTreeMap<i64, Vec<String>>,
    landed: std::collections::BTreeSet<i64>,
    deployments: deployments::Expected,
}

impl Index {
    fn add(&mut self, id: i64, d: &DecisionBody) {
        self.rows.insert(
            id,
            [
                Some(d.time.clone()),
                Some(d.repository.clone()),
                d.pusher.clone(),
                Some(d.refname.clone()),
                Some(d.old.clone()),
                Some(d.new.clone()),
                d.environment.clone(),
                Some(d.decision.clone()),
            ],
        );
        let mut c = d.commits.clone();
        c.sort();
        if !c.is_empty() {
            self.commits.insert(id, c);
        }
        let mut s = d.signers.clone();
        s.sort();
        if !s.is_empty() {
            self.signers.insert(id, s);
        }
        let mut a = d.approvals.clone();
        a.sort();
        if !a.is_empty() {
            self.approvals.insert(id, a);
        }
        let m = marks(d);
        if !m.is_empty() {
            self.marks.insert(id, m);
        }
        self.deployments.decision(id, d);
    }
}

/// A decision with its later facts merged in, as `audit list/show` print it.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub id: i64,
    #[serde(flatten)]
    pub body: DecisionBody,
    pub landed: bool,
    pub apply: Option<serde_json::Value>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub refname: Option<String>,
    pub pusher: Option<String>,
    pub signer: Option<String>,
    /// Decisions whose new tip's approval by this name counted.
    pub approver: Option<String>,
    pub decision: Option<String>,
    pub environment: Option<String>,
    pub commit: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    /// Decisions where a rule in evaluate mode found something (this rule
    /// only, with `rule`).
    pub would_reject: bool,
    pub break_glass: bool,
    pub rule: Option<String>,
    pub limit: usize,
}

/// One finding of [`Store::reconcile`].
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reconciled {
    /// The update landed but its record was not marked (post-receive did
    /// not run to the end); it is marked now.
    MarkedLanded {
        #[serde(rename = "ref")]
        refname: String,
        id: i64,
    },
    /// The ref's value is not what the newest landed decision set it to.
    Drift {
        #[serde(rename = "ref")]
        refname: String,
        /// None: the ref is gone.
        current: Option<String>,
        /// The newest landed decision's (id, new), if any.
        last_decision: Option<(i64, String)>,
    },
}

/// What `verify` found.
pub enum Verification {
    Intact { entries: i64, head: String },
    Broken { id: i64, why: String },
}

/// The audit log, on whichever engine the config names.
pub struct Store {
    db: Box<dyn Db>,
    target: Target,
}

/// Held while an apply runs; dropping it (or the process dying) releases
/// the environment.
pub struct EnvironmentLock {
    _held: Box<dyn std::any::Any>,
}

/// How to reach the database: `audit:` in the config.
#[derive(Debug, Clone)]
pub struct Target {
    /// A SQLite file path, or a `postgres://` / `postgresql://` URL.
    pub database: String,
    /// For PostgreSQL: a file holding the password (else
    /// `PUSHGATE_AUDIT_PASSWORD`, else the URL's, else none).
    pub password_file: Option<std::path::PathBuf>,
    /// For PostgreSQL: give up connecting after this long; the push is
    /// then rejected.
    pub connect_timeout: std::time::Duration,
}

/// The config names the database; the audit module knows how to reach it
/// (so `config`, which every stage reads, does not import the audit log).
impl From<&crate::config::Audit> for Target {
    fn from(audit: &crate::config::Audit) -> Target {
        Target {
            database: audit.database.clone(),
            password_file: audit.password_file.clone(),
            connect_timeout: std::time::Duration::from_secs(audit.connect_timeout_seconds),
        }
    }
}

impl Target {
    pub fn file_or_url(database: &str) -> Target {
        Target {
            database: database.to_owned(),
            password_file: None,
            connect_timeout: std::time::Duration::from_secs(10),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.database.starts_with("postgres://") || self.database.starts_with("postgresql://")
    }
}

pub fn now_rfc3339() -> String {
    crate::time::now_utc()
}

fn chain(prev: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(body.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Opens (creating the schema on first use) the database `target` names.
    pub fn open(target: &Target) -> Result<Store> {
        let db: Box<dyn Db> = if target.is_postgres() {
            Box::new(postgres::Postgres::connect(target)?)
        } else if target.database.contains("://") {
            bail!(
                "audit database {}: not a file path nor a postgres:// URL",
                target.database
            );
        } else {
            Box::new(sqlite::Sqlite::open(&target.database)?)
        };
        let mut store = Store {
            db,
            target: target.clone(),
        };
        let name = store.db.describe();
        store
            .migrate()
            .with_context(|| format!("audit database {name}: schema"))?;
        Ok(store)
    }

    /// [`Store::open`] with defaults, for a path or URL alone.
    pub fn open_url(database: &str) -> Result<Store> {
        Store::open(&Target::file_or_url(database))
    }

    pub fn describe(&self) -> String {
        self.db.describe()
    }

    /// Serialises applies to `environment` across everything that shares
    /// this log: every repository using the same SQLite file (an OS lock on
    /// a file beside it), every server using the same PostgreSQL database
    /// (a session advisory lock on a connection of its own). Both are
    /// released if the process dies, so a crashed apply never wedges an
    /// environment.
    pub fn environment_lock(&self, environment: &str) -> Result<EnvironmentLock> {
        if self.target.is_postgres() {
            let mut pg = postgres::Postgres::connect(&self.target)?;
            let digest = Sha256::digest(format!("pushgate-apply\n{environment}").as_bytes());
            let mut key = [0u8; 8];
            key.copy_from_slice(&digest[..8]);
            pg.session_lock(i64::from_be_bytes(key))
                .with_context(|| format!("waiting for the apply lock of {environment}"))?;
            return Ok(EnvironmentLock {
                _held: Box::new(pg),
            });
        }
        let safe: String = environment
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = format!("{}.apply-{safe}.lock", self.target.database);
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening the apply lock {path}"))?;
        f.lock()
            .with_context(|| format!("waiting for the apply lock {path}"))?;
        Ok(EnvironmentLock { _held: Box::new(f) })
    }

    /// Runs `f` in a write transaction (the chain's lock held), committing
    /// if it succeeds and rolling back otherwise: nothing is written half.
    fn write<T>(&mut self, f: impl FnOnce(&mut dyn Db) -> Result<T>) -> Result<T> {
        self.db.begin_write()?;
        match f(self.db.as_mut()) {
            Ok(v) => {
                self.db.commit()?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.db.rollback();
                Err(e)
            }
        }
    }

    fn migrate(&mut self) -> Result<()> {
        self.write(|db| {
            db.batch(
                "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
            )?;
            let version: Option<i64> = first(
                db,
                "SELECT value FROM meta WHERE key = 'schema_version'",
                &[],
                |r| r.text(0),
            )?
            .and_then(|v| v.parse().ok());
            match version {
                None => {
                    let schema = db.schema();
                    db.batch(&schema)?;
                    let int = if schema.contains("BIGINT") {
                        "BIGINT"
                    } else {
                        "INTEGER"
                    };
                    db.batch(&deployments::table(int))?;
                    db.batch(&db::marks_table(int))?;
                    db.exec(
                        "INSERT INTO meta VALUES('schema_version', ?1)",
                        &[text(&SCHEMA_VERSION.to_string())],
                    )?;
                }
                // Version 1 logs predate approvals (none to index), and
                // versions 1 and 2 the deployments index (built from the
                // entries, as `verify` recomputes it).
                // Version 3 logs predate rollout marks: no body has any.
                Some(v @ (1..=3)) => {
                    let int = if db.schema().contains("BIGINT") {
                        "BIGINT"
                    } else {
                        "INTEGER"
                    };
                    if v == 1 {
                        db.batch(&db::approvals_table(int))?;
                    }
                    if v <= 2 {
                        db.batch(&deployments::table(int))?;
                        Self::backfill_deployments(db)?;
                    }
                    db.batch(&db::marks_table(int))?;
                    Self::backfill_marks(db)?;
                    db.exec(
                        "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
                        &[text(&SCHEMA_VERSION.to_string())],
                    )?;
                }
                Some(SCHEMA_VERSION) => {}
                Some(v) => bail!(
                    "schema version {v} is newer than this pushgate understands ({SCHEMA_VERSION})"
                ),
            }
            Ok(())
        })
    }

    /// Fills the marks index of a log written before it existed (its
    /// baselines; older bodies carry no rollout fields).
    fn backfill_marks(db: &mut dyn Db) -> Result<()> {
        let mut rows = Vec::new();
        db.rows(
            "SELECT seq, body FROM entries WHERE kind = 'decision' ORDER BY seq",
            &[],
            &mut |r| {
                let (seq, body) = (r.int(0)?, r.text(1)?);
                if let Ok(d) = serde_json::from_str::<DecisionBody>(&body) {
                    for m in marks(&d) {
                        rows.push((seq, m));
                    }
                }
                Ok(())
            },
        )?;
        for (id, m) in rows {
            db.exec(
                "INSERT INTO decision_marks VALUES(?1, ?2)",
                &[int(id), text(&m)],
            )?;
        }
        Ok(())
    }

    /// Fills the deployments index of a log written before it existed.
    fn backfill_deployments(db: &mut dyn Db) -> Result<()> {
        let mut builder = deployments::Builder::default();
        let mut bad = None;
        db.rows(
            "SELECT seq, kind, decision_id, body FROM entries ORDER BY seq",
            &[],
            &mut |r| {
                let (seq, kind, body) = (r.int(0)?, r.text(1)?, r.text(3)?);
                if kind == "decision" {
                    match serde_json::from_str::<DecisionBody>(&body) {
                        Ok(d) => builder.decision(seq, &d),
                        Err(_) => bad = Some(seq),
                    }
                } else if let Some(id) = r.opt_int(2)? {
                    builder.fact(id, &kind, &body);
                }
                Ok(())
            },
        )?;
        if let Some(seq) = bad {
            bail!("entry {seq} is not a decision body; run `pushgate audit verify`");
        }
        for d in builder.finish().values() {
            deployments::insert(db, d)?;
        }
        Ok(())
    }

    /// Appends one chained entry (the write lock held); returns its
    /// sequence number.
    ///
    /// The sequence number is the head's plus one, computed under the lock:
    /// gapless whatever the engine (a PostgreSQL sequence skips values
    /// after a crash, which `verify` would rightly call a removal).
    fn append(db: &mut dyn Db, kind: &str, decision_id: Option<i64>, body: &str) -> Result<i64> {
        // A fact's link to its decision is chained with it (the body's
        // `decision`), so moving a fact to another decision in the
        // `entries.decision_id` column fails `audit verify`.
        let linked;
        let body = match (decision_id, serde_json::from_str::<serde_json::Value>(body)) {
            (Some(id), Ok(serde_json::Value::Object(mut o))) if kind != "decision" => {
                o.insert("decision".into(), id.into());
                linked = serde_json::Value::Object(o).to_string();
                linked.as_str()
            }
            _ => body,
        };
        let (head, prev) = first(
            db,
            "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
            &[],
            |r| Ok((r.int(0)?, r.text(1)?)),
        )?
        .unwrap_or((0, GENESIS.to_owned()));
        let seq = head + 1;
        let hash = chain(&prev, body);
        db.exec(
            "INSERT INTO entries(seq, kind, decision_id, body, prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
            &[int(seq), text(kind), Arg::Int(decision_id), text(body), text(&prev), text(&hash)],
        )?;
        db.appended(seq)?;
        Ok(seq)
    }

    /// Writes one entry exactly as exported (`audit import`), after
    /// checking it links to the current head.
    fn append_verbatim(db: &mut dyn Db, e: &Entry) -> Result<()> {
        let head = first(
            db,
            "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
            &[],
            |r| Ok((r.int(0)?, r.text(1)?)),
        )?
        .unwrap_or((0, GENESIS.to_owned()));
        if e.prev_hash != head.1 || e.seq != head.0 + 1 {
            bail!(
                "entry {} does not follow entry {} of the target log (its prev_hash or sequence differ); import into an empty log, in order",
                e.seq,
                head.0
            );
        }
        if chain(&e.prev_hash, &e.body) != e.hash {
            bail!(
                "entry {}: its content does not match its hash (altered export)",
                e.seq
            );
        }
        db.exec(
            "INSERT INTO entries(seq, kind, decision_id, body, prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
            &[int(e.seq), text(&e.kind), Arg::Int(e.decision_id), text(&e.body), text(&e.prev_hash), text(&e.hash)],
        )?;
        db.appended(e.seq)?;
        match e.kind.as_str() {
            "decision" => {
                let d: DecisionBody = serde_json::from_str(&e.body)
                    .with_context(|| format!("entry {} is not a decision body", e.seq))?;
                Self::index(db, e.seq, &d)?;
            }
            "landed" => {
                if let Some(id) = e.decision_id {
                    db.exec("UPDATE decisions SET landed = 1 WHERE id = ?1", &[int(id)])?;
                    deployments::landed(db, id)?;
                }
            }
            "apply" => {
                if let Some(id) = e.decision_id {
                    deployments::applied(db, id, &e.body)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The query-index rows of decision `id`.
    fn index(db: &mut dyn Db, id: i64, d: &DecisionBody) -> Result<()> {
        db.exec(
            "INSERT INTO decisions(id, time, repository, pusher, ref, old, new, environment, decision)
             VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            &[
                int(id),
                text(&d.time),
                text(&d.repository),
                opt_text(d.pusher.as_deref()),
                text(&d.refname),
                text(&d.old),
                text(&d.new),
                opt_text(d.environment.as_deref()),
                text(&d.decision),
            ],
        )?;
        for c in &d.commits {
            db.exec(
                "INSERT INTO decision_commits VALUES(?1, ?2)",
                &[int(id), text(c)],
            )?;
        }
        for s in &d.signers {
            db.exec(
                "INSERT INTO decision_signers VALUES(?1, ?2)",
                &[int(id), text(s)],
            )?;
        }
        for a in &d.approvals {
            db.exec(
                "INSERT INTO decision_approvals VALUES(?1, ?2)",
                &[int(id), text(a)],
            )?;
        }
        for m in marks(d) {
            db.exec(
                "INSERT INTO decision_marks VALUES(?1, ?2)",
                &[int(id), text(&m)],
            )?;
        }
        if deployments::is_rollback(d) {
            let mut builder = deployments::Builder::default();
            builder.decision(id, d);
            for dep in builder.finish().values() {
                deployments::insert(db, dep)?;
            }
        }
        Ok(())
    }

    /// Records decisions (one per ref update) in one transaction; returns
    /// their ids in order.
    pub fn record(&mut self, decisions: &[DecisionBody]) -> Result<Vec<i64>> {
        self.record_capped(decisions, None)?
            .map_err(|_| anyhow::anyhow!("no cap was given"))
    }

    /// [`Store::record`], unless the decisions' break-glass grants would
    /// take the grants on accepted updates since `cap.1` past `cap.0`:
    /// then nothing is written and the grants already recorded are
    /// returned. Counted under the chain's write lock, so concurrent pushes
    /// (a fleet's, on PostgreSQL) cannot all take the last grant.
    pub fn record_capped(
        &mut self,
        decisions: &[DecisionBody],
        cap: Option<(u64, &str)>,
    ) -> Result<Result<Vec<i64>, u64>> {
        self.write(|db| {
            let granted = decisions
                .iter()
                .filter(|d| d.decision == "accepted" && d.break_glass.is_some())
                .count() as u64;
            if let (Some((max, since)), true) = (cap, granted > 0) {
                let have = first(
                    db,
                    "SELECT count(*) FROM decision_marks m JOIN decisions d ON d.id = m.decision_id
                     WHERE m.mark = 'break_glass' AND d.decision = 'accepted' AND d.time >= ?1",
                    &[text(since)],
                    |r| r.int(0),
                )?
                .map_or(0, |n| u64::try_from(n).unwrap_or(0));
                if have + granted > max {
                    return Ok(Err(have));
                }
            }
            let mut ids = Vec::new();
            for d in decisions {
                let body = serde_json::to_string(d)?;
                let id = Self::append(db, "decision", None, &body)?;
                Self::index(db, id, d)?;
                ids.push(id);
            }
            Ok(Ok(ids))
        })
    }

    /// Marks the newest accepted, not yet landed decision for this exact
    /// update as landed. Returns its id, if one was found.
    pub fn mark_landed(
        &mut self,
        repository: &str,
        refname: &str,
        old: &str,
        new: &str,
    ) -> Result<Option<i64>> {
        self.write(|db| {
            let args = [text(repository), text(refname), text(old), text(new)];
            let id = first(
                db,
                "SELECT id FROM decisions WHERE repository = ?1 AND ref = ?2 AND old = ?3 AND new = ?4
                 AND decision = 'accepted' AND landed = 0 ORDER BY id DESC LIMIT 1",
                &args,
                |r| r.int(0),
            )?;
            if let Some(id) = id {
                let body = serde_json::json!({"landed": true, "time": now_rfc3339()}).to_string();
                Self::append(db, "landed", Some(id), &body)?;
                db.exec("UPDATE decisions SET landed = 1 WHERE id = ?1", &[int(id)])?;
                deployments::landed(db, id)?;
                return Ok(Some(id));
            }
            // `audit reconcile` may have run between the ref moving and this
            // hook: the decision is already marked, by it, and nothing else
            // has happened to it yet. It is still this hook's to apply.
            first(
                db,
                "SELECT d.id FROM decisions d WHERE d.repository = ?1 AND d.ref = ?2 AND d.old = ?3
                 AND d.new = ?4 AND d.decision = 'accepted' AND d.landed = 1
                 AND EXISTS (SELECT 1 FROM entries e WHERE e.decision_id = d.id AND e.kind = 'landed'
                             AND e.body LIKE ?5)
                 AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.decision_id = d.id AND e.kind <> 'landed')
                 ORDER BY d.id DESC LIMIT 1",
                &[args[0], args[1], args[2], args[3], text(r#"%"by":"reconcile"%"#)],
                |r| r.int(0),
            )
        })
    }

    /// Compares a repository's refs with the log. Each ref's current value
    /// must be the `new` of an accepted decision no older than the newest
    /// one already marked landed; otherwise the ref moved past the gate
    /// (drift). From that decision the ref's history is followed backwards
    /// (`old` to the `new` before it), and every accepted decision on that
    /// path that is not marked landed is marked now: its update did land,
    /// but post-receive was killed or never ran.
    /// `refs` is the repository's (name, id) list; refs the log knows that
    /// are gone from the repository are checked too (deleted past the gate).
    pub fn reconcile(
        &mut self,
        repository: &str,
        refs: &[(String, String)],
    ) -> Result<Vec<Reconciled>> {
        let mut names: std::collections::BTreeMap<String, Option<String>> = refs
            .iter()
            .map(|(n, id)| (n.clone(), Some(id.clone())))
            .collect();
        let logged = all(
            self.db.as_mut(),
            "SELECT DISTINCT ref FROM decisions WHERE repository = ?1",
            &[text(repository)],
            |r| r.text(0),
        )?;
        for name in logged {
            names.entry(name).or_insert(None);
        }
        let mut out = Vec::new();
        for (refname, current) in names {
            let found = self.write(|db| Self::reconcile_ref(db, repository, &refname, current))?;
            out.extend(found);
        }
        Ok(out)
    }

    fn reconcile_ref(
        db: &mut dyn Db,
        repository: &str,
        refname: &str,
        current: Option<String>,
    ) -> Result<Vec<Reconciled>> {
        // (id, old, new, landed), newest first.
        let rows: Vec<(i64, String, String, bool)> = all(
            db,
            "SELECT id, old, new, landed FROM decisions WHERE repository = ?1 AND ref = ?2
             AND decision = 'accepted' ORDER BY id DESC",
            &[text(repository), text(refname)],
            |r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.int(3)? != 0)),
        )?;
        let newest_landed = rows.iter().find(|r| r.3);
        let is_value = |new: &str, value: Option<&str>| match value {
            Some(v) => new == v,
            None => crate::protocol::is_zero(new),
        };
        let start = rows.iter().position(|r| is_value(&r.2, current.as_deref()));
        let drift = match (start, newest_landed) {
            // Never set through the gate and not there: nothing to explain.
            (None, None) if current.is_none() => false,
            (None, _) => true,
            // Moved back to an older value past the gate.
            (Some(i), Some(landed)) => landed.0 > rows[i].0,
            (Some(_), None) => false,
        };
        if drift {
            return Ok(vec![Reconciled::Drift {
                refname: refname.to_owned(),
                current,
                last_decision: newest_landed.map(|r| (r.0, r.2.clone())),
            }]);
        }
        let mut out = Vec::new();
        let mut at = start;
        while let Some(i) = at {
            let (id, old, _, landed) = &rows[i];
            if !landed {
                let body =
                    serde_json::json!({"landed": true, "time": now_rfc3339(), "by": "reconcile"})
                        .to_string();
                Self::append(db, "landed", Some(*id), &body)?;
                db.exec("UPDATE decisions SET landed = 1 WHERE id = ?1", &[int(*id)])?;
                deployments::landed(db, *id)?;
                out.push(Reconciled::MarkedLanded {
                    refname: refname.to_owned(),
                    id: *id,
                });
            }
            if crate::protocol::is_zero(old) {
                break;
            }
            at = rows[i + 1..]
                .iter()
                .position(|r| r.2 == *old)
                .map(|k| i + 1 + k);
        }
        Ok(out)
    }

    /// Takes the write lock and lets it go, writing nothing: whether a push
    /// could be recorded right now.
    pub fn check_writable(&mut self) -> Result<()> {
        self.db.begin_write()?;
        self.db.rollback()
    }

    /// Appends a later fact (`apply` progress) about decision `id`.
    pub fn append_fact(&mut self, id: i64, kind: &str, body: &str) -> Result<()> {
        self.write(|db| {
            Self::append(db, kind, Some(id), body)?;
            if kind == "apply" {
                deployments::applied(db, id, body)?;
            }
            Ok(())
        })
    }

    /// Appends many facts in one transaction (a log generated for a
    /// benchmark; an import of facts): as [`Store::append_fact`] each,
    /// `landed` ones marking their decision.
    pub fn append_facts(&mut self, facts: &[(i64, &str, String)]) -> Result<()> {
        self.write(|db| {
            for (id, kind, body) in facts {
                Self::append(db, kind, Some(*id), body)?;
                match *kind {
                    "landed" => {
                        db.exec("UPDATE decisions SET landed = 1 WHERE id = ?1", &[int(*id)])?;
                        deployments::landed(db, *id)?;
                    }
                    "apply" => deployments::applied(db, *id, body)?,
                    _ => {}
                }
            }
            Ok(())
        })
    }

    /// The deployments of `environment`, newest first (ids below
    /// `before`, at most `limit`).
    pub fn deployments(
        &mut self,
        environment: &str,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<deployments::Deployment>> {
        deployments::of_environment(self.db.as_mut(), environment, before, limit)
    }

    /// The deployments of `environment` decided in [since, until), oldest first.
    pub fn deployments_between(
        &mut self,
        environment: &str,
        since: &str,
        until: &str,
    ) -> Result<Vec<deployments::Deployment>> {
        deployments::in_window(self.db.as_mut(), environment, since, until)
    }

    /// The deployments of `environment` whose tree is `tree`, newest first.
    pub fn deployments_of_tree(
        &mut self,
        environment: &str,
        tree: &str,
    ) -> Result<Vec<deployments::Deployment>> {
        deployments::of_tree(self.db.as_mut(), environment, tree)
    }

    /// The newest deployment of `environment` that succeeded (or landed,
    /// when `landed_is_enough`: nothing is applied there).
    pub fn latest_successful(
        &mut self,
        environment: &str,
        landed_is_enough: bool,
    ) -> Result<Option<deployments::Deployment>> {
        const PAGE: usize = 200;
        let mut before = None;
        loop {
            let page = self.deployments(environment, before, PAGE)?;
            if let Some(d) = page.iter().find(|d| d.succeeded(landed_is_enough)) {
                return Ok(Some(d.clone()));
            }
            match page.last() {
                Some(d) if page.len() == PAGE => before = Some(d.id),
                _ => return Ok(None),
            }
        }
    }

    /// The decisions `ids` with their facts, in the order given.
    pub fn show_many(&mut self, ids: &[i64]) -> Result<Vec<Record>> {
        self.records(ids)
    }

    /// Break-glass grants on accepted updates decided at or after `since`
    /// (`break_glass.max_per_day`).
    pub fn break_glass_since(&mut self, since: &str) -> Result<u64> {
        let n = first(
            self.db.as_mut(),
            "SELECT count(*) FROM decision_marks m JOIN decisions d ON d.id = m.decision_id
             WHERE m.mark = 'break_glass' AND d.decision = 'accepted' AND d.time >= ?1",
            &[text(since)],
            |r| r.int(0),
        )?
        .unwrap_or(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Refs of `repository` an accepted update marked `BYPASSED` or
    /// `SCOPED_EXCEPTION`: their history holds content only they let in,
    /// so they vouch for no new ref.
    pub fn refs_let_in(&mut self, repository: &str) -> Result<std::collections::BTreeSet<String>> {
        Ok(all(
            self.db.as_mut(),
            "SELECT DISTINCT d.ref FROM decision_marks m JOIN decisions d ON d.id = m.decision_id
             WHERE d.repository = ?1 AND d.decision = 'accepted' AND m.mark IN ('bypassed', 'scoped_exception')
             AND d.id > COALESCE((SELECT max(b.id) FROM decision_marks bm JOIN decisions b ON b.id = bm.decision_id
                                  WHERE bm.mark = 'baseline' AND b.repository = d.repository AND b.ref = d.ref), 0)",
            &[text(repository)],
            |r| r.text(0),
        )?
        .into_iter()
        .collect())
    }

    /// Whether an accepted update, in any repository of the log, brought
    /// commit `id` or set a ref to it: a break-glass tip must be new.
    pub fn ever_accepted(&mut self, id: &str) -> Result<bool> {
        let brought = first(
            self.db.as_mut(),
            "SELECT 1 FROM decision_commits c JOIN decisions d ON d.id = c.decision_id
             WHERE c.commit_id = ?1 AND d.decision = 'accepted' LIMIT 1",
            &[text(id)],
            |r| r.int(0),
        )?;
        if brought.is_some() {
            return Ok(true);
        }
        Ok(first(
            self.db.as_mut(),
            "SELECT 1 FROM decisions WHERE new = ?1 AND decision = 'accepted' LIMIT 1",
            &[text(id)],
            |r| r.int(0),
        )?
        .is_some())
    }

    /// Per rollout mark (`would_reject:RULE`, `exception:RULE`,
    /// `break_glass`): how many decisions in `[since, until)` carry it, and
    /// the newest one's time.
    pub fn mark_counts(&mut self, since: &str, until: &str) -> Result<Vec<(String, i64, String)>> {
        all(
            self.db.as_mut(),
            "SELECT m.mark, count(*), max(d.time) FROM decision_marks m JOIN decisions d ON d.id = m.decision_id
             WHERE d.time >= ?1 AND d.time < ?2 GROUP BY m.mark ORDER BY m.mark",
            &[text(since), text(until)],
            |r| Ok((r.text(0)?, r.int(1)?, r.text(2)?)),
        )
    }

    /// The newest decision at or after `since` an exception entry (`file:line`
    /// as recorded) covered a finding in, by rule: for `doctor`'s unused
    /// exceptions. Returns the entries seen.
    pub fn exception_entries_since(
        &mut self,
        since: &str,
    ) -> Result<std::collections::BTreeSet<String>> {
        let ids = all(
            self.db.as_mut(),
            "SELECT DISTINCT m.decision_id FROM decision_marks m JOIN decisions d ON d.id = m.decision_id
             WHERE substr(m.mark, 1, 10) = 'exception:' AND d.time >= ?1",
            &[text(since)],
            |r| r.int(0),
        )?;
        let mut seen = std::collections::BTreeSet::new();
        for chunk in ids.chunks(500) {
            for rec in self.records(chunk)? {
                for f in rec.body.exceptions.as_array().into_iter().flatten() {
                    if let Some(e) = f.pointer("/exception/entry").and_then(|e| e.as_str()) {
                        seen.insert(format!(
                            "{}|{e}",
                            f.get("rule").and_then(|r| r.as_str()).unwrap_or("")
                        ));
                    }
                }
            }
        }
        Ok(seen)
    }

    /// Every environment something was deployed to.
    pub fn environments(&mut self) -> Result<Vec<String>> {
        deployments::environments(self.db.as_mut())
    }

    pub fn list<'a>(&mut self, f: &'a Filter) -> Result<Vec<Record>> {
        let mut sql = String::from("SELECT d.id FROM decisions d WHERE 1=1");
        let mut args: Vec<&str> = Vec::new();
        let mut add = |clause: &str, v: &'a Option<String>| {
            if let Some(v) = v {
                args.push(v.as_str());
                sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
            }
        };
        add(" AND d.ref = ?", &f.refname);
        // `unknown` also finds the updates recorded without any identity
        // (pusher null: no ref rule required one).
        if f.pusher.as_deref() == Some("unknown") {
            add(" AND (d.pusher = ? OR d.pusher IS NULL)", &f.pusher);
        } else {
            add(" AND d.pusher = ?", &f.pusher);
        }
        add(" AND d.decision = ?", &f.decision);
        add(" AND d.environment = ?", &f.environment);
        add(" AND d.time >= ?", &f.since);
        add(" AND d.time < ?", &f.until);
        add(
            " AND d.id IN (SELECT decision_id FROM decision_commits WHERE commit_id = ?)",
            &f.commit,
        );
        add(
            " AND d.id IN (SELECT decision_id FROM decision_signers WHERE signer = ?)",
            &f.signer,
        );
        add(
            " AND d.id IN (SELECT decision_id FROM decision_approvals WHERE approver = ?)",
            &f.approver,
        );
        let would_reject = f.rule.as_ref().map(|r| format!("would_reject:{r}"));
        if f.would_reject && would_reject.is_none() {
            sql.push_str(" AND d.id IN (SELECT decision_id FROM decision_marks WHERE substr(mark, 1, 13) = 'would_reject:')");
        }
        if f.break_glass {
            sql.push_str(
                " AND d.id IN (SELECT decision_id FROM decision_marks WHERE mark = 'break_glass')",
            );
        }
        if let Some(m) = &would_reject {
            args.push(m.as_str());
            sql.push_str(&format!(
                " AND d.id IN (SELECT decision_id FROM decision_marks WHERE mark = ?{})",
                args.len()
            ));
        }
        sql.push_str(&format!(" ORDER BY d.id DESC LIMIT {}", f.limit));
        let args: Vec<Arg<'_>> = args.into_iter().map(text).collect();
        let ids = all(self.db.as_mut(), &sql, &args, |r| r.int(0))?;
        self.records(&ids)
    }

    pub fn show(&mut self, id: i64) -> Result<Option<Record>> {
        Ok(self.records(&[id])?.pop())
    }

    /// The kind of chain entry `seq` and the decision it belongs to (its
    /// own id for a decision): decision ids are entry numbers, so they skip
    /// the facts in between, and a number someone guesses is often a fact.
    pub fn entry(&mut self, seq: i64) -> Result<Option<(String, Option<i64>)>> {
        first(
            self.db.as_mut(),
            "SELECT kind, decision_id FROM entries WHERE seq = ?1",
            &[int(seq)],
            |r| Ok((r.text(0)?, r.opt_int(1)?)),
        )
    }

    /// The decisions `ids` with their facts merged in, in the order given
    /// (ids that are not decisions are left out). Two statements per 500
    /// ids, not two per record: over a network, round trips are the cost.
    fn records(&mut self, ids: &[i64]) -> Result<Vec<Record>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
            let marks = marks.join(", ");
            let args: Vec<Arg<'_>> = chunk.iter().map(|id| int(*id)).collect();
            let mut bodies = std::collections::HashMap::new();
            self.db.rows(
                &format!(
                    "SELECT seq, body, prev_hash, hash FROM entries WHERE kind = 'decision' AND seq IN ({marks})"
                ),
                &args,
                &mut |r| {
                    bodies.insert(r.int(0)?, (r.text(1)?, r.text(2)?, r.text(3)?));
                    Ok(())
                },
            )?;
            let mut facts: std::collections::HashMap<i64, (bool, Option<serde_json::Value>)> =
                std::collections::HashMap::new();
            self.db.rows(
                &format!(
                    "SELECT decision_id, kind, body FROM entries WHERE decision_id IN ({marks}) ORDER BY seq"
                ),
                &args,
                &mut |r| {
                    let fact = facts.entry(r.int(0)?).or_default();
                    match r.text(1)?.as_str() {
                        "landed" => fact.0 = true,
                        // The newest apply fact is the apply's state.
                        "apply" => fact.1 = serde_json::from_str(&r.text(2)?).ok(),
                        _ => {}
                    }
                    Ok(())
                },
            )?;
            for id in chunk {
                let Some((body, prev_hash, hash)) = bodies.remove(id) else {
                    continue;
                };
                let body: DecisionBody = serde_json::from_str(&body)
                    .with_context(|| format!("audit record {id} is not a decision body"))?;
                let (landed, apply) = facts.remove(id).unwrap_or_default();
                out.push(Record {
                    id: *id,
                    body,
                    landed,
                    apply,
                    prev_hash,
                    hash,
                });
            }
        }
        Ok(out)
    }

    /// Recomputes the chain and checks the indexes against it, in one
    /// streamed pass over the entries (joined to their index rows).
    pub fn verify(&mut self) -> Result<Verification> {
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1;
        let mut count = 0;
        let mut broken: Option<(i64, String)> = None;
        // The index as the chained bodies say it must be.
        let mut want = Index::default();
        self.db.rows(
            "SELECT e.seq, e.kind, e.body, e.prev_hash, e.hash, d.ref, d.pusher, d.decision, e.decision_id
             FROM entries e LEFT JOIN decisions d ON d.id = e.seq ORDER BY e.seq",
            &[],
            &mut |r| {
                if broken.is_some() {
                    return Ok(());
                }
                let seq = r.int(0)?;
                let (kind, body, prev_hash, hash) =
                    (r.text(1)?, r.text(2)?, r.text(3)?, r.text(4)?);
                if seq != expected_seq {
                    broken = Some((
                        expected_seq,
                        format!(
                            "record {expected_seq} is missing (the next present is {seq}): removed"
                        ),
                    ));
                    return Ok(());
                }
                if prev_hash != prev {
                    broken = Some((
                        seq,
                        "its prev_hash does not match the record before it: removed or reordered"
                            .into(),
                    ));
                    return Ok(());
                }
                if chain(&prev, &body) != hash {
                    broken = Some((seq, "its content does not match its hash: altered".into()));
                    return Ok(());
                }
                // `kind` is a column outside the hash: it must be the one
                // the chained body's shape says (a decision relabelled as a
                // note would drop out of every query).
                if !kind_fits(&kind, &body) {
                    broken = Some((
                        seq,
                        format!("its kind `{kind}` does not match its chained body: altered"),
                    ));
                    return Ok(());
                }
                if kind == "decision" {
                    let d: DecisionBody = match serde_json::from_str(&body) {
                        Ok(d) => d,
                        Err(e) => {
                            broken = Some((seq, format!("unreadable body: {e}")));
                            return Ok(());
                        }
                    };
                    let idx = match r.opt_text(5)? {
                        Some(refname) => {
                            Some((refname, r.opt_text(6)?, r.opt_text(7)?.unwrap_or_default()))
                        }
                        None => None,
                    };
                    if idx != Some((d.refname.clone(), d.pusher.clone(), d.decision.clone())) {
                        broken = Some((
                            seq,
                            "the query index disagrees with the chained record: altered".into(),
                        ));
                        return Ok(());
                    }
                    want.add(seq, &d);
                } else {
                    let column = r.opt_int(8)?;
                    let chained = serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|b| b.get("decision").and_then(serde_json::Value::as_i64));
                    // Facts written before the link was chained have none.
                    if chained.is_some() && chained != column {
                        broken = Some((
                            seq,
                            format!("the fact is filed under decision {column:?}, its chained body says {chained:?}: altered"),
                        ));
                        return Ok(());
                    }
                    if let Some(id) = chained.or(column) {
                        if kind == "landed" {
                            want.landed.insert(id);
                        }
                        want.deployments.fact(id, &kind, &body);
                    }
                }
                prev = hash;
                expected_seq += 1;
                count += 1;
                Ok(())
            },
        )?;
        if let Some((id, why)) = broken {
            return Ok(Verification::Broken { id, why });
        }
        if let Some(max) = self.db.max_seq_ever()? {
            if max >= expected_seq {
                return Ok(Verification::Broken {
                    id: expected_seq,
                    why: format!(
                        "records {expected_seq}..{max} were written and are gone: removed"
                    ),
                });
            }
        }
        // After the chain (a removed tail explains index rows best).
        if let Some((id, why)) = self.index_differs(want)? {
            return Ok(Verification::Broken { id, why });
        }
        Ok(Verification::Intact {
            entries: count,
            head: prev,
        })
    }

    /// The first index row (decisions, their commits and signers, landed)
    /// that differs from what the chained bodies say, if any.
    fn index_differs(&mut self, want: Index) -> Result<Option<(i64, String)>> {
        let mut found: Option<(i64, String)> = None;
        let mut seen = std::collections::BTreeSet::new();
        self.db.rows(
            "SELECT id, time, repository, pusher, ref, old, new, environment, decision, landed FROM decisions ORDER BY id",
            &[],
            &mut |r| {
                if found.is_some() {
                    return Ok(());
                }
                let id = r.int(0)?;
                seen.insert(id);
                let row = [
                    Some(r.text(1)?),
                    Some(r.text(2)?),
                    r.opt_text(3)?,
                    Some(r.text(4)?),
                    Some(r.text(5)?),
                    Some(r.text(6)?),
                    r.opt_text(7)?,
                    Some(r.text(8)?),
                ];
                let landed = r.int(9)? != 0;
                match want.rows.get(&id) {
                    None => found = Some((id, "an index row with no chained record: inserted".into())),
                    Some(w) => {
                        const COLUMNS: [&str; 8] = ["time", "repository", "pusher", "ref", "old", "new", "environment", "decision"];
                        if let Some(c) = (0..8).find(|&i| w[i] != row[i]) {
                            found = Some((id, format!("its index column `{}` disagrees with the chained record: altered", COLUMNS[c])));
                        } else if landed != want.landed.contains(&id) {
                            found = Some((id, "its index column `landed` disagrees with the chained facts: altered".into()));
                        }
                    }
                }
                Ok(())
            },
        )?;
        if found.is_some() {
            return Ok(found);
        }
        if let Some(id) = want.rows.keys().find(|id| !seen.contains(id)) {
            return Ok(Some((*id, "its index row is missing: removed".into())));
        }
        for (table, column, expected) in [
            ("decision_commits", "commit_id", &want.commits),
            ("decision_signers", "signer", &want.signers),
            ("decision_approvals", "approver", &want.approvals),
            ("decision_marks", "mark", &want.marks),
        ] {
            let mut got: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
            self.db.rows(
                &format!("SELECT decision_id, {column} FROM {table}"),
                &[],
                &mut |r| {
                    got.entry(r.int(0)?).or_default().push(r.text(1)?);
                    Ok(())
                },
            )?;
            for v in got.values_mut() {
                v.sort();
            }
            let ids: std::collections::BTreeSet<&i64> = got.keys().chain(expected.keys()).collect();
            for id in ids {
                let (g, w) = (got.get(id), expected.get(id));
                if g.map_or(&[][..], Vec::as_slice) != w.map_or(&[][..], Vec::as_slice) {
                    return Ok(Some((
                        *id,
                        format!("its {table} index rows disagree with the chained record: altered"),
                    )));
                }
            }
        }
        if let Some(id) = want.deployments.first_difference(self.db.as_mut())? {
            return Ok(Some((
                id,
                format!(
                    "its {} index row disagrees with the chained record and its facts (altered, inserted or removed)",
                    deployments::TABLE
                ),
            )));
        }
        Ok(None)
    }

    /// Every entry, in order, as JSON lines: the whole log, movable to
    /// another engine with `import` and verifiable there.
    pub fn export(&mut self, out: &mut dyn std::io::Write) -> Result<u64> {
        let mut n = 0;
        self.db.rows(
            "SELECT seq, kind, decision_id, body, prev_hash, hash FROM entries ORDER BY seq",
            &[],
            &mut |r| {
                let e = Entry {
                    seq: r.int(0)?,
                    kind: r.text(1)?,
                    decision_id: r.opt_int(2)?,
                    body: r.text(3)?,
                    prev_hash: r.text(4)?,
                    hash: r.text(5)?,
                };
                serde_json::to_writer(&mut *out, &e)?;
                out.write_all(b"\n")?;
                n += 1;
                Ok(())
            },
        )?;
        out.flush()?;
        Ok(n)
    }

    /// Appends exported entries, which must continue this log's chain (in
    /// practice: into an empty log). Each batch of entries is one
    /// transaction; a line that does not link stops the import there.
    pub fn import(&mut self, input: impl std::io::BufRead) -> Result<u64> {
        let mut n = 0;
        let mut batch: Vec<Entry> = Vec::new();
        let flush = |store: &mut Store, batch: &mut Vec<Entry>| -> Result<()> {
            store.write(|db| {
                for e in batch.iter() {
                    Self::append_verbatim(db, e)?;
                }
                Ok(())
            })?;
            batch.clear();
            Ok(())
        };
        for (i, line) in input.lines().enumerate() {
            let line = line.context("reading the export")?;
            if line.trim().is_empty() {
                continue;
            }
            let e: Entry = serde_json::from_str(&line)
                .with_context(|| format!("line {}: not an exported audit entry", i + 1))?;
            batch.push(e);
            n += 1;
            if batch.len() >= 1000 {
                flush(self, &mut batch)?;
            }
        }
        flush(self, &mut batch)?;
        Ok(n)
    }
}

/// One chained entry as `audit export` writes it (one JSON object a line).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub seq: i64,
    pub kind: String,
    pub decision_id: Option<i64>,
    pub body: String,
    pub prev_hash: String,
    pub hash: String,
}

/// `YYYY-MM-DD` becomes the start of that day (UTC); RFC 3339 stays.
pub fn normalize_time(t: &str) -> Result<String> {
    crate::time::parse_bound(t).map_err(|e| anyhow::anyhow!(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_links_and_detects_edits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.db");
        let mut store = Store::open_url(path.to_str().unwrap()).unwrap();
        let body = DecisionBody {
            time: now_rfc3339(),
            repository: "r".into(),
            pusher: Some("alice".into()),
            refname: "refs/heads/main".into(),
            old: "0".repeat(40),
            new: "1".repeat(40),
            action: "create".into(),
            environment: None,
            decision: "accepted".into(),
            violations: serde_json::json!([]),
            warnings: serde_json::json!([]),
            commits: vec![],
            signers: vec![],
            approvals: vec![],
            push_options: vec![],
            server: Some("git1".into()),
            ..DecisionBody::default()
        };
        let ids = store.record(&[body.clone(), body]).unwrap();
        assert!(matches!(
            store.verify().unwrap(),
            Verification::Intact { entries: 2, .. }
        ));
        let second = store.show(ids[1]).unwrap().unwrap();
        let first = store.show(ids[0]).unwrap().unwrap();
        assert_eq!(second.prev_hash, first.hash);
        store
            .db
            .exec(
                "UPDATE entries SET body = replace(body, 'alice', 'bob') WHERE seq = 1",
                &[],
            )
            .unwrap();
        assert!(matches!(
            store.verify().unwrap(),
            Verification::Broken { id: 1, .. }
        ));
    }

    /// Rollout marks are found by `list`, counted for break-glass only on
    /// accepted updates, and recomputed by `verify`: a grant removed from
    /// the index (to free the daily cap) is caught.
    #[test]
    fn rollout_marks_are_indexed_counted_and_verified() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.db");
        let mut store = Store::open_url(path.to_str().unwrap()).unwrap();
        let body = |decision: &str, glass: bool, would: &[&str]| DecisionBody {
            time: now_rfc3339(),
            repository: "r".into(),
            refname: "refs/heads/main".into(),
            old: "0".repeat(40),
            new: "1".repeat(40),
            action: "create".into(),
            decision: decision.into(),
            violations: serde_json::json!([]),
            warnings: serde_json::json!([]),
            would_reject: serde_json::json!(would
                .iter()
                .map(|r| serde_json::json!({"rule": r}))
                .collect::<Vec<_>>()),
            break_glass: glass
                .then(|| serde_json::json!({"reason": "x", "signer": "oncall", "bypassed": []})),
            ..DecisionBody::default()
        };
        store
            .record(&[
                body("accepted", true, &["a.deny", "a.deny", "b.deny"]),
                body("rejected", true, &[]),
                body("accepted", false, &["b.deny"]),
            ])
            .unwrap();
        let list =
            |store: &mut Store, f: Filter| store.list(&Filter { limit: 10, ..f }).unwrap().len();
        assert_eq!(
            list(
                &mut store,
                Filter {
                    would_reject: true,
                    ..Filter::default()
                }
            ),
            2
        );
        assert_eq!(
            list(
                &mut store,
                Filter {
                    would_reject: true,
                    rule: Some("a.deny".into()),
                    ..Filter::default()
                }
            ),
            1
        );
        assert_eq!(
            list(
                &mut store,
                Filter {
                    break_glass: true,
                    ..Filter::default()
                }
            ),
            2
        );
        assert_eq!(store.break_glass_since("2000-01-01T00:00:00Z").unwrap(), 1);
        // A grant past the cap is not written: the one recorded is returned.
        let since = "2000-01-01T00:00:00Z";
        let entries = |store: &mut Store| store.export(&mut std::io::sink()).unwrap();
        let before = entries(&mut store);
        assert_eq!(
            store
                .record_capped(&[body("accepted", true, &[])], Some((1, since)))
                .unwrap(),
            Err(1)
        );
        assert_eq!(entries(&mut store), before);
        assert!(store
            .record_capped(&[body("accepted", false, &[])], Some((1, since)))
            .unwrap()
            .is_ok());
        let counts = store
            .mark_counts("2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z")
            .unwrap();
        let b = counts
            .iter()
            .find(|c| c.0 == "would_reject:b.deny")
            .unwrap();
        assert_eq!(b.1, 2);
        assert!(matches!(
            store.verify().unwrap(),
            Verification::Intact { .. }
        ));
        store
            .db
            .exec("DELETE FROM decision_marks WHERE mark = 'break_glass'", &[])
            .unwrap();
        assert_eq!(store.break_glass_since("2000-01-01T00:00:00Z").unwrap(), 0);
        assert!(matches!(
            store.verify().unwrap(),
            Verification::Broken { .. }
        ));
    }

    /// A version-1 log (before approvals) opens as version 2: the approvals
    /// index is added, old records verify, new ones are found by approver.
    #[test]
    fn a_version_1_log_gains_the_approvals_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.db");
        let body = |approvals: Vec<String>| DecisionBody {
            time: now_rfc3339(),
            repository: "r".into(),
            pusher: None,
            refname: "refs/heads/main".into(),
            old: "0".repeat(40),
            new: "1".repeat(40),
            action: "create".into(),
            environment: None,
            decision: "accepted".into(),
            violations: serde_json::json!([]),
            warnings: serde_json::json!([]),
            commits: vec![],
            signers: vec![],
            approvals,
            push_options: vec![],
            server: None,
            ..DecisionBody::default()
        };
        {
            let mut store = Store::open_url(path.to_str().unwrap()).unwrap();
            store.record(&[body(vec![])]).unwrap();
            store
                .db
                .batch("DROP TABLE decision_approvals; DROP TABLE deployments; DROP TABLE decision_marks; UPDATE meta SET value = '1' WHERE key = 'schema_version';")
                .unwrap();
        }
        let mut store = Store::open_url(path.to_str().unwrap()).unwrap();
        store.record(&[body(vec!["alice".into()])]).unwrap();
        assert!(matches!(
            store.verify().unwrap(),
            Verification::Intact { entries: 2, .. }
        ));
        let f = Filter {
            approver: Some("alice".into()),
            limit: 10,
            ..Filter::default()
        };
        assert_eq!(store.list(&f).unwrap().len(), 1);
    }

    /// A version-2 log (before the deployments index) gains it, built from
    /// its entries; an edited row is then found by `verify`.
    #[test]
    fn a_version_2_log_gains_the_deployments_index_and_verify_checks_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.db");
        let body = |new: &str| DecisionBody {
            time: now_rfc3339(),
            repository: "r".into(),
            refname: "refs/heads/main".into(),
            old: "0".repeat(40),
            new: new.repeat(40),
            action: "update".into(),
            environment: Some("production".into()),
            decision: "accepted".into(),
            tree: Some("f".repeat(40)),
            ..DecisionBody::default()
        };
        {
            let mut store = Store::open_url(path.to_str().unwrap()).unwrap();
            let ids = store.record(&[body("1"), body("2")]).unwrap();
            store
                .mark_landed("r", "refs/heads/main", &"0".repeat(40), &"1".repeat(40))
                .unwrap();
            store
                .append_fact(
                    ids[0],
                    "apply",
                    r#"{"status":"succeeded","started":"a","finished":"b"}"#,
                )
                .unwrap();
            store
                .db
                .batch("DROP TABLE deployments; DROP TABLE decision_marks; UPDATE meta SET value = '2' WHERE key = 'schema_version';")
                .unwrap();
        }
        let mut store = Store::open_url(path.to_str().unwrap()).unwrap();
        let rows = store.deployments("production", None, 10).unwrap();
        assert_eq!(rows.len(), 1, "only the landed one: {rows:?}");
        assert_eq!(rows[0].status.as_deref(), Some("succeeded"));
        assert!(matches!(
            store.verify().unwrap(),
            Verification::Intact { .. }
        ));
        store
            .db
            .exec("UPDATE deployments SET status = 'failed'", &[])
            .unwrap();
        match store.verify().unwrap() {
            Verification::Broken { why, .. } => assert!(why.contains("deployments"), "{why}"),
            Verification::Intact { .. } => panic!("an edited deployments row verified"),
        }
    }
}
