//! Encoded text, decoded as gitleaks decodes it (its detect/codec): runs of
//! percent-encoding, `U+XXXX`/`\uXXXX` escapes, hex and base64 are found
//! with one expression, decoded where the result is printable ASCII (any
//! text, for escapes), and put in place of the encoded run; the rules run
//! again on the result, and a match counts when it touches a run decoded
//! at that level. Five levels, gitleaks' default `--max-decode-depth`.
//! A secret base64-encoded in a ConfigMap is a secret.
//!
//! Each level only shrinks the text (every encoding is longer than what
//! it encodes), so the levels together cost at most a few scans of it.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use regex::Regex;

/// gitleaks' default `--max-decode-depth`.
pub const MAX_DEPTH: usize = 5;

/// The encodings, in gitleaks' order: that order is their precedence
/// where two runs touch (percent first).
const KINDS: [&str; 4] = ["percent", "unicode", "hex", "base64"];

/// The four patterns, each a named group, as gitleaks joins them.
const PATTERN: &str = r"(?P<percent>%[0-9A-Fa-f]{2}(?:.*%[0-9A-Fa-f]{2})?)|(?P<unicode>(?:(?:U\+[a-fA-F0-9]{4}(?:\s|$))+|(?i)(?:\\{1,2}u[a-fA-F0-9]{4})+))|(?P<hex>[0-9A-Fa-f]{32,})|(?P<base64>[\w\/+-]{16,}={0,2})";

/// The unicode alternative, matching a whole text.
const UNICODE_WHOLE: &str = r"^(?:(?:U\+[a-fA-F0-9]{4}(?:\s|$))+|(?i)(?:\\{1,2}u[a-fA-F0-9]{4})+)$";

/// One decoded run: where it was (in the previous level's text), where its
/// decoding is (in this level's), and how.
#[derive(Debug, Clone)]
pub struct Segment {
    pub encoded: (usize, usize),
    pub decoded: (usize, usize),
    /// Bits of KINDS: this run's, and those of runs it was decoded out of.
    pub kinds: u8,
}

/// One level: its text, and the runs decoded into it.
pub struct Level {
    pub text: String,
    pub segments: Vec<Segment>,
    /// After run `i`: how much shorter this text is than the previous
    /// level's, up to there.
    shrunk: Vec<isize>,
}

pub struct Decoder {
    re: Regex,
    /// The unicode alternative alone, anchored: which kind a match is.
    unicode: Regex,
}

fn printable(b: &[u8]) -> bool {
    b.iter().all(|c| (0x09..0x7f).contains(c))
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn percent(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex_value(b[i + 1]), hex_value(b[i + 2])) {
                let v = h << 4 | l;
                if !printable(&[v]) {
                    return None;
                }
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn hex(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) || !b.iter().any(u8::is_ascii_digit) {
        return None;
    }
    let out: Option<Vec<u8>> = b
        .chunks(2)
        .map(|p| Some(hex_value(p[0])? << 4 | hex_value(p[1])?))
        .collect();
    out.filter(|o| printable(o))
        .and_then(|o| String::from_utf8(o).ok())
}

const STD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);
const URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Go's StdEncoding, then RawURLEncoding: lenient about trailing bits, as
/// Go's decoders are by default.
fn base64(s: &str) -> Option<String> {
    if !s
        .bytes()
        .any(|c| c.is_ascii_digit() || matches!(c, b'+' | b'/' | b'-' | b'_'))
    {
        return None;
    }
    [STD.decode(s).ok(), URL.decode(s).ok()]
        .into_iter()
        .flatten()
        .find(|d| printable(d))
        .and_then(|d| String::from_utf8(d).ok())
}

/// `U+0041 U+0042` or `\u0041\u0042`: the characters (what the encoding
/// pattern matched is always one of the two forms).
fn unicode(s: &str) -> Option<String> {
    let char_of = |h: &str| {
        u32::from_str_radix(h, 16)
            .ok()
            .map(|v| char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER))
    };
    let out: String = if s.starts_with("U+") {
        s.split_whitespace()
            .filter(|cp| cp.starts_with("U+") && cp.len() >= 6)
            .filter_map(|cp| cp.get(2..6).and_then(char_of))
            .collect()
    } else {
        s.split(['\\'])
            .filter(|p| p.len() >= 5 && (p.starts_with('u') || p.starts_with('U')))
            .filter_map(|p| p.get(1..5).and_then(char_of))
            .collect()
    };
    (!out.is_empty()).then_some(out)
}

