// pushgate patch (whole file): the policies OPA refuses when it compiles
// them, refused here too.
//
// OPA's compiler rejects a policy whose rules conflict (one name defined as
// a complete value and as a set, a rule beside a function, a value rule
// under a path another rule already owns, two defaults) or recurse
// (`rego_recursion_error`). regorus loaded such policies and evaluated
// them, each in its own way: the gate then passed documents OPA (and
// conftest) fail with an error, and a recursive function could exhaust the
// stack and abort the hook. These checks run once at load, over the parsed
// modules, and name the file and line as OPA does.
//
// The recursion check is OPA's: a cycle among rule paths, whatever the
// branch taken at run time. A name is read as a rule unless the rule
// declares it locally (`:=`, `some`, `every`, a function argument), which
// is how OPA resolves it.

#![allow(clippy::indexing_slicing, clippy::pattern_type_mismatch)] // indices are taken below lengths checked beside them

use crate::ast::{AssignOp, Expr, ExprRef, Literal, Module, Query, Ref, Rule, RuleHead};
use crate::input_free::{package_aliases, package_path, rule_facts, Alias, ModuleScope};
use crate::parser::Parser;
use crate::*;
use anyhow::Result;

use alloc::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// `p := v`, `p if ...`, `default p := v`: one value at a fixed path.
    Complete,
    /// `p[x] := v`: an object whose keys the body computes.
    Object,
    /// `p contains x`.
    Set,
    /// `f(x) := v`.
    Function,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Complete => "a value (`:=` or `if`)",
            Kind::Object => "an object with computed keys (`[x] :=`)",
            Kind::Set => "a set (`contains`)",
            Kind::Function => "a function",
        }
    }
}

struct Def {
    path: Vec<String>,
    kind: Kind,
    default: bool,
    file: String,
    line: u32,
    module: usize,
    rule: Ref<Rule>,
}

fn show(path: &[String]) -> String {
    let mut out = String::from("data");
    for c in path {
        let ident = c
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
            && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if ident {
            out.push('.');
            out.push_str(c);
        } else {
            out.push_str(&format!("[{c:?}]"));
        }
    }
    out
}

/// The components of a rule head, outermost first; `None` for a computed
/// key (`p[x]`).
fn head_components(refr: &ExprRef) -> Vec<Option<String>> {
    let mut comps = Vec::new();
    let mut expr = refr;
    loop {
        match expr.as_ref() {
            Expr::RefDot { refr, field, .. } => {
                comps.push(field.1.as_string().ok().map(|s| s.to_string()));
                expr = refr;
            }
            Expr::RefBrack { refr, index, .. } => {
                comps.push(match index.as_ref() {
                    Expr::String { value, .. } => value.as_string().ok().map(|s| s.to_string()),
                    _ => None,
                });
                expr = refr;
            }
            Expr::Var { span, .. } => {
                comps.push(Some(span.text().to_string()));
                break;
            }
            _ => {
                comps.push(None);
                break;
            }
        }
    }
    comps.reverse();
    comps
}

fn definition(module: usize, package: &[String], rule: &Ref<Rule>) -> Result<Def> {
    let span = rule.span();
    let (refr, kind, default) = match rule.as_ref() {
        Rule::Spec { head, .. } => match head {
            RuleHead::Compr { refr, .. } => (refr, Kind::Complete, false),
            RuleHead::Set { refr, .. } => (refr, Kind::Set, false),
            RuleHead::Func { refr, .. } => (refr, Kind::Function, false),
        },
        Rule::Default { refr, args, .. } => {
            let kind = if args.is_empty() {
                Kind::Complete
            } else {
                Kind::Function
            };
            (refr, kind, true)
        }
    };
    let comps = head_components(refr);
    let fixed: Vec<String> = comps.iter().map_while(Clone::clone).collect();
    let kind = if fixed.len() < comps.len() && kind != Kind::Function {
        Kind::Object
    } else {
        kind
    };
    let mut path = package.to_vec();
    path.extend(fixed);
    Ok(Def {
        path,
        kind,
        default,
        file: span.source.file().clone(),
        line: span.line,
        module,
        rule: rule.clone(),
    })
}

