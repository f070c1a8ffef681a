// pushgate patch (whole file): which rules cannot depend on `input`, so
// that their values may outlive a `with input as …` statement.
//
// The gate evaluates a batch of documents in one call, each under its own
// `with input as d`, and every `with` reset all rule values: the constant
// helper rules of a policy (tables of kinds, default label sets, rules
// reading only `data`) were recomputed for every document. A rule whose
// definitions never reach `input` — directly, through another rule, a
// function, an import, or a `with` — has the same value under every input,
// so the interpreter carries it across input-only `with` statements (see
// `Interpreter::pushgate_carry_input_free`).
//
// The analysis is conservative: every name that could be a rule is taken
// as one (a local that shares a rule's name adds an edge, never removes
// one), a `data` reference with a computed key depends on everything under
// its static prefix, and any `with`, `print` or non-deterministic built-in
// makes a rule uncacheable.

#![allow(clippy::indexing_slicing, clippy::pattern_type_mismatch)] // slices are taken below lengths checked on the same line

use crate::ast::{Expr, ExprRef, Literal, Module, Query, Ref, Rule, RuleHead};
use crate::compiled_policy::CompiledPolicyData;
use crate::parser::Parser;
use crate::*;

use alloc::collections::{BTreeMap, BTreeSet};

/// One rule path whose value does not depend on `input`.
#[derive(Debug, Clone)]
pub(crate) struct InputFreeRule {
    /// Where the value lives in `data` (without the leading `data`).
    pub(crate) path: Vec<String>,
    /// Every rule and default rule defining it: the value is complete when
    /// all of them have been evaluated.
    pub(crate) rules: Vec<Ref<Rule>>,
}

/// Built-ins whose result is not a function of their arguments, or that
/// are observed per evaluation (`print`): a rule calling one is not cached.
const UNCACHEABLE_BUILTINS: &[&str] = &[
    "print",
    "trace",
    "time.now_ns",
    "rand.intn",
    "uuid.rfc4122",
    "http.send",
    "net.lookup_ip_addr",
    "opa.runtime",
];

#[derive(Default)]
pub(crate) struct Facts {
    /// Reads `input` (or something equally unknowable) itself.
    pub(crate) direct: bool,
    /// The static prefixes of the `data` paths it reads (without `data`).
    pub(crate) refs: Vec<Vec<String>>,
    /// The same references whole: `None` for a computed key, which may be
    /// any (load_checks.rs matches rule paths against them).
    pub(crate) full_refs: Vec<Vec<Option<String>>>,
}

pub(crate) enum Alias {
    Input,
    Data(Vec<String>),
    Other,
}

pub(crate) struct ModuleScope<'a> {
    pub(crate) package: Vec<String>,
    /// First components of this package's rules.
    pub(crate) heads: &'a BTreeSet<String>,
    pub(crate) aliases: BTreeMap<String, Vec<Alias>>,
    pub(crate) extensions: &'a BTreeSet<String>,
}

/// A reference chain: its root and components (`None` for a computed key).
fn chain<'e>(
    mut expr: &'e ExprRef,
    facts: &mut Facts,
    scope: &ModuleScope<'_>,
) -> (Option<&'e str>, Vec<Option<String>>) {
    let mut comps = Vec::new();
    loop {
        match expr.as_ref() {
            Expr::RefDot { refr, field, .. } => {
                comps.push(field.1.as_string().ok().map(|s| s.to_string()));
                expr = refr;
            }
            Expr::RefBrack { refr, index, .. } => {
                match index.as_ref() {
                    Expr::String { value, .. } => {
                        comps.push(value.as_string().ok().map(|s| s.to_string()))
                    }
                    _ => {
                        walk_expr(index, facts, scope);
                        comps.push(None);
                    }
                }
                expr = refr;
            }
            Expr::Var { span, .. } => {
                comps.reverse();
                return (Some(span.text()), comps);
            }
            _ => {
                walk_expr(expr, facts, scope);
                comps.reverse();
                return (None, comps);
            }
        }
    }
}

