//! Dates as pushgate prints and stores them; a leaf module (audit, git and
//! signature all format times, none should import another for it).

use std::time::SystemTime;

/// A date for messages: `2025-06-30`.
pub fn day(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant), valid for the proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// git's time with its offset, as RFC 3339 (`2025-06-30T14:03:00+02:00`).
pub fn rfc3339(t: git2::Time) -> String {
    let offset = t.offset_minutes();
    let local = t.seconds() + i64::from(offset) * 60;
    let day = day(std::time::UNIX_EPOCH + std::time::Duration::from_secs(local.max(0) as u64));
    let secs = local.rem_euclid(86_400);
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{day}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        offset.abs() / 60,
        offset.abs() % 60
    )
}
