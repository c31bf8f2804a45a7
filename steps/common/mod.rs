//! The shared vocabulary: personas and tokens, sending requests, and checking status, headers and
//! JSON. Written once for every family; a family adds only what its documents say that these do not.

pub mod clock;
pub mod headers;
pub mod http;
pub mod json;
pub mod oauth;
pub mod personas;
pub mod status;
