//! The command line: parses arguments, calls the engine, renders errors once, picks the exit code.
//!
//! Exit codes are a contract (README): 0 every selected scenario passed; 1 at least one failed (or
//! the self-test found a blind check); 2 usage, target-file or feature-file error; 130 interrupted
//! (reports still written). Nothing below this module prints user-facing errors.

mod run;
mod sandbox;
mod show;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub const EXIT_PASSED: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INTERRUPTED: i32 = 130;

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
    Run(RunArgs),
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
    /// Run the mutation matrix: every scenario against the healthy bank and against every fault.
    SelfTest {
        #[arg(long)]
        features: Option<PathBuf>,
        /// Only this family.
        #[arg(long)]
        family: Option<String>,
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
    /// Cucumber tag expression, e.g. `@STET-AIS-ACC-01 or @consent`.
    #[arg(long)]
    pub tags: Option<String>,
    /// Only scenarios whose name matches this regular expression.
    #[arg(long)]
    pub name: Option<String>,
    /// Where junit.xml and cucumber.json go.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Scenarios run at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
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
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_PASSED
            };
            let _ = e.print();
            return code;
        }
    };
    crate::tls::install_crypto_provider();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_USAGE;
        }
    };
    runtime.block_on(async move {
        match cli.command {
            Command::Run(args) => run::run(args).await,
            Command::Sandbox(args) => sandbox::sandbox(args).await,
            Command::List { features } => show::list(features),
            Command::Faults => show::faults(),
            Command::SelfTest { features, family } => show::self_test(features, family).await,
        }
    })
}

/// Prints a user-facing error once, in one format.
pub(crate) fn report_error(error: &dyn std::fmt::Display) {
    eprintln!("error: {}", crate::redact::redact(&error.to_string()));
}

/// Writes to stdout, ignoring errors: a closed pipe (`obconf run | head`) must not turn into a
/// panic that loses the reports.
pub(crate) fn say(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
