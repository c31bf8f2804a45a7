//! Writing a report to its file as it is rendered, with the last redaction pass applied on the
//! way, so that no report is ever held whole in memory (a run of thousands of scenarios would
//! otherwise hold each report twice: rendered, then redacted).
//!
//! [`Redacting`] buffers what a report renders and passes it on in chunks, each through the
//! [`crate::redact::redact`]. A chunk never ends inside a registered secret: it
//! ends at least the longest secret's length before the buffer's end, moved back to the start of
//! any secret that would straddle it, and to a UTF-8 character boundary. Each secret is therefore
//! masked exactly as a pass over the whole text would mask it. A report's own texts that must stay
//! byte for byte ([`Report::verbatim`], written each with one `write_all`) end the chunk before
//! them and pass untouched. This module writes only into the file it is given.

use std::io::{self, Write};

use super::Report;

/// Bytes buffered before a chunk is redacted and written.
const CHUNK: usize = 256 * 1024;
/// No secret is shorter: [`crate::redact`] registers none.
const PREFIX: usize = 6;

/// A writer that redacts what passes through it, chunk by chunk, for `report`.
pub struct Redacting<'a, W: Write> {
    inner: W,
    report: &'a dyn Report,
    buf: Vec<u8>,
    /// The longest registered secret, when the writer was made.
    longest: usize,
}

impl<'a, W: Write> Redacting<'a, W> {
    pub fn new(inner: W, report: &'a dyn Report) -> Self {
        Self {
            inner,
            report,
            buf: Vec::new(),
            longest: crate::redact::longest_secret(),
        }
    }

    /// Writes what is left and flushes: call once, at the end.
    pub fn finish(mut self) -> io::Result<W> {
        self.pass(self.buf.len())?;
        self.inner.flush()?;
        Ok(self.inner)
    }

    /// Where the next chunk may end: no secret straddles it, and it is a character boundary.
    fn safe_cut(&self) -> Option<usize> {
        let mut cut = self.buf.len().checked_sub(self.longest.max(PREFIX))?;
        'again: loop {
            while cut > 0 && !is_char_start(self.buf.get(cut).copied()) {
                cut -= 1;
            }
            let end = cut;
            let straddler = (end.saturating_sub(self.longest)..end).find(|&start| {
                crate::redact::secret_at(&self.buf, start).is_some_and(|len| start + len > end)
            });
            if let Some(start) = straddler {
                cut = start;
                continue 'again;
            }
            return (cut > 0).then_some(cut);
        }
    }

    /// Redacts and writes the first `cut` bytes of the buffer.
    fn pass(&mut self, cut: usize) -> io::Result<()> {
        if cut == 0 {
            return Ok(());
        }
        let text = std::str::from_utf8(&self.buf[..cut])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let redacted = crate::redact::redact(text);
        self.inner.write_all(redacted.as_bytes())?;
        self.buf.drain(..cut);
        Ok(())
    }
}

fn is_char_start(b: Option<u8>) -> bool {
    b.is_none_or(|b| (b & 0xC0) != 0x80)
}

impl<W: Write> Write for Redacting<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.report.verbatim().iter().any(|v| v.as_bytes() == data) {
            self.pass(self.buf.len())?;
            self.inner.write_all(data)?;
            return Ok(data.len());
        }
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK
            && let Some(cut) = self.safe_cut()
        {
            self.pass(cut)?;
        }
        Ok(data.len())
    }

    /// Keeps the buffer: a chunk is only written when it can end safely (or at [`Self::finish`]).
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::RenderError;
    use crate::runner::RunRecord;

    struct Plain;
    impl Report for Plain {
        fn kind(&self) -> &'static str {
            "plain"
        }
        fn file_name(&self) -> &'static str {
            "plain.txt"
        }
        fn render(&self, _: &[RunRecord], _: &mut dyn Write) -> Result<(), RenderError> {
            Ok(())
        }
    }

    #[test]
    fn a_secret_across_any_chunk_boundary_is_masked_as_in_one_pass() {
        let secret = "stream-chunk-secret-ÿ-0123456789";
        crate::redact::register(secret);
        // Secrets at every offset around the chunk size, among multi-byte characters.
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 3 * CHUNK {
            text.push_str(if i % 7 == 0 { "é" } else { "x" });
            if i % 9_973 == 0 {
                text.push_str(secret);
            }
            i += 1;
        }
        let mut w = Redacting::new(Vec::new(), &Plain);
        for piece in text.as_bytes().chunks(4_093) {
            w.write_all(piece).unwrap();
        }
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(out, crate::redact::redact(&text));
        assert!(!out.contains(secret));
    }
}
