//! `obconf run`: every family against its embedded bank, or one target file.
//!
//! Reports are written for whatever ran, also when a later target cannot start or the run is
//! interrupted (Ctrl-C): the record fills as scenarios finish. Waivers apply to the finished
//! records before any report is written; the evidence bundle, when asked for, is written last,
//! from the same records. The waiver file, the bundle folder and the signing key are checked
//! before anything runs.

use std::sync::{Arc, Mutex};

use super::{CliError, RunArgs, say};
use crate::bundle::{Contents, Signer};
use crate::features::default_root;
use crate::report::console::Console;
use crate::report::{self, LiveReporter, Report};
use crate::runner::{self, RunRecord, RunRequest};
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

    let chosen: Vec<_> = targets.iter().filter_map(|t| family(&t.family)).collect();
    runner::selection::check(&features_root, &chosen, args.tags.as_deref(), name.as_ref())?;

    let console = LiveReporter::new(Console::stdout());
    let mut records = Vec::new();
    let mut stopped: Option<CliError> = None;
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
        };
        let outcome = tokio::select! {
            r = runner::run(request, fam, record.clone()) => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        };
        let mut taken = record
            .lock()
            .map(|r| r.clone())
            .unwrap_or_else(|p| p.into_inner().clone());
        match outcome {
            Some(Ok(())) => {}
            Some(Err(e)) => stopped = Some(e.into()),
            None => {
                taken.interrupted = Some("interrupted (Ctrl-C)".into());
                stopped = Some(CliError::Interrupted);
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

    if let Some(waivers) = &waivers {
        let today = chrono::Utc::now().date_naive();
        for warning in crate::waiver::apply(&mut records, waivers, today) {
            eprintln!("warning: {warning}");
        }
    }
    let shown = console
        .finish(&records)
        .map_err(report::ReportError::Console);
    let written = report::write_reports(&reports, &records, &args.out);
    if let Ok(paths) = &written {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        say(&format!("reports: {}\n", shown.join(", ")));
    }
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
        (None, None) if records.iter().any(RunRecord::failed) => Err(CliError::ScenariosFailed),
        (None, None) => Ok(()),
    }
}

/// The report files `--report` names, or a usage error naming the known kinds.
fn reports(kinds: &[String]) -> Result<Vec<Box<dyn Report>>, CliError> {
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
            origin: Some(path.clone()),
            family: target.family,
            known: families().iter().map(|f| f.about().name).collect(),
        });
    };
    // Before anything runs: a capability the file may not declare keeps the previous reports.
    target.check_capabilities(fam.about().capabilities)?;
    Ok(vec![target])
}
