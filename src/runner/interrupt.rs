//! What ends a run before its scenarios do: a signal (SIGINT from Ctrl-C, SIGTERM and SIGHUP from
//! a CI job being cancelled) or the `--deadline`.
//!
//! [`Stops`] is created before the run starts, so that a signal arriving at any point after it is
//! caught and the caller still writes every report (the run marked interrupted, unfinished
//! scenarios `not run`). It only waits and says why; it never prints and never exits the process.

use std::time::Duration;

use tokio::time::Instant;

/// Why a run ended early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A signal, by name (`SIGTERM`), with the exit code a shell gives it (128 + number).
    Signal { name: &'static str, code: i32 },
    /// The run's `--deadline` passed.
    Deadline(Duration),
}

impl Stop {
    /// The run record's `interrupted` text.
    pub fn reason(&self) -> String {
        match self {
            Stop::Signal { name: "SIGINT", .. } => "interrupted (SIGINT, Ctrl-C)".to_string(),
            Stop::Signal { name, .. } => format!("interrupted ({name})"),
            Stop::Deadline(d) => format!("interrupted: the --deadline of {} passed", show(*d)),
        }
    }
}

/// Waits for whichever stop comes first.
pub struct Stops {
    #[cfg(unix)]
    signals: [(tokio::signal::unix::Signal, Stop); 3],
    deadline: Option<(Instant, Duration)>,
}

impl Stops {
    /// Catches SIGINT, SIGTERM and SIGHUP from now on (their default action, ending the process
    /// without reports, no longer applies), and starts the clock of `deadline`.
    pub fn install(deadline: Option<Duration>) -> std::io::Result<Self> {
        #[cfg(unix)]
        let signals = {
            use tokio::signal::unix::{SignalKind, signal};
            [
                (
                    signal(SignalKind::interrupt())?,
                    Stop::Signal {
                        name: "SIGINT",
                        code: 130,
                    },
                ),
                (
                    signal(SignalKind::terminate())?,
                    Stop::Signal {
                        name: "SIGTERM",
                        code: 143,
                    },
                ),
                (
                    signal(SignalKind::hangup())?,
                    Stop::Signal {
                        name: "SIGHUP",
                        code: 129,
                    },
                ),
            ]
        };
        Ok(Self {
            #[cfg(unix)]
            signals,
            deadline: deadline.map(|d| (Instant::now() + d, d)),
        })
    }

    /// The next stop. Never returns when no signal comes and there is no deadline.
    pub async fn next(&mut self) -> Stop {
        let deadline = self.deadline;
        let past_deadline = async move {
            match deadline {
                Some((at, d)) => {
                    tokio::time::sleep_until(at).await;
                    Stop::Deadline(d)
                }
                None => std::future::pending().await,
            }
        };
        #[cfg(unix)]
        {
            let [(int, on_int), (term, on_term), (hup, on_hup)] = &mut self.signals;
            tokio::select! {
                _ = int.recv() => on_int.clone(),
                _ = term.recv() => on_term.clone(),
                _ = hup.recv() => on_hup.clone(),
                stop = past_deadline => stop,
            }
        }
        #[cfg(not(unix))]
        {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => Stop::Signal { name: "SIGINT", code: 130 },
                stop = past_deadline => stop,
            }
        }
    }
}

/// `DURATION` of `--deadline`: a number with a unit, `s`, `m` or `h` (`90s`, `15m`, `1h`), or
/// seconds without one.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (hint: 90s, 15m or 1h)"))?;
    let seconds = match unit.trim() {
        "s" | "sec" => n,
        "m" | "min" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        other => {
            return Err(format!(
                "`{other}` is not a unit of duration (hint: s, m or h, as in 90s, 15m, 1h)"
            ));
        }
    };
    if seconds == 0 {
        return Err("the deadline must be at least 1s".to_string());
    }
    Ok(Duration::from_secs(seconds))
}

/// `90s`, `15m`, `1h30m0s`.
fn show(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_or_without_a_unit() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("42"), Ok(Duration::from_secs(42)));
        assert!(parse_duration("soon").is_err_and(|e| e.contains("hint")));
        assert!(parse_duration("3d").is_err_and(|e| e.contains("hint")));
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn the_reason_names_the_signal_or_the_deadline() {
        let term = Stop::Signal {
            name: "SIGTERM",
            code: 143,
        };
        assert_eq!(term.reason(), "interrupted (SIGTERM)");
        assert_eq!(
            Stop::Deadline(Duration::from_secs(90)).reason(),
            "interrupted: the --deadline of 1m30s passed"
        );
    }

    #[tokio::test]
    async fn a_deadline_stops_the_wait() {
        let mut stops = Stops::install(Some(Duration::from_secs(1))).expect("signals");
        let started = std::time::Instant::now();
        assert_eq!(stops.next().await, Stop::Deadline(Duration::from_secs(1)));
        assert!(started.elapsed() >= Duration::from_millis(900));
    }
}