fn static_prefix(comps: &[Option<String>]) -> Vec<String> {
    comps.iter().map_while(Clone::clone).collect()
}

fn reference(expr: &ExprRef, facts: &mut Facts, scope: &ModuleScope<'_>) {
    let (root, comps) = chain(expr, facts, scope);
    let Some(root) = root else { return };
    let whole = |base: &[String]| -> Vec<Option<String>> {
        base.iter().cloned().map(Some).chain(comps.iter().cloned()).collect()
    };
    match root {
        "input" => facts.direct = true,
        "data" => {
            facts.full_refs.push(whole(&[]));
            facts.refs.push(static_prefix(&comps));
        }
        name => {
            if let Some(targets) = scope.aliases.get(name) {
                for alias in targets {
                    match alias {
                        Alias::Input => facts.direct = true,
                        Alias::Data(target) => {
                            facts.full_refs.push(whole(target));
                            let mut path = target.clone();
                            path.extend(static_prefix(&comps));
                            facts.refs.push(path);
                        }
                        Alias::Other => {}
                    }
                }
            }
            if scope.heads.contains(name) {
                let mut path = scope.package.clone();
                path.push(name.to_string());
                facts.full_refs.push(whole(&path));
                path.extend(static_prefix(&comps));
                facts.refs.push(path);
            }
        }
    }
}

fn walk_expr(expr: &ExprRef, facts: &mut Facts, scope: &ModuleScope<'_>) {
    match expr.as_ref() {
        Expr::String { .. }
        | Expr::RawString { .. }
        | Expr::Number { .. }
        | Expr::Bool { .. }
        | Expr::Null { .. } => {}
        Expr::Var { .. } | Expr::RefDot { .. } | Expr::RefBrack { .. } => {
            reference(expr, facts, scope)
        }
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for item in items {
                walk_expr(item, facts, scope);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, key, value) in fields {
                walk_expr(key, facts, scope);
                walk_expr(value, facts, scope);
            }
        }
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            walk_expr(term, facts, scope);
            walk_query(query, facts, scope);
        }
        Expr::ObjectCompr {
            key, value, query, ..
        } => {
            walk_expr(key, facts, scope);
            walk_expr(value, facts, scope);
            walk_query(query, facts, scope);
        }
        Expr::Call { fcn, params, .. } => {
            for param in params {
                walk_expr(param, facts, scope);
            }
            match Parser::get_path_ref_components(fcn) {
                Ok(parts) => {
                    let name = parts.iter().map(|p| p.text()).collect::<Vec<_>>().join(".");
                    if UNCACHEABLE_BUILTINS.contains(&name.as_str())
                        || scope.extensions.contains(&name)
                    {
                        facts.direct = true;
                    }
                    reference(fcn, facts, scope);
                }
                Err(_) => facts.direct = true,
            }
        }
        Expr::UnaryExpr { expr, .. } => walk_expr(expr, facts, scope),
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. }
        | Expr::AssignExpr { lhs, rhs, .. } => {
            walk_expr(lhs, facts, scope);
            walk_expr(rhs, facts, scope);
        }
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => {
            if let Some(key) = key {
                walk_expr(key, facts, scope);
            }
            walk_expr(value, facts, scope);
            walk_expr(collection, facts, scope);
        }
        #[cfg(feature = "rego-extensions")]
        Expr::OrExpr { lhs, rhs, .. } => {
            walk_expr(lhs, facts, scope);
            walk_expr(rhs, facts, scope);
        }
    }
}

fn walk_query(query: &Ref<Query>, facts: &mut Facts, scope: &ModuleScope<'_>) {
    for stmt in &query.stmts {
        if !stmt.with_mods.is_empty() {
            facts.direct = true;
        }
        match &stmt.literal {
            Literal::SomeVars { .. } => {}
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(key) = key {
                    walk_expr(key, facts, scope);
                }
                walk_expr(value, facts, scope);
                walk_expr(collection, facts, scope);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                walk_expr(expr, facts, scope)
            }
            Literal::Every { domain, query, .. } => {
                walk_expr(domain, facts, scope);
                walk_query(query, facts, scope);
            }
        }
    }
}

