//! Finding, parsing and describing feature files.
//!
//! Features are parsed once, here, before anything runs: a syntax error stops the run with the
//! file and line (exit 2) instead of surfacing as a half-run suite. The parsed features are then
//! handed to cucumber as they are (see `runner::preparsed`), so what `obconf list` shows is what
//! runs. An installed binary carries the project's features inside it and unpacks them to a
//! new private temporary folder (random name, mode 0700, removed when the command ends) when the
//! source tree is not there; it never writes to, nor reads from, a path known in advance.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cucumber::gherkin::{self, GherkinEnv};
use include_dir::{Dir, include_dir};

mod outline;

/// The project's own features, compiled in for installed binaries.
static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/features");

/// The capability of an embedded bank whose clock scenarios may move forward (expiry checks).
/// Declared by the engine, never by a target file: no outside bank lets a TPP move its clock.
pub const SANDBOX_CLOCK: &str = "sandbox.clock";

/// Tag prefix naming a capability a scenario needs: `@capability:<family>.<feature>`.
pub const CAPABILITY_TAG: &str = "capability:";
/// Tag prefix naming a capability whose absence a scenario checks: `@without:<family>.<feature>`.
pub const WITHOUT_TAG: &str = "without:";

#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error(
        "features folder `{0}` does not exist (hint: --features takes a folder of .feature files)"
    )]
    NoDir(PathBuf),
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{col}: syntax error in feature file: {detail}\n  hint: {hint}")]
    Syntax {
        path: PathBuf,
        line: usize,
        col: usize,
        detail: String,
        hint: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error(transparent)]
    Text(#[from] crate::textfile::TextFileError),
    #[error("cannot unpack the built-in features to `{path}`: {source}")]
    Unpack {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Set (to anything) to use the built-in features even where the source tree is: what an
/// installed binary does.
pub const BUILTIN_ENV: &str = "OBCONF_FEATURES_BUILTIN";

/// The folder the built-in features were unpacked to by this process, removed at exit.
static UNPACKED: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

/// The folder holding the project's features: the source tree's when present, otherwise the
/// built-in copy unpacked (once per process) to a new private folder under the temporary folder.
///
/// The folder's name is random and it is created by this call alone, readable by its owner only
/// (an existing path is never reused: a folder or link planted in advance can neither feed
/// scenarios in nor be written through); [`remove_unpacked`] deletes it when the command ends.
pub fn default_root() -> Result<PathBuf, FeatureError> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    if source.is_dir() && std::env::var_os(BUILTIN_ENV).is_none() {
        return Ok(source);
    }
    let mut unpacked = UNPACKED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(dir) = unpacked.as_ref() {
        return Ok(dir.clone());
    }
    let dir = private_dir().map_err(|(path, source)| FeatureError::Unpack { path, source })?;
    *unpacked = Some(dir.clone());
    EMBEDDED
        .extract(&dir)
        .map_err(|source| FeatureError::Unpack {
            path: dir.clone(),
            source,
        })?;
    Ok(dir)
}

/// Deletes the folder [`default_root`] unpacked the built-in features to, if it did.
pub fn remove_unpacked() {
    let mut unpacked = UNPACKED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(dir) = unpacked.take() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A new folder under the temporary folder with a random name, created here (never one that
/// existed), mode 0700.
fn private_dir() -> Result<PathBuf, (PathBuf, std::io::Error)> {
    let base = std::env::temp_dir();
    let mut last = None;
    for _ in 0..16 {
        let dir = base.join(format!("obconf-features-{:032x}", rand::random::<u128>()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some((dir, e)),
            Err(e) => return Err((dir, e)),
        }
    }
    Err(last.unwrap_or_else(|| (base, std::io::Error::other("no free name"))))
}

/// The folder for `family` under `root`: `root/<family>` when it exists; `None` when `root` holds
/// other families' folders but not this one (no features for it there); else `root` itself (a
/// bank's own folder of scenarios for one family).
pub fn family_dir(root: &Path, family: &str, families: &[&str]) -> Option<PathBuf> {
    let sub = root.join(family);
    if sub.is_dir() {
        Some(sub)
    } else if families.iter().any(|f| root.join(f).is_dir()) {
        None
    } else {
        Some(root.to_path_buf())
    }
}

/// Parsed features, Scenario Outlines expanded, in path order.
#[derive(Clone, Debug)]
pub struct FeatureSet {
    pub root: PathBuf,
    pub features: Vec<gherkin::Feature>,
}

/// What the engine needs to know of one scenario without running it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    pub feature: String,
    pub path: PathBuf,
    pub name: String,
    pub line: usize,
    /// Feature, rule and scenario tags, without `@`.
    pub tags: Vec<String>,
    /// The steps it would run: the feature's and rule's Background steps, then its own.
    pub steps: Vec<gherkin::Step>,
}

impl ScenarioInfo {
    /// The catalog ids among the tags.
    pub fn catalog_ids(&self) -> Vec<String> {
        self.tags
            .iter()
            .filter(|t| crate::catalog::catalog().is_id(t))
            .cloned()
            .collect()
    }

    /// Capabilities the target must declare for this scenario to apply.
    pub fn needs(&self) -> impl Iterator<Item = &str> {
        self.tags
            .iter()
            .filter_map(|t| t.strip_prefix(CAPABILITY_TAG))
    }

    /// Capabilities the target must NOT declare for this scenario to apply.
    pub fn needs_absent(&self) -> impl Iterator<Item = &str> {
        self.tags.iter().filter_map(|t| t.strip_prefix(WITHOUT_TAG))
    }

    /// Why this scenario does not apply to a target with `declared` capabilities, if it does not.
    pub fn skip_reason(&self, declared: &BTreeSet<String>) -> Option<String> {
        if let Some(missing) = self.needs().find(|c| !declared.contains(*c)) {
            return Some(format!(
                "the target does not declare capability `{missing}`"
            ));
        }
        if let Some(present) = self.needs_absent().find(|c| declared.contains(*c)) {
            return Some(format!(
                "the target declares capability `{present}`; this scenario checks its absence"
            ));
        }
        None
    }

    /// `features/<family>/accounts.feature:12`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.path.display(), self.line)
    }
}

impl FeatureSet {
    /// Parses every `.feature` file below `dir`.
    pub fn load(dir: &Path) -> Result<Self, FeatureError> {
        if !dir.is_dir() {
            return Err(FeatureError::NoDir(dir.to_path_buf()));
        }
        let mut paths = Vec::new();
        collect_feature_files(dir, &mut paths)?;
        paths.sort();
        let mut features = Vec::new();
        for path in paths {
            features.push(parse_file(&path)?);
        }
        Ok(Self {
            root: dir.to_path_buf(),
            features,
        })
    }

    /// Every scenario with its metadata, in file order.
    pub fn scenarios(&self) -> Vec<ScenarioInfo> {
        let mut out = Vec::new();
        for f in &self.features {
            out.extend(f.scenarios.iter().map(|s| scenario_info(f, &[], None, s)));
            for r in &f.rules {
                out.extend(
                    r.scenarios
                        .iter()
                        .map(|s| scenario_info(f, &r.tags, r.background.as_ref(), s)),
                );
            }
        }
        out
    }

    /// Every catalog id tagged on some scenario.
    pub fn tagged_ids(&self) -> BTreeSet<String> {
        self.scenarios()
            .iter()
            .flat_map(ScenarioInfo::catalog_ids)
            .collect()
    }

    /// Keeps only the scenarios `keep` accepts; features left empty are dropped.
    pub fn retain(&mut self, mut keep: impl FnMut(&ScenarioInfo) -> bool) {
        for f in &mut self.features {
            let mut scenarios = std::mem::take(&mut f.scenarios);
            scenarios.retain(|s| keep(&scenario_info(f, &[], None, s)));
            f.scenarios = scenarios;
            let mut rules = std::mem::take(&mut f.rules);
            for r in &mut rules {
                let rule_tags = r.tags.clone();
                let rule_background = r.background.clone();
                r.scenarios
                    .retain(|s| keep(&scenario_info(f, &rule_tags, rule_background.as_ref(), s)));
            }
            rules.retain(|r| !r.scenarios.is_empty());
            f.rules = rules;
        }
        self.features
            .retain(|f| !f.scenarios.is_empty() || !f.rules.is_empty());
    }
}

/// The metadata of scenario `s` of feature `f` (inside a rule tagged `rule_tags` with
/// `rule_background`, if any).
fn scenario_info(
    f: &gherkin::Feature,
    rule_tags: &[String],
    rule_background: Option<&gherkin::Background>,
    s: &gherkin::Scenario,
) -> ScenarioInfo {
    let steps = f
        .background
        .iter()
        .chain(rule_background)
        .flat_map(|b| b.steps.iter())
        .chain(&s.steps)
        .cloned()
        .collect();
    ScenarioInfo {
        feature: f.name.clone(),
        path: f.path.clone().unwrap_or_default(),
        name: s.name.clone(),
        line: s.position.line,
        tags: f
            .tags
            .iter()
            .chain(rule_tags)
            .chain(&s.tags)
            .cloned()
            .collect(),
        steps,
    }
}

/// `path` relative to the features folder `root` (`<family>/accounts.feature`), as reports show
/// it; the file name alone when `path` does not lie below `root`. Never an absolute path.
pub fn relative_file(root: &Path, path: &Path) -> PathBuf {
    let below = |root: &Path| path.strip_prefix(root).ok().map(Path::to_path_buf);
    below(root)
        .or_else(|| below(&shown_path(root)))
        .or_else(|| {
            let (root, path) = (root.canonicalize().ok()?, path.canonicalize().ok()?);
            path.strip_prefix(root).ok().map(Path::to_path_buf)
        })
        .filter(|p| p.is_relative() && !p.as_os_str().is_empty())
        .or_else(|| path.file_name().map(PathBuf::from))
        .unwrap_or_default()
}

fn collect_feature_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), FeatureError> {
    let entries = std::fs::read_dir(dir).map_err(|source| FeatureError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| FeatureError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            collect_feature_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
    Ok(())
}

fn parse_file(path: &Path) -> Result<gherkin::Feature, FeatureError> {
    let text = crate::textfile::read(path)?;
    let mut feature = gherkin::Feature::parse(&text, GherkinEnv::default())
        .map_err(|e| syntax_error(path, &text, &e.to_string()))?;
    feature.path = Some(shown_path(path));
    // Linear in the rows, where cucumber's own expansion copies every table into every row.
    outline::expand(feature).map_err(|e| FeatureError::Invalid {
        path: path.to_path_buf(),
        message: format!("cannot expand Scenario Outline examples: {e}"),
    })
}

/// `path` relative to the working directory when it lies below it: shorter evidence, same meaning.
fn shown_path(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// gherkin reports `Error at LINE:COL: {expected tokens}`; turn that into file:line with a hint.
fn syntax_error(path: &Path, text: &str, message: &str) -> FeatureError {
    let (line, col): (usize, usize) = message
        .strip_prefix("Error at ")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(l, r)| {
            let c = r.split(':').next()?;
            Some((l.trim().parse().ok()?, c.trim().parse().ok()?))
        })
        .unwrap_or((1, 1));
    let offending = text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim();
    FeatureError::Syntax {
        path: path.to_path_buf(),
        line,
        col,
        detail: format!("unexpected `{offending}`"),
        hint: "every step line starts with Given, When, Then, And or But, inside a Scenario".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_paths_are_relative_to_the_features_folder() {
        let root = Path::new("features");
        assert_eq!(
            relative_file(root, Path::new("features/bank/accounts.feature")),
            PathBuf::from("bank/accounts.feature")
        );
        // A file outside the folder (or a path that cannot be related) shows its name only.
        assert_eq!(
            relative_file(root, Path::new("/build/machine/x/accounts.feature")),
            PathBuf::from("accounts.feature")
        );
        let cwd = std::env::current_dir().unwrap_or_default();
        assert_eq!(
            relative_file(&cwd.join("features"), Path::new("features/a.feature")),
            PathBuf::from("a.feature")
        );
    }
}
