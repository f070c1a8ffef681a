//! The last stage of an update's decision: exceptions turn the findings
//! they cover into `exception`s, then a break-glass, when asked for and
//! granted, lets through what `break_glass.bypass` lists. The rules are in
//! `crate::rollout`; this module fetches their facts (the tip's signer,
//! the uses recorded in the audit log).

use std::time::SystemTime;

use anyhow::Result;

use super::{approvals, oid, Gate, Outcome, Push};
use crate::finding::{category_of, Code, Finding};
use crate::git::Repo;
use crate::protection::Action;
use crate::protocol::RefUpdate;
use crate::rollout::{BreakGlassUse, Enforce, GlassFacts};

/// A finding of a rule in evaluate mode, with the day it starts rejecting.
pub(super) fn until(mut f: Finding, enforce: &Enforce) -> Finding {
    f.enforce_from = enforce.from.map(|d| d.to_string());
    f
}

/// A push's break-glass request, and its uses counted once per push.
pub(super) struct Glass {
    /// The push asked: its reason, or why the request is malformed.
    request: Option<Result<String, String>>,
    /// Uses recorded in the last 24 hours (read on first need).
    recorded: Option<Result<u64, String>>,
    /// Uses granted so far in this push.
    granted: u64,
    /// Their tips: one signed commit serves one ref update.
    tips: Vec<git2::Oid>,
}

impl Glass {
    pub(super) fn new(push: &Push) -> Glass {
        Glass {
            request: crate::rollout::requested(&push.push_options),
            recorded: None,
            granted: 0,
            tips: Vec::new(),
        }
    }

    fn used(&mut self, gate: &Gate) -> Result<u64, String> {
        let recorded = self
            .recorded
            .get_or_insert_with(|| recorded_uses(gate))
            .clone()?;
        Ok(recorded + self.granted)
    }
}

/// The audit log, to read; None when it is a SQLite file not yet
/// created (it holds nothing). Unreadable: an error that grants nothing.
fn log(gate: &Gate) -> Result<Option<crate::audit::Store>, String> {
    let Some(audit) = &gate.config.audit else {
        return Err("the config names no audit log to record it in".into());
    };
    let target = crate::audit::Target::from(audit);
    if !target.is_postgres() && !std::path::Path::new(&target.database).exists() {
        return Ok(None);
    }
    crate::audit::Store::open(&target)
        .map(Some)
        .map_err(|e| format!("the audit log cannot be read: {e:#}"))
}

/// Refs that vouch for no new ref: what a break-glass or a ref-limited
/// exception let onto them was never judged acceptable for another ref,
/// and a new ref at their commit would carry it unjudged. `None`: the log
/// cannot be read, so no ref vouches.
pub(super) fn unvouching_refs(
    gate: &Gate,
    repository: &str,
) -> Option<std::collections::BTreeSet<String>> {
    if gate.config.audit.is_none() {
        return Some(Default::default());
    }
    match log(gate) {
        Ok(None) => Some(Default::default()),
        Ok(Some(mut store)) => store.refs_let_in(repository).ok(),
        Err(_) => None,
    }
}

/// Break-glass uses the log holds from the last 24 hours. A log that
/// cannot be read grants nothing: uses that cannot be counted are not
/// allowed.
fn recorded_uses(gate: &Gate) -> Result<u64, String> {
    // The log's times are the real clock's, so the window is too
    // (PUSHGATE_NOW moves rollout dates, not the log).
    let now = jiff::Timestamp::now();
    let since = crate::time::utc_of(now.as_second() - 24 * 3600);
    match log(gate)? {
        None => Ok(0),
        Some(mut store) => store
            .break_glass_since(&since)
            .map_err(|e| format!("the audit log cannot be read to count its uses: {e:#}")),
    }
}

/// Whether the log saw `tip` land anywhere (any repository sharing it,
/// any ref since deleted or rewound).
fn landed_before(gate: &Gate, tip: &str) -> Result<bool, String> {
    match log(gate)? {
        None => Ok(false),
        Some(mut store) => store
            .ever_accepted(tip)
            .map_err(|e| format!("the audit log cannot be read: {e:#}")),
    }
}

