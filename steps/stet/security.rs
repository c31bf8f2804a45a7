//! STET's transport rules, on the TPP side: a request altered after it is signed or signed by a key
//! that is not the TPP's QSEAL, the 4-calls-a-day limit without PSU-IP-Address, and the fallback
//! mode of the token endpoint.

use cucumber::{given, then, when};

use super::signing;
use crate::auth::httpsig::Signer;
use crate::http::{Body, Purpose, RequestSpec};
use crate::target::Secret;
use crate::tls::pki::{TestCa, sha256_fingerprint};
use crate::world::{Failure, ObWorld, StepResult};

/// How long obconf serves a throwaway certificate: the one request that names it is sent at once.
const SERVE_FOR: std::time::Duration = std::time::Duration::from_secs(60);

#[given(
    regex = r#"^the next request's "([^"]+)" header is changed to "([^"]*)" after it is signed$"#
)]
async fn changed_after_signing(w: &mut ObWorld, name: String, value: String) {
    w.next_after_signing.push((name, value));
}

/// STET-GEN-02 with a signature that verifies, but by a key that is not the TPP's QSEAL: a
/// throwaway certificate is minted and served on loopback, and the next request is signed by its
/// key with a keyId in the STET form (a URL to the certificate, `_`, its SHA-256 fingerprint). The
/// bank must verify with the QSEAL certificate it holds for the TPP, not with whatever certificate
/// the request points at. A bank on another machine cannot reach the URL; refusing is still the
/// only right answer, and a bank that fetched it is named in the evidence.
#[given(
    "the next request is signed with a key that is not the TPP's QSEAL, its keyId a URL to that key's own certificate"
)]
async fn foreign_key(w: &mut ObWorld) -> StepResult {
    let minting = |e: crate::tls::pki::PkiError| Failure::new(e.to_string());
    let ca = TestCa::mint("obconf throwaway CA").map_err(minting)?;
    // A key of its own slot, minted once per process: never the TPP's, and no RSA keygen for
    // every run of the scenario (the matrix runs it once per fault).
    let cert = ca
        .rsa_key_cert(
            "stet throwaway qseal",
            "obconf throwaway QSEAL",
            "obconf",
            "obconf throwaway TPP",
        )
        .map_err(minting)?;
    let (url, fetched) = serve_certificate(cert.cert_pem.clone())
        .await
        .map_err(|e| Failure::new(format!("could not serve the throwaway certificate: {e}")))?;
    let key_id = format!("{url}_{}", sha256_fingerprint(&cert.cert_der));
    let signer = Signer::from_pem(&Secret::new(cert.key_pem()), key_id)
        .map_err(|e| Failure::new(format!("the throwaway key cannot sign: {e}")))?;
    w.next_resign = Some(Box::new(move |request: &mut RequestSpec| {
        request.remove_header("Signature");
        signing::sign_with(Some(&signer), request)
    }));
    w.keep_state(fetched);
    Ok(())
}

/// How many times the bank fetched the throwaway certificate.
#[derive(Clone, Debug)]
struct Fetched(std::sync::Arc<std::sync::atomic::AtomicUsize>);

/// Serves `pem` to every GET on a loopback port for [`SERVE_FOR`]; returns the URL and a count of
/// the fetches.
async fn serve_certificate(pem: String) -> std::io::Result<(String, Fetched)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/qseal", listener.local_addr()?);
    let fetched = Fetched(Default::default());
    let count = fetched.0.clone();
    tokio::spawn(tokio::time::timeout(SERVE_FOR, async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-pem-file\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{pem}",
                pem.len()
            );
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    }));
    Ok((url, fetched))
}

/// The evidence of the foreign-key check: whether the bank fetched the certificate the keyId named.
#[then("the bank's use of the throwaway certificate is recorded")]
async fn throwaway_recorded(w: &mut ObWorld) -> StepResult {
    let fetched = w
        .state::<Fetched>()
        .ok_or_else(|| Failure::new("no throwaway certificate was served in this scenario"))?
        .0
        .load(std::sync::atomic::Ordering::Relaxed);
    w.note(if fetched == 0 {
        "the bank did not fetch the certificate the keyId named".to_string()
    } else {
        format!("the bank fetched the certificate the keyId named ({fetched} times)")
    });
    Ok(())
}

#[when(
    regex = r"^the TPP sends GET (\S+) without PSU-IP-Address until it is refused, at most (\d+) times$"
)]
async fn until_refused(w: &mut ObWorld, path: String, times: usize) -> StepResult {
    let url = w.api_url(&path)?;
    let mut statuses = Vec::new();
    for _ in 0..times {
        w.next_omit.push("PSU-IP-Address".into());
        let status = w
            .send(RequestSpec::new("GET", url.clone()))
            .await?
            .status()
            .unwrap_or(0);
        statuses.push(status);
        if status != 200 {
            break;
        }
    }
    w.keep_state(Statuses(statuses));
    Ok(())
}

/// The statuses of repeated calls, in order.
#[derive(Clone, Debug)]
struct Statuses(Vec<u16>);

/// Robust to earlier runs the same day: what the rule forbids is a fifth answer, not an early 429.
#[then(
    regex = r"^the calls were refused with HTTP (\d{3}) after at most (\d+) answers HTTP (\d{3})$"
)]
async fn refused_after(w: &mut ObWorld, refused: u16, at_most: usize, ok: u16) -> StepResult {
    let Statuses(statuses) = w
        .state::<Statuses>()
        .cloned()
        .ok_or_else(|| Failure::new("no repeated requests were sent before this check"))?;
    let successes = statuses.iter().take_while(|s| **s == ok).count();
    let last = statuses.last().copied().unwrap_or(0);
    if successes <= at_most && last == refused {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("at most {at_most} x HTTP {ok}, then HTTP {refused}"),
            format!("statuses {statuses:?}"),
        ))
    }
}

#[when(
    regex = r"^the TPP asks the token endpoint for a client-credentials token of scope (\w+) in fallback mode$"
)]
async fn fallback(w: &mut ObWorld, scope: String) -> StepResult {
    let oauth =
        w.ctx.target.oauth.clone().ok_or_else(|| {
            Failure::new("the target has no oauth section (token_url, client_id)")
        })?;
    let request = RequestSpec::new("POST", oauth.token_url)
        .header("fallback", "1")
        .header("Accept", "*/*")
        .body(Body::Form(vec![
            ("client_id".into(), oauth.client_id),
            ("grant_type".into(), "client_credentials".into()),
            ("scope".into(), scope),
        ]))
        .purpose(Purpose::Token);
    let exchange = w.deliver(request).await;
    w.keep(exchange)?;
    Ok(())
}

#[then("the Location header leads to the bank's online banking login page")]
async fn location_is_login(w: &mut ObWorld) -> StepResult {
    let location = w
        .last()?
        .header("location")
        .map(str::to_string)
        .ok_or_else(|| Failure::expected("a Location header", "none"))?;
    if !location.starts_with("https://") {
        return Err(Failure::expected("an absolute https:// Location", location));
    }
    let page = w
        .deliver(
            RequestSpec::new("GET", location.clone())
                .header("Accept", "text/html")
                .purpose(Purpose::Psu),
        )
        .await;
    let ok = page.status() == Some(200)
        && page
            .header("content-type")
            .is_some_and(|c| c.contains("text/html"));
    let got = page.summary();
    w.keep(page)?;
    if ok {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("an HTML login page at {location}"),
            got,
        ))
    }
}
