//! SQLite: the embedded default. WAL with a 30 s busy timeout, so several
//! repositories (and concurrent pushes) share one file; `synchronous=FULL`,
//! so an acknowledged decision survives a power cut.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::db::{Arg, Db, Row};

pub struct Sqlite {
    conn: Connection,
    path: String,
}

impl Sqlite {
    pub fn open(path: &str) -> Result<Sqlite> {
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
        // Each hook is a short process with its own connection. By default
        // the last connection to close checkpoints the WAL into the
        // database and deletes it: three more fsyncs on every hook run,
        // most of what recording a push cost. The WAL is durable on its own
        // (synchronous=FULL fsyncs it at every commit); SQLite's automatic
        // checkpoint (every 1,000 pages) still folds it in, inside some
        // later commit.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )?;
        Ok(Sqlite {
            conn,
            path: path.to_owned(),
        })
    }
}

fn values(args: &[Arg<'_>]) -> Vec<Value> {
    args.iter()
        .map(|a| match a {
            Arg::Int(Some(v)) => Value::Integer(*v),
            Arg::Text(Some(v)) => Value::Text((*v).to_owned()),
            Arg::Int(None) | Arg::Text(None) => Value::Null,
        })
        .collect()
}

impl Row for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<i64> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> Result<String> {
        Ok(self.get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.get(i)?)
    }
}

impl Db for Sqlite {
    fn describe(&self) -> String {
        self.path.clone()
    }
    fn begin_write(&mut self) -> Result<()> {
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }
    fn commit(&mut self) -> Result<()> {
        Ok(self.conn.execute_batch("COMMIT")?)
    }
    fn rollback(&mut self) -> Result<()> {
        Ok(self.conn.execute_batch("ROLLBACK")?)
    }
    fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        Ok(stmt.execute(rusqlite::params_from_iter(values(args)))? as u64)
    }
    fn rows(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values(args)))?;
        while let Some(r) = rows.next()? {
            each(r)?;
        }
        Ok(())
    }
    fn schema(&self) -> String {
        super::db::schema("INTEGER", "INTEGER PRIMARY KEY AUTOINCREMENT")
    }
    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.conn.execute_batch(sql)?)
    }
    fn max_seq_ever(&mut self) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'entries'",
                [],
                |r| r.get(0),
            )
            .optional()?)
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
        let db = Sqlite::open(path.to_str().unwrap());
        release.join().unwrap();
        let db = db.unwrap();
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