/// The first conflict or recursion OPA would refuse, as a message naming
/// the file and line.
pub(crate) fn refusal(modules: &[Ref<Module>]) -> Result<Option<String>> {
    let mut defs = Vec::new();
    let mut packages = Vec::new();
    for (m, module) in modules.iter().enumerate() {
        let Some(package) = package_path(module) else {
            // A package with a computed component: nothing to compare.
            packages.push(None);
            continue;
        };
        for rule in &module.policy {
            defs.push(definition(m, &package, rule)?);
        }
        packages.push(Some(package));
    }
    if let Some(msg) = unsafe_argument(modules) {
        return Ok(Some(msg));
    }
    if let Some(msg) = conflict(&defs) {
        return Ok(Some(msg));
    }
    if let Some(msg) = foreign_alias(modules, &packages) {
        return Ok(Some(msg));
    }
    Ok(recursion(modules, &packages, &defs))
}

/// A function argument is a pattern: variables, scalars, and arrays,
/// objects or sets of them. `f(input.x) := ...` reads input there, which
/// OPA refuses (var input is unsafe); regorus matched it.
fn unsafe_argument(modules: &[Ref<Module>]) -> Option<String> {
    fn pattern(expr: &ExprRef) -> Option<&ExprRef> {
        match expr.as_ref() {
            Expr::Var { span, .. } if matches!(span.text(), "input" | "data") => Some(expr),
            Expr::Var { .. }
            | Expr::String { .. }
            | Expr::RawString { .. }
            | Expr::Number { .. }
            | Expr::Bool { .. }
            | Expr::Null { .. } => None,
            Expr::Array { items, .. } | Expr::Set { items, .. } => items.iter().find_map(pattern),
            Expr::Object { fields, .. } => fields
                .iter()
                .find_map(|(_, k, v)| pattern(k).or_else(|| pattern(v))),
            _ => Some(expr),
        }
    }
    for module in modules.iter() {
        for rule in &module.policy {
            // In Rego v1, OPA reads `f() := 1` as the rule `f` and refuses
            // a call `f()` (undefined function); regorus made it a
            // function. (v0 policies, Gatekeeper's, call `f()` in both.)
            if let Rule::Spec {
                head: RuleHead::Func { refr, args, .. },
                span,
                ..
            } = rule.as_ref()
            {
                if args.is_empty() && module.rego_v1 {
                    let name = utils::get_root_var(refr).map(|v| v.text().to_string());
                    let name = name.unwrap_or_default();
                    return Some(format!(
                        "{}:{}: `{name}()` declares a function without arguments; in Rego v1 OPA \
                         reads it as the rule `{name}` and refuses a call `{name}()`: write \
                         `{name} := ...` and read it as `{name}`",
                        span.source.file(),
                        span.line,
                    ));
                }
            }
            let args = match rule.as_ref() {
                Rule::Spec {
                    head: RuleHead::Func { args, .. },
                    ..
                }
                | Rule::Default { args, .. } => args,
                _ => continue,
            };
            if let Some(bad) = args.iter().find_map(pattern) {
                let span = bad.span();
                return Some(format!(
                    "{}:{}: function argument `{}` is not a pattern (variables, literals, and \
                     arrays or objects of them); OPA refuses it (rego_unsafe_var_error): take a \
                     variable and compare it in the body",
                    span.source.file(),
                    span.line,
                    span.text()
                ));
            }
        }
    }
    None
}

