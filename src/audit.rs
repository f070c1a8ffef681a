//! The audit log: every decision, append-only, hash-chained, queryable.
//!
//! Each entry (a decision, or a later fact about one: it landed) is a
//! canonical JSON body chained to the previous entry by SHA-256 over
//! `prev_hash || body`, computed inside an IMMEDIATE transaction so
//! concurrent pushes (or several repositories sharing one database) cannot
//! fork the chain. Query tables (`decisions`, `decision_commits`,
//! `decision_signers`) are derived indexes: `list` and `show` only select
//! ids from them and read the chained bodies, and `verify` checks that they
//! agree with the bodies.
//!
//! SQLite is the embedded default; [`Store`] is the small interface a
//! PostgreSQL backend will implement.

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const SCHEMA_VERSION: i64 = 1;
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A decision as recorded: the spec's audit fields, less the facts that
/// arrive later (`landed`, `apply`) and the chain fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    pub push_options: Vec<String>,
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
    pub decision: Option<String>,
    pub environment: Option<String>,
    pub commit: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
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

/// The store interface: append a chained entry, query, verify.
pub struct Store {
    conn: Connection,
}

pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    crate::git::rfc3339(git2::Time::new(secs, 0)).replace("+00:00", "Z")
}

fn chain(prev: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(body.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Opens (creating on first use) the database at `path`.
    pub fn open(path: &str) -> Result<Store> {
        if path.contains("://") {
            bail!("audit database {path}: only SQLite files are supported by this build (PostgreSQL is planned)");
        }
        if let Some(dir) = Path::new(path).parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                bail!(
                    "audit database {path}: directory {} does not exist",
                    dir.display()
                );
            }
        }
        let conn =
            Connection::open(path).with_context(|| format!("opening the audit database {path}"))?;
        conn.busy_timeout(Duration::from_secs(30))?;
        wal(&conn).with_context(|| format!("audit database {path}: cannot switch to WAL"))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let mut store = Store { conn };
        store
            .migrate()
            .with_context(|| format!("audit database {path}: schema"))?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )?;
        let version: Option<i64> = tx
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.parse().ok());
        match version {
            None => {
                tx.execute_batch(
                    "CREATE TABLE entries(
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        decision_id INTEGER,
                        body TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL);
                     CREATE INDEX entries_decision ON entries(decision_id);
                     CREATE TABLE decisions(
                        id INTEGER PRIMARY KEY,
                        time TEXT NOT NULL, repository TEXT NOT NULL, pusher TEXT,
                        ref TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
                        environment TEXT, decision TEXT NOT NULL, landed INTEGER NOT NULL DEFAULT 0);
                     CREATE INDEX decisions_pusher ON decisions(pusher, id);
                     CREATE INDEX decisions_ref ON decisions(ref, id);
                     CREATE INDEX decisions_time ON decisions(time);
                     CREATE INDEX decisions_env ON decisions(environment, id);
                     CREATE INDEX decisions_pending ON decisions(repository, ref, old, new, landed);
                     CREATE TABLE decision_commits(decision_id INTEGER NOT NULL, commit_id TEXT NOT NULL);
                     CREATE INDEX decision_commits_commit ON decision_commits(commit_id);
                     CREATE TABLE decision_signers(decision_id INTEGER NOT NULL, signer TEXT NOT NULL);
                     CREATE INDEX decision_signers_signer ON decision_signers(signer, decision_id);",
                )?;
                tx.execute(
                    "INSERT INTO meta VALUES('schema_version', ?1)",
                    params![SCHEMA_VERSION.to_string()],
                )?;
            }
            Some(SCHEMA_VERSION) => {}
            Some(v) => bail!(
                "schema version {v} is newer than this pushgate understands ({SCHEMA_VERSION})"
            ),
        }
        tx.commit()?;
        Ok(())
    }

    /// Appends one chained entry inside `tx`; returns its sequence number.
    fn append(
        tx: &rusqlite::Transaction<'_>,
        kind: &str,
        decision_id: Option<i64>,
        body: &str,
    ) -> Result<i64> {
        let prev: String = tx
            .query_row(
                "SELECT hash FROM entries ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(|| GENESIS.to_owned());
        let hash = chain(&prev, body);
        tx.execute(
            "INSERT INTO entries(kind, decision_id, body, prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5)",
            params![kind, decision_id, body, prev, hash],
        )?;
        Ok(tx.last_insert_rowid())
    }

    /// Records decisions (one per ref update) in one transaction; returns
    /// their ids in order.
    pub fn record(&mut self, decisions: &[DecisionBody]) -> Result<Vec<i64>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::new();
        for d in decisions {
            let body = serde_json::to_string(d)?;
            let id = Self::append(&tx, "decision", None, &body)?;
            tx.execute(
                "INSERT INTO decisions(id, time, repository, pusher, ref, old, new, environment, decision)
                 VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id, d.time, d.repository, d.pusher, d.refname, d.old, d.new, d.environment, d.decision],
            )?;
            for c in &d.commits {
                tx.execute(
                    "INSERT INTO decision_commits VALUES(?1, ?2)",
                    params![id, c],
                )?;
            }
            for s in &d.signers {
                tx.execute(
                    "INSERT INTO decision_signers VALUES(?1, ?2)",
                    params![id, s],
                )?;
            }
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
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
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM decisions WHERE repository = ?1 AND ref = ?2 AND old = ?3 AND new = ?4
                 AND decision = 'accepted' AND landed = 0 ORDER BY id DESC LIMIT 1",
                params![repository, refname, old, new],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = id {
            let body = serde_json::json!({"landed": true, "time": now_rfc3339()}).to_string();
            Self::append(&tx, "landed", Some(id), &body)?;
            tx.execute("UPDATE decisions SET landed = 1 WHERE id = ?1", params![id])?;
            tx.commit()?;
            return Ok(Some(id));
        }
        // `audit reconcile` may have run between the ref moving and this
        // hook: the decision is already marked, by it, and nothing else has
        // happened to it yet. It is still this hook's to apply.
        let reconciled: Option<i64> = tx
            .query_row(
                "SELECT d.id FROM decisions d WHERE d.repository = ?1 AND d.ref = ?2 AND d.old = ?3
                 AND d.new = ?4 AND d.decision = 'accepted' AND d.landed = 1
                 AND EXISTS (SELECT 1 FROM entries e WHERE e.decision_id = d.id AND e.kind = 'landed'
                             AND e.body LIKE ?5)
                 AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.decision_id = d.id AND e.kind <> 'landed')
                 ORDER BY d.id DESC LIMIT 1",
                params![repository, refname, old, new, r#"%"by":"reconcile"%"#],
                |r| r.get(0),
            )
            .optional()?;
        tx.commit()?;
        Ok(reconciled)
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
        {
            let mut stmt = self
                .conn
                .prepare("SELECT DISTINCT ref FROM decisions WHERE repository = ?1")?;
            let logged = stmt.query_map(params![repository], |r| r.get::<_, String>(0))?;
            for name in logged {
                names.entry(name?).or_insert(None);
            }
        }
        let mut out = Vec::new();
        for (refname, current) in names {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            // (id, old, new, landed), newest first.
            let rows: Vec<(i64, String, String, bool)> = {
                let mut stmt = tx.prepare(
                    "SELECT id, old, new, landed FROM decisions WHERE repository = ?1 AND ref = ?2
                     AND decision = 'accepted' ORDER BY id DESC",
                )?;
                let rows = stmt.query_map(params![repository, refname], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)? != 0))
                })?;
                rows.collect::<rusqlite::Result<_>>()?
            };
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
                tx.commit()?;
                out.push(Reconciled::Drift {
                    refname,
                    current,
                    last_decision: newest_landed.map(|r| (r.0, r.2.clone())),
                });
                continue;
            }
            let mut at = start;
            while let Some(i) = at {
                let (id, old, _, landed) = &rows[i];
                if !landed {
                    let body = serde_json::json!({"landed": true, "time": now_rfc3339(), "by": "reconcile"}).to_string();
                    Self::append(&tx, "landed", Some(*id), &body)?;
                    tx.execute("UPDATE decisions SET landed = 1 WHERE id = ?1", params![id])?;
                    out.push(Reconciled::MarkedLanded {
                        refname: refname.clone(),
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
            tx.commit()?;
        }
        Ok(out)
    }

    /// Takes the write lock and lets it go, writing nothing: whether a push
    /// could be recorded right now.
    pub fn check_writable(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.rollback()?;
        Ok(())
    }

    /// Appends a later fact (`apply` progress) about decision `id`.
    pub fn append_fact(&mut self, id: i64, kind: &str, body: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Self::append(&tx, kind, Some(id), body)?;
        tx.commit()?;
        Ok(())
    }

    pub fn list(&self, f: &Filter) -> Result<Vec<Record>> {
        let mut sql = String::from("SELECT d.id FROM decisions d WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        let mut add = |clause: &str, v: &Option<String>| {
            if let Some(v) = v {
                args.push(v.clone());
                sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
            }
        };
        add(" AND d.ref = ?", &f.refname);
        add(" AND d.pusher = ?", &f.pusher);
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
        sql.push_str(&format!(" ORDER BY d.id DESC LIMIT {}", f.limit));
        let mut stmt = self.conn.prepare(&sql)?;
        let ids: Vec<i64> = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter()
            .map(|id| {
                self.show(id)?
                    .ok_or_else(|| anyhow!("record {id} vanished"))
            })
            .collect()
    }

    pub fn show(&self, id: i64) -> Result<Option<Record>> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT body, prev_hash, hash FROM entries WHERE seq = ?1 AND kind = 'decision'",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((body, prev_hash, hash)) = row else {
            return Ok(None);
        };
        let body: DecisionBody = serde_json::from_str(&body)
            .with_context(|| format!("audit record {id} is not a decision body"))?;
        let mut landed = false;
        let mut apply = None;
        let mut stmt = self
            .conn
            .prepare("SELECT kind, body FROM entries WHERE decision_id = ?1 ORDER BY seq")?;
        let facts = stmt.query_map(params![id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for fact in facts {
            let (kind, body) = fact?;
            match kind.as_str() {
                "landed" => landed = true,
                "apply" => apply = serde_json::from_str(&body).ok(),
                _ => {}
            }
        }
        Ok(Some(Record {
            id,
            body,
            landed,
            apply,
            prev_hash,
            hash,
        }))
    }

    /// Recomputes the chain and checks the indexes against it.
    pub fn verify(&self) -> Result<Verification> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, kind, body, prev_hash, hash FROM entries ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1;
        let mut count = 0;
        while let Some(r) = rows.next()? {
            let (seq, kind, body, prev_hash, hash): (i64, String, String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            if seq != expected_seq {
                return Ok(Verification::Broken {
                    id: expected_seq,
                    why: format!(
                        "record {expected_seq} is missing (the next present is {seq}): removed"
                    ),
                });
            }
            if prev_hash != prev {
                return Ok(Verification::Broken {
                    id: seq,
                    why: "its prev_hash does not match the record before it: removed or reordered"
                        .into(),
                });
            }
            if chain(&prev, &body) != hash {
                return Ok(Verification::Broken {
                    id: seq,
                    why: "its content does not match its hash: altered".into(),
                });
            }
            if kind == "decision" {
                let d: DecisionBody = match serde_json::from_str(&body) {
                    Ok(d) => d,
                    Err(e) => {
                        return Ok(Verification::Broken {
                            id: seq,
                            why: format!("unreadable body: {e}"),
                        })
                    }
                };
                let idx: Option<(String, Option<String>, String)> = self
                    .conn
                    .query_row(
                        "SELECT ref, pusher, decision FROM decisions WHERE id = ?1",
                        params![seq],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?;
                if idx != Some((d.refname.clone(), d.pusher.clone(), d.decision.clone())) {
                    return Ok(Verification::Broken {
                        id: seq,
                        why: "the query index disagrees with the chained record: altered".into(),
                    });
                }
            }
            prev = hash;
            expected_seq += 1;
            count += 1;
        }
        let max: Option<i64> = self
            .conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'entries'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(max) = max {
            if max >= expected_seq {
                return Ok(Verification::Broken {
                    id: expected_seq,
                    why: format!(
                        "records {expected_seq}..{max} were written and are gone: removed"
                    ),
                });
            }
        }
        Ok(Verification::Intact {
            entries: count,
            head: prev,
        })
    }
}

/// Switches a new database to WAL (the mode then persists in the file).
/// Changing the journal mode needs an exclusive lock and SQLite does not
/// apply the busy timeout to it, so when two pushes create the database at
/// once the loser retries here instead of failing.
fn wal(conn: &Connection) -> Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Ok(m) if m.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(m) => bail!("SQLite kept journal mode {m}"),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// `YYYY-MM-DD` becomes the start of that day (UTC); RFC 3339 stays.
pub fn normalize_time(t: &str) -> Result<String> {
    let b = t.as_bytes();
    let date_ok = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !date_ok {
        bail!("`{t}` is not a date: use RFC 3339 (2025-06-30T14:00:00Z) or YYYY-MM-DD");
    }
    if t.len() == 10 {
        return Ok(format!("{t}T00:00:00Z"));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (seen in CI): two hooks creating the database at once;
    /// the loser failed switching to WAL ("database is locked") and
    /// rejected its push.
    #[test]
    fn open_waits_for_a_concurrent_creator() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.db");
        let other = Connection::open(&path).unwrap();
        other
            .execute_batch("CREATE TABLE t(x); BEGIN IMMEDIATE; INSERT INTO t VALUES(1);")
            .unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            other.execute_batch("COMMIT").unwrap();
        });
        let store = Store::open(path.to_str().unwrap());
        release.join().unwrap();
        let store = store.unwrap();
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn chain_links_and_detects_edits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.db");
        let mut store = Store::open(path.to_str().unwrap()).unwrap();
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
            push_options: vec![],
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
            .conn
            .execute(
                "UPDATE entries SET body = replace(body, 'alice', 'bob') WHERE seq = 1",
                [],
            )
            .unwrap();
        assert!(matches!(
            store.verify().unwrap(),
            Verification::Broken { id: 1, .. }
        ));
    }
}
