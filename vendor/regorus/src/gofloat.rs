// pushgate patch: the arithmetic OPA does on numbers that are not both
// integers, reproduced bit for bit.
//
// OPA keeps a number as its decimal text. `+ - * /`, `abs`, `round`, `ceil`,
// `floor`, `sum` and `product` read that text into Go's `math/big.Float` at
// 64 bits of mantissa (not f64's 53), compute with Go's rounding (to nearest,
// ties to even), and write the result back as the shortest decimal that
// reads back to the same 64-bit value. So `1/3` is 0.33333333333333333334
// in OPA, `1/3*3 == 1` holds, and `1.1 + 2.2 == 3.3` does not. An f64, or
// exact decimals, give other verdicts on exactly the comparisons policies
// write, so this module follows Go's algorithms (math/big floatconv.go
// `scan`, `pow5`, arith `uquo`, ftoa.go `roundShortest`, decimal.go
// rounding) step for step rather than computing "the right answer".

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{One, Zero};

/// OPA's mantissa width: `new(big.Float).SetString(text)` uses 64 bits.
pub(crate) const OPA_PREC: u64 = 64;

/// The most decimal digits (and the largest decimal exponent) pushgate
/// carries through this arithmetic. OPA itself has no bound; pushgate refuses
/// numbers beyond it with an error, which rejects the push, rather than
/// spend unbounded time or memory on them. Policy literals are already
/// limited to 10^1000 by the lexer.
pub(crate) const MAX_DECIMAL_EXP: i64 = 1100;

/// A finite Go big.Float: (-1)^neg × mant × 2^exp with `prec` bits of
/// mantissa. A zero mantissa is zero (its sign is kept, as Go keeps -0).
#[derive(Clone, Debug)]
pub(crate) struct GoFloat {
    pub(crate) neg: bool,
    mant: BigUint,
    exp: i64,
    pub(crate) prec: u64,
}

/// A decimal as Go's math/big decimal type holds it: value =
/// 0.d₁d₂…dₙ × 10^exp, digits without trailing zeros.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Digits {
    pub(crate) mant: Vec<u8>,
    pub(crate) exp: i64,
}

fn bits(n: &BigUint) -> u64 {
    n.bits()
}

fn pow5(k: u64) -> BigUint {
    BigUint::from(5u8).pow(u32::try_from(k).unwrap_or(u32::MAX))
}

impl GoFloat {
    pub(crate) fn zero(neg: bool, prec: u64) -> GoFloat {
        GoFloat {
            neg,
            mant: BigUint::zero(),
            exp: 0,
            prec,
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.mant.is_zero()
    }

    /// `mant × 2^exp` (plus `sticky`: nonzero bits below `mant` were
    /// dropped) rounded to `prec` bits, to nearest, ties to even.
    fn rounded(neg: bool, mant: BigUint, exp: i64, sticky: bool, prec: u64) -> GoFloat {
        let n = bits(&mant);
        if n == 0 {
            return GoFloat::zero(neg, prec);
        }
        if n <= prec {
            // Go rounds only the bits it holds: a result with sticky bits
            // below `prec` comes only from uquo, which always computes at
            // least prec+1 bits, so this branch is exact.
            return GoFloat {
                neg,
                mant,
                exp,
                prec,
            };
        }
        let shift = n - prec;
        let kept = &mant >> shift;
        let dropped = &mant - (&kept << shift);
        let half = BigUint::one() << (shift - 1);
        let up = match dropped.cmp(&half) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => sticky || kept.bit(0),
        };
        let mut kept = kept;
        if up {
            kept += 1u8;
        }
        GoFloat {
            neg,
            mant: kept,
            exp: exp + shift as i64,
            prec,
        }
    }

    pub(crate) fn from_int(value: &BigInt, prec: u64) -> GoFloat {
        let (sign, mag) = value.clone().into_parts();
        GoFloat::rounded(sign == Sign::Minus, mag, 0, false, prec)
    }

    /// `new(big.Float).SetString(text)` for a decimal of value
    /// (-1)^neg × coef × 10^e10, as Go's `scan` computes it: the digits as
    /// one exact integer, the power of two exact, the power of five exact up
    /// to 5^27 and otherwise `pow5` at 128 bits, then one product or
    /// quotient rounded to 64 bits. An integer value (e10 ≥ 0) is rounded
    /// once from its exact digits, as Go does for digit text.
    pub(crate) fn from_decimal(neg: bool, coef: &BigUint, e10: i64) -> GoFloat {
        let prec = OPA_PREC;
        if coef.is_zero() {
            return GoFloat::zero(neg, prec);
        }
        if e10 >= 0 {
            let exact = coef * BigUint::from(10u8).pow(u32::try_from(e10).unwrap_or(u32::MAX));
            return GoFloat::rounded(neg, exact, 0, false, prec);
        }
        let k = e10.unsigned_abs();
        let x = GoFloat {
            neg,
            mant: coef.clone(),
            exp: -(k as i64),
            prec,
        };
        let p = go_pow5(k, prec + 64);
        // z.Quo(z, p): x's full mantissa, p at its own precision, the
        // result at z's 64 bits.
        quo_at(&x, &p, prec)
    }

