//! The small XML 1.0 writer behind `junit.xml`: elements, attributes and text, indented.
//!
//! Element and attribute names are `'static` strings from obconf's own code; every value (a
//! scenario name, a bank's answer in a failure message) goes through [`attr`] or [`text`]. It
//! must never write a value unescaped, nor a character XML 1.0 forbids (control characters
//! become U+FFFD), so that whatever a bank sends cannot break or inject into the document.

use std::fmt::Write as _;

/// An XML document being written.
pub struct XmlWriter {
    buf: String,
    depth: usize,
}

impl XmlWriter {
    /// A document, its XML declaration written.
    pub fn new() -> Self {
        Self {
            buf: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_string(),
            depth: 0,
        }
    }

    fn start(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        for _ in 0..self.depth {
            self.buf.push_str("  ");
        }
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            let _ = write!(self.buf, " {k}=\"{}\"", attr(v));
        }
    }

    /// `<name a="…">`, children to follow until [`XmlWriter::close`].
    pub fn open(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.start(name, attrs);
        self.buf.push_str(">\n");
        self.depth += 1;
    }

    /// `</name>`.
    pub fn close(&mut self, name: &'static str) {
        self.depth = self.depth.saturating_sub(1);
        for _ in 0..self.depth {
            self.buf.push_str("  ");
        }
        let _ = writeln!(self.buf, "</{name}>");
    }

    /// `<name a="…"/>`.
    pub fn empty(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.start(name, attrs);
        self.buf.push_str("/>\n");
    }

    /// `<name a="…">text</name>`, the text kept as it is (escaped), line breaks included.
    pub fn text_element(&mut self, name: &'static str, attrs: &[(&'static str, &str)], body: &str) {
        self.start(name, attrs);
        let _ = writeln!(self.buf, ">{}</{name}>", text(body));
    }

    /// The document.
    pub fn finish(self) -> String {
        self.buf
    }
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether XML 1.0 allows `c` in a document at all (even escaped).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `value` escaped for an attribute in double quotes; line breaks and tabs kept as references.
pub fn attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// `value` escaped for element text.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_never_pass_through() {
        let hostile = "a\"b'<c>&d]]>\u{0}\u{1b}[31m\u{FFFE}\r\n\tz";
        assert_eq!(
            attr(hostile),
            "a&quot;b&apos;&lt;c&gt;&amp;d]]&gt;\u{FFFD}\u{FFFD}[31m\u{FFFD}&#13;&#10;&#9;z"
        );
        assert_eq!(
            text(hostile),
            "a\"b'&lt;c&gt;&amp;d]]&gt;\u{FFFD}\u{FFFD}[31m\u{FFFD}&#13;\n\tz"
        );
    }

    #[test]
    fn elements_nest_and_close() {
        let mut x = XmlWriter::new();
        x.open("a", &[("n", "1")]);
        x.empty("b", &[]);
        x.text_element("c", &[], "<x>");
        x.close("a");
        assert_eq!(
            x.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a n=\"1\">\n  <b/>\n  <c>&lt;x&gt;</c>\n</a>\n"
        );
    }
}
