// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

#![allow(clippy::unseparated_literal_suffix, clippy::pattern_type_mismatch)]

use crate::ast::{Expr, Ref};
use crate::builtins;
use crate::builtins::utils::ensure_args_count;
use crate::lexer::Span;
use crate::value::Value;
use crate::*;

use anyhow::{bail, Result};

pub fn register(m: &mut builtins::BuiltinsMap<&'static str, builtins::BuiltinFcn>) {
    m.insert("to_number", (to_number, 1));
}

fn to_number(span: &Span, params: &[Ref<Expr>], args: &[Value], _strict: bool) -> Result<Value> {
    let name = "to_number";
    ensure_args_count(span, name, params, args, 1)?;

    let span = params[0].span();
    Ok(match &args[0] {
        Value::Null => Value::from(0u64),
        Value::Bool(true) => Value::from(1u64),
        Value::Bool(false) => Value::from(0u64),
        Value::Number(_) => args[0].clone(),
        // Eventhough the doc says that strings are converted using strconv.Atoi golang method,
        // in practice strings seems to be read as json numbers. This means that floating point
        // numbers are read and the string representation is limited to what json allows.
        // pushgate patch: OPA refuses white space around the number, which
        // the JSON reader would skip.
        Value::String(s) if s.trim() != s.as_ref() => {
            bail!(span.error("could not parse string as number"));
        }
        // pushgate patch: OPA keeps the text, so the value is exact
        // (to_number("123456789012345678901234567890") is that integer).
        // It also takes what Go's strconv.ParseFloat takes in decimal
        // (`+1`, `.5`, `5.`, `00012`, `1_000`); hex floats, `Inf` and
        // `NaN` stay errors (the push is rejected, never judged otherwise).
        Value::String(s) if !go_decimal_float_syntax(s) => {
            bail!(span.error("could not parse string as number"));
        }
        Value::String(s) => match <crate::number::Number as core::str::FromStr>::from_str(s) {
            Ok(n) => Value::from(n),
            Err(_) => bail!(span.error(
                "number beyond what pushgate evaluates exactly; OPA would read it, so pushgate refuses"
            )),
        },
        _ => {
            bail!(
                span.error(format!("`{name}` expects bool/number/string/null argument.").as_str())
            );
        }
    })
}

/// pushgate patch: Go's decimal float syntax: [+-] digits [. digits]
/// [(e|E) [+-] digits], with at least one mantissa digit, and `_` only
/// between two digits.
fn go_decimal_float_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let mut digits = 0;
    let mut seen_point = false;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => digits += 1,
            b'_' => {
                let before = i > 0 && b[i - 1].is_ascii_digit();
                let after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if !(before && after) {
                    return false;
                }
            }
            b'.' if !seen_point => seen_point = true,
            b'e' | b'E' => break,
            _ => return false,
        }
        i += 1;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = &b[i.min(b.len())..];
        if exp.is_empty() || !exp.iter().all(u8::is_ascii_digit) {
            return false;
        }
    }
    true
}