    pub(crate) fn add(&self, other: &GoFloat) -> GoFloat {
        add_at(self, other, self.prec.max(other.prec))
    }

    pub(crate) fn sub(&self, other: &GoFloat) -> GoFloat {
        let mut neg = other.clone();
        neg.neg = !neg.neg;
        add_at(self, &neg, self.prec.max(other.prec))
    }

    pub(crate) fn mul(&self, other: &GoFloat) -> GoFloat {
        mul_at(self, other, self.prec.max(other.prec))
    }

    /// `z.Mul(z, x)` where z keeps its own precision (OPA's `product`).
    pub(crate) fn mul_in_place(&self, other: &GoFloat) -> GoFloat {
        mul_at(self, other, self.prec)
    }

    pub(crate) fn quo(&self, other: &GoFloat) -> GoFloat {
        quo_at(self, other, self.prec.max(other.prec))
    }

    /// `x.Int(nil)`: truncated toward zero.
    pub(crate) fn trunc(&self) -> BigInt {
        let mag = if self.exp >= 0 {
            &self.mant << (self.exp as u64)
        } else {
            &self.mant >> self.exp.unsigned_abs()
        };
        let sign = if self.neg { Sign::Minus } else { Sign::Plus };
        BigInt::from_biguint(sign, mag)
    }

    /// `x.Cmp(y)` on values (both finite).
    pub(crate) fn cmp_value(&self, other: &GoFloat) -> Ordering {
        let a = self.signed_scaled(other);
        let b = other.signed_scaled(self);
        a.cmp(&b)
    }

    fn signed_scaled(&self, other: &GoFloat) -> BigInt {
        let e = self.exp.min(other.exp);
        let mag = &self.mant << (self.exp - e) as u64;
        let sign = if self.neg { Sign::Minus } else { Sign::Plus };
        BigInt::from_biguint(sign, mag)
    }

    /// The shortest decimal that reads back (at this precision) as this
    /// value: ftoa.go `roundShortest`. None for zero.
    pub(crate) fn shortest(&self) -> Option<Digits> {
        if self.mant.is_zero() {
            return None;
        }
        let mut d = decimal_of(&self.mant, self.exp);
        // Normalise to prec+1 bits, so the lowest bit is half an ulp.
        let n = bits(&self.mant) as i64;
        let want = self.prec as i64 + 1;
        let s = n - want;
        let (mant, exp) = if s < 0 {
            (&self.mant << (-s) as u64, self.exp + s)
        } else {
            (&self.mant >> s as u64, self.exp + s)
        };
        let lower = decimal_of(&(&mant - 1u8), exp);
        let upper = decimal_of(&(&mant + 1u8), exp);
        let inclusive = !mant.bit(1);
        // math/big compares digit positions without aligning the points.
        shorten(&mut d, &lower, &upper, inclusive, false);
        Some(d)
    }
}

fn add_at(x: &GoFloat, y: &GoFloat, prec: u64) -> GoFloat {
    if x.is_zero() && y.is_zero() {
        // Go: -0 + -0 = -0, otherwise +0.
        return GoFloat::zero(x.neg && y.neg, prec);
    }
    if x.is_zero() {
        return GoFloat::rounded(y.neg, y.mant.clone(), y.exp, false, prec);
    }
    if y.is_zero() {
        return GoFloat::rounded(x.neg, x.mant.clone(), x.exp, false, prec);
    }
    let a = x.signed_scaled(y);
    let b = y.signed_scaled(x);
    let e = x.exp.min(y.exp);
    let sum = a + b;
    let (sign, mag) = sum.into_parts();
    if mag.is_zero() {
        return GoFloat::zero(false, prec);
    }
    GoFloat::rounded(sign == Sign::Minus, mag, e, false, prec)
}

fn mul_at(x: &GoFloat, y: &GoFloat, prec: u64) -> GoFloat {
    let neg = x.neg != y.neg;
    if x.is_zero() || y.is_zero() {
        return GoFloat::zero(neg, prec);
    }
    GoFloat::rounded(neg, &x.mant * &y.mant, x.exp + y.exp, false, prec)
}

