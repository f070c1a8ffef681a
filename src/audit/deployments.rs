//! The deployments index: per environment, every update that landed on one
//! of its refs and every rollback, with how its apply ended. Like the other
//! query tables it is derived from the chained entries (a decision with an
//! environment, its `landed` fact, its newest `apply` fact), so `verify`
//! recomputes it and an edited row is found. Promotion (`promote_from`),
//! `env list`/`history`, `rollback` and `report dora` read it, never the
//! bodies, so they stay fast on a log of millions of records.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use super::db::{all, int, opt_text, text, Arg, Db, Row};
use super::DecisionBody;

/// One row of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deployment {
    /// The decision's audit id.
    pub id: i64,
    pub environment: String,
    pub repository: String,
    #[serde(rename = "ref")]
    pub refname: String,
    /// The commit deployed (a rollback's target commit).
    pub commit: String,
    /// Its tree, which promotion compares (absent in records written
    /// before pushgate recorded trees).
    pub tree: Option<String>,
    /// `create`, `update`, `delete` or `rollback`.
    pub action: String,
    /// When the decision was made.
    pub time: String,
    pub pusher: Option<String>,
    /// The oldest committer time among the commits the update brought
    /// (its tip's when it brought none): where lead time starts.
    pub first_commit_time: Option<String>,
    /// For a rollback: the deployment it went back to.
    pub rollback_to: Option<i64>,
    /// The newest apply state (`pending`, `running`, `succeeded`,
    /// `failed`, `timed_out`); none when nothing was applied.
    pub status: Option<String>,
    pub started: Option<String>,
    pub finished: Option<String>,
}

pub(super) const TABLE: &str = "deployments";

pub(super) fn table(int: &str) -> String {
    format!(
        "CREATE TABLE deployments(
            decision_id {int} PRIMARY KEY, environment TEXT NOT NULL, repository TEXT NOT NULL,
            ref TEXT NOT NULL, commit_id TEXT NOT NULL, tree TEXT, action TEXT NOT NULL,
            time TEXT NOT NULL, pusher TEXT, first_commit_time TEXT, rollback_to {int},
            status TEXT, started TEXT, finished TEXT);
         CREATE INDEX deployments_env ON deployments(environment, decision_id);
         CREATE INDEX deployments_window ON deployments(environment, time, decision_id, action, status, finished, first_commit_time);
         CREATE INDEX deployments_tree ON deployments(tree, environment);"
    )
}

const COLUMNS: &str = "decision_id, environment, repository, ref, commit_id, tree, action, time, \
                       pusher, first_commit_time, rollback_to, status, started, finished";

/// Whether a decision becomes a deployment: a rollback at once, an
/// accepted update with an environment when it lands.
pub(super) fn is_rollback(d: &DecisionBody) -> bool {
    d.decision == "rollback"
}

impl Deployment {
    fn of(id: i64, d: &DecisionBody) -> Option<Deployment> {
        let environment = d.environment.clone()?;
        // A deleted ref deploys nothing.
        if d.action == "delete" {
            return None;
        }
        Some(Deployment {
            id,
            environment,
            repository: d.repository.clone(),
            refname: d.refname.clone(),
            commit: d.new.clone(),
            tree: d.tree.clone(),
            action: d.action.clone(),
            time: d.time.clone(),
            pusher: d.pusher.clone(),
            first_commit_time: d.first_commit_time.clone(),
            rollback_to: d.rollback_to,
            status: None,
            started: None,
            finished: None,
        })
    }

    fn read(r: &dyn Row) -> Result<Deployment> {
        Ok(Deployment {
            id: r.int(0)?,
            environment: r.text(1)?,
            repository: r.text(2)?,
            refname: r.text(3)?,
            commit: r.text(4)?,
            tree: r.opt_text(5)?,
            action: r.text(6)?,
            time: r.text(7)?,
            pusher: r.opt_text(8)?,
            first_commit_time: r.opt_text(9)?,
            rollback_to: r.opt_int(10)?,
            status: r.opt_text(11)?,
            started: r.opt_text(12)?,
            finished: r.opt_text(13)?,
        })
    }

    /// Whether it ran: its apply succeeded, or nothing was applied (no
    /// `apply:` where it landed) and `landed_is_enough`.
    pub fn succeeded(&self, landed_is_enough: bool) -> bool {
        match self.status.as_deref() {
            Some("succeeded") => true,
            None => landed_is_enough,
            Some(_) => false,
        }
    }
}

/// An apply's (status, started, finished).
type ApplyState = (Option<String>, Option<String>, Option<String>);

/// The apply state an `apply` fact's body gives.
fn apply_state(body: &serde_json::Value) -> ApplyState {
    let s = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    (s("status"), s("started"), s("finished"))
}

/// Builds the index from the entries in order: what `verify` expects and
/// what a migration writes.
#[derive(Default)]
pub(super) struct Builder {
    candidates: BTreeMap<i64, Deployment>,
    landed: std::collections::BTreeSet<i64>,
    applies: BTreeMap<i64, ApplyState>,
}

