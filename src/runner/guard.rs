//! Family-guarded steps: a step defined in `steps/<family>/` runs only in that family's scenarios.
//!
//! All step definitions share one namespace (cucumber collects them for the one World), so the
//! same words in two families' features would run whichever family's code matched. A run's
//! [`StepBook`] hands cucumber only the shared vocabulary and the running family's own steps; a
//! step text that only another family's definition matches is undefined for the run, and the
//! collector fails it with "this step belongs to the X family" ([`foreign_owner`]) before
//! anything is sent. Ownership comes from where the step is defined (`steps/<name>/…`), against
//! the names of the registry: this module must never name a family itself.
//!
//! Why a book rather than every definition: cucumber tries every regex of a step's kind on every
//! step it runs, and each regex is compiled the first time it is asked for. Another family's
//! regexes are compiled only for a step the run could not match, and each step is tried only
//! against the definitions its family can use.

use cucumber::codegen::{LazyRegex, StepConstructor, WorldInventory, inventory};
use cucumber::gherkin::{self, StepType};
use cucumber::step::{Collection, Location, Step};

use crate::world::ObWorld;

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
struct Definition {
    location: Location,
    lazy: LazyRegex,
    /// This book's copy of the regex: a copy has its own search caches, made at its first search,
    /// so one copy serves every search of the book.
    regex: std::sync::OnceLock<regex::Regex>,
    step: Step<ObWorld>,
}

impl Definition {
    fn regex(&self) -> &regex::Regex {
        self.regex.get_or_init(|| (self.lazy)())
    }

    fn matches(&self, text: &str) -> bool {
        self.regex().is_match(text)
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
                let (location, lazy, step) = item.inner();
                let definition = Definition {
                    location,
                    lazy,
                    regex: std::sync::OnceLock::new(),
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
                        (d.lazy)();
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

    /// The collection cucumber runs with: the usable definitions, each regex compiled once. A
    /// step text only another family defines matches nothing here: cucumber reports it
    /// undefined, and the collector names its family ([`foreign_owner`]).
    pub fn collection(&self) -> Collection<ObWorld> {
        let mut out = Collection::new();
        for (ty, shelf) in [
            (StepType::Given, &self.given),
            (StepType::When, &self.when),
            (StepType::Then, &self.then),
        ] {
            for d in &shelf.usable {
                let regex = d.regex().clone();
                out = match ty {
                    StepType::Given => out.given(Some(d.location), regex, d.step),
                    StepType::When => out.when(Some(d.location), regex, d.step),
                    StepType::Then => out.then(Some(d.location), regex, d.step),
                };
            }
        }
        out
    }
}

/// The family, other than `running`, whose definition matches `step` (compiling that family's
/// regexes: only for a step the run's own collection did not match).
pub fn foreign_owner(step: &gherkin::Step, running: &str) -> Option<&'static str> {
    let names: Vec<&'static str> = crate::steps::families()
        .iter()
        .map(|f| f.about().name)
        .collect();
    let book = StepBook::of(running, &names);
    let location = book
        .shelf(step.ty)
        .foreign
        .iter()
        .find(|d| d.matches(&step.value))?
        .location;
    owner(&location, &names)
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
