//! A controllable clock for the embedded banks.
//!
//! Token expiry, nonce lifetimes, date windows and rate limits all depend on "now". A bank that reads
//! the system clock directly cannot be tested for expiry without waiting, so every embedded bank reads
//! time through a [`Clock`] that tests may move forward. It must never go backwards on its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Wall-clock time plus an offset that tests can advance. Cheap to clone; clones share the offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// A clock that follows the system time.
    pub fn system() -> Self {
        Self::default()
    }

    /// The bank's current instant.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// The bank's current calendar day (UTC).
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Moves the clock forward by `by` for every clone of this clock.
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds().max(0), Ordering::Relaxed);
    }
}
