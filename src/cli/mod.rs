//! The command line: parses arguments, calls the engine, renders errors once, picks the exit code.
//!
//! Exit codes are a contract (README): 0 every selected scenario passed (or was waived); 1 at least one failed (or
//! the self-test found a blind check, or `verify` found a bundle changed, or the bank failed the
//! pre-flight probe, or `--deadline` passed); 2 usage, target-file, feature-file or report error;
//! 130, 143, 129 interrupted by SIGINT, SIGTERM, SIGHUP (reports still written). Every command returns a [`CliError`], whose
//! [`CliError::exit_code`] is the only place an exit code is chosen; [`main_with`] renders it once.
//! Nothing below this module prints user-facing errors.

mod dry_run;
mod error;
mod merge;
mod run;
mod sandbox;
mod show;
mod verify;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use crate::runner::Shard;
use crate::runner::baseline::FailOn;

pub use error::{CliError, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PASSED, EXIT_USAGE};

#[derive(Debug, Parser)]
#[command(
    name = "obconf",
    version,
    about = "Conformance and acceptance tests for open-banking APIs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the features against a target (default: every family against its embedded bank).
    Run(Box<RunArgs>),
    /// Combine the run.json of shards (`run --shard K/N`) into the reports of one unsharded run.
    Merge(MergeArgs),
    /// Serve an embedded reference bank until interrupted, and print a target file for it.
    Sandbox(SandboxArgs),
    /// List every scenario with its catalog ids, and the catalog ids without a scenario.
    List {
        /// Folder of features (default: the project's own).
        #[arg(long)]
        features: Option<PathBuf>,
    },
    /// List the embedded banks' named faults and the catalog ids each must break.
    Faults,
    /// Check an evidence bundle offline: every file's digest and the manifest's signature.
    Verify {
        /// The folder `run --bundle` wrote.
        dir: PathBuf,
        /// The signer's certificate (PEM): pins the key, so identity is checked too.
        #[arg(long)]
        cert: Option<PathBuf>,
    },
    /// Run the mutation matrix: every scenario against the healthy bank and against every fault.
    SelfTest {
        #[arg(long)]
        features: Option<PathBuf>,
        /// Only this family.
        #[arg(long)]
        family: Option<String>,
        /// Run the matrix inside N healthy variants of each bank instead of the canonical one:
        /// every variant must pass, and every fault must still be caught in every variant.
        #[arg(long, value_name = "N")]
        variants: Option<u32>,
        /// The first variant's seed (the others follow: S+1, S+2, …); random when not given.
        #[arg(long, value_name = "S", requires = "variants")]
        seed: Option<u64>,
    },
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Target file (YAML). Without it, every family runs against its embedded bank.
    #[arg(long)]
    pub target: Option<PathBuf>,
    /// Folder of features (default: the project's own).
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Cucumber tag expression, e.g. `@<catalog id> or @consent`.
    #[arg(long)]
    pub tags: Option<String>,
    /// Only scenarios whose name matches this regular expression.
    #[arg(long)]
    pub name: Option<String>,
    /// Where the reports go (run.json, and those chosen with --report).
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Report files to write besides run.json, comma-separated: junit, cucumber-json, run-json,
    /// html, coverage.
    #[arg(long, value_delimiter = ',', default_values = crate::report::DEFAULT_KINDS)]
    pub report: Vec<String>,
    /// Scenarios run at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Bounds the whole run (90s, 15m, 1h): past it, the run ends as interrupted, its reports
    /// written with the unfinished scenarios `not run`.
    #[arg(long, value_name = "DURATION")]
    pub deadline: Option<String>,
    /// Against a bank whose clock obconf cannot move, run the clock scenarios (token, session
    /// and nonce expiry) by waiting the time they name for real, concurrently with the rest.
    #[arg(long)]
    pub allow_waits: bool,
    /// Waiver file (YAML): accepted failures, each with a reason, owner, reference and expiry.
    #[arg(long)]
    pub waivers: Option<PathBuf>,
    /// Also write a signed evidence bundle into this (new or empty) folder; needs --sign-key.
    #[arg(long, requires = "sign_key")]
    pub bundle: Option<PathBuf>,
    /// The bundle's signing key (PEM): RSA signs PS256, EC P-256 signs ES256.
    #[arg(long, requires = "bundle")]
    pub sign_key: Option<PathBuf>,
    /// The signing key's certificate (PEM), put in the signature's x5c header.
    #[arg(long, requires = "sign_key")]
    pub sign_cert: Option<PathBuf>,
    /// Run only shard K of N: a stable partition by scenario (merge the shards with `obconf merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Compare with an earlier run (its --out folder or run.json): newly failing, newly passing,
    /// still failing.
    #[arg(long, value_name = "DIR")]
    pub baseline: Option<PathBuf>,
    /// What fails the run: any failing scenario, or only those newly failing since --baseline.
    #[arg(
        long,
        value_enum,
        default_value = "any",
        value_name = "WHAT",
        requires_if("new", "baseline")
    )]
    pub fail_on: FailOn,
    /// Stop scheduling scenarios after the first failure; the rest are reported `not run`.
    #[arg(long)]
    pub fail_fast: bool,
    /// Check the target, features, selection and secrets, print what would run; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Colour on the console: auto (a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
    /// Quiet: no line per scenario; only the failed scenarios and the counts.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Verbose: also each scenario's catalog ids, file:line and why it did not pass.
    #[arg(short, long)]
    pub verbose: bool,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The shards' --out folders (or their run.json files).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Where the merged reports go.
    #[arg(long)]
    pub out: PathBuf,
    /// Report files to write besides run.json, as for `run`.
    #[arg(long, value_delimiter = ',', default_values = crate::report::DEFAULT_KINDS)]
    pub report: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:18443")]
    pub listen: SocketAddr,
    /// Family of the bank to serve (default: the first family of the registry).
    #[arg(long)]
    pub family: Option<String>,
    /// A named fault to switch on (repeatable); `obconf faults` lists them.
    #[arg(long = "fault")]
    pub faults: Vec<String>,
    /// Where the target file, CA certificate and sandbox secrets are written.
    #[arg(long, default_value = "reports/sandbox")]
    pub out: PathBuf,
}