/// Correctly rounded x / y at `prec` bits (Go's uquo computes at least
/// prec+1 quotient bits and a sticky bit from the remainder).
fn quo_at(x: &GoFloat, y: &GoFloat, prec: u64) -> GoFloat {
    let neg = x.neg != y.neg;
    if x.is_zero() || y.is_zero() {
        return GoFloat::zero(neg, prec);
    }
    let (xb, yb) = (bits(&x.mant) as i64, bits(&y.mant) as i64);
    let shift = (prec as i64 + 2 + yb - xb).max(0) as u64;
    let num = &x.mant << shift;
    let q = &num / &y.mant;
    let r = num - &q * &y.mant;
    GoFloat::rounded(neg, q, x.exp - y.exp - shift as i64, !r.is_zero(), prec)
}

/// Go's `(*Float).pow5` on a Float of precision `prec`: exact table values
/// up to 5^27, beyond that repeated squaring with intermediate rounding.
fn go_pow5(n: u64, prec: u64) -> GoFloat {
    const M: u64 = 27;
    if n <= M {
        return GoFloat::rounded(false, pow5(n), 0, false, prec);
    }
    let mut z = GoFloat::rounded(false, pow5(M), 0, false, prec);
    let mut rest = n - M;
    let mut f = GoFloat::rounded(false, BigUint::from(5u8), 0, false, prec + 64);
    while rest > 0 {
        if rest & 1 != 0 {
            z = mul_at(&z, &f, z.prec);
        }
        f = mul_at(&f, &f, f.prec);
        rest >>= 1;
    }
    z
}

/// Exact decimal digits of mant × 2^exp (Go's decimal.init, trailing zeros
/// trimmed).
fn decimal_of(mant: &BigUint, exp: i64) -> Digits {
    if mant.is_zero() {
        return Digits {
            mant: Vec::new(),
            exp: 0,
        };
    }
    let (n, point_shift) = if exp >= 0 {
        (mant << exp as u64, 0i64)
    } else {
        let k = exp.unsigned_abs();
        (mant * pow5(k), k as i64)
    };
    let text = n.to_str_radix(10);
    let mut digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
    let exp = digits.len() as i64 - point_shift;
    while digits.last() == Some(&0) {
        digits.pop();
    }
    Digits { mant: digits, exp }
}

impl Digits {
    fn at(&self, i: usize) -> u8 {
        self.mant.get(i).copied().unwrap_or(0)
    }

    fn trim(&mut self) {
        while self.mant.last() == Some(&0) {
            self.mant.pop();
        }
        if self.mant.is_empty() {
            self.exp = 0;
        }
    }

    fn should_round_up(&self, n: usize) -> bool {
        if self.mant[n] == 5 && n + 1 == self.mant.len() {
            return n > 0 && self.mant[n - 1] & 1 != 0;
        }
        self.mant[n] >= 5
    }

    fn round(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        if self.should_round_up(n) {
            self.round_up(n);
        } else {
            self.round_down(n);
        }
    }

    fn round_up(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let mut n = n;
        while n > 0 && self.mant[n - 1] >= 9 {
            n -= 1;
        }
        if n == 0 {
            self.mant.truncate(1);
            self.mant[0] = 1;
            self.exp += 1;
            return;
        }
        self.mant[n - 1] += 1;
        self.mant.truncate(n);
    }

    fn round_down(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        self.mant.truncate(n);
        self.trim();
    }

    /// The digits of coef × 10^e (coef without trailing zeros).
    pub(crate) fn from_parts(coef: &BigUint, e: i64) -> Digits {
        let text = coef.to_str_radix(10);
        let mant: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        let exp = e + mant.len() as i64;
        let mut d = Digits { mant, exp };
        d.trim();
        d
    }

    /// (coefficient, exponent of 10): value = coef × 10^e.
    pub(crate) fn coefficient(&self) -> (BigUint, i64) {
        let text: String = self.mant.iter().map(|d| char::from(b'0' + d)).collect();
        let coef = BigUint::parse_bytes(text.as_bytes(), 10).unwrap_or_default();
        (coef, self.exp - self.mant.len() as i64)
    }

