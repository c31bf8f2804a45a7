//! The signed evidence bundle: `obconf run --bundle DIR --sign-key KEY.pem [--sign-cert CERT.pem]`
//! and `obconf verify DIR [--cert CERT.pem]`.
//!
//! A bundle is a folder a regulator can check offline:
//!
//! | path | what |
//! | --- | --- |
//! | `reports/` | every report `--out` gets, `run.json` included |
//! | `features/` | the `.feature` files of the families that ran, as their folder tree |
//! | `catalog/acceptance.yaml` | the catalog the binary carries |
//! | `target/<file>` | the target file, secrets redacted; `target/EMBEDDED.txt` for an embedded run |
//! | `waivers/<file>` | the `--waivers` file, when one was given |
//! | `manifest.json` | run metadata, and every other file's relative path, size and SHA-256 |
//! | `manifest.jws` | a compact JWS whose payload is `manifest.json`, byte for byte (not detached) |
//!
//! [`write`] builds it after the reports; [`verify::verify`] re-hashes every file listed, refuses
//! files not listed, and checks the signature. This module must never put an unredacted secret in
//! a bundle (the target file passes through [`redact_target`]) and never print or write the
//! signing key.

pub mod jws;
mod target;
pub mod verify;

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;

pub use jws::Signer;
use target::embedded_note;
pub use target::redact_target;

use crate::report::{self, Report, ReportError};
use crate::runner::{RunRecord, Verdict};

/// The manifest's format name; a verifier refuses formats it does not know.
pub const FORMAT: &str = "obconf-bundle/1";
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.jws";

/// Why a bundle could not be written, or verification could not start (usage errors).
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(
        "cannot use --sign-key `{path}`: {detail} (hint: a PEM private key: RSA for PS256, or EC P-256 for ES256)"
    )]
    Key { path: PathBuf, detail: String },
    #[error("cannot use certificate `{path}`: {detail} (hint: a PEM X.509 certificate)")]
    Cert { path: PathBuf, detail: String },
    #[error(
        "--sign-cert `{cert}` is not the certificate of --sign-key `{key}` (hint: give the certificate of that key)"
    )]
    KeyCertMismatch { key: PathBuf, cert: PathBuf },
    #[error(
        "--bundle folder `{0}` is not empty (hint: give a new or empty folder: a bundle holds only what its manifest lists)"
    )]
    NotEmpty(PathBuf),
    #[error(
        "--out `{out}` is inside --bundle `{bundle}` (hint: give the bundle a folder of its own: it gets the reports too)"
    )]
    OutInside { out: PathBuf, bundle: PathBuf },
    #[error("cannot write the bundle to `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the bundle's reports: {0}")]
    Reports(#[from] ReportError),
    #[error("cannot sign the manifest: {0}")]
    Sign(String),
    #[error(
        "bundle folder `{0}` does not exist (hint: obconf verify takes the folder --bundle wrote)"
    )]
    NoDir(PathBuf),
    #[error("`{0}` holds neither manifest.json nor manifest.jws: it is not an evidence bundle")]
    NotABundle(PathBuf),
    #[error(
        "manifest.jws carries no certificate (x5c) and no key (jwk) to verify with (hint: pass --cert CERT.pem)"
    )]
    NoKey,
}

/// Why a bundle is not what was signed: the first mismatch, named.
#[derive(Debug, thiserror::Error)]
pub enum Tampered {
    #[error("{path} is missing (the manifest lists it with sha256 {expected})")]
    Missing { path: String, expected: String },
    #[error("{path} has changed: expected sha256 {expected}, actual {actual}")]
    Digest {
        path: String,
        expected: String,
        actual: String,
    },
    #[error("{0} is not listed in the manifest (a bundle holds only what its manifest lists)")]
    Unlisted(String),
    #[error("{0} is missing")]
    ManifestMissing(&'static str),
    #[error("manifest.jws: {0}")]
    Signature(String),
    #[error("manifest.json differs from the manifest signed in manifest.jws")]
    ManifestChanged,
    #[error("the signed manifest cannot be read: {0}")]
    BadManifest(String),
    #[error("the manifest lists `{0}`, which is not a plain relative path")]
    UnsafePath(String),
}

/// `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub obconf_version: String,
    /// When the bundle was written (RFC 3339).
    pub created: String,
    /// The version of the catalog the binary carries.
    pub catalog_version: u32,
    /// What the command line selected: `--tags` and `--name`, when given.
    #[serde(default)]
    pub selection: serde_json::Value,
    /// Each family run's metadata and verdict counts.
    pub runs: Vec<serde_json::Value>,
    /// Every file of the bundle but the manifest and its signature, by path.
    pub files: Vec<FileEntry>,
}

/// One file of the bundle.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to the bundle folder, `/`-separated.
    pub path: String,
    /// Lowercase hex.
    pub sha256: String,
    pub bytes: u64,
}

/// What goes into a bundle besides the records.
pub struct Contents<'a> {
    pub reports: &'a [Box<dyn Report>],
    pub records: &'a [RunRecord],
    pub features_root: &'a Path,
    /// The target file given with `--target`; `None` for an embedded run.
    pub target_file: Option<&'a Path>,
    /// The waiver file given with `--waivers`, if any.
    pub waivers_file: Option<&'a Path>,
    /// `--tags` and `--name`, as given.
    pub tags: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// Refuses a `--bundle` folder that holds `out` (the reports would be files the manifest does not
/// list), before anything runs.
pub fn check_out(dir: &Path, out: &Path) -> Result<(), BundleError> {
    let (Ok(dir_abs), Ok(out_abs)) = (std::path::absolute(dir), std::path::absolute(out)) else {
        return Ok(());
    };
    if out_abs.starts_with(&dir_abs) {
        return Err(BundleError::OutInside {
            out: out.into(),
            bundle: dir.into(),
        });
    }
    Ok(())
}

