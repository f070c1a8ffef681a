//! Environments as the audit log's deployments index shows them: what runs
//! where (`env list`), what ran before (`env history`), what a rollback
//! goes back to, and the four DORA metrics (`report dora`). Decisions
//! only, no I/O: the commands read the rows and print what this returns.
//! Definitions are in docs/environments.md.

use serde::Serialize;

use crate::audit::deployments::Deployment;

/// What `env list` says of one environment.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub environment: String,
    /// The ref patterns of the config naming it.
    pub refs: Vec<String>,
    /// What runs there: the newest deployment that succeeded.
    pub deployed: Option<Deployment>,
    /// The newest deployment, whatever its outcome.
    pub latest: Option<Deployment>,
    /// `deployed`, `pending`, `running`, `failed`, `timed_out`,
    /// `rolled_back` (a rollback is what runs; the ref is ahead of it), or
    /// `none` (nothing deployed yet).
    pub state: String,
    /// For people: "rolled back to X; ref at Y", "ref at Y: its apply failed".
    pub note: String,
}

/// `env list`'s answer for one environment from its newest deployments
/// (newest first; enough to reach the newest success, see
/// [`crate::gate`]'s promotion for the paging).
pub fn status(
    environment: &str,
    refs: Vec<String>,
    latest: Option<Deployment>,
    deployed: Option<Deployment>,
    landed_is_enough: bool,
) -> Status {
    let short = |d: &Deployment| crate::protection::short(&d.commit).to_owned();
    let (state, note) = match &latest {
        None => ("none".to_owned(), "nothing deployed yet".to_owned()),
        Some(l) if l.action == "rollback" => {
            let ok = l.succeeded(landed_is_enough);
            let state = if ok {
                "rolled_back".to_owned()
            } else {
                l.status.clone().unwrap_or_else(|| "pending".into())
            };
            let note = if ok {
                format!(
                    "rolled back to {} (audit #{})",
                    short(l),
                    l.rollback_to.unwrap_or(l.id)
                )
            } else {
                format!("rollback to {}: {}", short(l), state.replace('_', " "))
            };
            (state, note)
        }
        Some(l) if l.succeeded(landed_is_enough) => {
            ("deployed".to_owned(), format!("{} deployed", short(l)))
        }
        Some(l) => {
            let state = l.status.clone().unwrap_or_else(|| "pending".into());
            let running = match &deployed {
                Some(d) => format!("; {} still runs", short(d)),
                None => String::new(),
            };
            (
                state.clone(),
                format!("ref at {}: its apply {}{running}", short(l), phrase(&state)),
            )
        }
    };
    Status {
        environment: environment.to_owned(),
        refs,
        deployed,
        latest,
        state,
        note,
    }
}

fn phrase(state: &str) -> &'static str {
    match state {
        "failed" => "failed",
        "timed_out" => "timed out",
        "running" => "is running",
        _ => "has not run yet",
    }
}

/// What `pushgate rollback` re-applies: `to` when given (it must be a
/// deployment of the environment that succeeded), else the newest
/// successful deployment before the one that runs now whose tree differs.
/// `rows`: the environment's deployments, newest first.
pub fn rollback_target(
    rows: &[Deployment],
    to: Option<i64>,
    landed_is_enough: bool,
) -> Result<(&Deployment, &Deployment), String> {
    let Some(current) = rows.iter().find(|d| d.succeeded(landed_is_enough)) else {
        return Err(
            "nothing has been deployed successfully there: there is nothing to roll back from"
                .into(),
        );
    };
    if let Some(id) = to {
        let Some(target) = rows.iter().find(|d| d.id == id) else {
            return Err(format!("audit #{id} is not a deployment of this environment (`pushgate env history` lists them)"));
        };
        if !target.succeeded(landed_is_enough) {
            return Err(format!(
                "audit #{id} did not deploy successfully ({}); roll back to one that did",
                target.status.as_deref().unwrap_or("not applied")
            ));
        }
        if target.id == current.id || (target.tree.is_some() && target.tree == current.tree) {
            return Err(format!(
                "audit #{id} has the tree that runs now: nothing would change"
            ));
        }
        if target.action == "rollback" {
            return Err(format!(
                "audit #{id} is a rollback; roll back to the deployment it re-applied (#{})",
                target.rollback_to.unwrap_or(target.id)
            ));
        }
        return Ok((current, target));
    }
    // Rolling back a rollback goes further back than its target, not to
    // what it replaced.
    let floor = match (current.action.as_str(), current.rollback_to) {
        ("rollback", Some(to)) => to,
        _ => current.id,
    };
    rows.iter()
        .filter(|d| d.id < floor && d.succeeded(landed_is_enough) && d.action != "rollback")
        .find(|d| d.tree != current.tree)
        .map(|target| (current, target))
        .ok_or_else(|| "no earlier successful deployment to go back to".to_owned())
}

