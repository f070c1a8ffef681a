//! Rendering a [`Decision`] for people (`remote:` lines, the terminal) and
//! for scripts (JSON). The only place that formats findings.
//!
//! Text stays short, plain ASCII and colourless: git prefixes every line a
//! hook prints with `remote: `, and many clients strip or mangle colour.

use std::fmt::Write;

use crate::gate::{Decision, Outcome};
use crate::protection::short;
use crate::protocol::{printable, printable_up_to};

/// A finding's message or fix is built from bounded parts but may quote
/// several (two object ids, a policy author's text): cut well past them.
const MESSAGE_CHARS: usize = 1000;

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
    if let Some(b) = &u.break_glass {
        let n = b.bypassed.len();
        let _ = writeln!(
            out,
            "pushgate: {r}: BREAK-GLASS by {} ({}): {n} finding{} let through, recorded in the audit log",
            printable(&b.signer),
            printable_up_to(&b.reason, MESSAGE_CHARS),
            if n == 1 { "" } else { "s" }
        );
    }
    let empty = Vec::new();
    let bypassed = u.break_glass.as_ref().map_or(&empty, |b| &b.bypassed);
    for (label, list) in [
        ("error", &u.violations),
        ("warning", &u.warnings),
        ("would-reject", &u.would_reject),
        ("exception", &u.exceptions),
        ("bypassed", bypassed),
    ] {
        if list.len() > SHOWN {
            let _ = writeln!(
                out,
                "  ({} {label}s; the first {SHOWN} follow, `pushgate check --format json` lists all)",
                list.len()
            );
        }
        for f in list.iter().take(SHOWN) {
            finding_text(out, label, f);
        }
    }
}

