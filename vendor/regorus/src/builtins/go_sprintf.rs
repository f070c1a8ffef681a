// pushgate patch: `sprintf` as OPA has it. OPA hands the arguments to Go's
// fmt.Sprintf (integers as int64 or *big.Int, other numbers as float64,
// strings as strings, anything else as its Rego text), so messages that
// policy tests compare exactly depend on Go's verbs, flags, widths and
// precisions, and on its `%!v(MISSING)`-style error text. Combinations Go
// would print and this file does not reproduce are errors, never a guess.

use crate::number::Number;
use crate::value::Value;
use crate::*;

use anyhow::{bail, Result};

/// An argument as OPA converts it before calling Go's fmt.
enum Arg {
    Int(i64),
    /// An integer beyond int64, as decimal text (Go's *big.Int).
    Big(String),
    Float(f64),
    Str(String),
}

impl Arg {
    fn of(v: &Value, text_of: &dyn Fn(&Value) -> String) -> Arg {
        match v {
            Value::Number(n) => number_arg(n),
            Value::String(s) => Arg::Str(s.as_ref().to_string()),
            other => Arg::Str(text_of(other)),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Arg::Int(_) => "int64",
            Arg::Big(_) => "big.Int",
            Arg::Float(_) => "float64",
            Arg::Str(_) => "string",
        }
    }

    /// `%v` with no flags: what Go prints inside `%!x(type=value)`.
    fn plain(&self) -> String {
        match self {
            Arg::Int(i) => i.to_string(),
            Arg::Big(s) | Arg::Str(s) => s.clone(),
            Arg::Float(f) => fmt_g(*f, None, false),
        }
    }
}

fn number_arg(n: &Number) -> Arg {
    match n {
        Number::Int(i) => Arg::Int(*i),
        Number::UInt(u) => match i64::try_from(*u) {
            Ok(i) => Arg::Int(i),
            Err(_) => Arg::Big(u.to_string()),
        },
        Number::BigInt(_) => Arg::Big(n.format_decimal()),
        Number::Float(f) => float_arg(*f),
        // pushgate patch: OPA's text of such a number (gofloat.rs) has a
        // `.` unless its mantissa is one digit (`3e-31`): text with a `.`
        // goes to Go's fmt as a float64, other text as itself.
        Number::Decimal(_) => match n.decimal_text() {
            Some(text) if text.contains('.') => Arg::Float(n.as_f64().unwrap_or(f64::NAN)),
            Some(text) => Arg::Str(text),
            None => Arg::Str(n.format_decimal()),
        },
    }
}

/// OPA keeps a number's JSON text and tries int64, then *big.Int, then
/// float64 on it. A float's text here is its shortest form as JSON writers
/// (Python's, Go's) print it; text in exponent form with a one-digit
/// mantissa (`1e-07`, `1e+20`) is neither an integer nor, for OPA's
/// Float64, a float, so Go receives the text.
fn float_arg(f: f64) -> Arg {
    if !f.is_finite() {
        return Arg::Str(fmt_g(f, None, false));
    }
    // Go's 'g' text of an integral float is plain digits below 1e6; from
    // there on it is exponent form (1e+06, 1.073741824e+09), whose `.`
    // makes it a float64 for OPA, or, with a one-digit mantissa, text.
    if f.fract() == 0.0 && f.abs() < 1e6 {
        return Arg::Int(f as i64);
    }
    let shortest = crate::gofloat::go_shortest_e(f);
    let (mant, exp) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let exponent_form = !(-4..6).contains(&exp);
    if exponent_form && !mant.contains('.') {
        let sign = if f < 0.0 { "-" } else { "" };
        return Arg::Str(format!("{sign}{}", go_exponent(&shortest)));
    }
    Arg::Float(f)
}

/// The largest width or precision honoured.
const MAX_PAD: usize = 1 << 16;

