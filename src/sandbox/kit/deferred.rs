//! Deferred rendering: a bank's answer or refusal that cannot render itself in `IntoResponse`
//! (its body names the request's path, its Client-Request-Id or the bank's time) travels in the
//! response's extensions to the bank's one rendering middleware.
//!
//! [`defer`] makes such a response, [`take`] gets the value back. A deferred response is a
//! bodiless 500 until it is rendered, so a route the middleware does not cover fails loudly
//! instead of answering an empty success. This file must never render anything itself.

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;

/// The extension that carries a deferred value (a private wrapper: no other extension of type
/// `T` is mistaken for one).
#[derive(Clone, Debug)]
struct Deferred<T>(T);

/// A response that carries `value` for the bank's rendering middleware.
pub fn defer<T: Clone + Send + Sync + 'static>(value: T) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.extensions_mut().insert(Deferred(value));
    response
}

/// The value [`defer`] put in `response`, taken out of it; `None` for a response rendered already.
pub fn take<T: Clone + Send + Sync + 'static>(response: &mut Response) -> Option<T> {
    response
        .extensions_mut()
        .remove::<Deferred<T>>()
        .map(|Deferred(value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deferred_value_comes_back_once_and_is_a_500_until_rendered() {
        let mut response = defer(7_u8);
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(take::<u16>(&mut response), None);
        assert_eq!(take::<u8>(&mut response), Some(7));
        assert_eq!(take::<u8>(&mut response), None);
    }
}
