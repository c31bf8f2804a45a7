//! Family-guarded steps: a step defined in `steps/<family>/` runs only in that family's scenarios.
//!
//! All step definitions share one namespace (cucumber collects them for the one World), so the
//! same words in two families' features would run whichever family's code matched. A run's
//! [`StepBook`] hands cucumber the shared vocabulary and the running family's own steps; a step
//! text that none of them matches but another family's definition does gets that definition
//! replaced by [`foreign_step`], which fails with "this step belongs to the X family" before
//! touching the bank. Ownership comes from where the step is defined (`steps/<name>/…`), against
//! the names of the registry: this module must never name a family itself.
//!
//! Why a book rather than every definition: cucumber tries every regex of a step's kind on every
//! step it runs, and compiles each regex the first time it is asked for it. Another family's
//! regexes are compiled only when a step text needs them, and each step is tried only against
//! the definitions its family can use.

use std::collections::HashSet;

use cucumber::codegen::{LazyRegex, StepConstructor, WorldInventory, inventory};
use cucumber::gherkin::{self, StepType};
use cucumber::step::{Collection, Context, Location, Step};
use futures::future::LocalBoxFuture;

use crate::world::{Failure, ObWorld};

type Given = <ObWorld as WorldInventory>::Given;
type When = <ObWorld as WorldInventory>::When;
type Then = <ObWorld as WorldInventory>::Then;

/// The family (one of `families`) whose `steps/<name>/` folder defines the step at `location`;
/// `None` for the shared vocabulary.
pub fn owner<'a>(location: &Location, families: &[&'a str]) -> Option<&'a str> {
    let path = location.path.replace('\\', "/");
    let mut parts = path.split('/').peekable();
    while let Some(part) = parts.next() {
        if part == "steps"
            && let Some(next) = parts.peek()
        {
            return families.iter().copied().find(|f| f == next);
        }
    }
    None
}

/// One step definition, its regex not compiled until first asked for.
#[derive(Clone, Copy)]
struct Definition {
    location: Location,
    regex: LazyRegex,
    step: Step<ObWorld>,
}

impl Definition {
    fn matches(&self, text: &str) -> bool {
        (self.regex)().is_match(text)
    }
}

/// The step definitions of one kind (Given, When or Then), split by who may use them.
#[derive(Default)]
struct Shelf {
    /// The shared vocabulary and the running family's own steps.
    usable: Vec<Definition>,
    /// Every other family's steps.
    foreign: Vec<Definition>,
}

/// The step definitions a run of one family can use, and the other families' ones that stand
/// guarded.
pub struct StepBook {
    given: Shelf,
    when: Shelf,
    then: Shelf,
}

impl StepBook {
    /// The book of `running`, one of the registry's `families`. Compiles no regex.
    pub fn of(running: &str, families: &[&str]) -> Self {
        fn shelf<I: StepConstructor<ObWorld> + 'static>(
            items: impl Iterator<Item = &'static I>,
            running: &str,
            families: &[&str],
        ) -> Shelf {
            let mut shelf = Shelf::default();
            for item in items {
                let (location, regex, step) = item.inner();
                let definition = Definition {
                    location,
                    regex,
                    step,
                };
                match owner(&location, families) {
                    Some(family) if family != running => shelf.foreign.push(definition),
                    _ => shelf.usable.push(definition),
                }
            }
            shelf
        }
        Self {
            given: shelf(inventory::iter::<Given>.into_iter(), running, families),
            when: shelf(inventory::iter::<When>.into_iter(), running, families),
            then: shelf(inventory::iter::<Then>.into_iter(), running, families),
        }
    }

    /// Compiles the usable definitions' regexes on another thread (last first, while the run's
    /// own thread, when it gets to [`Self::collection`], starts from the first), so that they
    /// are ready when the run needs them: the features load, the bank starts and the client
    /// connects meanwhile.
    pub fn warm_in_background(self) {
        let spawned = std::thread::Builder::new()
            .name("obconf-steps".into())
            .spawn(move || {
                for shelf in [&self.then, &self.when, &self.given] {
                    for d in shelf.usable.iter().rev() {
                        (d.regex)();
                    }
                }
            });
        // Without the thread the run compiles them itself, as it always can.
        drop(spawned);
    }

    fn shelf(&self, ty: StepType) -> &Shelf {
        match ty {
            StepType::Given => &self.given,
            StepType::When => &self.when,
            StepType::Then => &self.then,
        }
    }

    /// Whether some definition, the family's own or another's, matches `step`'s text.
    pub fn is_defined(&self, step: &gherkin::Step) -> bool {
        let shelf = self.shelf(step.ty);
        shelf.usable.iter().any(|d| d.matches(&step.value))
            || shelf.foreign.iter().any(|d| d.matches(&step.value))
    }

    /// The collection cucumber runs `features` with: every usable definition, and, guarded by
    /// [`foreign_step`], each other family's definition that matches a step text no usable
    /// definition matches.
    pub fn collection(&self, features: &[gherkin::Feature]) -> Collection<ObWorld> {
        let mut out = Collection::new();
        for ty in [StepType::Given, StepType::When, StepType::Then] {
            for d in &self.shelf(ty).usable {
                out = add(out, ty, d, d.step);
            }
        }
        let mut seen = HashSet::new();
        for step in steps_of(features) {
            if !seen.insert((step.ty, step.value.as_str())) {
                continue;
            }
            let shelf = self.shelf(step.ty);
            if shelf.usable.iter().any(|d| d.matches(&step.value)) {
                continue;
            }
            for d in shelf.foreign.iter().filter(|d| d.matches(&step.value)) {
                out = add(out, step.ty, d, foreign_step);
            }
        }
        out
    }
}

