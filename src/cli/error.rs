//! The one error type of the command line, and the one place that turns it into an exit code.
//!
//! Every command returns `Result<(), CliError>`; [`CliError::exit_code`] holds the README's table
//! of exit codes in one `match`, and [`super::report_error`] renders the error once, redacted.
//! Nothing here prints.

use std::path::PathBuf;

use crate::bundle::{BundleError, Tampered};
use crate::family::EmbeddedError;
use crate::features::FeatureError;
use crate::report::ReportError;
use crate::runner::RunError;
use crate::runner::previous::PreviousRunError;
use crate::sandbox::UnknownFault;
use crate::target::TargetError;
use crate::waiver::WaiverError;

/// Every scenario passed.
pub const EXIT_PASSED: i32 = 0;
/// At least one scenario failed; for `self-test`, a check no fault can break; for `verify`, a
/// bundle that is not what was signed.
pub const EXIT_FAILED: i32 = 1;
/// Usage, target-file, feature-file or report error.
pub const EXIT_USAGE: i32 = 2;
/// Interrupted by SIGINT (Ctrl-C); the reports hold what finished. SIGTERM ends with 143 and
/// SIGHUP with 129 (128 + the signal's number, as a shell shows it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// Why a command did not end with every scenario passed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The arguments do not parse; clap renders its own message.
    #[error("{0}")]
    Usage(clap::Error),
    #[error(
        "--name `{pattern}` is not a regular expression: {}",
        regex_reason(source)
    )]
    NameRegex {
        pattern: String,
        source: regex::Error,
    },
    #[error("--deadline: {0}")]
    Deadline(String),
    #[error("--concurrency must be at least 1")]
    ZeroConcurrency,
    #[error("--report: unknown kind `{kind}` (hint: one of {})", known.join(", "))]
    UnknownReport {
        kind: String,
        known: Vec<&'static str>,
    },
    #[error("{}unknown family `{family}` (hint: one of {})", origin.as_ref().map(|(p, line)| format!("{}:{line}: ", p.display())).unwrap_or_default(), known.join(", "))]
    UnknownFamily {
        /// The target file that names it and the line, if it came from one.
        origin: Option<(PathBuf, u64)>,
        family: String,
        known: Vec<&'static str>,
    },
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error(transparent)]
    Waivers(#[from] WaiverError),
    /// The bundle could not be written, or verification could not start (a key, a certificate, a
    /// folder).
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// `verify`: the bundle is not what was signed; the first mismatch, named.
    #[error("the bundle does not verify: {0}")]
    Tampered(#[from] Tampered),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Fault(#[from] UnknownFault),
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error(transparent)]
    Reports(#[from] ReportError),
    /// `--baseline` or `merge`: an earlier run.json that cannot be read.
    #[error(transparent)]
    PreviousRun(#[from] PreviousRunError),
    /// `merge`: shards that do not make one run.
    #[error(transparent)]
    Merge(#[from] super::merge::MergeError),
    #[error("cannot write the sandbox files to `{path}`: {source}")]
    SandboxFiles {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// An error, and a second one met while finishing up (reports written after a failed start).
    #[error("{first}\nerror: {}", then.to_string().strip_prefix("error: ").map(str::to_string).unwrap_or_else(|| then.to_string()))]
    Both {
        first: Box<CliError>,
        then: Box<CliError>,
    },
    /// Not a message: at least one scenario failed (the console said which).
    #[error("at least one scenario failed")]
    ScenariosFailed,
    /// Not a message: the self-test found a check no fault can break (its matrix said which).
    #[error("the self-test found a check that no fault can break")]
    NotSound,
    /// A signal or the `--deadline` ended the run; the reports hold what finished.
    #[error("{}; the reports hold what finished, the rest is `not run`", .0.reason())]
    Interrupted(crate::runner::interrupt::Stop),
    #[error("cannot catch signals: {0}")]
    Signals(std::io::Error),
}

impl CliError {
    /// The exit code: the README's table.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::ScenariosFailed | CliError::NotSound | CliError::Tampered(_) => EXIT_FAILED,
            CliError::Interrupted(crate::runner::interrupt::Stop::Signal { code, .. }) => *code,
            CliError::Interrupted(_) => EXIT_FAILED,
            CliError::Run(e) if e.is_bank_down() => EXIT_FAILED,
            CliError::Both { first, .. } => first.exit_code(),
            CliError::Usage(e) if !e.use_stderr() => EXIT_PASSED,
            CliError::Usage(_)
            | CliError::NameRegex { .. }
            | CliError::ZeroConcurrency
            | CliError::Deadline(_)
            | CliError::UnknownReport { .. }
            | CliError::UnknownFamily { .. }
            | CliError::Target(_)
            | CliError::Features(_)
            | CliError::Waivers(_)
            | CliError::Bundle(_)
            | CliError::Run(_)
            | CliError::Fault(_)
            | CliError::Embedded(_)
            | CliError::Reports(_)
            | CliError::PreviousRun(_)
            | CliError::Merge(_)
            | CliError::SandboxFiles { .. }
            | CliError::Signals(_)
            | CliError::Runtime(_) => EXIT_USAGE,
        }
    }

    /// Whether the error is a verdict the output already showed, not a message to print.
    pub fn is_verdict(&self) -> bool {
        matches!(self, CliError::ScenariosFailed | CliError::NotSound)
    }

    /// `self`, then `then` if there is one.
    pub fn and(self, then: Option<CliError>) -> CliError {
        match then {
            Some(then) => CliError::Both {
                first: Box::new(self),
                then: Box::new(then),
            },
            None => self,
        }
    }
}

/// The regex crate's reason on one line: its syntax errors draw the pattern with a caret over
/// several lines and end with `error: <reason>`.
fn regex_reason(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(text) => text
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("error: "))
            .unwrap_or(text)
            .to_string(),
        other => other.to_string(),
    }
}

/// The exit code of a command's result.
pub fn exit_code(result: &Result<(), CliError>) -> i32 {
    match result {
        Ok(()) => EXIT_PASSED,
        Err(e) => e.exit_code(),
    }
}
