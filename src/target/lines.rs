//! Where a key is in a target file's text: the line a message about a setting points at, when
//! the value was read without its position (a family's settings, a check made after loading).
//!
//! Only reads the text; a key it cannot find is reported at line 1, never an error of its own.

use super::Target;

impl Target {
    /// The line of the dotted key `path` (`settings.qseal.key`) in the file's text: each part is
    /// looked for below the previous one, indented deeper. The deepest part found wins; line 1
    /// when not even the first is there (a target built in memory).
    pub fn line_of(&self, path: &str) -> u64 {
        self.text.as_deref().map_or(1, |t| line_of(t, path))
    }
}

/// See [`Target::line_of`].
pub fn line_of(text: &str, path: &str) -> u64 {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = 1;
    let mut from = 0;
    let mut parent_indent: Option<usize> = None;
    for part in path.split('.') {
        let hit = lines.iter().enumerate().skip(from).find_map(|(i, line)| {
            let body = line.trim_start_matches([' ', '-']);
            let indent = line.len() - body.len();
            if parent_indent.is_some_and(|p| indent <= p)
                && !body.is_empty()
                && !body.starts_with('#')
            {
                return Some(None); // left the parent's block
            }
            let key = body
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            (key == part && body.contains(':')).then_some(Some((i, indent)))
        });
        match hit {
            Some(Some((i, indent))) => {
                found = i as u64 + 1;
                from = i + 1;
                parent_indent = Some(indent);
            }
            _ => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const TEXT: &str = "name: x\nfamily: stet\nkey: top\nsettings:\n  other:\n    key: no\n  qseal:\n    key_id: k\n    key: { file: q.pem }\npersonas: {}\n";

    #[test]
    fn a_nested_key_is_found_below_its_parents() {
        assert_eq!(line_of(TEXT, "settings.qseal.key"), 9);
        assert_eq!(line_of(TEXT, "settings.qseal"), 7);
        assert_eq!(line_of(TEXT, "family"), 2);
    }

    #[test]
    fn a_missing_key_points_at_its_deepest_parent_or_line_1() {
        assert_eq!(line_of(TEXT, "settings.qseal.nothing"), 7);
        assert_eq!(line_of(TEXT, "nothing.at.all"), 1);
    }
}