pub(super) fn finish(
    gate: &Gate,
    repo: &Repo,
    u: &RefUpdate,
    existing: &[(String, git2::Oid)],
    out: &mut Outcome,
    glass: &mut Glass,
) -> Result<()> {
    let config = &gate.config;
    if let Some(ex) = &config.exceptions {
        let before = out.warnings.len();
        ex.apply(
            &mut out.violations,
            (&mut out.exceptions, &mut out.warnings),
            Some(&u.refname),
            config.today,
        );
        let mut lapsed = out.warnings[before..].to_vec();
        ex.apply(
            &mut out.would_reject,
            (&mut out.exceptions, &mut lapsed),
            Some(&u.refname),
            config.today,
        );
        // One warning per lapsed entry, whichever list it would have covered.
        for w in lapsed {
            if !out.warnings.contains(&w) {
                out.warnings.push(w);
            }
        }
    }
    let Some(request) = &glass.request else {
        return Ok(());
    };
    let refuse = |out: &mut Outcome, why: String| {
        out.violations.push(
            Finding::new(
                Code::BreakGlassRefused,
                format!("break-glass refused for {}: {why}", out.refname),
                format!(
                    "push without `-o {}`, or have one of `break_glass.signers` sign the tip commit (git commit -S) and push again",
                    crate::rollout::OPTION
                ),
            )
            .commit(out.new.clone()),
        );
    };
    let reason = match request {
        Err(why) => {
            refuse(out, why.clone());
            return Ok(());
        }
        Ok(r) => r.clone(),
    };
    let Some(bg) = &config.break_glass else {
        refuse(
            out,
            "this server has no `break_glass:` in its config".into(),
        );
        return Ok(());
    };
    if u.refname.starts_with(approvals::PREFIX) {
        refuse(out, "an approval is never pushed past its checks".into());
        return Ok(());
    }
    if out.action == Action::Delete {
        refuse(
            out,
            "a deletion has no tip commit to carry the signature".into(),
        );
        return Ok(());
    }
    // The signature is the on-call's consent to this push: a signed commit
    // the server already has (any on-call commit of main's history) would
    // let anyone replay it onto another ref with the option.
    let fresh = "break-glass needs a new commit signed for this push (git commit --allow-empty -S -m \"break-glass: REASON\")";
    if let Some(on) = already_on_server(repo, &u.new, existing)? {
        refuse(
            out,
            format!("the tip is already on the server ({on}); {fresh}"),
        );
        return Ok(());
    }
    match landed_before(gate, &u.new) {
        Ok(false) => {}
        Ok(true) => {
            refuse(out, format!("the audit log shows the tip landed before (in this or another repository sharing the log); {fresh}"));
            return Ok(());
        }
        Err(why) => {
            refuse(out, why);
            return Ok(());
        }
    }
    let tip = oid(&u.new)?;
    for t in &glass.tips {
        let related = *t == tip
            || repo.git.graph_descendant_of(*t, tip).unwrap_or(true)
            || repo.git.graph_descendant_of(tip, *t).unwrap_or(true);
        if related {
            refuse(out, format!("this push already used {} for a break-glass on another ref; one signed commit serves one ref update", super::signatures::short_id(&t.to_string())));
            return Ok(());
        }
    }
    let tip_signer = tip_signer(gate, repo, &u.new)?;
    let used = match glass.used(gate) {
        Ok(n) => n,
        Err(why) => {
            refuse(out, why);
            return Ok(());
        }
    };
    let allowed = config.expand(&bg.signers);
    let facts = GlassFacts {
        tip_signer: tip_signer.as_deref(),
        allowed: &allowed,
        used,
    };
    match crate::rollout::judge(bg, &facts) {
        Err(why) => refuse(out, why),
        Ok(signer) => {
            let (bypassed, kept): (Vec<Finding>, Vec<Finding>) = out
                .violations
                .drain(..)
                .partition(|f| bg.bypass.contains(&category_of(&f.rule)));
            out.violations = kept;
            glass.granted += 1;
            glass.tips.push(tip);
            out.break_glass = Some(BreakGlassUse {
                reason,
                signer,
                bypassed,
            });
        }
    }
    Ok(())
}

/// A ref whose history already holds `new`, if any.
fn already_on_server(
    repo: &Repo,
    new: &str,
    existing: &[(String, git2::Oid)],
) -> Result<Option<String>> {
    let tip = oid(new)?;
    for (name, id) in existing {
        let Ok(commit) = repo
            .git
            .find_object(*id, None)
            .and_then(|o| o.peel_to_commit())
        else {
            continue;
        };
        let c = commit.id();
        if c == tip || repo.git.graph_descendant_of(c, tip).unwrap_or(false) {
            return Ok(Some(name.clone()));
        }
    }
    Ok(None)
}

/// The name of the key that signed the tip commit well, if any.
fn tip_signer(gate: &Gate, repo: &Repo, new: &str) -> Result<Option<String>> {
    let id = oid(new)?;
    if repo.git.find_commit(id).is_err() {
        return Ok(None);
    }
    let Some((sig, data)) = repo.commit_signature(id)? else {
        return Ok(None);
    };
    let v = gate.keyring.verify(&sig, &data, SystemTime::now());
    Ok((v.status == crate::signature::Status::Good)
        .then_some(v.signer)
        .flatten())
}

/// Takes back the break-glass grants of `decision`: other pushes used the
/// last of `max` while it was decided (`have` are recorded).
pub fn revoke_break_glass(decision: &mut super::Decision, have: u64, max: u64) {
    for out in &mut decision.updates {
        let Some(glass) = out.break_glass.take() else {
            continue;
        };
        out.violations.extend(glass.bypassed);
        out.violations.push(
            Finding::new(
                Code::BreakGlassRefused,
                format!(
                    "break-glass refused for {}: while this push was decided, other pushes took the last grants ({have} in the last 24 hours; `break_glass.max_per_day` is {max})",
                    out.refname
                ),
                "wait for the 24 hours to pass, or ask an operator to raise break_glass.max_per_day",
            )
            .commit(out.new.clone()),
        );
    }
}