/// The four keys over one environment and window.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dora {
    pub environment: String,
    pub since: String,
    pub until: String,
    /// Changes (updates that landed, not rollbacks) whose apply finished.
    pub deployments: u64,
    pub successful: u64,
    pub per_day: f64,
    pub per_week: f64,
    /// Seconds from a change's first commit to its successful apply.
    pub lead_time_median_seconds: Option<i64>,
    pub lead_time_p90_seconds: Option<i64>,
    /// Changes that failed, timed out or were rolled back.
    pub failed: u64,
    pub change_failure_rate: Option<f64>,
    /// Seconds from a failure to the next successful deployment.
    pub time_to_restore_median_seconds: Option<i64>,
    /// Failures not restored by the end of the window.
    pub unrestored: u64,
}

/// When a deployment's outcome was known: its apply's end, or its
/// decision when nothing was applied.
fn done_at(d: &Deployment) -> Option<i64> {
    crate::time::seconds_of(d.finished.as_deref().unwrap_or(&d.time))
}

fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    // Nearest rank: the smallest value with at least p of the values at
    // or below it.
    let rank = (p * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

/// Computes the metrics from the environment's deployments in the window,
/// oldest first. `days`: the window's length.
pub fn dora(
    environment: &str,
    (since, until): (&str, &str),
    rows: &[Deployment],
    landed_is_enough: bool,
) -> Dora {
    let days = match (
        crate::time::seconds_of(since),
        crate::time::seconds_of(until),
    ) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 / 86_400.0,
        _ => 1.0,
    };
    let finished = |d: &Deployment| !matches!(d.status.as_deref(), Some("pending" | "running"));
    let changes: Vec<&Deployment> = rows
        .iter()
        .filter(|d| d.action != "rollback" && finished(d))
        .collect();
    let successful: Vec<&&Deployment> = changes
        .iter()
        .filter(|d| d.succeeded(landed_is_enough))
        .collect();
    let mut leads: Vec<i64> = successful
        .iter()
        .filter_map(|d| {
            let start = crate::time::seconds_of(d.first_commit_time.as_deref()?)?;
            Some(done_at(d)? - start)
        })
        .filter(|s| *s >= 0)
        .collect();
    leads.sort_unstable();

    // A change fails when its apply does, or when a rollback replaced it
    // while it was what ran; it is restored by the next deployment (change
    // or rollback) that succeeds.
    let mut failures: Vec<(usize, i64)> = Vec::new();
    let mut running: Option<usize> = None;
    for (i, d) in rows.iter().enumerate() {
        if !finished(d) {
            continue;
        }
        if d.action == "rollback" {
            if d.succeeded(landed_is_enough) {
                if let Some(r) = running.take() {
                    if let Some(t) = done_at(&rows[r]) {
                        failures.push((r, t));
                    }
                }
                running = None;
            }
            continue;
        }
        if d.succeeded(landed_is_enough) {
            running = Some(i);
        } else if let Some(t) = done_at(d) {
            failures.push((i, t));
        }
    }
    let mut restores = Vec::new();
    let mut unrestored = 0;
    for (i, started) in &failures {
        let fixed = rows[i + 1..]
            .iter()
            .filter(|d| finished(d) && d.succeeded(landed_is_enough))
            .find_map(done_at);
        match fixed {
            Some(t) => restores.push((t - started).max(0)),
            None => unrestored += 1,
        }
    }
    restores.sort_unstable();
    let failed = failures.len() as u64;
    let n = changes.len() as u64;
    Dora {
        environment: environment.to_owned(),
        since: since.to_owned(),
        until: until.to_owned(),
        deployments: n,
        successful: successful.len() as u64,
        per_day: successful.len() as f64 / days,
        per_week: successful.len() as f64 / days * 7.0,
        lead_time_median_seconds: percentile(&leads, 0.5),
        lead_time_p90_seconds: percentile(&leads, 0.9),
        failed,
        change_failure_rate: (n > 0).then(|| failed as f64 / n as f64),
        time_to_restore_median_seconds: percentile(&restores, 0.5),
        unrestored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, action: &str, status: Option<&str>, first: &str, finished: &str) -> Deployment {
        Deployment {
            id,
            environment: "production".into(),
            repository: "r".into(),
            refname: "refs/heads/main".into(),
            commit: format!("{id:040}"),
            tree: Some(format!("{id:040}")),
            action: action.into(),
            time: finished.into(),
            pusher: None,
            first_commit_time: Some(first.into()),
            rollback_to: (action == "rollback").then_some(1),
            status: status.map(str::to_owned),
            started: Some(finished.into()),
            finished: Some(finished.into()),
        }
    }

    /// A week, worked by hand: five changes (one fails, one is rolled
    /// back), one rollback, one still running.
    #[test]
    fn dora_by_hand() {
        let t = |d: u32, h: u32| format!("2026-06-{d:02}T{h:02}:00:00Z");
        let rows = vec![
            // lead 2h, succeeded
            row(1, "update", Some("succeeded"), &t(1, 8), &t(1, 10)),
            // fails at day 2 10:00; restored by #3 at day 2 13:00 (3h)
            row(2, "update", Some("failed"), &t(2, 9), &t(2, 10)),
            // lead 4h
            row(3, "update", Some("succeeded"), &t(2, 9), &t(2, 13)),
            // lead 1h; rolled back by #5 at day 4 10:00: failure from day 3
            // 10:00, restored 24h later
            row(4, "update", Some("succeeded"), &t(3, 9), &t(3, 10)),
            row(5, "rollback", Some("succeeded"), &t(4, 10), &t(4, 10)),
            // lead 6h
            row(6, "update", Some("succeeded"), &t(5, 4), &t(5, 10)),
            row(7, "update", Some("running"), &t(6, 4), &t(6, 10)),
        ];
        let d = dora("production", (&t(1, 0), &t(8, 0)), &rows, false);
        assert_eq!(d.deployments, 5);
        assert_eq!(d.successful, 4);
        assert!((d.per_day - 4.0 / 7.0).abs() < 1e-9, "{}", d.per_day);
        assert!((d.per_week - 4.0).abs() < 1e-9);
        // Leads 1h, 2h, 4h, 6h: nearest-rank median the 2nd, p90 the 4th.
        assert_eq!(d.lead_time_median_seconds, Some(2 * 3600));
        assert_eq!(d.lead_time_p90_seconds, Some(6 * 3600));
        assert_eq!(d.failed, 2);
        assert_eq!(d.change_failure_rate, Some(0.4));
        // Restores 3h and 24h: the median (nearest rank) is 3h.
        assert_eq!(d.time_to_restore_median_seconds, Some(3 * 3600));
        assert_eq!(d.unrestored, 0);
    }

    #[test]
    fn rollback_goes_to_the_last_good_tree_and_then_further_back() {
        let t = "2026-06-01T00:00:00Z";
        let mut rows = vec![
            row(3, "update", Some("failed"), t, t),
            row(2, "update", Some("succeeded"), t, t),
            row(1, "update", Some("succeeded"), t, t),
        ];
        let (current, target) = rollback_target(&rows, None, false).unwrap();
        assert_eq!((current.id, target.id), (2, 1));
        assert!(rollback_target(&rows, Some(3), false)
            .unwrap_err()
            .contains("did not deploy"));
        rows.insert(0, row(4, "rollback", Some("succeeded"), t, t));
        let err = rollback_target(&rows, None, false).unwrap_err();
        assert!(err.contains("no earlier"), "{err}");
    }
}