/// The computed keys of a rule head (`a[input.x] := …`); its own name is
/// not a reference.
fn walk_head_ref(mut refr: &ExprRef, facts: &mut Facts, scope: &ModuleScope<'_>) {
    loop {
        match refr.as_ref() {
            Expr::RefDot { refr: r, .. } => refr = r,
            Expr::RefBrack { refr: r, index, .. } => {
                walk_expr(index, facts, scope);
                refr = r;
            }
            _ => return,
        }
    }
}

pub(crate) fn rule_facts(rule: &Ref<Rule>, scope: &ModuleScope<'_>) -> Facts {
    let mut facts = Facts::default();
    match rule.as_ref() {
        Rule::Spec { head, bodies, .. } => {
            match head {
                RuleHead::Compr { refr, assign, .. } => {
                    walk_head_ref(refr, &mut facts, scope);
                    if let Some(assign) = assign {
                        walk_expr(&assign.value, &mut facts, scope);
                    }
                }
                // Arguments are patterns, mostly locals; one may still
                // read input (`f(input.x) := ...`, refused by OPA).
                RuleHead::Func {
                    refr, args, assign, ..
                } => {
                    walk_head_ref(refr, &mut facts, scope);
                    for arg in args {
                        walk_expr(arg, &mut facts, scope);
                    }
                    if let Some(assign) = assign {
                        walk_expr(&assign.value, &mut facts, scope);
                    }
                }
                RuleHead::Set { refr, key, .. } => {
                    walk_head_ref(refr, &mut facts, scope);
                    if let Some(key) = key {
                        walk_expr(key, &mut facts, scope);
                    }
                }
            }
            for body in bodies {
                if let Some(assign) = &body.assign {
                    walk_expr(&assign.value, &mut facts, scope);
                }
                walk_query(&body.query, &mut facts, scope);
            }
        }
        Rule::Default {
            refr, args, value, ..
        } => {
            walk_head_ref(refr, &mut facts, scope);
            for arg in args {
                walk_expr(arg, &mut facts, scope);
            }
            walk_expr(value, &mut facts, scope);
        }
    }
    facts
}

pub(crate) fn package_path(module: &Module) -> Option<Vec<String>> {
    Parser::get_static_string_path_components(&module.package.refr).ok()
}

/// The aliases a module sees: regorus resolves imports per package, so
/// every module of the package contributes (a name imported in one file of
/// a package is visible in its others).
pub(crate) fn package_aliases<'m>(
    modules: impl Iterator<Item = &'m Ref<Module>>,
) -> BTreeMap<String, Vec<Alias>> {
    let mut aliases = BTreeMap::new();
    for module in modules {
        module_aliases(module, &mut aliases);
    }
    aliases
}

fn module_aliases(module: &Module, aliases: &mut BTreeMap<String, Vec<Alias>>) {
    for import in &module.imports {
        let Ok(parts) = Parser::get_static_string_path_components(&import.refr) else {
            continue;
        };
        let Some((root, rest)) = parts.split_first() else {
            continue;
        };
        let name = match &import.r#as {
            Some(span) => span.text().to_string(),
            None => match parts.last() {
                Some(last) => last.clone(),
                None => continue,
            },
        };
        let alias = match root.as_str() {
            "input" => Alias::Input,
            "data" => Alias::Data(rest.to_vec()),
            _ => Alias::Other,
        };
        // Two imports under one name (refused at load; kept anyway): a
        // reference through it reads both.
        aliases.entry(name).or_default().push(alias);
    }
}