impl Builder {
    pub(super) fn decision(&mut self, id: i64, d: &DecisionBody) {
        if d.decision != "accepted" && !is_rollback(d) {
            return;
        }
        if let Some(dep) = Deployment::of(id, d) {
            if is_rollback(d) {
                self.landed.insert(id);
            }
            self.candidates.insert(id, dep);
        }
    }

    pub(super) fn fact(&mut self, id: i64, kind: &str, body: &str) {
        match kind {
            "landed" => {
                self.landed.insert(id);
            }
            "apply" => {
                if let Ok(b) = serde_json::from_str::<serde_json::Value>(body) {
                    self.applies.insert(id, apply_state(&b));
                }
            }
            _ => {}
        }
    }

    pub(super) fn finish(mut self) -> BTreeMap<i64, Deployment> {
        let mut out = BTreeMap::new();
        for id in &self.landed {
            if let Some(mut d) = self.candidates.remove(id) {
                if let Some((status, started, finished)) = self.applies.remove(id) {
                    d.status = status;
                    d.started = started;
                    d.finished = finished;
                }
                out.insert(*id, d);
            }
        }
        out
    }
}

/// Writes one row (a decision that just landed, or a rollback).
pub(super) fn insert(db: &mut dyn Db, d: &Deployment) -> Result<()> {
    db.exec(
        &format!("INSERT INTO deployments({COLUMNS}) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"),
        &[
            int(d.id),
            text(&d.environment),
            text(&d.repository),
            text(&d.refname),
            text(&d.commit),
            opt_text(d.tree.as_deref()),
            text(&d.action),
            text(&d.time),
            opt_text(d.pusher.as_deref()),
            opt_text(d.first_commit_time.as_deref()),
            Arg::Int(d.rollback_to),
            opt_text(d.status.as_deref()),
            opt_text(d.started.as_deref()),
            opt_text(d.finished.as_deref()),
        ],
    )?;
    Ok(())
}

/// Decision `id` landed: index it if it is a deployment.
pub(super) fn landed(db: &mut dyn Db, id: i64) -> Result<()> {
    let body = super::db::first(
        db,
        "SELECT body FROM entries WHERE seq = ?1 AND kind = 'decision'",
        &[int(id)],
        |r| r.text(0),
    )?;
    let Some(body) = body else { return Ok(()) };
    let d: DecisionBody = serde_json::from_str(&body)?;
    if d.decision != "accepted" {
        return Ok(());
    }
    if let Some(dep) = Deployment::of(id, &d) {
        let exists = super::db::first(
            db,
            "SELECT 1 FROM deployments WHERE decision_id = ?1",
            &[int(id)],
            |r| r.int(0),
        )?;
        if exists.is_none() {
            insert(db, &dep)?;
        }
    }
    Ok(())
}

/// An apply fact about decision `id`: its row shows the newest state.
pub(super) fn applied(db: &mut dyn Db, id: i64, body: &str) -> Result<()> {
    let Ok(b) = serde_json::from_str::<serde_json::Value>(body) else {
        return Ok(());
    };
    let (status, started, finished) = apply_state(&b);
    db.exec(
        "UPDATE deployments SET status = ?1, started = ?2, finished = ?3 WHERE decision_id = ?4",
        &[
            opt_text(status.as_deref()),
            opt_text(started.as_deref()),
            opt_text(finished.as_deref()),
            int(id),
        ],
    )?;
    Ok(())
}

/// What `verify` expects of the index, kept as fingerprints rather than
/// rows: a log of millions of deployments fits in tens of megabytes
/// (whole rows took gigabytes).
#[derive(Default)]
pub(super) struct Expected {
    /// Decision id → fingerprint of the row's decision part, and whether
    /// it is a rollback (a row without landing).
    decisions: BTreeMap<i64, (u64, bool)>,
    /// Decision id → fingerprint of its newest apply state.
    applies: BTreeMap<i64, u64>,
    landed: std::collections::BTreeSet<i64>,
}

