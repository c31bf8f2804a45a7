//! The `dateFrom` / `dateTo` query parameters of the STET transaction history.
//!
//! The BPCE document allows exactly these forms: `YYYY-MM-DDTHH:MM:SS.SSS`, the same with `Z`, with
//! `+HHMM`/`-HHMM` or with `+HH:MM`/`-HH:MM`. Only the calendar date as written counts. The query is
//! percent-decoded WITHOUT turning `+` into a space, so an unencoded offset still parses. This file
//! must never decide which transactions a window holds, and never panic on what a client sends.

use chrono::{NaiveDate, NaiveDateTime};

/// Which of the accepted forms a date parameter was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DateForm {
    /// `YYYY-MM-DDTHH:MM:SS.SSS`
    Local,
    /// `YYYY-MM-DDTHH:MM:SS.SSSZ`
    Zulu,
    /// `YYYY-MM-DDTHH:MM:SS.SSS+HHMM`
    OffsetBasic,
    /// `YYYY-MM-DDTHH:MM:SS.SSS+HH:MM`
    OffsetExtended,
}

/// A date parameter that is none of the accepted forms.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not YYYY-MM-DDTHH:MM:SS.SSS optionally followed by Z, +HHMM or +HH:MM")]
pub(super) struct BadDate {
    pub value: String,
}

/// A query string that cannot be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum BadQuery {
    #[error("the query string has an invalid percent-encoding or is not UTF-8")]
    Encoding,
    #[error("{0} is given more than once")]
    Repeated(&'static str),
}

/// The raw date parameters of a transactions request.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct DateParams {
    pub date_from: Option<String>,
    pub date_to: Option<String>,
}

fn digits(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit)
}

/// Two ASCII digits as a number.
fn two_digits([a, b]: [u8; 2]) -> Option<u32> {
    (a.is_ascii_digit() && b.is_ascii_digit())
        .then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
}

/// Whether `hh` and `mm` make a valid UTC offset.
fn valid_offset(hh: [u8; 2], mm: [u8; 2]) -> bool {
    matches!((two_digits(hh), two_digits(mm)), (Some(h), Some(m)) if h <= 23 && m <= 59)
}

/// Parses one date parameter: its calendar date as written, and its form.
pub(super) fn parse_date(value: &str) -> Result<(NaiveDate, DateForm), BadDate> {
    let bad = || BadDate {
        value: value.to_string(),
    };
    let bytes = value.as_bytes();
    if bytes.len() < 23 {
        return Err(bad());
    }
    let (stamp, suffix) = bytes.split_at(23);
    // YYYY-MM-DDTHH:MM:SS.SSS, position by position, before chrono checks the calendar.
    let shape = [
        (0..4, None),
        (4..5, Some(b'-')),
        (5..7, None),
        (7..8, Some(b'-')),
        (8..10, None),
        (10..11, Some(b'T')),
        (11..13, None),
        (13..14, Some(b':')),
        (14..16, None),
        (16..17, Some(b':')),
        (17..19, None),
        (19..20, Some(b'.')),
        (20..23, None),
    ];
    let shaped = shape.into_iter().all(|(range, separator)| match separator {
        Some(sep) => stamp.get(range) == Some(&[sep][..]),
        None => stamp.get(range).is_some_and(digits),
    });
    if !shaped {
        return Err(bad());
    }
    let text = std::str::from_utf8(stamp).map_err(|_| bad())?;
    let stamp = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.3f").map_err(|_| bad())?;
    let form = match suffix {
        [] => DateForm::Local,
        [b'Z'] => DateForm::Zulu,
        [b'+' | b'-', h1, h2, b':', m1, m2] if valid_offset([*h1, *h2], [*m1, *m2]) => {
            DateForm::OffsetExtended
        }
        [b'+' | b'-', h1, h2, m1, m2] if valid_offset([*h1, *h2], [*m1, *m2]) => {
            DateForm::OffsetBasic
        }
        _ => return Err(bad()),
    };
    Ok((stamp.date(), form))
}

/// Percent-decodes a query component; `+` stays `+`.
fn percent_decode(text: &str) -> Result<String, BadQuery> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(BadQuery::Encoding)?;
            let hex = std::str::from_utf8(hex).map_err(|_| BadQuery::Encoding)?;
            let value = u8::from_str_radix(hex, 16).map_err(|_| BadQuery::Encoding)?;
            out.push(value);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| BadQuery::Encoding)
}

/// Reads `dateFrom` and `dateTo` from a raw query string; other parameters are ignored.
pub(super) fn date_params(query: Option<&str>) -> Result<DateParams, BadQuery> {
    let mut params = DateParams::default();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, slot) = match percent_decode(key)?.as_str() {
            "dateFrom" => ("dateFrom", &mut params.date_from),
            "dateTo" => ("dateTo", &mut params.date_to),
            _ => continue,
        };
        if slot.is_some() {
            return Err(BadQuery::Repeated(name));
        }
        *slot = Some(percent_decode(value)?);
    }
    Ok(params)
}
