//! The little SQL the audit log needs, over either engine: transactions,
//! statements with numbered parameters (`?1`, written once and translated
//! for PostgreSQL), streamed rows, and the two things the engines spell
//! differently (schema, the highest sequence number ever handed out).

use anyhow::Result;

/// A statement parameter. NULLs are typed: PostgreSQL wants to know.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
}

pub fn int(v: i64) -> Arg<'static> {
    Arg::Int(Some(v))
}

pub fn text(v: &str) -> Arg<'_> {
    Arg::Text(Some(v))
}

pub fn opt_text(v: Option<&str>) -> Arg<'_> {
    Arg::Text(v)
}

/// One result row; columns by position.
pub trait Row {
    fn int(&self, i: usize) -> Result<i64>;
    fn text(&self, i: usize) -> Result<String>;
    fn opt_text(&self, i: usize) -> Result<Option<String>>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>>;
}

/// An open connection to one audit database.
pub trait Db {
    /// What `audit verify` and errors call it: the file, or the URL
    /// without its password.
    fn describe(&self) -> String;
    /// Starts a transaction that holds the chain's write lock until
    /// [`Db::commit`] or [`Db::rollback`]: SQLite's `BEGIN IMMEDIATE`, a
    /// transaction-scoped advisory lock in PostgreSQL. Every append runs
    /// under it, so concurrent writers (on any number of machines, for
    /// PostgreSQL) never fork the chain.
    fn begin_write(&mut self) -> Result<()>;
    fn commit(&mut self) -> Result<()>;
    fn rollback(&mut self) -> Result<()>;
    /// Runs a statement; returns the rows it changed.
    fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64>;
    /// Runs a query, handing each row to `each` as it arrives.
    fn rows(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()>;
    /// The tables and indexes of schema version 1, in this engine's types
    /// (see [`schema`]).
    fn schema(&self) -> String;
    /// Runs several statements (schema creation).
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// The highest entry sequence number ever handed out, even if that
    /// entry is gone: how `verify` notices the newest records removed.
    fn max_seq_ever(&mut self) -> Result<Option<i64>>;
    /// Entry `seq` was just written (inside the write transaction): keep
    /// whatever [`Db::max_seq_ever`] reads up to date.
    fn appended(&mut self, _seq: i64) -> Result<()> {
        Ok(())
    }
}

/// Convenience over [`Db::rows`]: the first row, mapped.
pub fn first<T>(
    db: &mut dyn Db,
    sql: &str,
    args: &[Arg<'_>],
    map: impl Fn(&dyn Row) -> Result<T>,
) -> Result<Option<T>> {
    let mut out = None;
    db.rows(sql, args, &mut |r| {
        if out.is_none() {
            out = Some(map(r)?);
        }
        Ok(())
    })?;
    Ok(out)
}

/// Convenience over [`Db::rows`]: every row, mapped.
pub fn all<T>(
    db: &mut dyn Db,
    sql: &str,
    args: &[Arg<'_>],
    map: impl Fn(&dyn Row) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    db.rows(sql, args, &mut |r| {
        out.push(map(r)?);
        Ok(())
    })?;
    Ok(out)
}

/// Schema version 1, written once for both engines: `int` is the 64-bit
/// integer type, `seq` the entries' key column (SQLite keeps AUTOINCREMENT
/// for `sqlite_sequence`, which shows a removed tail).
pub fn schema(int: &str, seq: &str) -> String {
    format!(
        "CREATE TABLE entries(
            seq {seq},
            kind TEXT NOT NULL,
            decision_id {int},
            body TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL);
         CREATE INDEX entries_decision ON entries(decision_id);
         CREATE TABLE decisions(
            id {int} PRIMARY KEY,
            time TEXT NOT NULL, repository TEXT NOT NULL, pusher TEXT,
            ref TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
            environment TEXT, decision TEXT NOT NULL, landed {int} NOT NULL DEFAULT 0);
         CREATE INDEX decisions_pusher ON decisions(pusher, id);
         CREATE INDEX decisions_ref ON decisions(ref, id);
         CREATE INDEX decisions_time ON decisions(time);
         CREATE INDEX decisions_env ON decisions(environment, id);
         CREATE INDEX decisions_pending ON decisions(repository, ref, old, new, landed);
         CREATE TABLE decision_commits(decision_id {int} NOT NULL, commit_id TEXT NOT NULL);
         CREATE INDEX decision_commits_commit ON decision_commits(commit_id);
         CREATE TABLE decision_signers(decision_id {int} NOT NULL, signer TEXT NOT NULL);
         CREATE INDEX decision_signers_signer ON decision_signers(signer, decision_id);
         {}",
        approvals_table(int)
    )
}

/// Schema version 4 indexes rollout marks (docs/rollout.md): evaluate
/// mode's would-rejects, exceptions used, break-glass grants.
pub fn marks_table(int: &str) -> String {
    format!(
        "CREATE TABLE decision_marks(decision_id {int} NOT NULL, mark TEXT NOT NULL);
         CREATE INDEX decision_marks_mark ON decision_marks(mark, decision_id);"
    )
}

/// Schema version 2 adds who approved (docs/approvals.md): one table.
pub fn approvals_table(int: &str) -> String {
    format!(
        "CREATE TABLE decision_approvals(decision_id {int} NOT NULL, approver TEXT NOT NULL);
         CREATE INDEX decision_approvals_approver ON decision_approvals(approver, decision_id);"
    )
}
