//! The hostile banks of `tests/hostile_bank.rs`, one function per behaviour, served on loopback
//! in background threads that end with the test process.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The persona's token: it holds characters that URL and JSON encodings change.
pub const TOKEN: &str = "hostile/secret+\"tok\"-1234";

/// Serves every connection on a loopback port with `behave`, in background threads that end with
/// the test process.
pub fn serve(behave: fn(TcpStream)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || behave(stream));
        }
    });
    port
}

/// The request's head, as text (a few KB at most).
pub fn read_request(stream: &mut impl Read) -> String {
    let mut buf = vec![0u8; 16 * 1024];
    let mut n = 0;
    while n < buf.len() {
        match stream.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
        if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

pub fn timed(stream: &mut TcpStream) -> String {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    read_request(stream)
}

/// Answers `status` with `headers` and `body`.
pub fn answer(stream: &mut impl Write, status: &str, headers: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

pub fn garbage(mut s: TcpStream) {
    timed(&mut s);
    let _ = s.write_all(b"THIS IS NOT HTTP AT ALL\r\n\r\n");
}

pub fn endless(mut s: TcpStream) {
    timed(&mut s);
    let _ = s.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
    );
    let chunk = vec![b'['; 64 * 1024];
    // 10 MiB at most, then stop: the client must give up first, at its 8 MiB cap.
    for _ in 0..160 {
        if s.write_all(&chunk).is_err() {
            return;
        }
    }
}

pub fn silent(mut s: TcpStream) {
    timed(&mut s);
    std::thread::sleep(Duration::from_secs(30));
}

pub fn drip_feed(mut s: TcpStream) {
    timed(&mut s);
    for b in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        .iter()
        .cycle()
        .take(120)
    {
        if s.write_all(&[*b]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

pub fn huge_body(mut s: TcpStream) {
    timed(&mut s);
    let body = format!("{{\"accounts\":[{}]}}", "{\"x\":1},".repeat(600_000));
    answer(
        &mut s,
        "200 OK",
        "Content-Type: application/json\r\n",
        body.as_bytes(),
    );
}

pub fn huge_header(mut s: TcpStream) {
    timed(&mut s);
    let header = format!("X-Huge: {}\r\n", "h".repeat(100 * 1024));
    answer(&mut s, "200 OK", &header, b"{}");
}

pub fn invalid_json(mut s: TcpStream) {
    timed(&mut s);
    answer(
        &mut s,
        "200 OK",
        "Content-Type: application/json\r\n",
        b"{\"accounts\": [ {\"iban\": ",
    );
}

pub fn control_bytes(mut s: TcpStream) {
    timed(&mut s);
    let body =
        b"\x00\x01\x02\x07\x08\x0b\x0c\x0e\x1f\x7f\xc2\x85\xc2\x9b\xef\xbf\xbe\xe2\x80\xae text";
    answer(&mut s, "400 Bad Request", "X-Bytes: a\u{9b}b\r\n", body);
}

pub fn cdata_injection(mut s: TcpStream) {
    timed(&mut s);
    let body = "]]></system-out><testcase name=\"forged\" classname=\"forged\"/><system-out><![CDATA[ \
                --></script><script>alert(1)</script><!-- </pre><img src=x>";
    answer(
        &mut s,
        "403 Forbidden",
        "X-Inject: ]]><forged/>\r\n",
        body.as_bytes(),
    );
}

pub fn terminal_escapes(mut s: TcpStream) {
    timed(&mut s);
    let body = "\x1b[2J\x1b[H\x1b[1A\x1b[2K  ok   all passed\x1b]0;pwned\x07\r\x1b[31m\u{9b}31m";
    answer(
        &mut s,
        "403 Forbidden",
        "X-Esc: \u{9b}2J\r\n",
        body.as_bytes(),
    );
}

pub fn reset(s: TcpStream) {
    // Closing with the request unread makes the kernel answer with a reset.
    std::thread::sleep(Duration::from_millis(50));
    drop(s);
}

pub fn redirect_loop(mut s: TcpStream) {
    let request = timed(&mut s);
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    answer(&mut s, "302 Found", &format!("Location: {path}\r\n"), b"");
}

pub fn always_500(mut s: TcpStream) {
    timed(&mut s);
    answer(
        &mut s,
        "500 Internal Server Error",
        "Content-Type: application/json\r\n",
        b"{\"error\":\"internal\"}",
    );
}

/// The encoded forms of [`TOKEN`] a bank may reflect, each inside a longer text.
pub fn reflections() -> Vec<String> {
    let jwt_payload = URL_SAFE_NO_PAD.encode(format!("{{\"sub\":\"LEA\",\"tok\":{:?}}}", TOKEN));
    vec![
        STANDARD.encode(format!("Bearer {TOKEN}")),
        STANDARD.encode(format!("x{TOKEN}")),
        URL_SAFE_NO_PAD.encode(format!("xy{TOKEN}")),
        format!("eyJhbGciOiJub25lIn0.{jwt_payload}.c2ln"),
        urlencode(TOKEN),
        serde_json::to_string(TOKEN).unwrap(),
    ]
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

pub fn reflector(mut s: TcpStream) {
    let request = timed(&mut s);
    if !request.contains(TOKEN) {
        answer(&mut s, "404 Not Found", "", b"");
        return;
    }
    let lines: Vec<String> = reflections();
    let body = format!("not JSON; the bank reflects: {}", lines.join(" | "));
    let header = format!("X-Reflect: {}\r\n", lines[1]);
    answer(&mut s, "403 Forbidden", &header, body.as_bytes());
}

/// A TLS server with `cert` (DER) and `key` (PKCS#8 DER) that answers 200 to whoever gets past
/// the handshake.
pub fn serve_tls(cert: Vec<u8>, key: Vec<u8>) -> u16 {
    obconf::tls::install_crypto_provider();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls_pki_types::CertificateDer::from(cert)],
            rustls_pki_types::PrivateKeyDer::Pkcs8(key.into()),
        )
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                read_request(&mut tls);
                answer(&mut tls, "200 OK", "", b"{}");
            });
        }
    });
    port
}

/// A certificate for 127.0.0.1: self-signed (no one trusts it), or signed by a CA whose PEM is
/// returned and expired since 2020.
pub fn certificate(expired: bool) -> (Vec<u8>, Vec<u8>, Option<String>) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    if !expired {
        let cert = params.self_signed(&key).unwrap();
        return (cert.der().to_vec(), key.serialize_der(), None);
    }
    params.not_before = rcgen::date_time_ymd(2019, 1, 1);
    params.not_after = rcgen::date_time_ymd(2020, 1, 1);
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let cert = params.signed_by(&key, &issuer).unwrap();
    (cert.der().to_vec(), key.serialize_der(), Some(ca.pem()))
}
