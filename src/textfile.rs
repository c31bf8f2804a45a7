//! Reading a text file a user wrote (feature, waiver file): a file that is not UTF-8 is named
//! with the line and column of its first bad byte and a hint, not the standard library's bare
//! "stream did not contain valid UTF-8". Reading only; nothing here prints.

use std::path::{Path, PathBuf};

/// Why a user's text file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}:{line}:{column}: the file is not UTF-8 text\n  hint: save it as UTF-8 (`iconv -f latin1 -t utf-8`)",
        path.display()
    )]
    NotUtf8 {
        path: PathBuf,
        line: u64,
        column: usize,
    },
}

/// The text of `path`.
pub fn read(path: &Path) -> Result<String, TextFileError> {
    let bytes = std::fs::read(path).map_err(|source| TextFileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = position(&e.as_bytes()[..e.utf8_error().valid_up_to()]);
        TextFileError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
        }
    })
}

/// The line and column just after `good`, the valid text before the first bad byte.
pub fn position(good: &[u8]) -> (u64, usize) {
    let line = good.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let column = good.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn the_first_bad_byte_is_placed_by_line_and_column() {
        assert_eq!(position(b""), (1, 1));
        assert_eq!(position(b"ab\ncd"), (2, 3));
    }
}