fn fingerprint(parts: &[Option<&str>]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

fn row_fingerprint(d: &Deployment) -> u64 {
    let rollback_to = d.rollback_to.map(|r| r.to_string());
    fingerprint(&[
        Some(&d.environment),
        Some(&d.repository),
        Some(&d.refname),
        Some(&d.commit),
        d.tree.as_deref(),
        Some(&d.action),
        Some(&d.time),
        d.pusher.as_deref(),
        d.first_commit_time.as_deref(),
        rollback_to.as_deref(),
    ])
}

fn apply_fingerprint(
    status: &Option<String>,
    started: &Option<String>,
    finished: &Option<String>,
) -> u64 {
    fingerprint(&[status.as_deref(), started.as_deref(), finished.as_deref()])
}

impl Expected {
    pub(super) fn decision(&mut self, id: i64, d: &DecisionBody) {
        if d.decision != "accepted" && !is_rollback(d) {
            return;
        }
        if let Some(dep) = Deployment::of(id, d) {
            self.decisions
                .insert(id, (row_fingerprint(&dep), is_rollback(d)));
        }
    }

    pub(super) fn fact(&mut self, id: i64, kind: &str, body: &str) {
        match kind {
            "landed" => {
                self.landed.insert(id);
            }
            "apply" => {
                if let Ok(b) = serde_json::from_str::<serde_json::Value>(body) {
                    let (status, started, finished) = apply_state(&b);
                    self.applies
                        .insert(id, apply_fingerprint(&status, &started, &finished));
                }
            }
            _ => {}
        }
    }

    /// Streams the table and returns the first row (decision id) that
    /// differs from what the entries say, or is missing or extra.
    pub(super) fn first_difference(&self, db: &mut dyn Db) -> Result<Option<i64>> {
        let mut bad: Option<i64> = None;
        let mut seen = std::collections::BTreeSet::new();
        db.rows(
            &format!("SELECT {COLUMNS} FROM deployments ORDER BY decision_id"),
            &[],
            &mut |r| {
                if bad.is_some() {
                    return Ok(());
                }
                let d = Deployment::read(r)?;
                seen.insert(d.id);
                let ok = match self.decisions.get(&d.id) {
                    Some((fp, rollback)) => {
                        (*rollback || self.landed.contains(&d.id))
                            && *fp == row_fingerprint(&d)
                            && match self.applies.get(&d.id) {
                                Some(a) => {
                                    *a == apply_fingerprint(&d.status, &d.started, &d.finished)
                                }
                                None => {
                                    d.status.is_none()
                                        && d.started.is_none()
                                        && d.finished.is_none()
                                }
                            }
                    }
                    None => false,
                };
                if !ok {
                    bad = Some(d.id);
                }
                Ok(())
            },
        )?;
        if bad.is_some() {
            return Ok(bad);
        }
        Ok(self
            .decisions
            .iter()
            .find(|(id, (_, rollback))| {
                (*rollback || self.landed.contains(id)) && !seen.contains(id)
            })
            .map(|(id, _)| *id))
    }
}

/// The deployments of `environment`, newest first, at most `limit`, with
/// ids below `before` when given.
pub(super) fn of_environment(
    db: &mut dyn Db,
    environment: &str,
    before: Option<i64>,
    limit: usize,
) -> Result<Vec<Deployment>> {
    all(
        db,
        &format!(
            "SELECT {COLUMNS} FROM deployments WHERE environment = ?1 AND decision_id < ?2
             ORDER BY decision_id DESC LIMIT {limit}"
        ),
        &[text(environment), int(before.unwrap_or(i64::MAX))],
        Deployment::read,
    )
}

/// The deployments of `environment` decided in [since, until), oldest
/// first, with only what `report dora` reads (id, action, time, apply
/// status and end, first commit time; the rest left empty): read from one
/// covering index, so a window of a year of a million-record log is one
/// sequential scan, not a page read per row.
pub(super) fn in_window(
    db: &mut dyn Db,
    environment: &str,
    since: &str,
    until: &str,
) -> Result<Vec<Deployment>> {
    let mut rows = all(
        db,
        "SELECT decision_id, action, status, time, finished, first_commit_time FROM deployments
         WHERE environment = ?1 AND time >= ?2 AND time < ?3",
        &[text(environment), text(since), text(until)],
        |r| {
            Ok(Deployment {
                id: r.int(0)?,
                environment: environment.to_owned(),
                repository: String::new(),
                refname: String::new(),
                commit: String::new(),
                tree: None,
                action: r.text(1)?,
                time: r.text(3)?,
                pusher: None,
                first_commit_time: r.opt_text(5)?,
                rollback_to: None,
                status: r.opt_text(2)?,
                started: None,
                finished: r.opt_text(4)?,
            })
        },
    )?;
    rows.sort_by_key(|d| d.id);
    Ok(rows)
}

/// Every environment the index knows.
pub(super) fn environments(db: &mut dyn Db) -> Result<Vec<String>> {
    // A loose index scan: one seek per environment, not a pass over rows.
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let next = super::db::first(
            db,
            "SELECT environment FROM deployments WHERE environment > ?1 ORDER BY environment LIMIT 1",
            &[text(&after)],
            |r| r.text(0),
        )?;
        match next {
            Some(e) => {
                after.clone_from(&e);
                out.push(e);
            }
            None => return Ok(out),
        }
    }
}

/// The deployments of `environment` whose tree is `tree`: those that ran
/// (or were not applied) first, then the others, newest first in each, so
/// that many failed attempts never hide an older success.
pub(super) fn of_tree(db: &mut dyn Db, environment: &str, tree: &str) -> Result<Vec<Deployment>> {
    all(
        db,
        &format!(
            "SELECT {COLUMNS} FROM deployments WHERE tree = ?1 AND environment = ?2
             ORDER BY CASE WHEN status = 'succeeded' OR status IS NULL THEN 0 ELSE 1 END,
                      decision_id DESC LIMIT 100"
        ),
        &[text(tree), text(environment)],
        Deployment::read,
    )
}
