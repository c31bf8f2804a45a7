//! Credentials that have already expired, as an outside bank's tester would note them down for
//! a target file: an Access-Token past its expiry and a session past its lifetime.
//!
//! The embedded bank hands them to its own target (`settings.expired`), so that the scenarios
//! that check expiry without moving a clock run the same way against it and against any bank.
//! Nothing here changes what the bank answers; it only issues what it would have issued earlier.

use chrono::Duration;

use super::data::ALL_SCOPES;
use super::sessions::{Opening, SESSION_LIFETIME_MINUTES};
use super::tokens::{Grant, MAX_CONSENT_PERIOD_DAYS};
use super::{PROVIDER_CODE, SaltEdgeBank};

impl SaltEdgeBank {
    /// An Access-Token issued to `app_id` for the embedded provider that expired a day ago.
    pub fn issue_expired_token(&self, app_id: &str) -> Option<String> {
        let provider = self.provider(PROVIDER_CODE)?;
        let issued = self.clock.now() - Duration::days(MAX_CONSENT_PERIOD_DAYS + 1);
        Some(self.tokens.issue(Grant {
            app_id: app_id.to_string(),
            provider,
            scopes: ALL_SCOPES.iter().map(|s| s.to_string()).collect(),
            expires_at: issued + Duration::days(MAX_CONSENT_PERIOD_DAYS),
            revoked: false,
        }))
    }

    /// The secret of a session `app_id` opened for the embedded provider longer ago than a
    /// session lives, never confirmed.
    pub fn open_expired_session(&self, app_id: &str) -> Option<String> {
        let provider = self.provider(PROVIDER_CODE)?;
        let authorization = provider.authorization_types.first()?;
        let opened = self.clock.now() - Duration::minutes(SESSION_LIFETIME_MINUTES + 1);
        Some(self.sessions.open(
            Opening {
                app_id: app_id.to_string(),
                provider,
                authorization,
                scopes: ALL_SCOPES.iter().map(|s| s.to_string()).collect(),
                consent_period_days: MAX_CONSENT_PERIOD_DAYS,
                reconnect: false,
            },
            opened,
        ))
    }
}
