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

/// `obconf sandbox` running in its own process, stopped when dropped.
pub struct Sandbox {
    child: std::process::Child,
    /// The target file it printed.
    pub target_file: PathBuf,
}

impl Sandbox {
    /// Starts `obconf sandbox --listen 127.0.0.1:0 --out OUT [--family F]` and waits for the
    /// target file it prints.
    pub fn start(family: Option<&str>, out: &Path) -> Self {
        use std::io::{BufRead, BufReader};
        let mut command = obconf();
        command
            .args(["sandbox", "--listen", "127.0.0.1:0", "--out"])
            .arg(out);
        if let Some(family) = family {
            command.args(["--family", family]);
        }
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the sandbox starts");
        let stdout = child.stdout.take().expect("its output");
        let target_file = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("target file: ").map(PathBuf::from));
        let Some(target_file) = target_file else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the sandbox printed no target file");
        };
        Self { child, target_file }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
