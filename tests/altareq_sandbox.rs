//! `obconf sandbox --family altareq` in one process, `obconf run --target <its file>` in another:
//! the outside-bank path (discovery, both clients' files, the headless authoriser) gives the same
//! verdicts as the in-process embedded run, and none of the sandbox's secrets reach an output.

mod common;

use common::{Sandbox, run, text, write};

#[test]
fn the_altareq_sandbox_target_file_gives_the_embedded_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(Some("altareq"), &dir.path().join("sb"));
    let target_file = sandbox.target_file.clone();
    let reports = dir.path().join("r");
    let o = run(&[
        "run",
        "--target",
        target_file.to_str().unwrap(),
        "--out",
        reports.to_str().unwrap(),
    ]);
    drop(sandbox);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("mandatory ids passed 16/16 (altareq)"), "{t}");

    let embedded_file = write(
        dir.path(),
        "embedded.yaml",
        "name: alt-embedded\nfamily: altareq\nembedded: true\n",
    );
    let embedded = run(&[
        "run",
        "--target",
        embedded_file.to_str().unwrap(),
        "--out",
        dir.path().join("e").to_str().unwrap(),
    ]);
    let total = |t: &str| {
        t.lines()
            .find(|l| l.contains("│ total"))
            .map(str::to_string)
    };
    assert_eq!(total(&t), total(&text(&embedded)));

    let mut everything = t.clone();
    for f in ["junit.xml", "cucumber.json", "run.json", "report.html"] {
        everything.push_str(&std::fs::read_to_string(reports.join(f)).unwrap());
    }
    let mut seen = 0;
    for s in std::fs::read_dir(dir.path().join("sb/secrets")).unwrap() {
        let value = std::fs::read_to_string(s.unwrap().path()).unwrap();
        seen += 1;
        assert!(
            !everything.contains(value.trim()),
            "a sandbox secret leaked"
        );
    }
    assert!(seen >= 4, "the sandbox wrote both clients' keys as secrets");
}
