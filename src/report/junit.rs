//! `junit.xml`: one test suite per feature file, one test case per scenario, valid against the
//! Jenkins JUnit schema (`schemas/junit-10.xsd`, checked by `tests/reports.rs`).
//!
//! Every suite carries the run's metadata in `<properties>` (obconf version, family, target, base
//! URL, capabilities, faults, `tls.insecure`, catalog version, start and end, interrupted), its
//! `file` relative to the features folder and the start of its first scenario as `timestamp`.
//! A test case's `classname` is `<family>.<feature file stem>` and its name is unique within the
//! file (a repeated name, such as a Scenario Outline's rows, gets its `file:line`). The schema
//! has no test-case timestamp or file: each case's `<system-out>` names its start and
//! `file:line`. A failure's `message` is the whole expected-against-actual text on one line; its
//! body is the console's text with the evidence. A scenario that could not run is an `<error>`;
//! skipped, not-run and waived ones are `<skipped>` with their reason: a waived one's
//! `<skipped type="waived" message="waived: …">` names its waiver, and its system-out keeps the
//! failure it waives. A failure that an expired waiver covers says so in its message. Each run's
//! first suite lists what every waiver did in its system-out.
//!
//! Rendering only reads the record, and every value goes through [`xml`]'s escaping: nothing a
//! bank sends reaches the XML unescaped.

mod xml;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use super::{RenderError, Report};
use crate::runner::{RunRecord, ScenarioRecord, Verdict};
use xml::XmlWriter;

/// The longest failure `message` attribute, in characters; the element's text has all of it.
const MESSAGE_LIMIT: usize = 1000;

/// The `junit` report.
pub struct Junit;

impl Report for Junit {
    fn kind(&self) -> &'static str {
        "junit"
    }

    fn file_name(&self) -> &'static str {
        "junit.xml"
    }

    fn render(&self, runs: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
        render(runs, out)
    }
}

/// Writes the JUnit XML for `records` into `out`.
pub fn render(records: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
    out.write_all(document(records).as_bytes())?;
    Ok(())
}

/// The JUnit XML document for `records`.
pub fn document(records: &[RunRecord]) -> String {
    let names = unique_names(records);
    let all = || records.iter().flat_map(|r| &r.scenarios);
    let count = |f: &dyn Fn(&ScenarioRecord) -> bool| all().filter(|s| f(s)).count().to_string();
    let total: Duration = records.iter().map(|r| r.duration).sum();
    let mut x = XmlWriter::new();
    x.open(
        "testsuites",
        &[
            ("name", "obconf"),
            ("tests", &count(&|_| true)),
            ("failures", &count(&|s| s.verdict == Verdict::Failed)),
            (
                "errors",
                &count(&|s| matches!(s.verdict, Verdict::Error | Verdict::CouldNotCheck)),
            ),
            ("time", &seconds(total)),
        ],
    );
    let mut id = 0;
    for (r, record) in records.iter().enumerate() {
        let mut files: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
        for (i, s) in record.scenarios.iter().enumerate() {
            files.entry(s.shown_file()).or_default().push(i);
        }
        let mut waivers: String = record
            .waivers
            .iter()
            .map(|o| format!("{}\n", o.line()))
            .collect();
        for (file, indices) in files {
            let cases: Vec<(&ScenarioRecord, &str)> = indices
                .iter()
                .map(|&i| (&record.scenarios[i], names[r][i].as_str()))
                .collect();
            let waivers = std::mem::take(&mut waivers);
            suite(&mut x, id, record, &file, &cases, &waivers);
            id += 1;
        }
    }
    x.close("testsuites");
    x.finish()
}

fn suite(
    x: &mut XmlWriter,
    id: usize,
    record: &RunRecord,
    file: &std::path::Path,
    cases: &[(&ScenarioRecord, &str)],
    waivers: &str,
) {
    let count = |v: &[Verdict]| {
        cases
            .iter()
            .filter(|(s, _)| v.contains(&s.verdict))
            .count()
            .to_string()
    };
    let feature = cases.first().map(|(s, _)| s.feature.as_str()).unwrap_or("");
    let started = cases
        .iter()
        .filter_map(|(s, _)| s.started)
        .min()
        .unwrap_or(record.started);
    x.open(
        "testsuite",
        &[
            ("name", &format!("{}: {feature}", record.family)),
            ("tests", &cases.len().to_string()),
            ("failures", &count(&[Verdict::Failed])),
            ("errors", &count(&[Verdict::Error, Verdict::CouldNotCheck])),
            (
                "skipped",
                &count(&[Verdict::Skipped, Verdict::NotRun, Verdict::Waived]),
            ),
            (
                "time",
                &seconds(cases.iter().map(|(s, _)| s.duration).sum()),
            ),
            // The Ant schema's form (no zone, no fraction); the time is UTC.
            (
                "timestamp",
                &started.format("%Y-%m-%dT%H:%M:%S").to_string(),
            ),
            ("id", &id.to_string()),
            ("package", &record.family),
            ("file", &file.display().to_string()),
        ],
    );
    x.open("properties", &[]);
    for (name, value) in record.metadata() {
        x.empty("property", &[("name", name), ("value", &value)]);
    }
    x.close("properties");
    for (s, name) in cases {
        case(x, record, s, name);
    }
    if !waivers.is_empty() {
        x.text_element("system-out", &[], &format!("waivers:\n{waivers}"));
    }
    x.close("testsuite");
}

