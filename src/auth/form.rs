//! The PSU's side of a bank's HTML pages, read as a browser would: the first form's action and
//! fields, and the submit button a PSU would press for a decision.
//!
//! Only what obconf needs to log a persona in, approve or refuse: this is not an HTML parser, and
//! it must never execute or follow anything on the page by itself.

/// Reads the first `<form>` of `html`: its action and its inputs' values, with `fill` applied to
/// the inputs of those names. `None` when there is no form or a field to fill is missing.
pub fn fill_form(html: &str, fill: &[(&str, &str)]) -> Option<(String, Vec<(String, String)>)> {
    let form = first_form(html)?;
    let action = attribute(&form[..form.find('>')?], "action")?;
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find("<input") {
        let tag_end = rest[i..].find('>').map(|e| i + e)?;
        let tag = &rest[i..tag_end];
        if let Some(name) = attribute(tag, "name") {
            fields.push((name, attribute(tag, "value").unwrap_or_default()));
        }
        rest = &rest[tag_end..];
    }
    for (name, value) in fill {
        let field = fields.iter_mut().find(|(k, _)| k == name)?;
        field.1 = value.to_string();
    }
    Some((unescape(&action), fields))
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=");
    let mut from = 0;
    while let Some(i) = tag[from..].find(&key) {
        let at = from + i;
        let boundary = at == 0 || tag.as_bytes()[at - 1].is_ascii_whitespace();
        let after = &tag[at + key.len()..];
        if boundary {
            let quote = after.chars().next()?;
            if quote == '"' || quote == '\'' {
                let end = after[1..].find(quote)?;
                return Some(unescape(&after[1..1 + end]));
            }
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(after.len());
            return Some(after[..end].to_string());
        }
        from = at + key.len();
    }
    None
}

/// The first `<form …>` of `html` up to its `</form>` (or the end of the page).
fn first_form(html: &str) -> Option<&str> {
    let start = html.find("<form")?;
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |e| start + e);
    Some(&html[start..end])
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The `name=value` pair a browser sends for the first submit button of the first form whose
/// value or label contains one of `words` (case-insensitive): how a PSU presses "Refuse" rather
/// than "Approve". `None` when the form has no such named button.
pub fn submit_button(html: &str, words: &[&str]) -> Option<(String, String)> {
    let form = first_form(html)?;
    let matches = |text: &str| {
        let text = text.to_lowercase();
        words.iter().any(|w| text.contains(&w.to_lowercase()))
    };
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        let tag_end = rest[i..].find('>').map(|e| i + e)?;
        let tag = &rest[i + 1..tag_end];
        let lower = tag.to_ascii_lowercase();
        let after = &rest[tag_end + 1..];
        let (label, is_submit) = if lower.starts_with("button") {
            // ASCII lowercasing keeps byte offsets, so the end found there cuts `after` right.
            let end = after.to_ascii_lowercase().find("</button>");
            let label = end.map_or("", |e| &after[..e]);
            let kind = attribute(tag, "type").unwrap_or_else(|| "submit".into());
            (label.to_string(), kind.eq_ignore_ascii_case("submit"))
        } else if lower.starts_with("input") {
            let kind = attribute(tag, "type").unwrap_or_default();
            (String::new(), kind.eq_ignore_ascii_case("submit"))
        } else {
            (String::new(), false)
        };
        if is_submit && let Some(name) = attribute(tag, "name") {
            let value = attribute(tag, "value").unwrap_or_default();
            if matches(&value) || matches(&label) {
                return Some((name, value));
            }
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_form_is_read_and_filled() {
        let html = r#"<html><form method="post" action="/psd2/oauth/authorize?x=1&amp;y=2">
            <input type="hidden" name="client_id" value="PSDFR-ACPR-12345">
            <input type='hidden' name='state' value='s'>
            <input type="text" name="username"><input type="password" name="password" value="">
            <button>Log in</button></form></html>"#;
        let (action, fields) = fill_form(html, &[("username", "LEA"), ("password", "pw")]).unwrap();
        assert_eq!(action, "/psd2/oauth/authorize?x=1&y=2");
        assert_eq!(
            fields,
            vec![
                ("client_id".to_string(), "PSDFR-ACPR-12345".to_string()),
                ("state".to_string(), "s".to_string()),
                ("username".to_string(), "LEA".to_string()),
                ("password".to_string(), "pw".to_string()),
            ]
        );
        assert!(fill_form(html, &[("otp", "1")]).is_none());
        assert!(fill_form("<p>no form</p>", &[]).is_none());
    }

    #[test]
    fn the_button_for_a_decision_is_found_by_its_value_or_label() {
        let html = r#"<form action="/approve"><input name="id" value="p1">
            <button type="submit" name="decision" value="approve">Valider</button>
            <BUTTON type="submit" name="decision" value="d2">Refuser</BUTTON></form>"#;
        let refuse = ["reject", "refus", "deny", "decline"];
        assert_eq!(
            submit_button(html, &refuse),
            Some(("decision".into(), "d2".into()))
        );
        assert_eq!(
            submit_button(html, &["approve"]),
            Some(("decision".into(), "approve".into()))
        );
        let input =
            r#"<form action="/a"><input type="submit" name="choice" value="Reject"></form>"#;
        assert_eq!(
            submit_button(input, &refuse),
            Some(("choice".into(), "Reject".into()))
        );
        let unnamed = r#"<form action="/a"><button>Refuse</button><button type="button" name="x" value="reject">Refuse</button></form>"#;
        assert_eq!(submit_button(unnamed, &refuse), None);
        assert_eq!(submit_button("<p>no form</p>", &refuse), None);
    }
}
