//! Benchmark fixture: an audit database with N decisions (100 pushers,
//! 20 refs, a commit each; the accepted ones landed and applied, one in
//! seven failing), written through pushgate's own store so the chain and
//! indexes are real.
//!
//!   cargo run --release --example gen-audit-log -- <audit.db | postgres://...> <count>
//!
//! (PostgreSQL: the password, if any, from PUSHGATE_AUDIT_PASSWORD.)

use anyhow::{bail, Context, Result};
use pushgate::audit::{DecisionBody, Store};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, count] = &args[..] else {
        bail!("usage: gen-audit-log <audit.db> <count>");
    };
    let count: usize = count.parse().context("count")?;
    let mut store = Store::open_url(db)?;
    let mut done = 0;
    while done < count {
        let batch: Vec<DecisionBody> = (done..count.min(done + 10_000))
            .map(|i| DecisionBody {
                time: format!(
                    "2026-{:02}-{:02}T{:02}:{:02}:00Z",
                    1 + i % 12,
                    1 + i % 28,
                    i % 24,
                    i % 60
                ),
                repository: "infra.git".into(),
                pusher: Some(format!("p{}", i % 100)),
                refname: format!("refs/heads/team-{}", i % 20),
                old: format!("{:040x}", i),
                new: format!("{:040x}", i + 1),
                action: "update".into(),
                environment: Some(if i % 2 == 0 { "production" } else { "staging" }.into()),
                decision: if i % 10 == 0 { "rejected" } else { "accepted" }.into(),
                violations: serde_json::json!([]),
                warnings: serde_json::json!([]),
                commits: vec![format!("{:040x}", i + 1)],
                signers: vec![format!("signer{}", i % 7)],
                approvals: Vec::new(),
                push_options: vec![],
                server: Some(format!("git{}", i % 3)),
                tree: Some(format!("{:040x}", i % 5000)),
                first_commit_time: Some(format!(
                    "2026-{:02}-{:02}T00:00:00Z",
                    1 + i % 12,
                    1 + i % 28
                )),
                ..DecisionBody::default()
            })
            .collect();
        let first = done;
        done += batch.len();
        let ids = store.record(&batch)?;
        // Accepted updates land and are applied (one in seven fails), so
        // the deployments index (env list, history, report dora) is full.
        let mut facts = Vec::new();
        for (k, (id, d)) in ids.iter().zip(&batch).enumerate() {
            if d.decision != "accepted" {
                continue;
            }
            let i = first + k;
            facts.push((
                *id,
                "landed",
                format!(r#"{{"landed":true,"time":"{}"}}"#, d.time),
            ));
            let status = if i % 7 == 3 { "failed" } else { "succeeded" };
            facts.push((
                *id,
                "apply",
                format!(
                    r#"{{"status":"{status}","started":"{t}","finished":"{t}","duration_ms":1000}}"#,
                    t = d.time
                ),
            ));
        }
        store.append_facts(&facts)?;
    }
    println!("{done} decisions in {db}");
    Ok(())
}