/// gitleaks' `overlaps`: touching counts.
pub fn touch(a: (usize, usize), b: (usize, usize)) -> bool {
    b.0 <= a.1 && b.1 >= a.0
}

impl Decoder {
    pub fn new() -> Result<Decoder, String> {
        Ok(Decoder {
            re: super::gitleaks::compile(PATTERN)?,
            unicode: super::gitleaks::compile(UNICODE_WHOLE)?,
        })
    }

    /// Which alternative of PATTERN matched `t`, an index of KINDS: a `%`
    /// starts only the percent one; the unicode one, tried before hex and
    /// base64, matched if the whole match is of its form; a run of 32 or
    /// more hex digits is hex (tried before base64); else base64.
    fn kind_of(&self, t: &str) -> usize {
        if t.starts_with('%') {
            0
        } else if (t.starts_with('U') || t.starts_with('\\')) && self.unicode.is_match(t) {
            1
        } else if t.len() >= 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            2
        } else {
            3
        }
    }

    /// The next level of `prev` (whose own runs are `preds`), or None when
    /// nothing in it decodes.
    pub fn level(&self, prev: &str, preds: &[Segment]) -> Option<Level> {
        // (kind, start, end), in order; the kind read off the match (no
        // captures: a text has a run per long word).
        let mut all: Vec<(usize, usize, usize)> = Vec::new();
        for m in self.re.find_iter(prev) {
            all.push((self.kind_of(m.as_str()), m.start(), m.end()));
        }
        // Where two runs touch, the higher precedence (earlier kind) wins.
        let keep: Vec<(usize, usize, usize)> = if all.len() == 1 {
            all
        } else {
            (0..all.len())
                .filter(|&i| {
                    let (k, s, e) = all[i];
                    let beaten = |j: usize| {
                        let (k2, s2, e2) = all[j];
                        touch((s, e), (s2, e2)) && k2 < k
                    };
                    !((i > 0 && beaten(i - 1)) || (i + 1 < all.len() && beaten(i + 1)))
                })
                .map(|i| all[i])
                .collect()
        };
        let mut text = String::with_capacity(prev.len());
        let mut segments = Vec::new();
        let mut from = 0;
        for (k, s, e) in keep {
            let encoded = &prev[s..e];
            let Some(value) = (match k {
                0 => percent(encoded),
                1 => unicode(encoded),
                2 => hex(encoded),
                _ => base64(encoded),
            })
            .filter(|v| !v.is_empty()) else {
                continue;
            };
            text.push_str(&prev[from..s]);
            let start = text.len();
            text.push_str(&value);
            let mut kinds = 1u8 << k;
            // The previous level's runs are in order: only those around
            // this one can touch it (a scan of all of them per run would
            // make nested encodings quadratic).
            let first = preds.partition_point(|p| p.decoded.1 < s);
            for p in &preds[first..] {
                if p.decoded.0 > e {
                    break;
                }
                if touch((s, e), p.decoded) {
                    kinds |= p.kinds;
                }
            }
            segments.push(Segment {
                encoded: (s, e),
                decoded: (start, text.len()),
                kinds,
            });
            from = e;
        }
        if segments.is_empty() {
            return None;
        }
        text.push_str(&prev[from..]);
        let mut total = 0isize;
        let shrunk = segments
            .iter()
            .map(|s| {
                total +=
                    (s.encoded.1 - s.encoded.0) as isize - (s.decoded.1 - s.decoded.0) as isize;
                total
            })
            .collect();
        Some(Level {
            text,
            segments,
            shrunk,
        })
    }
}

