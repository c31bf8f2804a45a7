//! Serves an embedded bank over real TLS on loopback.
//!
//! An own accept loop (tokio-rustls, then hyper-util's auto HTTP/1 + HTTP/2 builder) rather than a
//! ready-made server, because banks that bind tokens to client certificates need the peer
//! certificate: it is attached to every request as a [`PeerCertificates`] extension. The server must
//! never stop because one connection misbehaves; it stops when its [`ServerHandle`] is dropped.
//!
//! How it speaks HTTP is a [`Protocol`]: ALPN `h2` first (header names always lower case), or
//! HTTP/1.1 only with header names written in Title-Case, as many banks' servers do (header names
//! are case-insensitive; a client must not depend on their case). This file never decides which:
//! the caller (a bank's variant) does.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use rustls::ServerConfig;
use rustls_pki_types::CertificateDer;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::tls::pki::Certified;

/// The client certificates presented on the connection a request came in on (empty without mTLS).
#[derive(Clone, Debug, Default)]
pub struct PeerCertificates(pub Arc<Vec<CertificateDer<'static>>>);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("invalid TLS configuration for the embedded bank: {0}")]
    Tls(#[from] rustls::Error),
    #[error("invalid client-certificate settings for the embedded bank: {0}")]
    ClientAuth(String),
}

/// A running server. Dropping it stops the accept loop.
#[derive(Debug)]
pub struct ServerHandle {
    pub addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl ServerHandle {
    /// `https://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

/// Binds `addr` and serves `router` over TLS with `server_cert`, on the current tokio runtime.
pub async fn serve_tls(
    addr: SocketAddr,
    server_cert: &Certified,
    router: Router,
) -> Result<ServerHandle, ServeError> {
    serve_with(
        addr,
        server_cert,
        router,
        ClientAuth::None,
        Protocol::default(),
    )
    .await
}

/// As [`serve_tls`], and asks clients for a certificate issued by `client_ca`. A client without one
/// still connects (the bank answers with a documented HTTP error rather than a bare handshake
/// failure); its requests carry empty [`PeerCertificates`]. A certificate from another CA is
/// refused in the handshake.
pub async fn serve_mtls(
    addr: SocketAddr,
    server_cert: &Certified,
    router: Router,
    client_ca: CertificateDer<'static>,
) -> Result<ServerHandle, ServeError> {
    let auth = ClientAuth::Optional(client_ca);
    serve_with(addr, server_cert, router, auth, Protocol::default()).await
}

/// As [`serve_mtls`], but a client without a certificate issued by `client_ca` is refused in the
/// handshake (TLS 1.3 `certificate_required`): for families whose documents require mutual TLS at
/// the transport, before any HTTP status can be given.
pub async fn serve_mtls_required(
    addr: SocketAddr,
    server_cert: &Certified,
    router: Router,
    client_ca: CertificateDer<'static>,
) -> Result<ServerHandle, ServeError> {
    let auth = ClientAuth::Required(client_ca);
    serve_with(addr, server_cert, router, auth, Protocol::default()).await
}

/// Whether the handshake asks for a client certificate, and lets a client without one through.
#[derive(Clone, Debug)]
pub enum ClientAuth {
    /// Server-authenticated TLS only.
    None,
    /// Asks for a certificate issued by the CA; a client without one still connects (its requests
    /// carry empty [`PeerCertificates`]); one from another CA is refused in the handshake.
    Optional(CertificateDer<'static>),
    /// Refuses a client without a certificate issued by the CA in the handshake.
    Required(CertificateDer<'static>),
}

/// How the server speaks HTTP over TLS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// ALPN offers `h2` first, then `http/1.1`.
    #[default]
    Negotiated,
    /// ALPN offers `http/1.1` only, and response header names are written in Title-Case
    /// (`Content-Type`, `X-Request-Id`).
    Http1TitleCase,
}

/// Binds `addr` and serves `router` over TLS with `server_cert`, asking for client certificates as
/// `auth` says and speaking HTTP as `protocol` says, on the current tokio runtime.
pub async fn serve_with(
    addr: SocketAddr,
    server_cert: &Certified,
    router: Router,
    auth: ClientAuth,
    protocol: Protocol,
) -> Result<ServerHandle, ServeError> {
    crate::tls::install_crypto_provider();
    let builder = ServerConfig::builder();
    let builder = match &auth {
        ClientAuth::Optional(ca) | ClientAuth::Required(ca) => {
            let optional = matches!(auth, ClientAuth::Optional(_));
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca.clone())?;
            let mut verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots));
            if optional {
                verifier = verifier.allow_unauthenticated();
            }
            let verifier = verifier
                .build()
                .map_err(|e| ServeError::ClientAuth(e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
        ClientAuth::None => builder.with_no_client_auth(),
    };
    let mut config =
        builder.with_single_cert(vec![server_cert.cert_der.clone()], server_cert.key_der())?;
    config.alpn_protocols = match protocol {
        Protocol::Negotiated => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        Protocol::Http1TitleCase => vec![b"http/1.1".to_vec()],
    };
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr, source })?;
    let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                _ = &mut stop_rx => break,
                accepted = listener.accept() => accepted,
            };
            let Ok((tcp, _peer)) = accepted else { continue };
            // A bank answers at once: without TCP_NODELAY, Nagle holds the handshake's and the
            // answers' last small segment until the client's delayed ACK (about 40 ms on Linux).
            let _ = tcp.set_nodelay(true);
            let acceptor = acceptor.clone();
            let router = router.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let peer = PeerCertificates(Arc::new(
                    tls.get_ref()
                        .1
                        .peer_certificates()
                        .map(|c| c.to_vec())
                        .unwrap_or_default(),
                ));
                let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
                    req.extensions_mut().insert(peer.clone());
                    router.clone().oneshot(req.map(axum::body::Body::new))
                });
                let mut http = auto::Builder::new(TokioExecutor::new());
                if protocol == Protocol::Http1TitleCase {
                    http = http.http1_only();
                    http.http1().title_case_headers(true);
                }
                let _ = http.serve_connection(TokioIo::new(tls), service).await;
            });
        }
    });
    Ok(ServerHandle {
        addr: local,
        _stop: stop_tx,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::pki::TestCa;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::TlsConnector;

    /// One raw HTTP/1.1 exchange with a server of `protocol`: the ALPN protocol agreed and the
    /// response as written on the wire.
    async fn exchange(protocol: Protocol) -> (Option<Vec<u8>>, String) {
        crate::tls::install_crypto_provider();
        let ca = TestCa::mint("server test CA").expect("a CA");
        let cert = ca.server_cert().expect("a server certificate");
        let router = Router::new().route(
            "/",
            axum::routing::get(|| async { ([("x-request-id", "7")], "ok") }),
        );
        let addr = "127.0.0.1:0".parse().expect("an address");
        let server = serve_with(addr, &cert, router, ClientAuth::None, protocol)
            .await
            .expect("the server starts");
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.cert.cert_der.clone()).expect("the CA");
        let mut config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let tcp = tokio::net::TcpStream::connect(server.addr)
            .await
            .expect("connects");
        let name = rustls_pki_types::ServerName::try_from("localhost").expect("a name");
        let mut tls = TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .expect("the handshake");
        let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
        if alpn.as_deref() == Some(b"h2") {
            return (alpn, String::new());
        }
        tls.write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
            .await
            .expect("writes");
        let mut out = String::new();
        tls.read_to_string(&mut out).await.expect("reads");
        (alpn, out)
    }

    #[tokio::test]
    async fn http1_title_case_speaks_http1_only_and_writes_title_case_names() {
        let (alpn, wire) = exchange(Protocol::Http1TitleCase).await;
        assert_eq!(alpn.as_deref(), Some(&b"http/1.1"[..]));
        assert!(wire.contains("\r\nX-Request-Id: 7\r\n"), "{wire}");
        assert!(wire.contains("\r\nContent-Type: "), "{wire}");
        let (alpn, _) = exchange(Protocol::Negotiated).await;
        assert_eq!(alpn.as_deref(), Some(&b"h2"[..]));
    }
}