/// Refuses a `--bundle` folder that exists and is not empty, before anything runs.
pub fn check_dir(dir: &Path) -> Result<(), BundleError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            Some(_) => Err(BundleError::NotEmpty(dir.into())),
            None => Ok(()),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(BundleError::Write {
            path: dir.into(),
            source,
        }),
    }
}

/// Writes the bundle into `dir` and signs its manifest; returns the number of files listed.
pub fn write(dir: &Path, contents: &Contents, signer: &Signer) -> Result<usize, BundleError> {
    check_dir(dir)?;
    let put = |rel: &str, bytes: &[u8]| -> Result<(), BundleError> {
        let path = dir.join(rel);
        let io = |source| BundleError::Write {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, bytes).map_err(io)
    };
    report::write_reports(contents.reports, contents.records, &dir.join("reports"))?;
    for (rel, source) in features(contents)? {
        let bytes = std::fs::read(&source).map_err(|source_err| BundleError::Read {
            path: source.clone(),
            source: source_err,
        })?;
        put(&format!("features/{rel}"), &bytes)?;
    }
    put(
        "catalog/acceptance.yaml",
        crate::catalog::CATALOG_YAML.as_bytes(),
    )?;
    // The target file and the waiver file: read where the user keeps them, copied redacted.
    let redacted_copy = |path: &Path, folder: &str, default: &str| -> Result<(), BundleError> {
        let text = std::fs::read_to_string(path).map_err(|source| BundleError::Read {
            path: path.into(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| default.into());
        put(&format!("{folder}/{name}"), redact_target(&text).as_bytes())
    };
    match contents.target_file {
        Some(path) => redacted_copy(path, "target", "target.yaml")?,
        None => put(
            "target/EMBEDDED.txt",
            embedded_note(contents.records).as_bytes(),
        )?,
    }
    if let Some(path) = contents.waivers_file {
        redacted_copy(path, "waivers", "waivers.yaml")?;
    }

    let files = list(dir).map_err(|source| BundleError::Write {
        path: dir.into(),
        source,
    })?;
    let mut entries = Vec::new();
    for rel in files.iter().filter(|f| !is_manifest(f)) {
        let bytes = std::fs::read(dir.join(rel)).map_err(|source| BundleError::Write {
            path: dir.join(rel),
            source,
        })?;
        entries.push(FileEntry {
            path: rel.clone(),
            sha256: hex(&jws::sha256(&bytes)),
            bytes: bytes.len() as u64,
        });
    }
    let count = entries.len();
    let manifest = Manifest {
        format: FORMAT.into(),
        obconf_version: env!("CARGO_PKG_VERSION").into(),
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        catalog_version: crate::catalog::catalog().version,
        selection: json!({"tags": contents.tags, "name": contents.name}),
        runs: contents.records.iter().map(run_summary).collect(),
        files: entries,
    };
    let mut text =
        serde_json::to_vec_pretty(&manifest).map_err(|e| BundleError::Sign(e.to_string()))?;
    text.push(b'\n');
    put(MANIFEST, &text)?;
    let signed = signer.sign(&text)?;
    put(SIGNATURE, format!("{signed}\n").as_bytes())?;
    Ok(count)
}

/// A run's metadata and verdict counts, for the manifest.
fn run_summary(r: &RunRecord) -> serde_json::Value {
    let counts: serde_json::Map<String, serde_json::Value> = Verdict::ALL
        .iter()
        .map(|v| (v.label().replace(' ', "_"), json!(r.count(*v))))
        .collect();
    json!({
        "family": r.family,
        "target": r.target,
        "base_url": r.base_url,
        "capabilities": r.capabilities,
        "faults": r.faults,
        "tls_insecure": r.tls_insecure,
        "started": r.started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "finished": r.finished.map(|f| f.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        "interrupted": r.interrupted,
        "failed": r.failed(),
        "counts": counts,
        "waivers": r.waivers.iter().map(|o| o.line()).collect::<Vec<_>>(),
    })
}

/// The `.feature` files of the families that ran, as (path in the bundle, source file).
fn features(contents: &Contents) -> Result<Vec<(String, PathBuf)>, BundleError> {
    let root = contents.features_root;
    let names: Vec<&str> = crate::steps::families()
        .iter()
        .map(|f| f.about().name)
        .collect();
    let mut dirs: Vec<PathBuf> = contents
        .records
        .iter()
        .filter_map(|r| crate::features::family_dir(root, &r.family, &names))
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut out = Vec::new();
    for dir in dirs {
        let files = list(&dir).map_err(|source| BundleError::Write {
            path: dir.clone(),
            source,
        })?;
        for rel in files.into_iter().filter(|f| f.ends_with(".feature")) {
            let source = dir.join(&rel);
            let in_root = source
                .strip_prefix(root)
                .map(slashed)
                .unwrap_or_else(|_| rel.clone());
            out.push((in_root, source));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Every regular file under `dir`, relative, `/`-separated, sorted. Symbolic links are listed
/// too (as files) so that a verifier refuses them rather than follows them.
pub fn list(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.push(slashed(rel));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn slashed(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn is_manifest(rel: &str) -> bool {
    rel == MANIFEST || rel == SIGNATURE
}

/// Whether `rel` is a plain relative path (no `..`, not absolute): all a manifest may list.
fn is_plain(rel: &str) -> bool {
    !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_listed() {
        assert!(is_plain("reports/run.json"));
        assert!(!is_plain("../x") && !is_plain("/etc/passwd") && !is_plain(""));
    }
}
