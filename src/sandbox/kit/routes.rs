//! Method routing for the banks: a route answers the methods it serves with their handlers and every
//! other method with the bank's own refusal, exactly as the bank renders it.
//!
//! axum's `get(..)` alone would also serve HEAD with the GET handler, and its method fallback adds an
//! `Allow` header the bank never wrote; [`refusing`] keeps both out, so moving a bank from
//! hand-matched methods to method routing changes nothing on the wire. This file must never render
//! a refusal itself: the bank's handler does.

use axum::handler::Handler;
use axum::routing::{MethodRouter, any};

/// A method router that answers every method with `refusal`, HEAD included, until methods are
/// added to it (`refusing(not_allowed).get(show).delete(revoke)`). Its answers carry only the
/// headers the bank's handlers set.
pub fn refusing<H, T, S>(refusal: H) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    any(refusal.clone()).head(refusal)
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};

    use super::*;
    use crate::sandbox::kit::harness;

    #[tokio::test]
    async fn other_methods_and_head_get_the_refusal_without_an_allow_header() {
        let router: Router = Router::new().route(
            "/r",
            refusing(|| async { (StatusCode::METHOD_NOT_ALLOWED, "refused") })
                .get(|| async { "ok" }),
        );
        let send = |method: Method| {
            let request = Request::builder()
                .method(method)
                .uri("/r")
                .body(Body::empty())
                .expect("a request");
            harness::send(&router, request)
        };
        assert_eq!(send(Method::GET).await.body, b"ok");
        for method in [Method::HEAD, Method::DELETE, Method::OPTIONS] {
            let reply = send(method.clone()).await;
            assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
            assert_eq!(reply.header("allow"), None, "{method}");
        }
    }
}