fn finding_text(out: &mut String, label: &str, f: &crate::finding::Finding) {
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
            if let Some(c) = f.column {
                let _ = write!(loc, ":{c}");
            }
        }
        if let Some(src) = &f.source {
            let _ = write!(loc, " (from {})", printable(src));
        }
    }
    // Evaluate mode says so where the pusher reads the code.
    let (label, mode) = match (label, &f.enforce_from) {
        ("would-reject", Some(d)) => ("warning", format!(" (evaluate mode: will reject from {d})")),
        ("would-reject", None) => ("warning", " (evaluate mode)".to_owned()),
        _ => (label, String::new()),
    };
    let _ = writeln!(
        out,
        "  {label}[{}]{mode}{}: {}",
        f.rule,
        loc,
        printable_up_to(&f.message, MESSAGE_CHARS)
    );
    if let Some(by) = &f.required_by {
        let _ = writeln!(out, "    rule: {by}");
    }
    if let Some(e) = &f.exception {
        let _ = writeln!(
            out,
            "    exception: {} (owner {}, until {}): {}",
            printable(&e.entry),
            printable(&e.owner),
            e.expires,
            printable_up_to(&e.reason, MESSAGE_CHARS)
        );
    } else {
        // A policy's `fix` can be built from pushed values.
        let _ = writeln!(out, "    fix: {}", printable_up_to(&f.help, MESSAGE_CHARS));
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

/// How a record without a pusher identity is shown (its JSON has `null`);
/// `audit list --pusher unknown` finds them.
pub const UNKNOWN_PUSHER: &str = "(unknown)";

/// An apply's state in a few words: `succeeded 3.2s`, `failed (exit 1)
/// 0.4s`, `running`, `-` when none ran.
pub fn apply_summary(apply: Option<&serde_json::Value>) -> String {
    let Some(a) = apply else {
        return "-".into();
    };
    let mut s = a["status"].as_str().unwrap_or("?").to_owned();
    if let Some(code) = a["exit_code"].as_i64().filter(|c| *c != 0) {
        s.push_str(&format!(" (exit {code})"));
    }
    if let Some(ms) = a["duration_ms"].as_u64() {
        s.push_str(&format!(" {:.1}s", ms as f64 / 1000.0));
    }
    s
}

/// `audit list` for people: one aligned line per decision.
pub fn audit_table(records: &[crate::audit::Record]) -> String {
    let rows: Vec<[String; 9]> = records
        .iter()
        .map(|r| {
            let b = &r.body;
            [
                r.id.to_string(),
                b.time.clone(),
                b.decision.clone(),
                if r.landed {
                    "landed".into()
                } else {
                    "-".into()
                },
                apply_summary(r.apply.as_ref()),
                printable(&b.refname),
                format!("{}..{}", short(&b.old), short(&b.new)),
                b.pusher
                    .as_deref()
                    .map(printable)
                    .unwrap_or_else(|| UNKNOWN_PUSHER.into()),
                b.violations
                    .as_array()
                    .map(|v| v.len())
                    .unwrap_or(0)
                    .to_string(),
            ]
        })
        .collect();
    table(
        [
            "ID",
            "TIME",
            "DECISION",
            "LANDED",
            "APPLY",
            "REF",
            "RANGE",
            "PUSHER",
            "VIOLATIONS",
        ],
        &rows,
    )
}

/// Aligned columns under a header, two spaces apart: every table people
/// read (`audit list`, `env list`, `env history`, `report dora`).
pub fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let header = header.map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(&header).chain(rows) {
        let line: Vec<String> = r
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

/// `audit show` for people.
pub fn audit_record(r: &crate::audit::Record) -> String {
    let b = &r.body;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "decision {}: {} {} ({})",
        r.id,
        b.decision,
        printable(&b.refname),
        b.action
    );
    for (k, v) in [
        ("time", b.time.clone()),
        ("repository", b.repository.clone()),
        (
            "pusher",
            b.pusher
                .as_deref()
                .map(printable)
                .unwrap_or_else(|| UNKNOWN_PUSHER.into()),
        ),
        ("range", format!("{}..{}", b.old, b.new)),
        (
            "environment",
            b.environment.clone().unwrap_or_else(|| "-".into()),
        ),
        ("landed", r.landed.to_string()),
        ("apply", apply_summary(r.apply.as_ref())),
        ("commits", b.commits.len().to_string()),
        ("signers", b.signers.join(", ")),
        // Pushed text: escaped for the operator's terminal.
        (
            "push options",
            b.push_options
                .iter()
                .map(|o| printable(o))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("hash", r.hash.clone()),
        ("prev_hash", r.prev_hash.clone()),
    ] {
        let _ = writeln!(out, "  {k:13} {v}");
    }
    if let Some(g) = &b.break_glass {
        let _ = writeln!(
            out,
            "  {:13} by {}: {}",
            "break-glass",
            printable(g["signer"].as_str().unwrap_or("?")),
            printable(g["reason"].as_str().unwrap_or(""))
        );
    }
    let no_list = serde_json::Value::Null;
    let bypassed = b.break_glass.as_ref().map_or(&no_list, |g| &g["bypassed"]);
    for (label, list) in [
        ("violation", &b.violations),
        ("warning", &b.warnings),
        ("would reject", &b.would_reject),
        ("exception", &b.exceptions),
        ("bypassed", bypassed),
    ] {
        for f in list.as_array().into_iter().flatten() {
            // Where, as the pusher read it: the commit (unless the message
            // names it), then file:line:column. Messages quote pushed text
            // (subjects, names), so they are escaped for the operator's
            // terminal too.
            let mut at = Vec::new();
            let message = f["message"].as_str().unwrap_or("");
            if let Some(c) = f["commit"].as_str().filter(|c| !message.contains(short(c))) {
                at.push(format!("commit {}", short(c)));
            }
            if let Some(p) = f["path"].as_str() {
                let mut place = printable(p);
                if let Some(line) = f["line"].as_u64() {
                    let _ = write!(place, ":{line}");
                    if let Some(column) = f["column"].as_u64() {
                        let _ = write!(place, ":{column}");
                    }
                }
                at.push(place);
            }
            let at = at.join(" ");
            let _ = writeln!(
                out,
                "  {label}: [{}]{} {}",
                printable(f["rule"].as_str().unwrap_or("?")),
                if at.is_empty() { at } else { format!(" {at}:") },
                printable_up_to(message, MESSAGE_CHARS)
            );
            if let Some(e) = f.get("exception") {
                let _ = writeln!(
                    out,
                    "    by {} (owner {}, until {}): {}",
                    printable(e["entry"].as_str().unwrap_or("?")),
                    printable(e["owner"].as_str().unwrap_or("?")),
                    printable(e["expires"].as_str().unwrap_or("?")),
                    printable_up_to(e["reason"].as_str().unwrap_or(""), MESSAGE_CHARS)
                );
            }
        }
    }
    if let Some(a) = &r.apply {
        for (k, label) in [
            ("started", "started"),
            ("finished", "finished"),
            ("error", "error"),
            ("log", "log"),
        ] {
            // An apply's error can quote pushed paths.
            if let Some(v) = a[k].as_str() {
                let _ = writeln!(
                    out,
                    "  apply {label:7} {}",
                    printable_up_to(v, MESSAGE_CHARS)
                );
            }
        }
        if let Some(n) = a["output_dropped_bytes"].as_u64().filter(|n| *n > 0) {
            let _ = writeln!(
                out,
                "  apply output: {n} bytes dropped (apply.max_output_bytes)"
            );
        }
        if let Some(text) = a["output"].as_str() {
            let _ = writeln!(
                out,
                "  apply output{}:",
                if a["output_truncated"] == true {
                    " (first part)"
                } else {
                    ""
                }
            );
            for line in text.lines() {
                let _ = writeln!(out, "    | {line}");
            }
        }
    }
    out
}

/// `pushgate audit reconcile`'s text: one line per finding, then a verdict.
pub fn reconciled(repository: &str, refs: usize, found: &[crate::audit::Reconciled]) -> String {
    use crate::audit::Reconciled;
    let mut out = String::new();
    let mut drift = 0;
    for r in found {
        match r {
            Reconciled::MarkedLanded { refname, id } => {
                let _ = writeln!(
                    out,
                    "landed   {}: decision {id} landed but post-receive did not record it; marked landed now (if its ref has an environment, its apply never ran: pushgate apply run {id})",
                    printable(refname)
                );
            }
            Reconciled::Drift {
                refname,
                current,
                last_decision,
            } => {
                drift += 1;
                let now = match current {
                    Some(id) => format!("is at {id}"),
                    None => "is gone".to_owned(),
                };
                let why = match last_decision {
                    Some((id, new)) if crate::protocol::is_zero(new) => {
                        format!("the newest landed decision ({id}) deleted it")
                    }
                    Some((id, new)) => format!("the newest landed decision ({id}) set it to {new}"),
                    None => "no accepted decision in the audit log ever set it".to_owned(),
                };
                let _ = writeln!(out, "DRIFT    {} {now}, but {why}", printable(refname));
            }
        }
    }
    if drift == 0 {
        let _ = writeln!(
            out,
            "{repository}: all {refs} refs are explained by accepted, landed decisions"
        );
    } else {
        let _ = writeln!(
            out,
            "{repository}: {drift} ref(s) moved past the gate; find out who wrote them (server logs, forge admin actions), then push the intended state through the gate"
        );
    }
    out
}

/// One `GL-HOOK-ERR:` line per problem (at most a few), which GitLab's UI
/// shows when a merge or web edit is rejected.
pub fn gitlab_summary(decision: &Decision) -> String {
    let mut out = String::new();
    let problems = decision
        .updates
        .iter()
        .flat_map(|u| u.violations.iter().map(move |v| (u, v)));
    for (u, v) in problems.take(3) {
        let _ = writeln!(
            out,
            "GL-HOOK-ERR: pushgate rejected {}: [{}] {} (fix: {})",
            printable(&u.refname),
            v.rule,
            printable(&v.message),
            printable(&v.help)
        );
    }
    out
}

/// `pushgate doctor`'s text: each repository's verdict, its failed checks
/// with their fixes, and a count.
pub fn doctor(reports: &[crate::doctor::Report]) -> String {
    let mut out = String::new();
    for r in reports {
        let verdict = if r.guarded { "guarded" } else { "NOT GUARDED" };
        let _ = writeln!(
            out,
            "{} ({}): {verdict}",
            r.repository.display(),
            r.forge.name()
        );
        // Failed checks, and passed ones that still carry a warning (a fix).
        for c in r.checks.iter().filter(|c| !c.ok || c.fix.is_some()) {
            let mark = if c.ok { "!" } else { "x" };
            let _ = writeln!(out, "  {mark} {}: {}", c.what, c.message);
            if let Some(fix) = &c.fix {
                let _ = writeln!(out, "    fix: {fix}");
            }
        }
    }
    let unguarded = reports.iter().filter(|r| !r.guarded).count();
    let n = reports.len();
    let noun = if n == 1 { "repository" } else { "repositories" };
    let _ = writeln!(
        out,
        "{n} {noun}: {} guarded, {unguarded} not guarded",
        n - unguarded
    );
    out
}

/// Text for an operator's terminal: every control character but the line
/// break shown escaped (`\u{1b}`), and so are the bidirectional overrides
/// that reorder what is shown. Audit records quote what pushers wrote
/// (commit subjects, push options, their names); an ESC or OSC-52 sequence
/// in them must not reach the terminal that prints `audit show`. JSON
/// output stays exact.
pub fn terminal_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}');
        if (c.is_control() && c != '\n') || bidi {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn terminal_safe_escapes_what_a_terminal_would_obey() {
        assert_eq!(
            super::terminal_safe("a\u{1b}]52;c;ZXZpbA==\u{7}b\nc\u{202e}d\u{9b}"),
            "a\\u{1b}]52;c;ZXZpbA==\\u{7}b\nc\\u{202e}d\\u{9b}"
        );
    }
}
