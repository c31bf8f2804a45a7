//! Redaction: the one place that decides what text may leave the process.
//!
//! Every secret the run learns (target-file tokens, passwords, tokens a bank issues during the run)
//! is registered here, and every piece of text bound for the console, a log or a report passes
//! through [`redact`] first. Headers and JSON/form fields that carry credentials are masked by name
//! as well, so a secret the run never saw (a token minted by the bank in a response) is also hidden.
//! The engine's own names are the generic ones (OAuth, HTTP); a family adds the names its
//! documents use for credentials through its wire ([`register_names`]).
//! This module must never print or store what it redacts anywhere but its own in-memory set.

mod forms;
mod index;

use std::collections::BTreeSet;
use std::sync::{LazyLock, RwLock};

/// What replaces a secret in any output.
pub const MASK: &str = "[REDACTED]";

/// Header names whose values are always masked: HTTP's and OAuth's own.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "client-secret",
    "x-api-key",
];

/// JSON and form field names whose values are always masked: OAuth's and OpenID's own.
const SECRET_FIELDS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "password",
    "client_secret",
    "client_assertion",
    "assertion",
    "code",
    "code_verifier",
    "secret",
    "private_key",
];

/// Header and field names that families registered (lower case).
static FAMILY_NAMES: LazyLock<RwLock<(BTreeSet<String>, BTreeSet<String>)>> =
    LazyLock::new(Default::default);

/// Adds a family's credential header and field names to those always masked. Names stay
/// registered for the process: masking them in a later run of another family costs nothing.
pub fn register_names(headers: &[&str], fields: &[&str]) {
    if let Ok(mut names) = FAMILY_NAMES.write() {
        names
            .0
            .extend(headers.iter().map(|h| h.to_ascii_lowercase()));
        names
            .1
            .extend(fields.iter().map(|f| f.to_ascii_lowercase()));
    }
}

/// Secrets shorter than this are not searched for in free text: masking every "1" would make
/// evidence unreadable, and such values cannot be credentials worth protecting.
const MIN_SECRET_LEN: usize = index::PREFIX;

static SECRETS: LazyLock<RwLock<BTreeSet<String>>> = LazyLock::new(Default::default);

/// The secrets registered as themselves (not as another's encoded form): their forms are known.
static WHOLE: LazyLock<RwLock<BTreeSet<String>>> = LazyLock::new(Default::default);

/// The registered secrets by their first [`MIN_SECRET_LEN`] bytes: [`redact`] finds the secrets a
/// text holds in one scan of the text, however many secrets a long run has registered.
static BY_PREFIX: LazyLock<RwLock<index::PrefixIndex>> = LazyLock::new(Default::default);

/// Registers a value that must never appear in output, with its encoded forms (base64 and
/// base64url at every alignment, so inside a JWT's payload too; percent-encoded; JSON-escaped):
/// a bank that reflects a credential encoded must not get it written out either.
pub fn register(secret: &str) {
    let secret = secret.trim();
    if secret.len() < MIN_SECRET_LEN
        || !WHOLE
            .write()
            .is_ok_and(|mut w| w.insert(secret.to_string()))
    {
        return;
    }
    insert(secret);
    for form in forms::of(secret) {
        insert(&form);
    }
}

/// Registers one exact value.
fn insert(secret: &str) {
    if secret.len() >= MIN_SECRET_LEN
        && let Ok(mut set) = SECRETS.write()
        && set.insert(secret.to_string())
        && let Ok(mut index) = BY_PREFIX.write()
    {
        index.insert(secret);
    }
}

/// Every registered secret. For leak tests, which check that none reaches any output; never print
/// what this returns.
pub fn registered() -> Vec<String> {
    SECRETS
        .read()
        .map(|s| s.iter().cloned().collect())
        .unwrap_or_default()
}

/// The length in bytes of the longest registered secret (0 when none is).
pub fn longest_secret() -> usize {
    BY_PREFIX.read().map(|i| i.longest()).unwrap_or(0)
}

/// The length of the longest registered secret that starts at `at` in `text`, if one does.
pub fn secret_at(text: &[u8], at: usize) -> Option<usize> {
    let index = BY_PREFIX.read().ok()?;
    index.starting_at(text, at).map(String::len).max()
}

