//! Rendering a [`Decision`] for people (`remote:` lines, the terminal) and
//! for scripts (JSON). The only place that formats findings.
//!
//! Text stays short, plain ASCII and colourless: git prefixes every line a
//! hook prints with `remote: `, and many clients strip or mangle colour.

use std::fmt::Write;

use crate::gate::{Decision, Outcome};
use crate::protection::short;
use crate::protocol::printable;

/// How a rejected pre-receive push affects the refs that passed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Atomicity {
    /// pre-receive and `check`: one bad ref rejects the whole push.
    AllOrNothing,
    /// update hook: each ref stands alone.
    PerRef,
}

/// A push of 10,000 unsigned commits must not print 10,000 errors: the
/// pusher needs the first few and the count.
const SHOWN: usize = 10;

pub fn text(decision: &Decision, atomicity: Atomicity) -> String {
    let mut out = String::new();
    let rejected = decision.updates.iter().filter(|u| !u.accepted()).count();
    for u in &decision.updates {
        outcome_text(
            &mut out,
            u,
            rejected > 0 && atomicity == Atomicity::AllOrNothing,
        );
    }
    if rejected > 0 {
        let total = decision.updates.len();
        let _ = match atomicity {
            Atomicity::AllOrNothing if total > 1 => writeln!(
                out,
                "pushgate: push rejected: {rejected} of {total} ref updates broke a rule, so none was applied"
            ),
            _ => writeln!(out, "pushgate: push rejected"),
        };
    }
    out
}

fn outcome_text(out: &mut String, u: &Outcome, held_back: bool) {
    let r = printable(&u.refname);
    let range = match (u.old.as_str(), u.new.as_str()) {
        (o, n) if crate::protocol::is_zero(o) => format!("new at {}", short(n)),
        (o, n) if crate::protocol::is_zero(n) => format!("delete {}", short(o)),
        (o, n) => format!("{}..{}", short(o), short(n)),
    };
    if u.accepted() {
        let verdict = if held_back {
            "ok, but not applied (see below)"
        } else {
            "ok"
        };
        let _ = writeln!(out, "pushgate: {r} ({range}): {verdict}");
    } else {
        let n = u.violations.len();
        let _ = writeln!(
            out,
            "pushgate: {r} ({range}): REJECTED, {n} problem{}",
            if n == 1 { "" } else { "s" }
        );
    }
    for (label, list) in [("error", &u.violations), ("warning", &u.warnings)] {
        if list.len() > SHOWN {
            let _ = writeln!(
                out,
                "  ({} {label}s; the first {SHOWN} follow, `pushgate check --format json` lists all)",
                list.len()
            );
        }
        for f in list.iter().take(SHOWN) {
            let mut loc = String::new();
            // Signature findings name the object in their message already.
            if let Some(c) = f
                .commit
                .as_deref()
                .filter(|c| !f.message.contains(short(c)))
            {
                let _ = write!(loc, " commit {}", short(c));
            }
            if let Some(p) = &f.path {
                let _ = write!(loc, " {}", printable(p));
                if let Some(l) = f.line {
                    let _ = write!(loc, ":{l}");
                }
            }
            let _ = writeln!(
                out,
                "  {label}[{}]{}: {}",
                f.rule,
                loc,
                printable(&f.message)
            );
            if let Some(by) = &f.required_by {
                let _ = writeln!(out, "    rule: {by}");
            }
            let _ = writeln!(out, "    fix: {}", f.help);
        }
    }
}

pub fn json(decision: &Decision) -> String {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        accepted: bool,
        #[serde(flatten)]
        decision: &'a Decision,
    }
    serde_json::to_string_pretty(&Out {
        accepted: decision.accepted(),
        decision,
    })
    .unwrap_or_else(|e| format!("{{\"error\": \"cannot encode the decision: {e}\"}}"))
}
