//! `obconf run`: every family against its embedded bank, or one target file.
//!
//! Reports are written for whatever ran, also when a later target cannot start or the run is
//! interrupted (SIGINT, SIGTERM, SIGHUP or `--deadline`, see `runner::interrupt`): the record
//! fills as scenarios finish. Waivers apply to the finished
//! records before any report is written; the evidence bundle, when asked for, is written last,
//! from the same records. The waiver file, the bundle folder and the signing key are checked
//! before anything runs.

use std::sync::{Arc, Mutex};

use super::{CliError, ColorChoice, RunArgs, say};
use crate::bundle::{Contents, Signer};
use crate::features::default_root;
use crate::report::console::{Console, ConsoleOptions, Verbosity};
use crate::report::{self, LiveReporter, Report};
use crate::runner::{self, RunRecord, RunRequest, Verdict};
use crate::steps::{families, family};
use crate::target::Target;

pub async fn run(args: RunArgs) -> Result<(), CliError> {
    let reports = reports(&args.report)?;
    let targets = targets(&args)?;
    let waivers = match &args.waivers {
        Some(path) => Some(crate::waiver::load(path)?),
        None => None,
    };
    let bundle = match (&args.bundle, &args.sign_key) {
        (Some(dir), Some(key)) => {
            crate::bundle::check_out(dir, &args.out)?;
            crate::bundle::check_dir(dir)?;
            Some((dir, Signer::load(key, args.sign_cert.as_deref())?))
        }
        _ => None,
    };
    let name = args
        .name
        .as_deref()
        .map(|pattern| {
            regex::Regex::new(pattern).map_err(|source| CliError::NameRegex {
                pattern: pattern.to_string(),
                source,
            })
        })
        .transpose()?;
    let features_root = match args.features.clone() {
        Some(root) => root,
        None => default_root()?,
    };
    let baseline = match &args.baseline {
        Some(path) => Some(runner::previous::read(path)?),
        None => None,
    };

    let chosen: Vec<_> = targets.iter().filter_map(|t| family(&t.family)).collect();
    runner::selection::check(&features_root, &chosen, args.tags.as_deref(), name.as_ref())?;

    let deadline = args
        .deadline
        .as_deref()
        .map(crate::runner::interrupt::parse_duration)
        .transpose()
        .map_err(CliError::Deadline)?;
    let mut stops =
        crate::runner::interrupt::Stops::install(deadline).map_err(CliError::Signals)?;
    let console = LiveReporter::new(Console::stdout().with_options(console_options(&args)));
    let mut records = Vec::new();
    let mut stopped: Option<CliError> = None;
    let planned = if args.dry_run {
        targets.clone()
    } else {
        Vec::new()
    };
    for mut target in targets {
        target.real_waits = args.allow_waits;
        let Some(fam) = family(&target.family) else {
            continue; // checked in `targets`
        };
        if target.tls.insecure {
            eprintln!(
                "warning: TLS certificate verification is OFF for {} (tls.insecure in {}): results prove nothing about the bank's TLS",
                target.name,
                target.origin()
            );
        }
        say(&format!("{} against {}\n", fam.about().title, target.name));
        let record = Arc::new(Mutex::new(RunRecord::for_target(&target, fam.about().name)));
        let request = RunRequest {
            target,
            features_root: features_root.clone(),
            tags: args.tags.clone(),
            name: name.clone(),
            concurrency: args.concurrency,
            reporter: Some(console.clone()),
            shard: args.shard,
            fail_fast: args.fail_fast,
            send_nothing: send_nothing(&args, &records),
        };
        let outcome = tokio::select! {
            r = runner::run(request, fam, record.clone()) => Ok(r),
            stop = stops.next() => Err(stop),
        };
        let mut taken = RunRecord::take(&record);
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => stopped = Some(e.into()),
            Err(stop) => {
                taken.interrupted = Some(stop.reason());
                stopped = Some(CliError::Interrupted(stop));
            }
        }
        if taken.finished.is_none() {
            // Stopped, or never started (no features of this family): it ends now.
            taken.finish();
        }
        records.push(taken);
        if stopped.is_some() {
            break;
        }
    }

    if args.dry_run {
        say(&super::dry_run::plan(
            &records,
            args.target.as_deref(),
            &planned,
        ));
        return match stopped {
            Some(e) => Err(e),
            None => Ok(()),
        };
    }
    if let (Some(doc), Some(path)) = (&baseline, &args.baseline) {
        runner::baseline::compare(&mut records, doc, &path.display().to_string());
    }
    if let Some(waivers) = &waivers {
        let today = chrono::Utc::now().date_naive();
        for warning in crate::waiver::apply(&mut records, waivers, today) {
            eprintln!("warning: {warning}");
        }
    }
    let written = report::write_reports(&reports, &records, &args.out);
    if let Ok(paths) = &written {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        say(&format!("reports: {}\n", shown.join(", ")));
    }
    // The console's summary comes last: its closing line is the run's count.
    let shown = console
        .finish(&records)
        .map_err(report::ReportError::Console);
    let bundled = match (&bundle, &written) {
        (Some((dir, signer)), Ok(_)) => {
            let contents = Contents {
                reports: &reports,
                records: &records,
                features_root: &features_root,
                target_file: args.target.as_deref(),
                waivers_file: args.waivers.as_deref(),
                tags: args.tags.as_deref(),
                name: args.name.as_deref(),
            };
            let result = crate::bundle::write(dir, &contents, signer);
            if let Ok(files) = &result {
                say(&format!(
                    "bundle: {} ({files} files, manifest signed {:?}; check it with `obconf verify {}`)\n",
                    dir.display(),
                    signer.alg(),
                    dir.display()
                ));
            }
            result.err()
        }
        _ => None,
    };
    let finishing = [
        shown.err().map(CliError::from),
        written.err().map(CliError::from),
    ]
    .into_iter()
    .flatten()
    .chain(bundled.map(CliError::from))
    .reduce(|first, then| first.and(Some(then)));
    match (stopped, finishing) {
        (Some(first), then) => Err(first.and(then)),
        (None, Some(e)) => Err(e),
        (None, None) if runner::baseline::fails(&records, args.fail_on) => {
            Err(CliError::ScenariosFailed)
        }
        (None, None) => Ok(()),
    }
}