/// Whether a header's value must be masked whatever it holds.
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_HEADERS.contains(&name.as_str())
        || FAMILY_NAMES.read().is_ok_and(|n| n.0.contains(&name))
}

/// Whether a JSON or form field's value must be masked whatever it holds.
pub fn is_secret_field(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_FIELDS.contains(&name.as_str()) || FAMILY_NAMES.read().is_ok_and(|n| n.1.contains(&name))
}

/// Masks every registered secret in `text`, longest first so that a secret containing another is
/// masked whole.
pub fn redact(text: &str) -> String {
    let Ok(index) = BY_PREFIX.read() else {
        return text.to_string();
    };
    let secrets = index.found_in(text.as_bytes());
    if secrets.is_empty() {
        return text.to_string();
    }
    let mut secrets: Vec<&String> = secrets.into_iter().collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    out
}

/// `text` as a terminal may show it: control characters other than newline and tab, DEL, the C1
/// controls and the bidirectional overrides become visible stand-ins (`␛` for ESC), so that bytes a
/// bank sent can neither move the cursor, erase earlier lines nor reorder what is shown.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Masks credential fields in a JSON document (recursively), then registered secrets.
pub fn redact_json(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_field(k) && !v.is_null() {
                        Value::String(MASK.to_string())
                    } else {
                        redact_json(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_json).collect()),
        Value::String(s) => Value::String(redact(s)),
        other => other.clone(),
    }
}

/// Masks credential fields in an `application/x-www-form-urlencoded` body, then registered secrets.
pub fn redact_form(body: &str) -> String {
    let masked: Vec<String> = body
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_field(k) => format!("{k}={MASK}"),
            _ => pair.to_string(),
        })
        .collect();
    redact(&masked.join("&"))
}

/// Masks a body whatever its type: JSON by field, form by field, anything else by registered value.
pub fn redact_body(body: &str) -> String {
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(body) {
        return serde_json::to_string_pretty(&redact_json(&json)).unwrap_or_else(|_| redact(body));
    }
    if body.contains('=') && !body.contains(char::is_whitespace) {
        return redact_form(body);
    }
    redact(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_are_masked_longest_first() {
        register("tok-abcdef");
        register("tok-abcdef-longer");
        assert_eq!(
            redact("a tok-abcdef-longer b tok-abcdef"),
            "a [REDACTED] b [REDACTED]"
        );
    }

    #[test]
    fn a_secret_is_found_among_many_sharing_its_prefix() {
        for i in 0..500 {
            register(&format!("many-{i:04}-secret"));
        }
        assert_eq!(
            redact("x many-0420-secret y many-0420-secre z many-0499-secretive"),
            "x [REDACTED] y many-0420-secre z [REDACTED]ive"
        );
    }

    #[test]
    fn control_characters_cannot_reach_a_terminal() {
        let shown = printable("ok\n\tline \u{1b}[2J\u{1b}]0;title\u{7}\r \u{9b}x \u{202e}rev");
        assert_eq!(shown, "ok\n\tline ␛[2J␛]0;title␇␍ \u{fffd}x \u{fffd}rev");
        assert!(
            !shown
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        );
    }

    #[test]
    fn short_values_are_not_treated_as_secrets() {
        register("12");
        assert_eq!(redact("status 12"), "status 12");
    }

    #[test]
    fn a_familys_credential_names_are_masked_once_registered() {
        assert!(!is_secret_header("X-Obconf-Test-Key"));
        register_names(&["X-Obconf-Test-Key"], &["obconf_test_field"]);
        assert!(is_secret_header("x-obconf-test-key"));
        let r = redact_json(&serde_json::json!({"obconf_test_field": "v", "other": "w"}));
        assert_eq!(r["obconf_test_field"], MASK);
        assert_eq!(r["other"], "w");
    }

    #[test]
    fn credential_fields_are_masked_by_name() {
        let v = serde_json::json!({"access_token": "zzz", "nested": [{"password": "p"}], "ok": 1});
        let r = redact_json(&v);
        assert_eq!(r["access_token"], MASK);
        assert_eq!(r["nested"][0]["password"], MASK);
        assert_eq!(r["ok"], 1);
        assert_eq!(
            redact_form("grant_type=password&username=LEA&password=hunter2"),
            "grant_type=password&username=LEA&password=[REDACTED]"
        );
    }
}