    /// Go's `Text('g', -1)` of these shortest digits (without the sign).
    pub(crate) fn text_g(&self) -> String {
        let digits: String = self.mant.iter().map(|d| char::from(b'0' + d)).collect();
        if digits.is_empty() {
            return "0".into();
        }
        let exp = self.exp - 1;
        if exp < -4 || exp >= 6 {
            let mut s = String::new();
            s.push_str(&digits[..1]);
            if digits.len() > 1 {
                s.push('.');
                s.push_str(&digits[1..]);
            }
            s.push('e');
            s.push(if exp < 0 { '-' } else { '+' });
            let e = exp.unsigned_abs();
            if e < 10 {
                s.push('0');
            }
            s.push_str(&e.to_string());
            return s;
        }
        if self.exp <= 0 {
            let mut s = String::from("0.");
            for _ in 0..(-self.exp) {
                s.push('0');
            }
            s.push_str(&digits);
            s
        } else {
            let e = self.exp as usize;
            if digits.len() <= e {
                let mut s = digits.clone();
                for _ in digits.len()..e {
                    s.push('0');
                }
                s
            } else {
                let mut s = String::from(&digits[..e]);
                s.push('.');
                s.push_str(&digits[e..]);
                s
            }
        }
    }
}

/// The shortest decimal of |f| as Go's strconv writes a float64
/// (`FormatFloat(f, 'g', -1, 64)`), which conftest's inputs and OPA's
/// sprintf go through. Rust's `{:e}` differs on exact ties:
/// 900719925474099.25 is `...99.3` in Rust and `...99.2` in Go (the digit
/// rounds to even). None for zero and non-finite values.
pub(crate) fn go_shortest_f64(f: f64) -> Option<Digits> {
    if !f.is_finite() || f == 0.0 {
        return None;
    }
    let bits = f.abs().to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, exp) = if raw_exp == 0 {
        (frac, -1074i64)
    } else {
        (frac | (1u64 << 52), raw_exp - 1075)
    };
    let m = BigUint::from(mant);
    let mut d = decimal_of(&m, exp);
    // Bounds halfway to the neighbours; below a power of two the lower
    // neighbour is half as far (strconv's mantlo/explo).
    let upper = decimal_of(&(BigUint::from(mant) * 2u8 + 1u8), exp - 1);
    let lower = if mant > (1u64 << 52) || raw_exp <= 1 {
        decimal_of(&(BigUint::from(mant) * 2u8 - 1u8), exp - 1)
    } else {
        decimal_of(&(BigUint::from(mant) * 4u8 - 1u8), exp - 2)
    };
    let inclusive = mant % 2 == 0;
    // strconv aligns digit positions on the decimal point.
    shorten(&mut d, &lower, &upper, inclusive, true);
    Some(d)
}

/// Go's `roundShortest` walk: cut `d` at the first digit where it has
/// left the interval (lower, upper) — the bounds included when
/// `inclusive` — rounding to the nearer end, ties to even. `aligned`: digit
/// i of each bound is read at d's decimal point (strconv), else at the
/// same index (math/big).
fn shorten(d: &mut Digits, lower: &Digits, upper: &Digits, inclusive: bool, aligned: bool) {
    let (shift_l, shift_u) = if aligned {
        (d.exp - lower.exp, d.exp - upper.exp)
    } else {
        (0, 0)
    };
    let digit_at = |x: &Digits, shift: i64, i: usize| -> u8 {
        let j = i as i64 - shift;
        if j < 0 {
            0
        } else {
            x.at(j as usize)
        }
    };
    let len_l = lower.mant.len() as i64 + shift_l;
    let len_u = upper.mant.len() as i64 + shift_u;
    for i in 0..d.mant.len() {
        let m = d.mant[i];
        let l = digit_at(lower, shift_l, i);
        let u = digit_at(upper, shift_u, i);
        let okdown = l != m || (inclusive && (i as i64) + 1 == len_l);
        let okup = m != u && (inclusive || m + 1 < u || (i as i64) + 1 < len_u);
        if okdown && okup {
            d.round(i + 1);
            return;
        } else if okdown {
            d.round_down(i + 1);
            return;
        } else if okup {
            d.round_up(i + 1);
            return;
        }
    }
}

/// `{:e}` of |f| with Go's shortest digits: `9.007199254740992e14`.
pub(crate) fn go_shortest_e(f: f64) -> String {
    match go_shortest_f64(f) {
        None if f.is_finite() => "0e0".to_string(),
        None => alloc::format!("{:e}", f.abs()),
        Some(d) => {
            let digits: String = d.mant.iter().map(|x| char::from(b'0' + x)).collect();
            let exp = d.exp - 1;
            if digits.len() > 1 {
                alloc::format!("{}.{}e{}", &digits[..1], &digits[1..], exp)
            } else {
                alloc::format!("{digits}e{exp}")
            }
        }
    }
}
