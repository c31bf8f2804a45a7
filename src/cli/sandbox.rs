//! `obconf sandbox`: serves an embedded bank until interrupted, and writes a target file for it.
//!
//! The target file, the CA certificate and the sandbox secrets go into `--out`; the secrets are
//! referenced by path (`{ file: … }`), never printed. `obconf run --target <that file>` then runs
//! the external-target path end to end against the embedded bank.

use std::fmt::Write as _;
use std::path::Path;

use super::{CliError, SandboxArgs};
use crate::family::EmbeddedBank;
use crate::sandbox::FaultSet;
use crate::steps::{families, family};

pub async fn sandbox(args: SandboxArgs) -> Result<(), CliError> {
    let wanted = args
        .family
        .clone()
        .or_else(|| families().first().map(|f| f.about().name.to_string()))
        .unwrap_or_default();
    let Some(fam) = family(&wanted) else {
        return Err(CliError::UnknownFamily {
            origin: None,
            family: wanted,
            known: families().iter().map(|f| f.about().name).collect(),
        });
    };
    let faults = FaultSet::parse(&args.faults, fam.about().faults)?;
    let bank = fam
        .start_embedded(fam.embedded_target(), faults.clone(), args.listen)
        .await?;
    let target_path =
        write_target(&bank, &args.out, &faults).map_err(|source| CliError::SandboxFiles {
            path: args.out.clone(),
            source,
        })?;
    // Written with errors ignored: the bank must keep serving when nobody reads its console any
    // more (a closed pipe would make `println!` panic and take the bank down).
    let mut banner = format!(
        "{} embedded bank listening on {}\n",
        fam.about().title,
        bank.target.base_url
    );
    if !faults.is_empty() {
        let names: Vec<&str> = faults.names().collect();
        let _ = writeln!(banner, "faults on: {}", names.join(", "));
    }
    let shown = target_path.display();
    let _ = writeln!(banner, "target file: {shown}");
    let _ = writeln!(banner, "run against it with: obconf run --target {shown}");
    let content =
        std::fs::read_to_string(&target_path).map_err(|source| CliError::SandboxFiles {
            path: target_path.clone(),
            source,
        })?;
    let _ = writeln!(
        banner,
        "---\n{content}---\nserving until interrupted (Ctrl-C)"
    );
    let mut out = std::io::stdout().lock();
    let _ = std::io::Write::write_all(&mut out, banner.as_bytes());
    let _ = std::io::Write::flush(&mut out);
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    drop(bank);
    Ok(())
}

/// Writes `target.yaml`, `ca.pem` and `secrets/` into `dir`; returns the target file's path.
fn write_target(
    bank: &EmbeddedBank,
    dir: &Path,
    faults: &FaultSet,
) -> std::io::Result<std::path::PathBuf> {
    let secrets = dir.join("secrets");
    std::fs::create_dir_all(dir)?;
    private_dir(&secrets)?;
    std::fs::write(dir.join("ca.pem"), &bank.ca_pem)?;
    let t = &bank.target;
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Written by `obconf sandbox`: the embedded {} bank{}.",
        t.family,
        if faults.is_empty() {
            String::new()
        } else {
            format!(
                " with faults {}",
                faults.names().collect::<Vec<_>>().join(", ")
            )
        }
    );
    let _ = writeln!(y, "name: sandbox-{}", t.family);
    let _ = writeln!(y, "family: {}", t.family);
    let _ = writeln!(y, "base_url: {}", t.base_url);
    let _ = writeln!(y, "tls:\n  ca: ca.pem");
    if let Some(identity) = &t.tls.identity_pem {
        let (certs, key) = split_pem(identity.expose());
        std::fs::write(dir.join("client.crt"), certs)?;
        write_secret(&secrets.join("client.key"), &key)?;
        let _ = writeln!(
            y,
            "  client_cert: client.crt\n  client_key: secrets/client.key"
        );
    }
    if let Some(o) = &t.oauth {
        let _ = writeln!(
            y,
            "oauth:\n  token_url: {}\n  client_id: {}",
            o.token_url, o.client_id
        );
        for (k, v) in [
            ("authorize_url", &o.authorize_url),
            ("revoke_url", &o.revoke_url),
            ("redirect_uri", &o.redirect_uri),
        ] {
            if let Some(v) = v {
                let _ = writeln!(y, "  {k}: {v}");
            }
        }
    }
    if let Some(settings) = &t.settings {
        let mut n = 0;
        let settings = secrets_to_files(settings, &secrets, &mut n)?;
        // JSON is YAML: the family reads it back through Target::settings.
        let _ = writeln!(y, "settings: {settings}");
    }
    if let Some(caps) = &t.capabilities {
        let _ = writeln!(
            y,
            "capabilities: [{}]",
            caps.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let _ = writeln!(y, "personas:");
    for (name, p) in &t.personas {
        let _ = writeln!(y, "  {name}:");
        if let Some(login) = &p.login {
            let file = format!("{name}.password");
            write_secret(&secrets.join(&file), login.password.expose())?;
            let _ = writeln!(
                y,
                "    login: {{ username: {}, password: {{ file: secrets/{file} }} }}",
                login.username
            );
        }
        if !p.tokens.is_empty() {
            let _ = writeln!(y, "    tokens:");
            for (scope, token) in &p.tokens {
                let file = format!("{name}.{scope}.token");
                write_secret(&secrets.join(&file), token.expose())?;
                let _ = writeln!(y, "      {scope}: {{ file: secrets/{file} }}");
            }
        }
    }
    let path = dir.join("target.yaml");
    std::fs::write(&path, y)?;
    Ok(path)
}

/// Certificates and the private key of a PEM bundle, apart.
fn split_pem(pem: &str) -> (String, String) {
    let mut certs = String::new();
    let mut key = String::new();
    let mut current = String::new();
    for line in pem.lines() {
        current.push_str(line);
        current.push('\n');
        if line.starts_with("-----END") {
            if line.contains("PRIVATE KEY") {
                key.push_str(&current);
            } else {
                certs.push_str(&current);
            }
            current.clear();
        }
    }
    (certs, key)
}

/// `value` with every string that holds a registered secret replaced by `{ file: secrets/… }`,
/// the secret written to that file.
fn secrets_to_files(
    value: &serde_json::Value,
    secrets: &Path,
    n: &mut usize,
) -> std::io::Result<serde_json::Value> {
    use serde_json::Value;
    Ok(match value {
        Value::String(s) if crate::redact::redact(s) != *s => {
            *n += 1;
            let file = format!("settings-{n}.secret");
            write_secret(&secrets.join(&file), s)?;
            serde_json::json!({ "file": format!("secrets/{file}") })
        }
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                out.insert(k.clone(), secrets_to_files(v, secrets, n)?);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| secrets_to_files(v, secrets, n))
                .collect::<std::io::Result<_>>()?,
        ),
        other => other.clone(),
    })
}

/// Writes a secret readable by the owner only: created with mode 0600 (never readable by others,
/// not even for a moment), and narrowed to it if it existed.
fn write_secret(path: &Path, value: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    std::io::Write::write_all(&mut options.open(path)?, value.as_bytes())
}

/// The folder of the secrets, created with mode 0700 (narrowed to it if it existed).
fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(path)
}