#[derive(Default, Clone, Copy)]
struct Spec {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

pub fn sprintf(fmt: &str, args: &[Value], text_of: &dyn Fn(&Value) -> String) -> Result<String> {
    let args: Vec<Arg> = args.iter().map(|a| Arg::of(a, text_of)).collect();
    let mut out = String::new();
    let mut next = 0usize;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '+' => spec.plus = true,
                '-' => spec.minus = true,
                '#' => spec.sharp = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                _ => break,
            }
            chars.next();
        }
        // Width: digits or `*` (an int argument).
        if chars.peek() == Some(&'*') {
            chars.next();
            match args.get(next) {
                Some(Arg::Int(w)) => {
                    next += 1;
                    if *w < 0 {
                        spec.minus = true;
                    }
                    spec.width = Some(usize::try_from(w.unsigned_abs()).unwrap_or(usize::MAX));
                }
                _ => bail!("sprintf: a `*` width needs an integer argument"),
            }
        } else {
            spec.width = digits(&mut chars);
        }
        if chars.peek() == Some(&'.') {
            chars.next();
            if chars.peek() == Some(&'*') {
                chars.next();
                match args.get(next) {
                    Some(Arg::Int(p)) if *p >= 0 => {
                        next += 1;
                        spec.prec = Some(usize::try_from(*p).unwrap_or(usize::MAX));
                    }
                    _ => bail!("sprintf: a `*` precision needs a non-negative integer argument"),
                }
            } else {
                spec.prec = Some(digits(&mut chars).unwrap_or(0));
            }
        }
        if chars.peek() == Some(&'[') {
            bail!("sprintf: explicit argument indexes (`%[n]d`) are not supported");
        }
        // A width or precision from the input (`%*d`) must not allocate
        // without bound: past this, fail the evaluation instead.
        if spec.width.max(spec.prec).is_some_and(|n| n > MAX_PAD) {
            bail!("sprintf: a width or precision over {MAX_PAD} is refused");
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        out.push_str(&format_one(verb, &spec, arg)?);
    }
    if next < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[next..]
            .iter()
            .map(|a| format!("{}={}", a.type_name(), a.plain()))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    Ok(out)
}

fn digits(chars: &mut core::iter::Peekable<core::str::Chars<'_>>) -> Option<usize> {
    let mut n: Option<usize> = None;
    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
        chars.next();
        n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
    }
    n
}

/// Go's text for a verb that does not fit the argument: the value is
/// printed with `%v` and the same flags and width.
fn bad(verb: char, spec: &Spec, arg: &Arg) -> Result<String> {
    let value = format_one('v', spec, arg)?;
    Ok(format!("%!{verb}({}={value})", arg.type_name()))
}

