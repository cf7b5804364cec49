//! Wall-clock milliseconds, JavaScript's `Date#toUTCString()` (which Clerk's claim messages embed), and the
//! `Expires` dates of the `Set-Cookie` directives Clerk sends.

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

/// The time of a cookie `Expires` date in the form Clerk's Frontend API writes (IMF-fixdate, `Thu, 01 Jan 1970
/// 00:00:00 GMT`; the Netscape spelling `01-Jan-1970` too), in ms since the epoch. The weekday is not checked (browsers
/// ignore it). `None` for anything else: the caller refuses a date it cannot read rather than guess what a browser
/// would make of it.
pub fn parse_cookie_date(text: &str) -> Option<f64> {
    let (weekday, rest) = text.trim().split_once(", ")?;
    if weekday.len() != 3 || !weekday.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let parts: Vec<&str> = rest.split(' ').collect();
    let (date, time, zone) = match parts.as_slice() {
        [d, m, y, time, zone] => ([*d, *m, *y], *time, *zone),
        [date, time, zone] => {
            let mut dmy = date.split('-');
            let date = [dmy.next()?, dmy.next()?, dmy.next()?];
            if dmy.next().is_some() {
                return None;
            }
            (date, *time, *zone)
        }
        _ => return None,
    };
    if zone != "GMT" {
        return None;
    }
    from_parts(date, time)
}

fn from_parts([day, month, year]: [&str; 3], time: &str) -> Option<f64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let number = |s: &str, len: usize| -> Option<i64> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let day = number(day, 2)?;
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let year = number(year, 4)?;
    let mut hms = time.split(':');
    let (h, m, s) = (number(hms.next()?, 2)?, number(hms.next()?, 2)?, number(hms.next()?, 2)?);
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + h * 3600 + m * 60 + s) * 1000) as f64)
}

/// (year, month 1..=12, day 1..=31) → days since 1970-01-01, proleptic Gregorian (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
