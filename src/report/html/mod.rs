//! `report.html`: one self-contained page of the invocation, for a person (a certifier, a bank's
//! engineer) with nothing but a browser.
//!
//! The page holds each run's metadata (with a warning when TLS verification was off), a summary
//! per family and feature, the coverage matrix, and every scenario with its steps, every step's
//! request and response evidence, its failure or skip reason. Verdict and catalog id filters are
//! a few lines of plain JS over data attributes (`filter.js`); without JS everything is shown.
//!
//! Self-contained and offline: the CSS and JS are inline, there are no fonts, images or links
//! outside the file, and a Content-Security-Policy allows only the page's own style and script
//! (by hash), so even a text that escaped escaping could neither run nor fetch anything. Every
//! record text goes through [`Esc`]; nothing from the record is ever put in the script.
//!
//! Written with `std::fmt::Write`: [`page`] assembles the sections of `meta`, `summary`, `matrix`
//! and `scenarios`.

mod baseline;
mod escape;
mod matrix;
mod meta;
mod scenarios;
mod summary;

use std::fmt::{self, Write as _};
use std::io::Write;

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

pub use escape::{Esc, escape};

use super::{RenderError, Report};
use crate::runner::{RunRecord, Verdict};

/// The page's style sheet, inlined.
pub const STYLE: &str = include_str!("style.css");
/// The page's script (the filters), inlined.
pub const SCRIPT: &str = include_str!("filter.js");

/// The `html` report.
pub struct Html;

impl Report for Html {
    fn kind(&self) -> &'static str {
        "html"
    }

    fn file_name(&self) -> &'static str {
        "report.html"
    }

    /// Streamed: the page is assembled scenario by scenario and handed on whenever a piece of it
    /// is large enough, so a run of thousands of scenarios is never held whole as a page.
    fn render(&self, runs: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
        let mut sink = Sink::new(out);
        // Writing into the sink's String cannot fail; a failed write to `out` is kept in it.
        let _ = write_page(&mut sink, runs);
        sink.finish()
    }

    /// The page's own style and script: a change to either would break the
    /// Content-Security-Policy hashes and silently stop the filters.
    fn verbatim(&self) -> &'static [&'static str] {
        &[STYLE, SCRIPT]
    }
}

/// Where the page is assembled: a String handed on to the report's writer in pieces of about
/// [`Sink::PIECE`] bytes, the style and the script each on its own.
struct Sink<'a> {
    text: String,
    out: Option<&'a mut dyn Write>,
    failed: Option<std::io::Error>,
}

impl<'a> Sink<'a> {
    const PIECE: usize = 64 * 1024;

    fn new(out: &'a mut dyn Write) -> Self {
        Self {
            text: String::new(),
            out: Some(out),
            failed: None,
        }
    }

    /// A sink that keeps the whole page (for [`page`]).
    fn whole() -> Self {
        Self {
            text: String::new(),
            out: None,
            failed: None,
        }
    }

    /// Hands on what is assembled once it is a piece's worth.
    fn spill(&mut self) {
        if self.text.len() >= Self::PIECE {
            self.hand_on();
        }
    }

    fn hand_on(&mut self) {
        if let Some(out) = self.out.as_mut() {
            if self.failed.is_none()
                && let Err(e) = out.write_all(self.text.as_bytes())
            {
                self.failed = Some(e);
            }
            self.text.clear();
        }
    }

    /// One of the page's own verbatim texts, handed on in one write of exactly that text.
    fn verbatim(&mut self, text: &'static str) {
        if self.out.is_none() {
            self.text.push_str(text);
            return;
        }
        self.hand_on();
        if let Some(out) = self.out.as_mut()
            && self.failed.is_none()
            && let Err(e) = out.write_all(text.as_bytes())
        {
            self.failed = Some(e);
        }
    }

    fn finish(mut self) -> Result<(), RenderError> {
        self.hand_on();
        match self.failed {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

impl std::ops::Deref for Sink<'_> {
    type Target = String;
    fn deref(&self) -> &String {
        &self.text
    }
}

impl std::ops::DerefMut for Sink<'_> {
    fn deref_mut(&mut self) -> &mut String {
        &mut self.text
    }
}

/// The whole page for `runs`.
pub fn page(runs: &[RunRecord]) -> String {
    let mut sink = Sink::whole();
    // Writing into a String cannot fail.
    let _ = write_page(&mut sink, runs);
    sink.text
}

fn write_page(out: &mut Sink<'_>, runs: &[RunRecord]) -> fmt::Result {
    let families: Vec<&str> = runs.iter().map(|r| r.family.as_str()).collect();
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\">")?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        content_security_policy()
    )?;
    writeln!(out, "<meta name=\"referrer\" content=\"no-referrer\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>obconf report: {}</title>",
        Esc(&families.join(", "))
    )?;
    write!(out, "<style>")?;
    out.verbatim(STYLE);
    writeln!(out, "</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>obconf conformance report</h1>")?;
    overall(&mut *out, runs)?;
    writeln!(
        out,
        "<nav><a href=\"#runs\">Runs</a><a href=\"#summary\">Summary</a><a href=\"#coverage\">Coverage matrix</a><a href=\"#scenarios\">Scenarios</a></nav>"
    )?;
    writeln!(out, "</header>")?;
    meta::section(&mut *out, runs)?;
    summary::section(&mut *out, runs)?;
    baseline::section(&mut *out, runs)?;
    matrix::section(&mut *out, runs)?;
    scenarios::section(out, runs)?;
    write!(out, "<script>")?;
    out.verbatim(SCRIPT);
    writeln!(out, "</script>")?;
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")
}