fn format_one(verb: char, spec: &Spec, arg: &Arg) -> Result<String> {
    let s = match (verb, arg) {
        ('T', a) => return Ok(pad(spec, a.type_name().to_string(), false)),
        ('v' | 'd', Arg::Int(i)) => int(spec, *i as i128, 10, false, ""),
        ('b', Arg::Int(i)) => int(spec, *i as i128, 2, false, "0b"),
        ('o', Arg::Int(i)) => int(spec, *i as i128, 8, false, "0"),
        ('O', Arg::Int(i)) => {
            let mut s = *spec;
            s.sharp = true;
            int(&s, *i as i128, 8, false, "0o")
        }
        ('x', Arg::Int(i)) => int(spec, *i as i128, 16, false, "0x"),
        ('X', Arg::Int(i)) => int(spec, *i as i128, 16, true, "0X"),
        ('q', Arg::Int(i)) => {
            let c = u32::try_from(*i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            let inner = go_quote(&c.to_string());
            let inner = &inner[1..inner.len() - 1];
            let inner = match c {
                '"' => "\"".to_string(),
                '\'' => "\\'".to_string(),
                _ => inner.to_string(),
            };
            pad(spec, format!("'{inner}'"), true)
        }
        ('c', Arg::Int(i)) => {
            let c = u32::try_from(*i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            pad(spec, c.to_string(), false)
        }
        ('U', Arg::Int(i)) => pad(spec, format!("U+{:04X}", i), false),
        ('v' | 'd' | 's', Arg::Big(t)) => {
            let (neg, digits) = match t.strip_prefix('-') {
                Some(d) => (true, d.to_string()),
                None => (false, t.clone()),
            };
            signed(spec, neg, digits, true)
        }
        ('x' | 'X', Arg::Big(t)) => {
            let (neg, digits) = match t.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, t.as_str()),
            };
            match digits.parse::<u128>() {
                Ok(v) => {
                    let h = if verb == 'X' {
                        format!("{v:X}")
                    } else {
                        format!("{v:x}")
                    };
                    signed(spec, neg, h, true)
                }
                Err(_) => bail!("sprintf: %{verb} of an integer beyond 128 bits is not supported"),
            }
        }
        (_, Arg::Big(t)) => format!("%!{verb}(big.Int={t})"),
        ('v' | 'g' | 'G', Arg::Float(f)) => {
            let mut s = fmt_g(f.abs(), spec.prec, spec.sharp);
            if verb == 'G' {
                s = s.to_uppercase();
            }
            signed(spec, f.is_sign_negative() && *f != 0.0, s, true)
        }
        ('e' | 'E', Arg::Float(f)) => {
            let mut s = fmt_e(f.abs(), spec.prec.unwrap_or(6));
            if verb == 'E' {
                s = s.to_uppercase();
            }
            signed(spec, f.is_sign_negative() && *f != 0.0, s, true)
        }
        ('f' | 'F', Arg::Float(f)) => {
            let s = format!("{:.*}", spec.prec.unwrap_or(6), f.abs());
            let neg = f.is_sign_negative() && s.bytes().any(|b| matches!(b, b'1'..=b'9'));
            signed(spec, neg, s, true)
        }
        ('x' | 'X', Arg::Float(f)) => {
            let mut h = hex_float(f.abs(), spec.prec);
            if verb == 'X' {
                h = h.to_uppercase();
            }
            signed(spec, f.is_sign_negative() && *f != 0.0, h, true)
        }
        ('b', Arg::Float(_)) => bail!("sprintf: %b of a float is not supported"),
        ('v' | 's', Arg::Str(s)) => {
            let s = match spec.prec {
                Some(p) => s.chars().take(p).collect(),
                None => s.clone(),
            };
            pad(spec, s, true)
        }
        ('q', Arg::Str(s)) => pad(spec, go_quote(s), true),
        ('x' | 'X', Arg::Str(s)) => {
            if spec.sharp || spec.space {
                bail!("sprintf: %{verb} with `#` or ` ` is not supported")
            }
            let mut h: String = s.bytes().map(|b| format!("{b:02x}")).collect();
            if verb == 'X' {
                h = h.to_uppercase();
            }
            pad(spec, h, true)
        }
        (v, a) => return bad(v, spec, a),
    };
    Ok(s)
}

/// Pads to the width; `zero_ok`: the `0` flag pads with zeros (Go does
/// for strings too).
fn pad(spec: &Spec, s: String, zero_ok: bool) -> String {
    let len = s.chars().count();
    let Some(w) = spec.width.filter(|w| *w > len) else {
        return s;
    };
    let fill = w - len;
    if spec.minus {
        s + &" ".repeat(fill)
    } else if spec.zero && zero_ok {
        "0".repeat(fill) + &s
    } else {
        " ".repeat(fill) + &s
    }
}

/// A number's sign and padding: zeros go between the sign and the digits.
fn signed(spec: &Spec, neg: bool, digits: String, zero_ok: bool) -> String {
    let sign = if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let len = sign.len() + digits.chars().count();
    match spec.width.filter(|w| *w > len) {
        Some(w) if spec.zero && zero_ok && !spec.minus => {
            format!("{sign}{}{digits}", "0".repeat(w - len))
        }
        _ => pad(spec, format!("{sign}{digits}"), false),
    }
}

fn int(spec: &Spec, i: i128, radix: u32, upper: bool, prefix: &str) -> String {
    let abs = i.unsigned_abs();
    let mut d = match radix {
        2 => format!("{abs:b}"),
        8 => format!("{abs:o}"),
        16 if upper => format!("{abs:X}"),
        16 => format!("{abs:x}"),
        _ => abs.to_string(),
    };
    if let Some(p) = spec.prec {
        if p == 0 && abs == 0 {
            d.clear();
        }
        while d.len() < p {
            d.insert(0, '0');
        }
    }
    if spec.sharp && radix != 10 {
        if !(radix == 8 && d.starts_with('0') && prefix == "0") {
            d = format!("{prefix}{d}");
        }
    }
    // A precision turns the `0` flag off, as in Go.
    let mut s = *spec;
    if spec.prec.is_some() {
        s.zero = false;
    }
    signed(&s, i < 0, d, true)
}

