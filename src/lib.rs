//! obconf: a conformance and acceptance test harness for open-banking APIs.
//!
//! Each documented acceptance test is a Gherkin scenario (`features/<family>/`), run by step
//! definitions (`steps/`) against a configured target or an embedded reference bank
//! (`src/sandbox/<family>/`). The engine modules below know no family by name.

pub mod auth;
pub mod bundle;
pub mod catalog;
pub mod cli;
pub mod family;
pub mod features;
pub mod http;
pub mod openapi;
pub mod redact;
pub mod report;
pub mod runner;
pub mod sandbox;
pub mod selftest;
pub mod target;
pub mod timefmt;
pub mod tls;
pub mod waiver;
pub mod world;

#[path = "../steps/mod.rs"]
pub mod steps;
