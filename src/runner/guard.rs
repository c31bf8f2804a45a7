//! Family-guarded steps: a step defined in `steps/<family>/` runs only in that family's scenarios.
//!
//! All step definitions share one namespace (cucumber collects them for the one World), so the
//! same words in two families' features would run whichever family's code matched. The runner
//! hands cucumber a step collection in which every step owned by another family is replaced by
//! [`foreign_step`], which fails with "this step belongs to the X family" before touching the
//! bank. Ownership comes from where the step is defined (`steps/<name>/…`), against the names
//! of the registry: this module must never name a family itself.

use cucumber::codegen::{StepConstructor, WorldInventory, inventory};
use cucumber::gherkin::StepType;
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

/// Every step definition, with those owned by a family other than `running` guarded.
pub fn guarded_steps(running: &str, families: &[&str]) -> Collection<ObWorld> {
    let guard = |location: Location, step: Step<ObWorld>| -> Step<ObWorld> {
        match owner(&location, families) {
            Some(family) if family != running => foreign_step,
            _ => step,
        }
    };
    let mut out = Collection::new();
    for given in inventory::iter::<Given> {
        let (loc, regex, step) = given.inner();
        out = out.given(Some(loc), regex(), guard(loc, step));
    }
    for when in inventory::iter::<When> {
        let (loc, regex, step) = when.inner();
        out = out.when(Some(loc), regex(), guard(loc, step));
    }
    for then in inventory::iter::<Then> {
        let (loc, regex, step) = then.inner();
        out = out.then(Some(loc), regex(), guard(loc, step));
    }
    out
}

/// Whether some step definition matches `step`'s text.
pub(crate) fn is_defined(step: &cucumber::gherkin::Step) -> bool {
    definition(step).is_some()
}

/// Where the definition of `step` lives (the first whose regex matches its text).
fn definition(step: &cucumber::gherkin::Step) -> Option<Location> {
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
