//! Wall-clock milliseconds and JavaScript's `Date#toUTCString()`, which Clerk's claim messages embed.

use std::time::{SystemTime, UNIX_EPOCH};

/// The largest |time value| a JavaScript `Date` can hold (ECMAScript §21.4.1.22).
pub const MAX_JS_DATE_MS: f64 = 8.64e15;

pub fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as f64).unwrap_or(0.0)
}

/// `new Date(ms).toUTCString()`, e.g. `Thu, 01 Jan 1970 00:00:00 GMT`.
pub fn utc_string(ms: f64) -> String {
    if !ms.is_finite() || ms.abs() > MAX_JS_DATE_MS {
        return "Invalid Date".to_owned();
    }
    let ms = ms.trunc() as i64;
    let days = ms.div_euclid(86_400_000);
    let secs_of_day = ms.rem_euclid(86_400_000) / 1000;
    let (year, month, day) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let weekday = WEEKDAYS[days.rem_euclid(7) as usize];
    // ECMAScript DateString: a sign, then the absolute year padded to at least four digits ("-0001", "-271821").
    let year = if year < 0 { format!("-{:04}", -year) } else { format!("{year:04}") };
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        MONTHS[(month - 1) as usize],
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60
    )
}

/// Days since 1970-01-01 → (year, month 1..=12, day 1..=31), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
