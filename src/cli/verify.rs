//! `obconf verify DIR [--cert CERT.pem]`: says whether an evidence bundle is intact, and what the
//! check proves (identity only when a certificate pins the key). Prints only its verdict; errors
//! go back as [`CliError`].

use std::path::Path;

use super::{CliError, say};
use crate::bundle::jws::KeySource;
use crate::bundle::verify::{self as check, Refusal};

pub fn verify(dir: &Path, cert: Option<&Path>) -> Result<(), CliError> {
    let intact = check::verify(dir, cert).map_err(|r| match r {
        Refusal::Usage(e) => CliError::Bundle(e),
        Refusal::Tampered(t) => CliError::Tampered(t),
    })?;
    let mut text = format!(
        "bundle intact: {} files match manifest.json, and manifest.jws verifies ({})\n",
        intact.files, intact.alg
    );
    match &intact.key {
        KeySource::Pinned { subject } => text.push_str(&format!(
            "signer: {subject}, the certificate given with --cert: integrity and identity checked\n"
        )),
        KeySource::X5c { subject } => text.push_str(&format!(
            "signer: {subject}, from the bundle's own x5c certificate\nnote: only integrity was checked, not identity: no certificate pins the key (pass --cert CERT.pem)\n"
        )),
        KeySource::Jwk => text.push_str(
            "signer: the public key in manifest.jws (no certificate)\nnote: only integrity was checked, not identity: no certificate pins the key (pass --cert CERT.pem)\n",
        ),
    }
    for run in &intact.manifest.runs {
        text.push_str(&format!(
            "run: {} against {}{}\n",
            run["family"].as_str().unwrap_or("?"),
            run["target"].as_str().unwrap_or("?"),
            if run["failed"] == true {
                " (failed)"
            } else {
                ""
            }
        ));
    }
    say(&crate::redact::redact(&text));
    Ok(())
}
