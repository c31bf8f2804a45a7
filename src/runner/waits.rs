//! `--allow-waits`: clock scenarios against a bank whose clock obconf cannot move.
//!
//! An embedded bank's clock is moved forward, which every scenario shares, so clock scenarios are
//! `@serial`. Waiting for real moves nothing shared: the scenarios may run alongside the rest, so a
//! nightly run pays their wait once. This module only edits the tags of the run's own parsed
//! features; it never waits itself (the clock step does).

use cucumber::gherkin;

use crate::features::{CAPABILITY_TAG, SANDBOX_CLOCK};

/// Removes `@serial` from every scenario that needs the clock capability.
pub fn unserialize_clock_scenarios(features: &mut [gherkin::Feature]) {
    let clock_tag = format!("{CAPABILITY_TAG}{SANDBOX_CLOCK}");
    let unserialize = |s: &mut gherkin::Scenario| {
        if s.tags.contains(&clock_tag) {
            s.tags.retain(|t| t != "serial");
        }
    };
    for feature in features {
        feature.scenarios.iter_mut().for_each(unserialize);
        for rule in &mut feature.rules {
            rule.scenarios.iter_mut().for_each(unserialize);
        }
    }
}
