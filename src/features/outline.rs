//! Scenario Outline expansion in linear time and memory.
//!
//! cucumber 0.23's `expand_examples` clones the whole outline, its full Examples tables included,
//! for every row, then cuts the copy down: an outline of n rows costs n² cells, which made a bank's
//! suite of 4 outlines × 1,000 rows spend most of its time and memory here. This module expands
//! an outline the same way cucumber does (same names, same lines, same tags, the same one-row
//! Examples kept on each expanded scenario, so that records and reports do not change) but builds
//! each expanded scenario from the outline's parts without ever copying a table it does not need.
//!
//! It only rewrites parsed features; it never reads files and never fails silently: a placeholder
//! with no column is an error naming the file and line.

use std::sync::LazyLock;

use cucumber::gherkin;
use regex::Regex;

/// A `<placeholder>` the Examples rows fill in: no leading or trailing space, no `>` inside.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<([^>\s](?:[^>\s]?|[^>\t\n\r\v\f]*[^>\s]))>").expect("a valid regex")
});

/// A placeholder no Examples column fills.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: <{name}> is not a column of the Examples table")]
pub struct UnknownPlaceholder {
    pub line: usize,
    pub name: String,
}

/// Expands every Scenario Outline of `feature` (its rules' included), one scenario per Examples
/// row, in linear time and memory.
pub fn expand(mut feature: gherkin::Feature) -> Result<gherkin::Feature, UnknownPlaceholder> {
    feature.scenarios = expand_all(std::mem::take(&mut feature.scenarios))?;
    for rule in &mut feature.rules {
        rule.scenarios = expand_all(std::mem::take(&mut rule.scenarios))?;
    }
    Ok(feature)
}

fn expand_all(
    scenarios: Vec<gherkin::Scenario>,
) -> Result<Vec<gherkin::Scenario>, UnknownPlaceholder> {
    let mut out = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        if s.examples.is_empty() {
            out.push(s);
        } else {
            expand_outline(s, &mut out)?;
        }
    }
    Ok(out)
}

fn expand_outline(
    mut outline: gherkin::Scenario,
    out: &mut Vec<gherkin::Scenario>,
) -> Result<(), UnknownPlaceholder> {
    let examples = std::mem::take(&mut outline.examples);
    for mut example in examples {
        let Some(mut table) = example.table.take() else {
            continue;
        };
        let mut rows = std::mem::take(&mut table.rows).into_iter();
        let Some(header) = rows.next() else {
            continue;
        };
        for (index, row) in rows.enumerate() {
            // The same line cucumber gives an expanded row: it tells apart scenarios of one
            // outline, and reports show it.
            let mut position = example.position;
            position.line += index + 2;
            let fill = |text: &str, line: usize| fill(text, &header, &row, line);
            let mut tags = outline.tags.clone();
            tags.extend(example.tags.iter().cloned());
            let mut steps = outline.steps.clone();
            for step in &mut steps {
                let line = step.position.line;
                step.value = fill(&step.value, line)?;
                if let Some(doc) = &mut step.docstring {
                    *doc = fill(doc, line)?;
                }
                if let Some(t) = &mut step.table {
                    for cell in t.rows.iter_mut().flat_map(|r| r.iter_mut()) {
                        *cell = fill(cell, line)?;
                    }
                }
            }
            let one_row = gherkin::Examples {
                keyword: example.keyword.clone(),
                name: example.name.clone(),
                description: example.description.clone(),
                table: Some(gherkin::Table {
                    rows: vec![header.clone(), row.clone()],
                    span: table.span,
                    position: table.position,
                }),
                tags: example.tags.clone(),
                span: example.span,
                position: example.position,
            };
            out.push(gherkin::Scenario {
                keyword: outline.keyword.clone(),
                name: fill(&outline.name, position.line)?,
                description: outline.description.clone(),
                steps,
                examples: vec![one_row],
                tags,
                span: outline.span,
                position,
            });
        }
    }
    Ok(())
}

/// `text` with each `<column>` replaced by the row's value.
fn fill(
    text: &str,
    header: &[String],
    row: &[String],
    line: usize,
) -> Result<String, UnknownPlaceholder> {
    if !text.contains('<') {
        return Ok(text.to_string());
    }
    let mut missing = None;
    let filled = PLACEHOLDER.replace_all(text, |cap: &regex::Captures<'_>| {
        let name = cap.get(1).map_or("", |m| m.as_str());
        match header.iter().position(|h| h == name) {
            Some(i) => row.get(i).cloned().unwrap_or_default(),
            None => {
                missing.get_or_insert_with(|| name.to_string());
                String::new()
            }
        }
    });
    match missing {
        Some(name) => Err(UnknownPlaceholder { line, name }),
        None => Ok(filled.into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use cucumber::feature::Ext as _;
    use cucumber::gherkin::GherkinEnv;

    use super::*;

    const OUTLINE: &str = "\
@f
Feature: F
  @o
  Scenario Outline: eat <eat> of <start>
    Given there are <start> cucumbers
    When I eat <eat> cucumbers
      \"\"\"
      doc <left>
      \"\"\"
    Then I should have <left> cucumbers
      | left   |
      | <left> |

    @e1
    Examples: first
      | start | eat | left |
      | 12    | 5   | 7    |
      | 20    | 4   | 16   |

    Examples:
      | start | eat | left |
      | 1     | 1   | 0    |

  Rule: R
    Scenario Outline: in a rule <x>
      Given <x>

      Examples:
        | x |
        | a |
";

    fn parse(text: &str) -> gherkin::Feature {
        gherkin::Feature::parse(text, GherkinEnv::default()).expect("parses")
    }

    #[test]
    fn expands_exactly_as_cucumber_does() {
        let ours = expand(parse(OUTLINE)).expect("expands");
        let theirs = parse(OUTLINE).expand_examples().expect("expands");
        assert_eq!(ours.scenarios.len(), 3);
        assert_eq!(ours.rules[0].scenarios.len(), 1);
        assert_eq!(ours, theirs);
        assert_eq!(ours.scenarios[1].name, "eat 4 of 20");
        assert_eq!(ours.scenarios[0].tags, vec!["o", "e1"]);
    }

    #[test]
    fn an_unknown_placeholder_names_its_line() {
        let text = "Feature: F\n  Scenario Outline: o\n    Given <nope>\n\n    Examples:\n      | a |\n      | 1 |\n";
        let err = expand(parse(text)).expect_err("unknown column");
        assert_eq!(err.name, "nope");
        assert_eq!(err.line, 3);
    }
}