/// What `-q`, `-v` and `--color` ask of the console, and whether standard output is a terminal
/// (the progress line, and colour under `--color auto` unless `NO_COLOR` is set).
fn console_options(args: &RunArgs) -> ConsoleOptions {
    use std::io::IsTerminal as _;
    let terminal = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    ConsoleOptions {
        verbosity: if args.quiet {
            Verbosity::Quiet
        } else if args.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        },
        color: match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color,
        },
        progress: terminal && !args.dry_run,
    }
}

/// Why the next target sends nothing: `--dry-run`, or `--fail-fast` after an earlier target's
/// failure (its scenarios are then `not run`).
fn send_nothing(args: &RunArgs, done: &[RunRecord]) -> Option<String> {
    if args.dry_run {
        return Some(super::dry_run::REASON.to_string());
    }
    let failed = done.iter().any(|r| {
        r.scenarios
            .iter()
            .any(|s| matches!(s.verdict, Verdict::Failed | Verdict::Error))
    });
    (args.fail_fast && failed).then(|| runner::FAIL_FAST_REASON.to_string())
}

/// The report files `--report` names, or a usage error naming the known kinds.
pub(super) fn reports(kinds: &[String]) -> Result<Vec<Box<dyn Report>>, CliError> {
    let mut chosen: Vec<Box<dyn Report>> = Vec::new();
    for kind in kinds.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        let report = report::by_kind(kind).ok_or_else(|| CliError::UnknownReport {
            kind: kind.to_string(),
            known: report::kinds(),
        })?;
        if !chosen.iter().any(|r| r.kind() == report.kind()) {
            chosen.push(report);
        }
    }
    Ok(chosen)
}

/// The targets to run: the file given, or every family's embedded target.
fn targets(args: &RunArgs) -> Result<Vec<Target>, CliError> {
    if args.concurrency == Some(0) {
        return Err(CliError::ZeroConcurrency);
    }
    let Some(path) = &args.target else {
        return Ok(families().iter().map(|f| f.embedded_target()).collect());
    };
    let env = |k: &str| std::env::var(k).ok();
    let target = Target::load(path, &env)?;
    let Some(fam) = family(&target.family) else {
        return Err(CliError::UnknownFamily {
            origin: Some((path.clone(), target.line_of("family"))),
            family: target.family,
            known: families().iter().map(|f| f.about().name).collect(),
        });
    };
    // Before anything runs: a capability the file may not declare keeps the previous reports.
    target.check_capabilities(fam.about().capabilities)?;
    Ok(vec![target])
}
