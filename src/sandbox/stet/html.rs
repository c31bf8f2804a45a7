//! The PSU-facing side of the STET bank on the wire: small HTML pages, redirects and the URLs they
//! carry (the authorisation page, the online-banking login and the payment approval page).
//!
//! Everything a request sent that ends up in a page is escaped here, and every value put in a URL
//! query is percent-encoded here. This file must never decide what a page says or whether a PSU is
//! let in; it never sees a password except to leave it out of the page.

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

/// The media type of every HTML page of the bank.
pub(super) const HTML: &str = "text/html; charset=utf-8";

/// `text` with the five HTML-significant characters escaped.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A complete HTML page titled `title` around `body` (already HTML).
pub(super) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    let text = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body>\n<h1>{title}</h1>\n{body}\n</body></html>\n"
    );
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The answer of every PSU-facing page to a method other than GET and POST (the router sends
/// those here).
pub(super) async fn method_not_allowed_page() -> Response {
    page(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        &error_paragraph("use GET or POST"),
    )
}

/// What every PSU-facing page checks first: parameters that can be read. The parameters, or the
/// page that refuses the request (`what` names it: "Invalid request").
pub(super) fn page_params<P>(
    params: Result<axum::Form<P>, axum::extract::rejection::FormRejection>,
    what: &str,
) -> Result<P, Box<Response>> {
    let Ok(axum::Form(params)) = params else {
        return Err(Box::new(page(
            StatusCode::BAD_REQUEST,
            what,
            &error_paragraph("the parameters cannot be read"),
        )));
    };
    Ok(params)
}

/// `<p class="error">…</p>` for a message of the bank (escaped).
pub(super) fn error_paragraph(message: &str) -> String {
    format!("<p class=\"error\">{}</p>", escape(message))
}

/// A hidden form input.
pub(super) fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(name),
        escape(value)
    )
}

/// The username and password inputs of every login form.
pub(super) const CREDENTIAL_INPUTS: &str = "<label>Identifiant <input type=\"text\" name=\"username\" \
     autocomplete=\"username\"></label>\n<label>Mot de passe <input type=\"password\" \
     name=\"password\" autocomplete=\"current-password\"></label>";

/// RFC 3986 percent-encoding of a query component (unreserved characters kept).
pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `url` with `pairs` appended to its query (`?` or `&`), each name and value percent-encoded.
pub(super) fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = url.to_string();
    let mut separator = if url.contains('?') { '&' } else { '?' };
    for (name, value) in pairs {
        out.push(separator);
        out.push_str(&percent_encode(name));
        out.push('=');
        out.push_str(&percent_encode(value));
        separator = '&';
    }
    out
}

/// Whether `text` is an absolute http(s) URL made of visible ASCII, with a host and no fragment:
/// the only URLs the bank redirects a browser to.
pub(super) fn is_redirectable_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    !host.is_empty() && !text.contains('#') && text.bytes().all(|b| b.is_ascii_graphic())
}

/// A 302 to `location`; a location that cannot be a header value (never one the bank checked with
/// [`is_redirectable_url`]) is a 400 page instead.
pub(super) fn redirect(location: &str) -> Response {
    let Ok(value) = HeaderValue::from_str(location) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Redirection impossible",
            &error_paragraph("the redirection address is not a valid URL"),
        );
    };
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::FOUND;
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, value);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The host (and port) the client addressed: the URI authority (HTTP/2) or the Host header
/// (HTTP/1.1); `localhost` when neither is usable. Only host characters are kept, so a forged Host
/// cannot smuggle a path or a header into the URLs the bank builds from it.
pub(super) fn request_host(parts: &Parts) -> String {
    let from_uri = parts.uri.authority().map(|a| a.as_str().to_string());
    let from_header = || {
        parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string)
    };
    from_uri
        .or_else(from_header)
        .filter(|host| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or_else(|| "localhost".to_string())
}

/// `https://<request host><path>`: an absolute URL of this bank, as the client reached it.
pub(super) fn bank_url(parts: &Parts, path: &str) -> String {
    format!("https://{}{path}", request_host(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_encoding_leave_no_markup_or_separator() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(
            with_query(
                "https://tpp.example/cb?x=1",
                &[("code", "a+b"), ("state", "s t")]
            ),
            "https://tpp.example/cb?x=1&code=a%2Bb&state=s%20t"
        );
        assert!(is_redirectable_url("https://tpp.example/cb?x=1"));
        for bad in [
            "ftp://x",
            "https:///path",
            "https://x/#frag",
            "https://x/a b",
            "/relative",
        ] {
            assert!(!is_redirectable_url(bad), "{bad}");
        }
    }

    #[test]
    fn the_request_host_never_carries_more_than_a_host() {
        let parts = |host: &str| {
            axum::http::Request::get("/x")
                .header("host", host)
                .body(())
                .map(|r| r.into_parts().0)
        };
        let ok = parts("127.0.0.1:8443").expect("request");
        assert_eq!(request_host(&ok), "127.0.0.1:8443");
        let forged = parts("evil.example/path").expect("request");
        assert_eq!(request_host(&forged), "localhost");
    }
}
