//! Strict read-back of every report a run writes, for the tests that feed obconf hostile bytes:
//! `junit.xml` with quick-xml, `cucumber.json` and `run.json` with serde_json, `report.html` with
//! a structural check, the console with a check that no control character reaches the terminal.
#![allow(dead_code)]

use std::path::Path;

/// The elements of an XML document; panics on anything that is not well-formed.
pub fn xml_elements(text: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut names = Vec::new();
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => {
                depth += 1;
                names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            Ok(quick_xml::events::Event::Empty(e)) => {
                names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            Ok(quick_xml::events::Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(quick_xml::events::Event::Text(t)) => {
                let raw = String::from_utf8_lossy(&t).into_owned();
                assert!(
                    !raw.chars().any(forbidden_in_xml),
                    "a character XML 1.0 forbids: {raw:?}"
                );
                t.decode().expect("text decodes");
                quick_xml::escape::unescape(&raw).expect("every reference resolves");
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("junit.xml is not well-formed XML: {e}"),
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    names
}

fn forbidden_in_xml(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// What a well-formed HTML report must be: no raw control character, nothing a bank could make
/// into a tag (`<` is only ever followed by the report's own tag names), and exactly one script.
pub fn check_html(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "a control character in report.html"
    );
    let tags = regex::Regex::new(r"<(/?)([A-Za-z!][A-Za-z0-9-]*)").unwrap();
    let known = [
        "!DOCTYPE", "html", "head", "meta", "title", "style", "script", "body", "header", "main",
        "section", "article", "details", "summary", "div", "span", "h1", "h2", "h3", "h4", "p",
        "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li", "pre", "code", "a", "label",
        "input", "select", "option", "button", "nav", "footer", "strong", "em", "small", "b", "dl",
        "dt", "dd", "form", "fieldset", "legend", "time", "abbr", "br", "caption", "col",
        "colgroup", "datalist", "mark", "q", "s", "sub", "sup", "u", "i", "kbd", "samp", "var",
        "hr", "output",
    ];
    for t in tags.captures_iter(text) {
        let name = &t[2];
        assert!(
            known.iter().any(|k| k.eq_ignore_ascii_case(name)),
            "a tag the report does not write: <{name}"
        );
    }
    let lower = text.to_ascii_lowercase();
    assert_eq!(
        lower.matches("<script").count(),
        1,
        "one script: the report's own"
    );
    assert!(!lower.contains("<![cdata["), "no CDATA in HTML");
    let stray = regex::Regex::new(r"<[^A-Za-z!/]").unwrap();
    assert!(stray.find(text).is_none(), "a `<` that opens no tag");
}

/// Whether `text` could drive a terminal: any control character but line feed and tab (ESC, CR,
/// BEL…), any C1 control.
pub fn check_terminal(text: &str) {
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        panic!("the console got control character {c:?}");
    }
}

/// Every report in `dir` read back strictly; returns their texts (junit, cucumber, html, run).
pub fn reports(dir: &Path) -> Vec<String> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let junit = read("junit.xml");
    xml_elements(&junit);
    let cucumber = read("cucumber.json");
    serde_json::from_str::<serde_json::Value>(&cucumber).expect("cucumber.json is JSON");
    let run = read("run.json");
    serde_json::from_str::<serde_json::Value>(&run).expect("run.json is JSON");
    let html = read("report.html");
    check_html(&html);
    vec![junit, cucumber, html, run]
}