/// The rule paths of `policy` that may be carried across `with input`.
pub(crate) fn input_free_rules(policy: &CompiledPolicyData) -> Vec<InputFreeRule> {
    // Every rule path, by its components under `data`.
    let mut nodes: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for path in policy.rule_paths.iter() {
        let Some(comps) = policy.rule_path_components.get(path) else {
            return Vec::new();
        };
        match comps.split_first() {
            Some((root, rest)) if root == "data" => {
                nodes.insert(rest.to_vec(), path.clone());
            }
            _ => return Vec::new(),
        }
    }
    let extensions: BTreeSet<String> = policy.extensions.keys().cloned().collect();

    // What each rule reads, in its own module's scope.
    let mut facts: BTreeMap<Ref<Rule>, Facts> = BTreeMap::new();
    for module in policy.modules.iter() {
        let Some(package) = package_path(module) else {
            return Vec::new();
        };
        let heads: BTreeSet<String> = nodes
            .keys()
            .filter(|comps| comps.starts_with(&package) && comps.len() > package.len())
            .map(|comps| comps[package.len()].clone())
            .collect();
        let same_package = policy
            .modules
            .iter()
            .filter(|m| package_path(m).as_ref() == Some(&package));
        let scope = ModuleScope {
            aliases: package_aliases(same_package),
            package,
            heads: &heads,
            extensions: &extensions,
        };
        for rule in &module.policy {
            facts.insert(rule.clone(), rule_facts(rule, &scope));
        }
    }

    // The rules at each node: all registered at that path (which includes
    // longer paths below it) and its default rules.
    let rules_at = |path: &str| -> Vec<Ref<Rule>> {
        let mut rules: Vec<Ref<Rule>> = policy.rules.get(path).cloned().unwrap_or_default();
        if let Some(defaults) = policy.default_rules.get(path) {
            rules.extend(defaults.iter().map(|(r, _)| r.clone()));
        }
        rules
    };

    // Nodes a reference to `prefix` reads: those under it and those above.
    let related = |prefix: &[String]| -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = nodes
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for n in 0..prefix.len() {
            if nodes.contains_key(&prefix[..n]) {
                out.push(prefix[..n].to_vec());
            }
        }
        out
    };

    let keys: Vec<Vec<String>> = nodes.keys().cloned().collect();
    let mut dependent: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut edges: BTreeMap<Vec<String>, Vec<Vec<String>>> = BTreeMap::new();
    for key in &keys {
        let Some(path) = nodes.get(key) else { continue };
        let mut out = Vec::new();
        for rule in rules_at(path) {
            match facts.get(&rule) {
                Some(f) => {
                    if f.direct {
                        dependent.insert(key.clone());
                    }
                    for r in &f.refs {
                        out.extend(related(r));
                    }
                }
                None => {
                    dependent.insert(key.clone());
                }
            }
        }
        edges.insert(key.clone(), out);
    }
    // Dependence flows back along the edges until nothing changes.
    loop {
        let mut changed = false;
        for key in &keys {
            if dependent.contains(key) {
                continue;
            }
            if edges
                .get(key)
                .is_some_and(|deps| deps.iter().any(|d| dependent.contains(d)))
            {
                dependent.insert(key.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    let mut out = Vec::new();
    for key in &keys {
        if dependent.contains(key) {
            continue;
        }
        // Only a path no other rule path extends or contains: its value is
        // one rule's, whole, and no other rule writes into it.
        let overlaps = nodes
            .range(key.clone()..)
            .nth(1)
            .is_some_and(|(k, _)| k.starts_with(key))
            || (0..key.len()).any(|n| nodes.contains_key(&key[..n]));
        if overlaps {
            continue;
        }
        let Some(path) = nodes.get(key) else { continue };
        let rules = rules_at(path);
        let plain = rules.iter().all(|r| match r.as_ref() {
            Rule::Spec { head, .. } => !matches!(head, RuleHead::Func { .. }),
            Rule::Default { args, .. } => args.is_empty(),
        }) && policy
            .default_rules
            .get(path)
            .is_none_or(|d| d.iter().all(|(_, index)| index.is_none()));
        if plain && !rules.is_empty() {
            out.push(InputFreeRule {
                path: key.clone(),
                rules,
            });
        }
    }
    out
}
