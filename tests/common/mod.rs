//! What the command-line tests share: running the built `obconf` from the project folder, reading
//! what it printed, and writing a test's own files. Each test crate uses what it needs of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built binary, started in the project folder.
pub fn obconf() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_obconf"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// `obconf ARGS`, run to its end.
pub fn run(args: &[&str]) -> Output {
    obconf().args(args).output().expect("obconf starts")
}

/// Standard output then standard error, as one text.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Writes `content` to `dir/name` (creating its folders) and returns its path.
pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("a folder");
    }
    std::fs::write(&p, content).expect("a file");
    p
}