/// OPA scopes an import to its file; regorus resolves imports per
/// package, so an alias imported in one file of a package also worked in
/// the others. Such a use is refused, naming the file to add the import to.
fn foreign_alias(modules: &[Ref<Module>], packages: &[Option<Vec<String>>]) -> Option<String> {
    const FOREIGN: &str = "\u{0}pushgate-foreign-alias";
    let alias_names = |module: &Module| -> Vec<(String, String)> {
        let mut out = Vec::new();
        for import in &module.imports {
            let Ok(parts) = Parser::get_static_string_path_components(&import.refr) else {
                continue;
            };
            if !matches!(parts.first().map(String::as_str), Some("input" | "data")) {
                continue;
            }
            let name = match &import.r#as {
                Some(span) => span.text().to_string(),
                None => match parts.last() {
                    Some(last) => last.clone(),
                    None => continue,
                },
            };
            out.push((name, parts.join(".")));
        }
        out
    };
    let empty = BTreeSet::new();
    for (m, module) in modules.iter().enumerate() {
        let Some(Some(package)) = packages.get(m) else {
            continue;
        };
        let own: BTreeSet<String> = alias_names(module).into_iter().map(|(n, _)| n).collect();
        // Aliases of the package's other files that this file lacks.
        let mut foreign: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (other, p) in modules.iter().zip(packages) {
            if p.as_ref() != Some(package) {
                continue;
            }
            for (name, path) in alias_names(other) {
                if !own.contains(&name) {
                    foreign
                        .entry(name)
                        .or_insert((path, other.package.span.source.file().clone()));
                }
            }
        }
        if foreign.is_empty() {
            continue;
        }
        for rule in &module.policy {
            let locals = rule_locals(rule);
            let mut aliases = BTreeMap::new();
            for name in foreign.keys() {
                if !locals.contains(name) {
                    aliases.insert(
                        name.clone(),
                        alloc::vec![Alias::Data(alloc::vec![FOREIGN.to_string(), name.clone()])],
                    );
                }
            }
            let scope = ModuleScope {
                aliases,
                package: package.clone(),
                heads: &empty,
                extensions: &empty,
            };
            let facts = rule_facts(rule, &scope);
            let used = facts
                .refs
                .iter()
                .find(|r| r.first().map(String::as_str) == Some(FOREIGN))
                .and_then(|r| r.get(1));
            if let Some(name) = used {
                let (path, file) = foreign.get(name)?;
                let span = rule.span();
                return Some(format!(
                    "{}:{}: `{name}` is imported in {file}, not in this file; OPA scopes an \
                     import to its file, pushgate's evaluator to the package, so `{name}` would \
                     read differently here: add `import {path} as {name}` to this file, or give \
                     this file's variable another name",
                    span.source.file(),
                    span.line,
                ));
            }
        }
    }
    None
}

