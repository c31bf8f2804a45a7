//! The pre-flight probe of an outside bank, before any scenario: a TCP connection, then one
//! unauthenticated `GET` of the base URL over the run's own client (so TLS, with the target's CA
//! and client certificate, is checked as the scenarios will meet it, and the connection it opens
//! is the first the scenarios reuse).
//!
//! The TCP step is left out when a proxy is configured (`HTTPS_PROXY` and friends): the bank may
//! be reachable only through it, and the request goes that way. A bank that is down, silent or
//! not speaking HTTP would otherwise cost every scenario its full timeout; the probe ends the run at once with one clear message instead. Any HTTP answer, 404
//! and 500 included, passes: judging answers is the scenarios' job. The probe sends no credential
//! and records nothing.

use std::time::Duration;

use crate::http::HttpClient;
use crate::target::Target;

/// Why the bank did not pass the probe, in one line, or `Ok` once it answered HTTP.
pub async fn probe(target: &Target, client: &HttpClient) -> Result<(), String> {
    let timeout = target.timeout;
    let url = reqwest::Url::parse(&target.base_url)
        .map_err(|e| format!("base_url `{}` is not a URL: {e}", target.base_url))?;
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    // Behind a proxy the bank may be reachable only through it: the request below checks that.
    let proxied = ["https_proxy", "http_proxy", "all_proxy"]
        .iter()
        .any(|k| std::env::var_os(k).is_some() || std::env::var_os(k.to_uppercase()).is_some());
    let tcp = async {
        if proxied {
            return Ok(Ok(()));
        }
        tokio::time::timeout(
            timeout,
            tokio::net::TcpStream::connect((host.as_str(), port)),
        )
        .await
        .map(|r| r.map(drop))
    };
    match tcp.await {
        Err(_) => {
            return Err(format!(
                "could not connect: no TCP connection to {host}:{port} within {}",
                seconds(timeout)
            ));
        }
        Ok(Err(e)) => {
            return Err(format!(
                "could not connect: no TCP connection to {host}:{port}: {e}"
            ));
        }
        Ok(Ok(())) => {}
    }
    match tokio::time::timeout(
        timeout + Duration::from_millis(500),
        client.probe(&target.base_url),
    )
    .await
    {
        Ok(Ok(_status)) => Ok(()),
        Ok(Err(reason)) if reason.starts_with("timed out") => Err(format!(
            "GET {} had no answer within {} (timeout_secs): {reason}",
            target.base_url,
            seconds(timeout)
        )),
        Ok(Err(reason)) => Err(format!("GET {}: {reason}", target.base_url)),
        Err(_) => Err(format!(
            "GET {} had no answer within {} (timeout_secs)",
            target.base_url,
            seconds(timeout)
        )),
    }
}

fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}
