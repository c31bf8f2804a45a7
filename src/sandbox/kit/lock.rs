//! [`Locked`]: a mutex for a bank's stores that recovers from poisoning.
//!
//! A std mutex is poisoned when a thread panics while holding it; every later `lock()` then fails.
//! In a test bank that would turn one panicking request into a bank that refuses every request
//! after it, and hide the first failure behind many others. The stores' invariants hold between
//! statements (an insert or a remove either happened or not), so the data a panicking holder left
//! is still sound: taking it back is right here. This type must never hold anything across an
//! await (it is a blocking mutex) and must never be used where a half-done update could matter.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// A mutex whose [`lock`](Locked::lock) never fails: a poisoned lock is taken back as it is.
#[derive(Debug, Default)]
pub struct Locked<T>(Mutex<T>);

impl<T> Locked<T> {
    /// A lock around `value` (usable in a `static`).
    pub const fn new(value: T) -> Self {
        Self(Mutex::new(value))
    }

    /// The guarded value, poisoned or not.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_holding_the_lock_does_not_lock_everyone_out() {
        let locked = std::sync::Arc::new(Locked::new(1));
        let held = std::sync::Arc::clone(&locked);
        let outcome = std::thread::spawn(move || {
            let mut guard = held.lock();
            *guard = 2;
            panic!("a handler panics while holding the lock");
        })
        .join();
        assert!(outcome.is_err());
        assert_eq!(*locked.lock(), 2);
    }
}
