//! The healthy STET bank's transaction history: 204 on an empty window, the 62-day bound, the
//! dateFrom/dateTo window and the accepted date forms. These tests must never activate a fault.

use axum::http::StatusCode;
use chrono::Days;

use super::*;
use crate::sandbox::stet::dates::{DateForm, parse_date};

#[tokio::test]
async fn claire_zero_account_has_no_transactions() {
    let env = Env::healthy();
    let token = env.consented("CLAIRE").await;
    let reply = env
        .get(&token, &transactions_path("CLAIRE", "zero-balance"))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(reply.body.is_empty());
    let positive = env
        .get(&token, &transactions_path("CLAIRE", "positive-balance"))
        .await;
    assert_eq!(
        positive.json()["transactions"].as_array().map(Vec::len),
        Some(3)
    );
}

#[tokio::test]
async fn georges_history_is_bounded_to_62_days_newest_first() {
    let env = Env::healthy();
    let token = env.consented("GEORGES").await;
    let body = env
        .get(&token, &transactions_path("GEORGES", "current"))
        .await
        .json();
    let dates = booking_dates(&body);
    let bound = env.today().checked_sub_days(Days::new(62)).expect("date");
    assert_eq!(dates.len(), 13, "days 0..=61 of the 17 booked over 89 days");
    assert!(dates.iter().all(|d| *d >= bound));
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for transaction in body["transactions"].as_array().expect("list") {
        assert!(matches!(
            transaction["status"].as_str(),
            Some("BOOK" | "OTHR")
        ));
        let reference = transaction["entryReference"]
            .as_str()
            .expect("entryReference");
        assert_eq!(reference.len(), 40);
    }
    let other = env
        .get(&token, &transactions_path("GEORGES", "no-entry-reference"))
        .await
        .json();
    let list = other["transactions"].as_array().expect("list");
    assert_eq!(list.len(), 4);
    assert!(list.iter().all(|t| t.get("entryReference").is_none()));
}

#[tokio::test]
async fn date_from_is_inclusive_and_date_to_exclusive() {
    let env = Env::healthy();
    let token = env.consented("GEORGES").await;
    let path = transactions_path("GEORGES", "current");
    let day = |n: u64| env.today().checked_sub_days(Days::new(n)).expect("date");
    let from = env
        .get(&token, &format!("{path}?dateFrom={}", env.days_ago(10)))
        .await
        .json();
    assert_eq!(booking_dates(&from).last(), Some(&day(10)));
    assert_eq!(booking_dates(&from).len(), 6);
    let to = env
        .get(&token, &format!("{path}?dateTo={}", env.days_ago(3)))
        .await
        .json();
    assert_eq!(booking_dates(&to).first(), Some(&day(5)));
    let both = format!(
        "{path}?dateFrom={}&dateTo={}",
        env.days_ago(10),
        env.days_ago(3)
    );
    let both = env.get(&token, &both).await.json();
    assert_eq!(booking_dates(&both), vec![day(5), day(8), day(10)]);
}

#[tokio::test]
async fn the_documented_date_forms_are_accepted_and_others_refused() {
    let env = Env::healthy();
    let token = env.consented("GEORGES").await;
    let path = transactions_path("GEORGES", "current");
    let date = env.today().checked_sub_days(Days::new(20)).expect("date");
    for suffix in ["", "Z", "%2B0100", "-0230", "%2B01:00", "-02:30", "+01:00"] {
        let query = format!("{path}?dateFrom={date}T10:20:30.456{suffix}");
        let reply = env.get(&token, &query).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}");
        assert_eq!(booking_dates(&reply.json()).last(), Some(&date), "{query}");
    }
    for bad in [
        date.to_string(),
        format!("{date}T10:20:30"),
        format!("{date}T10:20:30.4Z"),
        format!("{date}T10:20:30.4567Z"),
        format!("{date}T10:20:30.456%2B01"),
        format!("{date}T10:20:30.456%2B2400"),
        format!("{date}%2010:20:30.456Z"),
        "2026-02-30T00:00:00.000Z".to_string(),
        "yesterday".to_string(),
        "%FF".to_string(),
    ] {
        for name in ["dateFrom", "dateTo"] {
            let reply = env.get(&token, &format!("{path}?{name}={bad}")).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}={bad}");
        }
    }
}

#[test]
fn parse_date_tells_the_form_and_keeps_the_written_date() {
    let date = |s: &str| parse_date(s).map(|(d, f)| (d.to_string(), f));
    assert_eq!(
        date("2026-03-01T23:59:59.999"),
        Ok(("2026-03-01".into(), DateForm::Local))
    );
    assert_eq!(
        date("2026-03-01T23:59:59.999Z"),
        Ok(("2026-03-01".into(), DateForm::Zulu))
    );
    assert_eq!(
        date("2026-03-01T23:59:59.999-1100"),
        Ok(("2026-03-01".into(), DateForm::OffsetBasic))
    );
    assert_eq!(
        date("2026-03-01T00:00:00.000+14:00"),
        Ok(("2026-03-01".into(), DateForm::OffsetExtended))
    );
    assert!(parse_date("2026-03-01T24:00:00.000Z").is_err());
    assert!(parse_date("2026-03-01T00:00:00.000+01:60").is_err());
    assert!(parse_date("２０２６-03-01T00:00:00.000Z").is_err());
}

#[tokio::test]
async fn a_date_from_beyond_62_days_is_out_of_bound() {
    let env = Env::healthy();
    let token = env.consented("LEA").await;
    let path = transactions_path("LEA", "current");
    let reply = env
        .get(&token, &format!("{path}?dateFrom={}", env.days_ago(63)))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("period out of bound"))
    );
    let edge = env
        .get(&token, &format!("{path}?dateFrom={}", env.days_ago(62)))
        .await;
    assert_eq!(edge.status, StatusCode::OK);
}