fn conflict(defs: &[Def]) -> Option<String> {
    let mut by_path: BTreeMap<&[String], Vec<&Def>> = BTreeMap::new();
    for def in defs {
        by_path.entry(def.path.as_slice()).or_default().push(def);
    }
    for (path, group) in &by_path {
        let first = group[0];
        if let Some(other) = group.iter().find(|d| d.kind != first.kind) {
            return Some(format!(
                "{}:{}: conflicting rules {}: defined as {} at {}:{} and as {} here; OPA refuses \
                 this policy (rego_type_error): give one of them another name",
                other.file,
                other.line,
                show(path),
                first.kind.describe(),
                first.file,
                first.line,
                other.kind.describe()
            ));
        }
        let defaults: Vec<&&Def> = group.iter().filter(|d| d.default).collect();
        if defaults.len() > 1 {
            return Some(format!(
                "{}:{}: multiple default rules {} (the other at {}:{}); OPA refuses this policy \
                 (rego_type_error): keep one",
                defaults[1].file,
                defaults[1].line,
                show(path),
                defaults[0].file,
                defaults[0].line
            ));
        }
    }
    // A set at a fixed path under an object with computed keys (`n.o.fixed
    // contains ...` beside `n.o[x] contains ...`): with no member, OPA
    // leaves `n.o.fixed` undefined, regorus gives set(). Refused rather
    // than answered differently.
    for (path, group) in &by_path {
        let first = group[0];
        if first.kind != Kind::Set {
            continue;
        }
        let owner = (1..path.len()).rev().find_map(|n| {
            by_path
                .get(&path[..n])
                .and_then(|g| g.iter().find(|d| d.kind == Kind::Object))
        });
        if let Some(owner) = owner {
            return Some(format!(
                "{}:{}: set rule {} sits under {}, an object with computed keys (at {}:{}); OPA \
                 and regorus disagree on its value when it has no member, so pushgate refuses \
                 this: give the set its own name outside {}",
                first.file,
                first.line,
                show(path),
                show(&owner.path),
                owner.file,
                owner.line,
                show(&owner.path),
            ));
        }
    }
    // A value, set or function owns its whole path: nothing may be defined
    // below it. (An object with computed keys may have fixed keys beside.)
    for (path, group) in &by_path {
        let first = group[0];
        if first.kind == Kind::Object {
            continue;
        }
        let below = by_path
            .range::<[String], _>((
                core::ops::Bound::Excluded(*path),
                core::ops::Bound::Unbounded,
            ))
            .take_while(|(p, _)| p.starts_with(path))
            .next();
        if let Some((deeper, others)) = below {
            let other = others[0];
            return Some(format!(
                "{}:{}: rule {} conflicts with rule {} at {}:{}: {} cannot also have rules \
                 below it; OPA refuses this policy (rego_type_error): define the value in one \
                 place, or make {} an object with `[key] :=`",
                first.file,
                first.line,
                show(path),
                show(deeper),
                other.file,
                other.line,
                first.kind.describe(),
                show(path),
            ));
        }
    }
    None
}

fn pattern_vars(expr: &ExprRef, out: &mut BTreeSet<String>) {
    match expr.as_ref() {
        Expr::Var { span, .. } => {
            out.insert(span.text().to_string());
        }
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for item in items {
                pattern_vars(item, out);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, _, value) in fields {
                pattern_vars(value, out);
            }
        }
        _ => {}
    }
}

fn locals_expr(expr: &ExprRef, out: &mut BTreeSet<String>) {
    match expr.as_ref() {
        Expr::AssignExpr { op, lhs, rhs, .. } => {
            if matches!(op, AssignOp::ColEq) {
                pattern_vars(lhs, out);
            }
            locals_expr(rhs, out);
        }
        Expr::ArrayCompr { query, .. } | Expr::SetCompr { query, .. } => locals_query(query, out),
        Expr::ObjectCompr { query, .. } => locals_query(query, out),
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for item in items {
                locals_expr(item, out);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, key, value) in fields {
                locals_expr(key, out);
                locals_expr(value, out);
            }
        }
        Expr::Call { params, .. } => {
            for param in params {
                locals_expr(param, out);
            }
        }
        Expr::UnaryExpr { expr, .. } => locals_expr(expr, out),
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. } => {
            locals_expr(lhs, out);
            locals_expr(rhs, out);
        }
        _ => {}
    }
}

fn locals_query(query: &Ref<Query>, out: &mut BTreeSet<String>) {
    for stmt in &query.stmts {
        match &stmt.literal {
            Literal::SomeVars { vars, .. } => {
                for v in vars {
                    out.insert(v.text().to_string());
                }
            }
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(key) = key {
                    pattern_vars(key, out);
                }
                pattern_vars(value, out);
                locals_expr(collection, out);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => locals_expr(expr, out),
            Literal::Every {
                key,
                value,
                domain,
                query,
                ..
            } => {
                if let Some(key) = key {
                    out.insert(key.text().to_string());
                }
                out.insert(value.text().to_string());
                locals_expr(domain, out);
                locals_query(query, out);
            }
        }
    }
}

