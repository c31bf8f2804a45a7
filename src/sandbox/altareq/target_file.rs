//! The ready target file of a served model bank (`obconf sandbox --family altareq`): `ca.pem`, each
//! client's transport certificate, its private keys (in `secrets/`, a folder created 0700, each
//! file created 0600: created with the mode, never loosened first), and `altareq.yaml` in the
//! target format the TPP side parses (the contract's settings section).
//!
//! The yaml names secrets only by file; no key is ever written into it or printed.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{ClientKit, Started};

/// Creates `path` (a folder) readable by the owner only.
fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Writes `value` to a new file readable by the owner only (replacing an older one).
fn write_secret(path: &Path, value: &str) -> std::io::Result<()> {
    if path.exists() {
        std::fs::remove_file(path)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(value.as_bytes())
}

/// Writes one client's files; returns its yaml block (indented under `client:` / `client2:`).
fn client_files(dir: &Path, name: &str, kit: &ClientKit) -> std::io::Result<String> {
    let cert = format!("{name}-transport.cert.pem");
    let signing = format!("secrets/{name}-signing.key.pem");
    let transport = format!("secrets/{name}-transport.key.pem");
    std::fs::write(dir.join(&cert), &kit.transport_cert_pem)?;
    write_secret(&dir.join(&signing), &kit.signing_key_pem)?;
    write_secret(&dir.join(&transport), &kit.transport_key_pem)?;
    Ok(format!(
        "    client_id: \"{}\"\n    signing_kid: \"{}\"\n    signing_key: {{ file: {signing} }}\n    transport_cert: {cert}\n    transport_key: {{ file: {transport} }}\n",
        kit.client_id, kit.signing_kid
    ))
}

/// Writes the target file of `started` and its companions into `dir`; returns the yaml's path.
pub fn write_target_files(started: &Started, dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    private_dir(&dir.join("secrets"))?;
    std::fs::write(dir.join("ca.pem"), &started.ca_pem)?;
    let client1 = client_files(dir, "client1", &started.client1)?;
    let client2 = client_files(dir, "client2", &started.client2)?;
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Written by `obconf sandbox --family altareq`: the embedded AlTareq model bank."
    );
    let _ = writeln!(
        y,
        "name: altareq-model-bank\nfamily: altareq\nbase_url: {}",
        started.rs
    );
    let _ = writeln!(y, "tls: {{ ca: ca.pem }}");
    let _ = writeln!(y, "capabilities: [{}]", super::CAPABILITIES.join(", "));
    let _ = writeln!(
        y,
        "settings:\n  version: v2.1\n  issuer: {}",
        started.issuer
    );
    let _ = writeln!(y, "  redirect_uri: {}", started.redirect_uri);
    let _ = write!(y, "  client:\n{client1}  client2:\n{client2}");
    // The PSU and accounts the headless authoriser selects (notes §12: mits), as this bank names them.
    let f = &started.fixture;
    let accounts = f
        .account_ids
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        y,
        "  authoriser:\n    kind: headless\n    consent_manager: {}/cs\n    user_id: \"{}\"\n    account_ids: [{accounts}]\n    debtor_account_id: \"{}\"\n    authorization_channel: Web",
        started.rs, f.user_id, f.debtor_account_id
    );
    let _ = writeln!(
        y,
        "  payments:\n    creditor: {{ iban: {}, name: {} }}",
        f.creditor_iban, f.creditor_name
    );
    let _ = writeln!(
        y,
        "  cop:\n    iban: {}\n    name: {{ full: Ibrahim Al Suwaidi, given: Ibrahim, last: Al Suwaidi }}\n    wrong_name: Fatima Khan\n    close_name: Ibrahim Al Swaidi",
        f.cop_iban
    );
    let _ = writeln!(
        y,
        "  tolerances:\n    par_status: [{}]\n    request_object_error: [invalid_request_object]\n    client_auth_error: [invalid_client]",
        started.par_status
    );
    let path = dir.join("altareq.yaml");
    std::fs::write(&path, y)?;
    Ok(path)
}
