//! Dates as pushgate prints, stores and reads them; a leaf module (audit,
//! git and signature all format times, none should import another for it).
//! On jiff rather than hand-written calendar code: it parses RFC 3339 with
//! any offset (an operator's `--since 2026-06-30T14:00:00+02:00`), which a
//! string comparison against stored UTC times got wrong.

use std::time::SystemTime;

use jiff::{tz, Timestamp};

/// A date for messages: `2025-06-30` (UTC).
pub fn day(t: SystemTime) -> String {
    Timestamp::try_from(t)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%d")
        .to_string()
}

/// git's time with its offset, as RFC 3339 (`2025-06-30T14:03:00+02:00`).
/// An offset git stores but RFC 3339 cannot say (a hand-made commit's
/// `+9959`) is given as the same instant in UTC.
pub fn rfc3339(t: git2::Time) -> String {
    let Ok(ts) = Timestamp::from_second(t.seconds()) else {
        return "0000-01-01T00:00:00Z".into();
    };
    match tz::Offset::from_seconds(t.offset_minutes().saturating_mul(60)) {
        Ok(offset) => ts
            .to_zoned(tz::TimeZone::fixed(offset))
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        Err(_) => utc(ts),
    }
}

/// A Unix time as the audit log stores times (UTC, whole seconds).
pub fn utc_of(seconds: i64) -> String {
    utc(Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH))
}

/// Seconds since the epoch of a time the audit log stored (or any RFC
/// 3339 time); `None` for text that is not one.
pub fn seconds_of(t: &str) -> Option<i64> {
    t.parse::<Timestamp>().ok().map(|ts| ts.as_second())
}

/// Now, as the audit log stores times: `2026-12-02T21:45:00Z`.
pub fn now_utc() -> String {
    utc(Timestamp::now())
}

/// The clock rollout dates are read against (`enforce_from`, exception
/// expiry): now, or `PUSHGATE_NOW` (RFC 3339 or
/// YYYY-MM-DD) when set, so that tests and operators rehearsing a date
/// (`PUSHGATE_NOW=2027-01-15 pushgate check ...`) see what that day will
/// decide. Only these dates move: signatures are judged against the real
/// clock. A value that is not a time is an error, never "now".
pub fn rollout_now() -> Result<Timestamp, String> {
    match std::env::var("PUSHGATE_NOW") {
        Err(std::env::VarError::NotPresent) => Ok(Timestamp::now()),
        Err(std::env::VarError::NotUnicode(_)) => Err("PUSHGATE_NOW is not UTF-8".into()),
        Ok(t) => parse_bound(&t)
            .ok()
            .and_then(|t| t.parse::<Timestamp>().ok())
            .ok_or_else(|| format!("PUSHGATE_NOW=`{t}` is not a time: use RFC 3339 or YYYY-MM-DD")),
    }
}

/// The UTC calendar day of `t`.
pub fn utc_day(t: Timestamp) -> jiff::civil::Date {
    t.to_zoned(tz::TimeZone::UTC).date()
}

/// A `YYYY-MM-DD` date as config files write it (the calendar day, UTC).
pub fn parse_day(t: &str) -> Option<jiff::civil::Date> {
    if t.len() != 10 {
        return None;
    }
    t.parse::<jiff::civil::Date>().ok()
}

fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// An operator's time bound (`--since`, `--until`): RFC 3339 with any
/// offset, or `YYYY-MM-DD` (midnight UTC), as the audit log stores times
/// (UTC, whole seconds), so that comparing them as text is comparing
/// instants.
pub fn parse_bound(t: &str) -> Result<String, String> {
    let bad = || {
        format!("`{t}` is not a date: use RFC 3339 (2025-06-30T14:00:00Z, or with an offset: +02:00) or YYYY-MM-DD")
    };
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        if t.len() == 10 {
            return Ok(format!("{}T00:00:00Z", d.strftime("%Y-%m-%d")));
        }
    }
    t.parse::<Timestamp>().map(utc).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_instants_and_git_offsets_survive() {
        assert_eq!(
            parse_bound("2026-12-01T10:00:00+02:00").unwrap(),
            "2026-12-01T08:00:00Z"
        );
        assert_eq!(
            parse_bound("2026-12-01T10:00:00.7Z").unwrap(),
            "2026-12-01T10:00:00Z"
        );
        assert_eq!(parse_bound("2026-12-01").unwrap(), "2026-12-01T00:00:00Z");
        for bad in [
            "yesterday",
            "2026-13-01",
            "2026-12-01T25:00:00Z",
            "2026-12-01 10:00",
        ] {
            assert!(parse_bound(bad).is_err(), "{bad}");
        }
        assert_eq!(
            rfc3339(git2::Time::new(1_750_000_000, 120)),
            "2025-06-15T17:06:40+02:00"
        );
        assert_eq!(
            rfc3339(git2::Time::new(1_750_000_000, -330)),
            "2025-06-15T09:36:40-05:30"
        );
        assert_eq!(
            rfc3339(git2::Time::new(1_750_000_000, 99 * 60 + 59)),
            "2025-06-15T15:06:40Z"
        );
        assert_eq!(
            day(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_750_000_000)),
            "2025-06-15"
        );
    }
}
