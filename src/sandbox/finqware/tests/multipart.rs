//! The bank's multipart parser: what a client library sends parses part by part, bytes intact,
//! and what is malformed is a 400, never a panic.

use super::super::reply::ApiError;
use super::super::upload::{Part, parse_multipart};
use super::*;

#[test]
fn parts_keep_their_names_filenames_types_and_bytes() {
    let body = multipart(&[
        ("client_id", None, b"tenant-1"),
        ("file", Some("id card.png"), b"\x00\r\n\xff--x"),
    ]);
    let parts = parse_multipart(&body, BOUNDARY).expect("a valid body");
    assert_eq!(
        parts,
        vec![
            Part {
                name: "client_id".into(),
                filename: None,
                content_type: None,
                bytes: b"tenant-1".to_vec(),
            },
            Part {
                name: "file".into(),
                filename: Some("id card.png".into()),
                content_type: Some("image/png".into()),
                bytes: b"\x00\r\n\xff--x".to_vec(),
            },
        ]
    );
}

#[test]
fn a_preamble_and_an_empty_body_are_handled() {
    let mut body = b"preamble text\r\n".to_vec();
    body.extend(multipart(&[("a", None, b"")]));
    let parts = parse_multipart(&body, BOUNDARY).expect("a valid body");
    assert_eq!(parts.len(), 1);
    assert!(parts[0].bytes.is_empty());
    let closed_only = format!("--{BOUNDARY}--\r\n");
    assert!(matches!(parse_multipart(closed_only.as_bytes(), BOUNDARY), Ok(p) if p.is_empty()));
}

#[test]
fn malformed_bodies_are_bad_requests() {
    let good = multipart(&[("file", Some("f.png"), b"abc")]);
    let cut = &good[..good.len() - 12];
    let nameless =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{BOUNDARY}--");
    let garbage = format!("--{BOUNDARY}garbage");
    let cases: [&[u8]; 5] = [
        b"",
        b"no boundary anywhere",
        cut,
        nameless.as_bytes(),
        garbage.as_bytes(),
    ];
    for body in cases {
        let outcome = parse_multipart(body, BOUNDARY);
        assert!(
            matches!(outcome, Err(ApiError::BadRequest(_))),
            "{outcome:?} for {:?}",
            String::from_utf8_lossy(body)
        );
    }
}
