//! Which methods each path of the STET bank serves, and how it refuses the others: an API resource
//! or an OAuth2 endpoint with the documented 405 ErrorModel and its `Allow` header, a PSU page with
//! the 405 page. The `post-allowed` fault is applied here, when the router is built.
//!
//! This file must never look at a request beyond its method and path: what a served method does
//! is its handler's business.

use std::sync::Arc;

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter};

use super::StetBank;
use super::html::method_not_allowed_page;
use super::reply::ApiError;
use crate::sandbox::kit::refusing;

type Route = MethodRouter<Arc<StetBank>>;

/// A route that answers every method with the documented 405 ErrorModel and `Allow: allow`, until
/// the methods it serves are added to it.
pub(super) fn only_allowing(allow: &'static str) -> Route {
    refusing(move |method: Method| async move {
        ApiError::MethodNotAllowed {
            method: method.to_string(),
            allow,
        }
    })
}

/// A PSU-facing page: `handler` serves GET and POST, every other method gets the 405 page.
pub(super) fn page<H, T>(handler: H) -> Route
where
    H: Handler<T, Arc<StetBank>>,
    T: 'static,
{
    refusing(method_not_allowed_page)
        .get(handler.clone())
        .post(handler)
}

/// The API resources of one bank: each serves one method, every other is the documented 405,
/// except POST under the `post-allowed` fault, which the resource's handler serves too.
#[derive(Clone, Copy, Debug)]
pub(super) struct Resources {
    pub post_allowed: bool,
}

impl Resources {
    pub(super) fn get<H: Handler<T, Arc<StetBank>>, T: 'static>(self, handler: H) -> Route {
        self.serving(MethodFilter::GET, "GET", handler)
    }

    pub(super) fn put<H: Handler<T, Arc<StetBank>>, T: 'static>(self, handler: H) -> Route {
        self.serving(MethodFilter::PUT, "PUT", handler)
    }

    pub(super) fn post<H: Handler<T, Arc<StetBank>>, T: 'static>(self, handler: H) -> Route {
        self.serving(MethodFilter::POST, "POST", handler)
    }

    fn serving<H, T>(self, method: MethodFilter, allow: &'static str, handler: H) -> Route
    where
        H: Handler<T, Arc<StetBank>>,
        T: 'static,
    {
        let route = only_allowing(allow).on(method, handler.clone());
        if self.post_allowed && allow != "POST" {
            route.post(handler)
        } else {
            route
        }
    }
}