/// The names a rule declares for itself; a reference to one of them is
/// not a reference to a rule of that name.
fn rule_locals(rule: &Rule) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match rule {
        Rule::Spec { head, bodies, .. } => {
            if let RuleHead::Func { args, .. } = head {
                for arg in args {
                    pattern_vars(arg, &mut out);
                }
            }
            for body in bodies {
                locals_query(&body.query, &mut out);
            }
        }
        Rule::Default { args, .. } => {
            for arg in args {
                pattern_vars(arg, &mut out);
            }
        }
    }
    out.remove("_");
    out
}

fn recursion(modules: &[Ref<Module>], packages: &[Option<Vec<String>>], defs: &[Def]) -> Option<String> {
    let nodes: BTreeSet<&[String]> = defs.iter().map(|d| d.path.as_slice()).collect();
    let extensions = BTreeSet::new();
    // Each edge keeps the first definition that makes it, to name its line.
    let mut edges: BTreeMap<&[String], BTreeMap<&[String], usize>> = BTreeMap::new();
    for (index, def) in defs.iter().enumerate() {
        let Some(Some(package)) = packages.get(def.module) else {
            continue;
        };
        let heads: BTreeSet<String> = defs
            .iter()
            .filter(|d| d.path.len() > package.len() && d.path.starts_with(package))
            .map(|d| d.path[package.len()].clone())
            .collect();
        let locals = rule_locals(&def.rule);
        let heads: BTreeSet<String> = heads.difference(&locals).cloned().collect();
        let same_package = modules
            .iter()
            .zip(packages)
            .filter(|(_, p)| p.as_ref() == Some(package))
            .map(|(m, _)| m);
        let scope = ModuleScope {
            aliases: package_aliases(same_package),
            package: package.clone(),
            heads: &heads,
            extensions: &extensions,
        };
        let facts = rule_facts(&def.rule, &scope);
        let out = edges.entry(def.path.as_slice()).or_default();
        // A computed key matches any component (`data.checks[pkg].violation`
        // reads `checks.foo.violation`, not `checks.foo.exemptions`).
        for r in &facts.full_refs {
            for node in &nodes {
                let agrees = node
                    .iter()
                    .zip(r)
                    .all(|(n, c)| c.as_ref().is_none_or(|c| c == n));
                if agrees {
                    out.entry(node).or_insert(index);
                }
            }
        }
    }
    // Depth-first search for a cycle, in path order so the message is the
    // same on every run.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: BTreeMap<&[String], Mark> = BTreeMap::new();
    for &start in &nodes {
        if marks.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(&[String], Vec<&[String]>)> = Vec::new();
        marks.insert(start, Mark::Open);
        let next = |n: &[String]| -> Vec<&[String]> {
            edges
                .get(n)
                .map(|s| s.keys().rev().copied().collect())
                .unwrap_or_default()
        };
        stack.push((start, next(start)));
        while let Some((node, pending)) = stack.last_mut() {
            let node = *node;
            let Some(succ) = pending.pop() else {
                marks.insert(node, Mark::Done);
                stack.pop();
                continue;
            };
            match marks.get(succ) {
                Some(Mark::Done) => {}
                Some(Mark::Open) => {
                    let from = stack.iter().position(|(n, _)| *n == succ).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[from..].iter().map(|(n, _)| show(n)).collect();
                    cycle.push(show(succ));
                    // The definition of the cycle's first rule that reads the next.
                    let then = stack.get(from + 1).map_or(succ, |(n, _)| *n);
                    let def = edges
                        .get(succ)
                        .and_then(|e| e.get(then))
                        .and_then(|&i| defs.get(i))?;
                    return Some(format!(
                        "{}:{}: rule {} is recursive: {}; OPA refuses recursion in Rego \
                         (rego_recursion_error), even on a branch never taken: compute the \
                         value without calling itself (a comprehension or `walk`)",
                        def.file,
                        def.line,
                        show(succ),
                        cycle.join(" -> ")
                    ));
                }
                None => {
                    marks.insert(succ, Mark::Open);
                    let n = next(succ);
                    stack.push((succ, n));
                }
            }
        }
    }
    None
}
