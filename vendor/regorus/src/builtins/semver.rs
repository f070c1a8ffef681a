// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.
#![allow(clippy::as_conversions, clippy::pattern_type_mismatch)]

use crate::ast::{Expr, Ref};
use crate::builtins;
use crate::builtins::utils::{ensure_args_count, ensure_string};
use crate::lexer::Span;
use crate::value::Value;

use alloc::format;

use core::cmp::Ordering;

use anyhow::Result;

pub fn register(m: &mut builtins::BuiltinsMap<&'static str, builtins::BuiltinFcn>) {
    m.insert("semver.compare", (compare, 2));
    m.insert("semver.is_valid", (is_valid, 1));
}

fn compare(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    let name = "semver.compare";
    ensure_args_count(span, name, params, args, 2)?;

    let v1 = ensure_string(name, &params[0], &args[0])?;
    let v2 = ensure_string(name, &params[1], &args[1])?;
    let version1 = GoVersion::parse(&v1).ok_or_else(|| {
        params[0]
            .span()
            .error(&format!("operand 1: string \"{v1}\" is not a valid SemVer"))
    })?;
    let version2 = GoVersion::parse(&v2).ok_or_else(|| {
        params[1]
            .span()
            .error(&format!("operand 2: string \"{v2}\" is not a valid SemVer"))
    })?;
    let result = match version1.compare(&version2) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    };
    Ok(Value::from(result as i64))
}

fn is_valid(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    let name = "semver.is_valid";
    ensure_args_count(span, name, params, args, 1)?;
    // OPA answers false, not an error, for a non-string operand.
    Ok(Value::Bool(match &args[0] {
        Value::String(s) => GoVersion::parse(s).is_some(),
        _ => false,
    }))
}

/// pushgate patch: OPA's semver (a fork of coreos/go-semver) is more
/// lenient than SemVer 2.0 and the `semver` crate: a leading `v` is
/// dropped, numeric parts may have leading zeros, an empty pre-release
/// (`1.2.3-`) is none. `semver.is_valid("v1.2.3")` is true in OPA, so a
/// stricter parse here would flip verdicts.
struct GoVersion<'a> {
    numbers: [i64; 3],
    pre_release: &'a str,
}

impl<'a> GoVersion<'a> {
    fn parse(text: &'a str) -> Option<GoVersion<'a>> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let (text, metadata) = text.split_once('+').unwrap_or((text, ""));
        let (text, pre_release) = text.split_once('-').unwrap_or((text, ""));
        if !identifier_ok(pre_release) || !identifier_ok(metadata) {
            return None;
        }
        let mut parts = text.splitn(3, '.');
        let mut numbers = [0i64; 3];
        for n in &mut numbers {
            // Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits.
            let part = parts.next()?;
            let digits = part.strip_prefix(['+', '-']).unwrap_or(part);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *n = part.parse().ok()?;
        }
        Some(GoVersion {
            numbers,
            pre_release,
        })
    }

    fn compare(&self, other: &GoVersion<'_>) -> Ordering {
        self.numbers
            .cmp(&other.numbers)
            .then_with(|| match (self.pre_release, other.pre_release) {
                ("", "") => Ordering::Equal,
                ("", _) => Ordering::Greater,
                (_, "") => Ordering::Less,
                (a, b) => {
                    let (mut a, mut b) = (a.split('.'), b.split('.'));
                    loop {
                        match (a.next(), b.next()) {
                            (None, None) => return Ordering::Equal,
                            (None, Some(_)) => return Ordering::Less,
                            (Some(_), None) => return Ordering::Greater,
                            (Some(x), Some(y)) => {
                                let order = match (x.parse::<i64>(), y.parse::<i64>()) {
                                    (Ok(i), Ok(j)) => i.cmp(&j),
                                    (Ok(_), Err(_)) => Ordering::Less,
                                    (Err(_), Ok(_)) => Ordering::Greater,
                                    (Err(_), Err(_)) => x.cmp(y),
                                };
                                if order != Ordering::Equal {
                                    return order;
                                }
                            }
                        }
                    }
                }
            })
    }
}

/// `^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$`, or empty.
fn identifier_ok(id: &str) -> bool {
    id.is_empty()
        || id.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}
