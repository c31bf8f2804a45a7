//! The target as a bundle carries it: the file with every secret masked, or, for an embedded run,
//! a note saying that there was no file. This module must never let an unredacted secret through:
//! it masks registered secrets whole and line by line, inline values of credential keys, and PEM
//! private-key bodies, and keeps `${ENV}` and `{ file: }` references (they are not secrets).

use crate::runner::RunRecord;

/// What an embedded run's bundle carries instead of a target file.
pub(super) fn embedded_note(records: &[RunRecord]) -> String {
    let mut note = String::from(
        "This run used obconf's embedded reference banks: no target file was given, so none is \
         in this bundle.\n\n",
    );
    for r in records {
        let faults = if r.faults.is_empty() {
            "none".to_string()
        } else {
            r.faults.join(", ")
        };
        note.push_str(&format!(
            "{}: target {}, base URL {}, faults: {faults}\n",
            r.family, r.target, r.base_url
        ));
    }
    crate::redact::redact(&note)
}

/// The target file's text with every secret masked: registered secrets (whole, and line by line
/// for multi-line ones), inline values of credential keys, and PEM private-key blocks.
pub fn redact_target(text: &str) -> String {
    // PEM bodies and credential keys first, on the text as written (armor lines intact).
    let mut in_key = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.contains("-----BEGIN") && trimmed.contains("PRIVATE KEY") {
            in_key = true;
            lines.push(line.to_string());
            continue;
        }
        if in_key {
            if trimmed.contains("-----END") {
                in_key = false;
                lines.push(line.to_string());
            } else {
                let indent = &line[..line.len() - line.trim_start().len()];
                lines.push(format!("{indent}{}", crate::redact::MASK));
            }
            continue;
        }
        lines.push(mask_credential_value(line));
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    // Then every registered secret: whole, and line by line for multi-line ones (a PEM key
    // written as a YAML block is indented, so it never occurs whole). Armor lines are not secret.
    let mut out = crate::redact::redact(&out);
    for secret in crate::redact::registered() {
        for line in secret.lines().map(str::trim) {
            if line.len() >= 16 && !line.starts_with("-----") {
                out = out.replace(line, crate::redact::MASK);
            }
        }
    }
    out
}

/// `password: hunter2` → `password: [REDACTED]`, unless the value is a reference
/// (`${ENV}`, `{ file: … }`) rather than the secret itself.
fn mask_credential_value(line: &str) -> String {
    let Some((key, value)) = line.split_once(':') else {
        return line.to_string();
    };
    let name = key
        .trim()
        .trim_start_matches("- ")
        .trim_matches(['"', '\'']);
    let value = value.trim();
    let reference = value.is_empty()
        || value.starts_with('{')
        || value.trim_matches(['"', '\'']).starts_with("${")
        || value.starts_with('#')
        || value.starts_with('|')
        || value.starts_with('>');
    if crate::redact::is_secret_field(name) && !reference {
        format!("{key}: {}", crate::redact::MASK)
    } else {
        mask_flow_entries(line)
    }
}

/// Inline `{ …, password: hunter2 }` entries whose key names a credential get their value masked,
/// unless it is a reference (`${ENV}`, `{ file: … }`).
fn mask_flow_entries(line: &str) -> String {
    static ENTRY: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"([A-Za-z_][A-Za-z0-9_-]*)(\s*:\s*)("[^"]*"|'[^']*'|[^,{}\s][^,{}]*)"#)
            .ok()
    });
    let Some(entry) = ENTRY.as_ref() else {
        return line.to_string();
    };
    if !line.contains('{') {
        return line.to_string();
    }
    entry
        .replace_all(line, |c: &regex::Captures<'_>| {
            let value = c[3].trim().trim_matches(['"', '\'']);
            if crate::redact::is_secret_field(&c[1]) && !value.starts_with("${") {
                format!("{}{}{}", &c[1], &c[2], crate::redact::MASK)
            } else {
                c[0].to_string()
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_file_keeps_references_and_loses_secrets() {
        crate::redact::register("inline-token-value-123");
        crate::redact::register("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nsecond-line-of-the-key-body");
        let text = "name: b\npersonas:\n  A:\n    tokens: { aisp: \"inline-token-value-123\" }\n    refresh_token: \"${REFRESH}\"\n    login: { username: u, password: \"${PW}\" }\npassword: short\nkey: |\n  MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n  second-line-of-the-key-body\npem: |\n  -----BEGIN PRIVATE KEY-----\n  abcdefgh\n  -----END PRIVATE KEY-----\n";
        let out = redact_target(text);
        assert!(!out.contains("inline-token-value-123"), "{out}");
        assert!(out.contains("${REFRESH}") && out.contains("${PW}"), "{out}");
        assert!(out.contains("password: [REDACTED]"), "{out}");
        let inline =
            redact_target("    login: { username: u, password: hunt3r }\n    k: { file: k.pem }\n");
        assert!(!inline.contains("hunt3r"), "{inline}");
        assert!(
            inline.contains("username: u") && inline.contains("{ file: k.pem }"),
            "{inline}"
        );
        assert!(
            !out.contains("MIIEvQ") && !out.contains("second-line"),
            "{out}"
        );
        assert!(!out.contains("abcdefgh"), "{out}");
        assert!(out.ends_with('\n'));
    }
}