fn add(
    out: Collection<ObWorld>,
    ty: StepType,
    d: &Definition,
    step: Step<ObWorld>,
) -> Collection<ObWorld> {
    let regex = (d.regex)();
    match ty {
        StepType::Given => out.given(Some(d.location), regex, step),
        StepType::When => out.when(Some(d.location), regex, step),
        StepType::Then => out.then(Some(d.location), regex, step),
    }
}

/// Every step of `features`: backgrounds, scenarios and rules.
fn steps_of(features: &[gherkin::Feature]) -> impl Iterator<Item = &gherkin::Step> {
    features.iter().flat_map(|f| {
        let own = f
            .background
            .iter()
            .flat_map(|b| &b.steps)
            .chain(f.scenarios.iter().flat_map(|s| &s.steps));
        let rules = f.rules.iter().flat_map(|r| {
            r.background
                .iter()
                .flat_map(|b| &b.steps)
                .chain(r.scenarios.iter().flat_map(|s| &s.steps))
        });
        own.chain(rules)
    })
}

/// Where the definition of `step` lives (the first whose regex matches its text).
fn definition(step: &gherkin::Step) -> Option<Location> {
    fn first<I: StepConstructor<ObWorld> + 'static>(
        items: impl Iterator<Item = &'static I>,
        text: &str,
    ) -> Option<Location> {
        items
            .map(StepConstructor::inner)
            .find(|(_, regex, _)| regex().is_match(text))
            .map(|(loc, _, _)| loc)
    }
    match step.ty {
        StepType::Given => first(inventory::iter::<Given>.into_iter(), &step.value),
        StepType::When => first(inventory::iter::<When>.into_iter(), &step.value),
        StepType::Then => first(inventory::iter::<Then>.into_iter(), &step.value),
    }
}

/// Stands in for a step of another family: fails the step, naming the family it belongs to.
fn foreign_step(world: &mut ObWorld, context: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let names: Vec<&str> = crate::steps::families()
            .iter()
            .map(|f| f.about().name)
            .collect();
        let owner = definition(&context.step)
            .and_then(|loc| owner(&loc, &names))
            .unwrap_or("another");
        let failure = Failure::belongs_to(owner, world.ctx.family.about().name);
        // Steps fail by panicking with their message; the collector reports it.
        std::panic::panic_any(failure.to_string());
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &'static str) -> Location {
        Location {
            path,
            line: 1,
            column: 1,
        }
    }

    #[test]
    fn a_step_is_owned_by_the_family_folder_it_is_defined_in() {
        let families = ["alpha", "beta"];
        assert_eq!(
            owner(&at("src/../steps/beta/accounts.rs"), &families),
            Some("beta")
        );
        assert_eq!(owner(&at("steps/alpha/mod.rs"), &families), Some("alpha"));
        assert_eq!(owner(&at("src/../steps/common/http.rs"), &families), None);
        assert_eq!(owner(&at("src/world.rs"), &families), None);
    }

    #[test]
    fn every_registered_familys_steps_are_found_and_guarded() {
        let names: Vec<&str> = crate::steps::families()
            .iter()
            .map(|f| f.about().name)
            .collect();
        for family in &names {
            let owned = inventory::iter::<Given>
                .into_iter()
                .map(|g| g.inner().0)
                .chain(inventory::iter::<When>.into_iter().map(|w| w.inner().0))
                .chain(inventory::iter::<Then>.into_iter().map(|t| t.inner().0))
                .filter(|loc| owner(loc, &names) == Some(family))
                .count();
            assert!(owned > 0, "no step of {family} was found by its location");
        }
    }
}
