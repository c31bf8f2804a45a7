//! `obconf run`: every family against its embedded bank, or one target file.
//!
//! Reports are written for whatever ran, also when a later target cannot start or the run is
//! interrupted (Ctrl-C): the record fills as scenarios finish.

use std::sync::{Arc, Mutex};

use super::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PASSED, EXIT_USAGE, RunArgs, report_error, say};
use crate::features::default_root;
use crate::runner::{self, RunRecord, RunRequest};
use crate::steps::{families, family};
use crate::target::{Target, TargetError};

pub async fn run(args: RunArgs) -> i32 {
    let targets = match targets(&args) {
        Ok(t) => t,
        Err(message) => {
            report_error(&message);
            return EXIT_USAGE;
        }
    };
    let name = match args.name.as_deref().map(regex::Regex::new).transpose() {
        Ok(n) => n,
        Err(e) => {
            report_error(&format!("--name is not a regular expression: {e}"));
            return EXIT_USAGE;
        }
    };
    let features_root = match args.features.clone().map(Ok).unwrap_or_else(default_root) {
        Ok(r) => r,
        Err(e) => {
            report_error(&e);
            return EXIT_USAGE;
        }
    };

    let mut records = Vec::new();
    let mut code = EXIT_PASSED;
    for target in targets {
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
        say(&format!("{} against {}\n", fam.title(), target.name));
        let record = Arc::new(Mutex::new(RunRecord::new(&target.name, fam.name())));
        let request = RunRequest {
            target,
            features_root: features_root.clone(),
            tags: args.tags.clone(),
            name: name.clone(),
            concurrency: args.concurrency,
            progress: true,
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
            Some(Err(e)) => {
                report_error(&e);
                code = EXIT_USAGE;
            }
            None => {
                taken.interrupted = Some("interrupted (Ctrl-C)".into());
                taken.sort();
                code = EXIT_INTERRUPTED;
            }
        }
        let stop = code != EXIT_PASSED && code != EXIT_FAILED;
        records.push(taken);
        if stop {
            break;
        }
    }

    say(&crate::report::console::summary(&records));
    match crate::report::write_files(&records, &args.out) {
        Ok(paths) => {
            let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            say(&format!("reports: {}\n", shown.join(", ")));
        }
        Err(e) => {
            report_error(&e);
            return EXIT_USAGE;
        }
    }
    if code == EXIT_PASSED && records.iter().any(RunRecord::failed) {
        code = EXIT_FAILED;
    }
    code
}

/// The targets to run: the file given, or every family's embedded target.
fn targets(args: &RunArgs) -> Result<Vec<Target>, String> {
    let Some(path) = &args.target else {
        return Ok(families().iter().map(|f| f.embedded_target()).collect());
    };
    let env = |k: &str| std::env::var(k).ok();
    let target = Target::load(path, &env).map_err(|e: TargetError| e.to_string())?;
    if family(&target.family).is_none() {
        let known: Vec<&str> = families().iter().map(|f| f.name()).collect();
        return Err(format!(
            "{}: unknown family `{}` (hint: one of {})",
            path.display(),
            target.family,
            known.join(", ")
        ));
    }
    if let Some(n) = args.concurrency
        && n == 0
    {
        return Err("--concurrency must be at least 1".into());
    }
    Ok(vec![target])
}