fn case(x: &mut XmlWriter, record: &RunRecord, s: &ScenarioRecord, name: &str) {
    let file = s.shown_file();
    let stem = file
        .file_stem()
        .map(|x| x.to_string_lossy().into_owned())
        .unwrap_or_default();
    x.open(
        "testcase",
        &[
            ("name", name),
            ("classname", &format!("{}.{stem}", record.family)),
            ("time", &seconds(s.duration)),
        ],
    );
    let body = || s.failure_text_at(&file).unwrap_or_default();
    match s.verdict {
        Verdict::Passed => {}
        Verdict::Failed => {
            let expired = record
                .expired_waiver_for(s)
                .map(|o| format!(" (a waiver covers this failure but {})", o.note))
                .unwrap_or_default();
            x.text_element(
                "failure",
                &[
                    ("type", "assertion"),
                    ("message", &format!("{}{expired}", message(s))),
                ],
                &body(),
            );
        }
        Verdict::Error => {
            x.text_element(
                "error",
                &[("type", "could-not-run"), ("message", &message(s))],
                &body(),
            );
        }
        Verdict::CouldNotCheck => {
            x.text_element(
                "error",
                &[("type", "could-not-check"), ("message", &message(s))],
                &body(),
            );
        }
        Verdict::Skipped | Verdict::NotRun | Verdict::Waived => {
            let cause = match s.verdict {
                Verdict::Skipped => "capability",
                Verdict::NotRun => "interrupted",
                _ => "waived",
            };
            let reason = s.reason().unwrap_or_default();
            x.empty("skipped", &[("type", cause), ("message", &reason)]);
        }
    }
    let mut out = format!(
        "catalog: {}\ntags: @{}\nfile: {}:{}\n",
        s.ids(),
        s.tags.join(" @"),
        file.display(),
        s.line
    );
    if let Some(started) = &s.started {
        out.push_str(&format!("started: {}\n", timestamp(started)));
    }
    for note in &s.notes {
        out.push_str(&format!("observed: {note}\n"));
    }
    if s.waiver.is_some()
        && let Some(failure) = s.failure_text_at(&file)
    {
        out.push_str(&format!("waived failure:\n{failure}\n"));
    }
    x.text_element("system-out", &[], &out);
    x.close("testcase");
}

/// `[ID-…] expected: HTTP 403 / actual: HTTP 200`: the catalog id and the whole message on one
/// line, cut at [`MESSAGE_LIMIT`] characters.
fn message(s: &ScenarioRecord) -> String {
    let Some(f) = &s.failure else {
        return String::new();
    };
    let one_line = f
        .message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ");
    let text = format!("[{}] {one_line}", s.ids());
    match text.char_indices().nth(MESSAGE_LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Each scenario's test-case name, per record: its own name, or `name (file:line)` when that name
/// occurs more than once in the whole document (outline rows, two features naming alike).
fn unique_names(records: &[RunRecord]) -> Vec<Vec<String>> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for s in records.iter().flat_map(|r| &r.scenarios) {
        *seen.entry(s.name.as_str()).or_default() += 1;
    }
    let mut taken: HashMap<String, usize> = HashMap::new();
    records
        .iter()
        .map(|r| {
            r.scenarios
                .iter()
                .map(|s| {
                    let mut name = if seen.get(s.name.as_str()).copied().unwrap_or(0) > 1 {
                        format!("{} ({}:{})", s.name, s.shown_file().display(), s.line)
                    } else {
                        s.name.clone()
                    };
                    let n = taken.entry(name.clone()).or_default();
                    *n += 1;
                    if *n > 1 {
                        name = format!("{name} #{n}");
                    }
                    name
                })
                .collect()
        })
        .collect()
}

fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