/// Where a position of the last level's text was in the original text:
/// inside a decoded run, the run's start; between runs, shifted back by
/// what the runs before it changed; level by level.
pub fn original(levels: &[Level], mut pos: usize) -> usize {
    for level in levels.iter().rev() {
        let segs = &level.segments;
        let i = segs.partition_point(|s| s.decoded.0 <= pos);
        if i > 0 && pos < segs[i - 1].decoded.1 {
            pos = segs[i - 1].encoded.0;
            continue;
        }
        // Runs wholly before `pos` moved the rest by what they changed.
        let moved = if i > 0 { level.shrunk[i - 1] } else { 0 };
        pos = pos.saturating_add_signed(moved);
    }
    pos
}

/// The encodings' names, for a finding.
pub fn names(kinds: u8) -> String {
    KINDS
        .iter()
        .enumerate()
        .filter(|(i, _)| kinds & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join("+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_as_gitleaks_codec_decodes() {
        assert_eq!(
            base64("Z2hwX1I4YVpxMkx3OXhQZTRUYjdZYzFWbjNNZDZLZjBIczVHajJR").as_deref(),
            Some("ghp_R8aZq2Lw9xPe4Tb7Yc1Vn3Md6Kf0Hs5Gj2Q")
        );
        // Not printable: not decoded.
        assert_eq!(base64("AAECAwQFBgcICQoLDA0ODw=="), None);
        // No digit nor + / - _: not even tried (gitleaks' likely chars).
        assert_eq!(base64("abcdefghijklmnop"), None);
        assert_eq!(
            hex("6465636F6465642D7365637265742D76616C7565").as_deref(),
            Some("decoded-secret-value")
        );
        assert_eq!(
            percent("decoded-%73%65%63%72%65%74-x").as_deref(),
            Some("decoded-secret-x")
        );
        assert_eq!(unicode("\\u0041\\u0042").as_deref(), Some("AB"));
        assert_eq!(unicode("U+0041 U+0042").as_deref(), Some("AB"));
    }

    #[test]
    fn the_kind_read_off_a_match_is_the_group_that_matched() {
        let d = Decoder::new().unwrap();
        // One line each: the percent pattern runs to a line's last `%XX`.
        let text = [
            "a %41%42 b",
            "U+0041 U+0042 \\u0041\\U0042",
            "U+0041abcdefghijklmnop",
            "6465636F6465642D7365637265742D76616C7565 6465636F6465642D7365637265742D76616C7565zz",
            "ZGVjb2RlZC1zZWNyZXQ= deadbeefdeadbeefdeadbeefdeadbeef/x %zz c21hbGwtc2VjcmV0",
            "Z2hwX1I4YVpxMkx3OXhQZTRUYjdZYzFWbjNNZDZLZjBIczVHajJR%41",
        ]
        .join("\n");
        let text = text.as_str();
        let by_groups: Vec<(usize, usize, usize)> =
            d.re.captures_iter(text)
                .flat_map(|c| {
                    (0..KINDS.len())
                        .filter_map(|k| c.get(k + 1).map(|m| (k, m.start(), m.end())))
                        .collect::<Vec<_>>()
                })
                .collect();
        let mut ours = Vec::new();
        for m in d.re.find_iter(text) {
            ours.push((d.kind_of(m.as_str()), m.start(), m.end()));
        }
        assert_eq!(ours, by_groups);
        assert!(
            ours.iter()
                .map(|x| x.0)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                == 4
        );
    }

    #[test]
    fn levels_and_positions() {
        let d = Decoder::new().unwrap();
        // base64 of "secret=6465636F6465642D7365637265742D76616C7565" (hex inside).
        let text = "a\nx c2VjcmV0PTY0NjU2MzZGNjQ2NTY0MkQ3MzY1NjM3MjY1NzQyRDc2NjE2Qzc1NjU= y\n";
        let l1 = d.level(text, &[]).unwrap();
        assert!(l1.text.contains("secret=6465636F"), "{}", l1.text);
        let l2 = d.level(&l1.text, &l1.segments).unwrap();
        assert!(
            l2.text.contains("secret=decoded-secret-value"),
            "{}",
            l2.text
        );
        assert_eq!(names(l2.segments[0].kinds), "hex+base64");
        let at = l2.text.find("decoded-secret").unwrap();
        let levels = [l1, l2];
        assert_eq!(original(&levels, at), 4);
        // After the runs: shifted back to the same character.
        let y = levels[1].text.find(" y").unwrap();
        assert_eq!(&text[original(&levels, y)..][..2], " y");
    }
}