/// Go's `%e` mantissa and a two-digit (at least) signed exponent.
fn fmt_e(f: f64, prec: usize) -> String {
    let r = format!("{:.*e}", prec, f);
    go_exponent(&r)
}

fn go_exponent(rust: &str) -> String {
    match rust.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{m}e{sign}{digits:0>2}")
        }
        None => rust.to_string(),
    }
}

/// Go's `%g`/`%v` for a non-negative float: shortest digits (or `prec`
/// significant digits), `%e` form when the exponent is < -4 or >= the
/// precision (6 for shortest: strconv's rule), trailing zeros dropped
/// unless `#`, which pads to the precision and keeps the point.
fn fmt_g(f: f64, prec: Option<usize>, sharp: bool) -> String {
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if f.is_nan() {
        return "NaN".to_string();
    }
    let e_text = match prec {
        // Go's shortest digits (Rust's differ on exact ties).
        None => crate::gofloat::go_shortest_e(f),
        Some(p) => format!("{:.*e}", p.max(1) - 1, f.abs()),
    };
    let Some((mant, exp)) = e_text.split_once('e') else {
        return e_text;
    };
    let mut exp: i64 = exp.parse().unwrap_or(0);
    let mut digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    if f == 0.0 {
        digits = "0".to_string();
        exp = 0;
    }
    let nd = digits.len() as i64;
    let eprec = match prec {
        None => 6,
        Some(p) => {
            let p = p.max(1) as i64;
            if p > nd && nd >= exp + 1 {
                nd
            } else {
                p
            }
        }
    };
    if sharp {
        let want = prec.map_or(6, |p| p.max(1));
        while digits.len() < want {
            digits.push('0');
        }
    }
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1);
        let m = if rest.is_empty() && !sharp {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        go_exponent(&format!("{m}e{exp}"))
    } else if exp < 0 {
        format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
    } else {
        let point = (exp + 1) as usize;
        if digits.len() <= point {
            let int = format!("{digits}{}", "0".repeat(point - digits.len()));
            if sharp {
                int + "."
            } else {
                int
            }
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    }
}

/// Go's `%x` of a float: `0x1.921f9f01b866ep+01` (shortest hex mantissa,
/// or `prec` hex digits, rounded half to even; a two-digit exponent).
fn hex_float(f: f64, prec: Option<usize>) -> String {
    if f == 0.0 {
        return match prec {
            Some(p) if p > 0 => format!("0x0.{}p+00", "0".repeat(p)),
            _ => "0x0p+00".to_string(),
        };
    }
    let bits = f.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    let mut exp = if raw_exp == 0 {
        // Subnormal: normalise.
        let shift = mant.leading_zeros() as i64 - 11;
        mant = (mant << shift) & ((1u64 << 52) - 1);
        -1022 - shift
    } else {
        raw_exp - 1023
    };
    // 52 fraction bits = 13 hex digits.
    let mut lead = 1u64;
    let mut frac = mant;
    let mut ndig = 13usize;
    if let Some(p) = prec.filter(|p| *p < 13) {
        let drop = (13 - p) * 4;
        let half = 1u64 << (drop - 1);
        let rest = frac & ((1u64 << drop) - 1);
        frac >>= drop;
        if rest > half || (rest == half && frac & 1 == 1) {
            frac += 1;
            if frac >> (p * 4) != 0 {
                frac = 0;
                lead += 1;
            }
        }
        ndig = p;
        if lead == 2 {
            lead = 1;
            exp += 1;
        }
    }
    let mut digits = if ndig == 0 {
        String::new()
    } else {
        format!("{frac:0ndig$x}")
    };
    if prec.is_none() {
        while digits.ends_with('0') {
            digits.pop();
        }
    } else if let Some(p) = prec {
        while digits.len() < p {
            digits.push('0');
        }
    }
    let sign = if exp < 0 { '-' } else { '+' };
    let e = exp.abs();
    if digits.is_empty() {
        format!("0x{lead}p{sign}{e:02}")
    } else {
        format!("0x{lead}.{digits}p{sign}{e:02}")
    }
}

/// Go's strconv.Quote.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