/// Runs the command line `args` (including the program name) and returns the exit code.
pub fn main_with(args: impl IntoIterator<Item = String>) -> i32 {
    let result = dispatch(args);
    crate::features::remove_unpacked();
    if let Err(e) = &result {
        report_error(e);
    }
    error::exit_code(&result)
}

fn dispatch(args: impl IntoIterator<Item = String>) -> Result<(), CliError> {
    let matches = Cli::command()
        .version(version())
        .try_get_matches_from(args)
        .map_err(CliError::Usage)?;
    let cli = Cli::from_arg_matches(&matches).map_err(CliError::Usage)?;
    crate::tls::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    runtime.block_on(async move {
        match cli.command {
            Command::Run(args) => run::run(*args).await,
            Command::Merge(args) => merge::merge(&args),
            Command::Sandbox(args) => sandbox::sandbox(args).await,
            Command::List { features } => show::list(features),
            Command::Faults => show::faults(),
            Command::Verify { dir, cert } => verify::verify(&dir, cert.as_deref()),
            Command::SelfTest {
                features,
                family,
                variants,
                seed,
            } => show::self_test(features, family, variants, seed).await,
        }
    })
}

/// `0.1.0 (catalog version 3)`: what `obconf --version` prints after the name.
fn version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{} (catalog version {})",
            env!("CARGO_PKG_VERSION"),
            crate::catalog::catalog_version()
        )
    })
}

/// Prints a command's error once, in one format, redacted: the only place errors are printed.
/// A verdict the output already showed (a failed scenario) is not printed again.
fn report_error(error: &CliError) {
    match error {
        CliError::Usage(e) => {
            let _ = e.print();
        }
        e if e.is_verdict() => {}
        e => {
            let text = crate::redact::printable(&crate::redact::redact(&e.to_string()));
            // Some renderings (serde-saphyr's) already start with `error: `.
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            let mut err = std::io::stderr().lock();
            // A nested error may render its own `error: ` too: said once.
            let text = format!("error: {text}\n").replace("error: error: ", "error: ");
            let _ = std::io::Write::write_all(&mut err, text.as_bytes());
        }
    }
}

/// Writes to stdout, ignoring errors: a closed pipe (`obconf run | head`) must not turn into a
/// panic that loses the reports.
pub(crate) fn say(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