/// The one-line verdict of the invocation.
fn overall(out: &mut String, runs: &[RunRecord]) -> fmt::Result {
    let total: usize = runs.iter().map(|r| r.scenarios.len()).sum();
    let count = |v: Verdict| runs.iter().map(|r| r.count(v)).sum::<usize>();
    let failing: usize = Verdict::ALL
        .into_iter()
        .filter(|v| v.fails_the_run())
        .map(count)
        .sum();
    let (class, text) = if failing > 0 {
        (
            "failed",
            format!("FAILED: {failing} of {total} scenarios did not pass"),
        )
    } else if runs.iter().any(|r| r.interrupted.is_some()) {
        ("failed", format!("INTERRUPTED: {total} scenarios finished"))
    } else {
        ("passed", format!("PASSED: no failure in {total} scenarios"))
    };
    writeln!(
        out,
        "<p class=\"overall {class}\" id=\"overall\" data-verdict=\"{class}\">{}</p>",
        Esc(&text)
    )?;
    if runs.iter().any(|r| r.tls_insecure) {
        writeln!(
            out,
            "<p class=\"warning\" role=\"alert\">TLS certificate verification was OFF for at least one run (tls.insecure): its results prove nothing about the bank's TLS.</p>"
        )?;
    }
    Ok(())
}

/// Allows nothing but the page's own style and script, by their SHA-256.
fn content_security_policy() -> String {
    let hash = |text: &str| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text));
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src 'none'; base-uri 'none'; form-action 'none'",
        hash(STYLE),
        hash(SCRIPT)
    )
}

/// A scenario verdict as one token (`not-run`), for class names and data attributes.
pub(crate) fn slug(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::Skipped => "skipped",
        Verdict::Error => "error",
        Verdict::CouldNotCheck => "could-not-check",
        Verdict::NotRun => "not-run",
        Verdict::Waived => "waived",
    }
}

/// `<span class="verdict failed">failed</span>`.
pub(crate) fn badge(out: &mut String, slug: &str, label: &str) -> fmt::Result {
    write!(
        out,
        "<span class=\"verdict {}\">{}</span>",
        Esc(slug),
        Esc(label)
    )
}

/// An instant as the page shows it: RFC 3339, to the millisecond, UTC.
pub(crate) fn instant(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_leaves_the_inline_style_and_script_alone() {
        // The page is redacted once more when written: a change to either would break the
        // Content-Security-Policy hashes and the filters would silently not run. A secret that
        // is a piece of both the script and a record text is masked in the text only.
        // The script's longest word: registered globally, it must not mask other tests' text.
        let piece = SCRIPT
            .split(|c: char| !c.is_alphanumeric())
            .max_by_key(|w| w.len())
            .unwrap_or_default()
            .to_string();
        assert!(piece.len() >= 6 && SCRIPT.contains(&piece));
        crate::redact::register(&piece);
        let mut run = RunRecord::new(&piece, "f");
        run.base_url = format!("https://bank.example/{piece}");
        let page = crate::report::render_to_string(&Html, &[run]).expect("rendered");
        assert!(page.contains(SCRIPT), "the inline script is left whole");
        assert!(page.contains(STYLE), "the inline style is left whole");
        assert!(
            !page.contains(&format!("bank.example/{piece}")),
            "the record's text is masked"
        );
    }

    #[test]
    fn the_style_and_script_never_reach_outside_the_file() {
        for text in [STYLE, SCRIPT] {
            for banned in [
                "http:",
                "https:",
                "url(",
                "@import",
                "fetch(",
                "XMLHttpRequest",
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
                "eval(",
            ] {
                assert!(!text.contains(banned), "{banned}");
            }
        }
    }

    #[test]
    fn an_empty_invocation_renders_a_page() {
        let page = page(&[]);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("PASSED: no failure in 0 scenarios"));
    }
}
