//! HTML escaping for every text of the report: record text is hostile (a bank chose its bytes).
//!
//! [`Esc`] writes a text so that it can only ever be text, in element content and in quoted
//! attribute values alike: `&`, `<`, `>`, `"` and `'` become character references, and characters
//! that could hide or disguise content become visible stand-ins: C0 controls (but tab and line
//! feed) their Unicode control pictures (`␀`, `␍`, `␛`), DEL `␡`, and C1 controls, bidirectional
//! overrides and isolates, and noncharacters `�`.

use std::fmt;

/// `text`, escaped for HTML content or a double-quoted attribute value.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut plain = 0;
        for (i, c) in self.0.char_indices() {
            let Some(replacement) = replacement(c) else {
                continue;
            };
            f.write_str(&self.0[plain..i])?;
            match replacement {
                Replacement::Text(t) => f.write_str(t)?,
                Replacement::Char(c) => fmt::Write::write_char(f, c)?,
            }
            plain = i + c.len_utf8();
        }
        f.write_str(&self.0[plain..])
    }
}

/// `text`, escaped (see [`Esc`]).
pub fn escape(text: &str) -> String {
    Esc(text).to_string()
}

enum Replacement {
    Text(&'static str),
    Char(char),
}

/// What `c` becomes, or `None` when it stays as it is.
fn replacement(c: char) -> Option<Replacement> {
    Some(match c {
        '&' => Replacement::Text("&amp;"),
        '<' => Replacement::Text("&lt;"),
        '>' => Replacement::Text("&gt;"),
        '"' => Replacement::Text("&quot;"),
        '\'' => Replacement::Text("&#39;"),
        '\t' | '\n' => return None,
        '\u{0}'..='\u{1f}' => {
            Replacement::Char(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
        }
        '\u{7f}' => Replacement::Char('\u{2421}'),
        '\u{80}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{fdd0}'..='\u{fdef}' => Replacement::Char('\u{fffd}'),
        c if (c as u32) & 0xfffe == 0xfffe => Replacement::Char('\u{fffd}'),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_characters_become_references() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn controls_and_overrides_become_visible_and_lines_stay() {
        assert_eq!(escape("a\tb\nc"), "a\tb\nc");
        assert_eq!(escape("\0\r\u{1b}[31m\u{7f}"), "␀␍␛[31m␡");
        assert_eq!(
            escape("x\u{85}\u{202e}y\u{2066}\u{ffff}\u{fdd0}"),
            "x\u{fffd}\u{fffd}y\u{fffd}\u{fffd}\u{fffd}"
        );
    }

    #[test]
    fn other_text_is_unchanged() {
        let text = "é ✓ 名前 → 200 OK [REDACTED] \u{1f600}";
        assert_eq!(escape(text), text);
    }
}
