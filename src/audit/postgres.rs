//! PostgreSQL: one audit log for a fleet of Git servers. Appends from every
//! hook process on every server serialise on a transaction-scoped advisory
//! lock, so the chain never forks; a server that cannot reach the database
//! within the connect timeout rejects the push. Sequence numbers are not a
//! PostgreSQL sequence (those skip values after a crash): the store
//! computes them under the lock.

use anyhow::{Context, Result};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls};

use super::db::{Arg, Db, Row};
use super::Target;

/// The advisory lock key every pushgate takes before touching the chain:
/// "pushgate" in ASCII.
const CHAIN_LOCK: i64 = 0x7075_7368_6761_7465;

pub struct Postgres {
    client: Client,
    url: String,
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_owned(),
    }
}

impl Postgres {
    pub fn connect(target: &Target) -> Result<Postgres> {
        let url = redact(&target.database);
        let mut config: postgres::Config = target
            .database
            .parse()
            .with_context(|| format!("audit database {url}: not a valid PostgreSQL URL"))?;
        config.connect_timeout(target.connect_timeout);
        // The password never goes on a command line or into the config
        // file: a file only the hook user can read, or the environment.
        if let Some(file) = &target.password_file {
            let secret = std::fs::read_to_string(file)
                .with_context(|| format!("reading the audit password file {}", file.display()))?;
            config.password(secret.trim_end_matches(['\n', '\r']));
        } else if let Some(secret) = std::env::var_os(crate::env::AUDIT_PASSWORD) {
            config.password(secret.to_string_lossy().as_bytes());
        }
        let client = config.connect(NoTls).with_context(|| {
            format!(
                "cannot reach the audit database {url} (within {} s); the push is not accepted",
                target.connect_timeout.as_secs()
            )
        })?;
        Ok(Postgres { client, url })
    }
}

impl Postgres {
    /// Takes a session-level advisory lock, held until this connection
    /// closes (dropped, or the process gone).
    pub fn session_lock(&mut self, key: i64) -> Result<()> {
        self.client
            .execute("SELECT pg_advisory_lock($1)", &[&key])?;
        Ok(())
    }
}

/// `?N` (SQLite's numbered parameters, as the shared SQL is written) to `$N`.
fn dialect(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

fn params(args: &[Arg<'_>]) -> Vec<Box<dyn ToSql + Sync>> {
    args.iter()
        .map(|a| -> Box<dyn ToSql + Sync> {
            match a {
                Arg::Int(v) => Box::new(*v),
                Arg::Text(v) => Box::new(v.map(str::to_owned)),
            }
        })
        .collect()
}

impl Row for postgres::Row {
    fn int(&self, i: usize) -> Result<i64> {
        Ok(self.try_get(i)?)
    }
    fn text(&self, i: usize) -> Result<String> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.try_get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.try_get(i)?)
    }
}

impl Db for Postgres {
    fn describe(&self) -> String {
        self.url.clone()
    }
    fn begin_write(&mut self) -> Result<()> {
        self.client.batch_execute("BEGIN")?;
        self.client
            .execute("SELECT pg_advisory_xact_lock($1)", &[&CHAIN_LOCK])?;
        Ok(())
    }
    fn commit(&mut self) -> Result<()> {
        Ok(self.client.batch_execute("COMMIT")?)
    }
    fn rollback(&mut self) -> Result<()> {
        Ok(self.client.batch_execute("ROLLBACK")?)
    }
    fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let owned = params(args);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        Ok(self.client.execute(dialect(sql).as_str(), &refs)?)
    }
    fn rows(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let owned = params(args);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        let mut it = self.client.query_raw(dialect(sql).as_str(), refs)?;
        while let Some(row) = it.next()? {
            each(&row)?;
        }
        Ok(())
    }
    fn schema(&self) -> String {
        super::db::schema("BIGINT", "BIGINT PRIMARY KEY")
    }
    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql)?)
    }
    fn max_seq_ever(&mut self) -> Result<Option<i64>> {
        let row = self
            .client
            .query_opt("SELECT value FROM meta WHERE key = 'last_seq'", &[])?;
        match row {
            Some(r) => {
                let v: String = r.try_get(0)?;
                Ok(Some(v.parse().context("meta.last_seq is not a number")?))
            }
            None => Ok(None),
        }
    }
    fn appended(&mut self, seq: i64) -> Result<()> {
        // What sqlite_sequence is to SQLite's AUTOINCREMENT: the newest
        // sequence number ever written, so a removed tail shows.
        self.client.execute(
            "INSERT INTO meta VALUES('last_seq', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&seq.to_string()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_passwords() {
        assert_eq!(
            dialect("a = ?1 AND b IN (?2, ?10) -- ?"),
            "a = $1 AND b IN ($2, $10) -- ?"
        );
        assert_eq!(
            redact("postgres://audit:s3cret@db.example:5432/log"),
            "postgres://audit@db.example:5432/log"
        );
        assert_eq!(redact("postgres://audit@db/log"), "postgres://audit@db/log");
    }
}
