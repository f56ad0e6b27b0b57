//! The prompts: plan a feature with the planning-session template, and
//! break a plan into phases and tasks with the implementation guide.

use planmark::templates::Builtin;
use rmcp::ErrorData;
use rmcp::model::{GetPromptResult, Prompt, PromptArgument, PromptMessage, Role};

/// The templates served as resources and used by the prompts.
pub(crate) const TEMPLATES: [Builtin; 2] = [Builtin::Session, Builtin::Guide];

fn argument(name: &str, description: &str, required: bool) -> PromptArgument {
    let mut a = PromptArgument::new(name).with_description(description);
    a.required = Some(required);
    a
}

pub(crate) fn list() -> Vec<Prompt> {
    vec![
        Prompt::new(
            "plan-feature",
            Some(
                "Plan a feature with the planning-session template: goals, requirements, phased tasks with estimates and dependencies, risks.",
            ),
            Some(vec![
                argument("feature", "What to plan", true),
                argument("scope", "Project, Feature, Sprint or Architecture", false),
                argument("timeframe", "When it should be done, e.g. 2 weeks", false),
            ]),
        ),
        Prompt::new(
            "break-down",
            Some(
                "Break a goal or an existing plan into phases and checkbox tasks with the implementation-guide template.",
            ),
            Some(vec![argument(
                "goal",
                "What to build, or the path of a plan to break down",
                true,
            )]),
        ),
    ]
}

pub(crate) fn get(
    name: &str,
    args: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Result<GetPromptResult, ErrorData> {
    let arg = |k: &str| {
        args.and_then(|a| a.get(k))
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let required = |k: &str| {
        arg(k).ok_or_else(|| {
            ErrorData::invalid_params(format!("prompt `{name}` needs the argument `{k}`"), None)
        })
    };
    let text = match name {
        "plan-feature" => {
            let feature = required("feature")?;
            let scope = arg("scope").unwrap_or("Feature");
            let timeframe =
                arg("timeframe").map_or(String::new(), |t| format!(" The timeframe is {t}."));
            format!(
                "Plan the feature \"{feature}\" (scope: {scope}).{timeframe}\n\n\
                 1. Read the code and docs this feature touches, and the plans already in the project (`status`).\n\
                 2. Create the plan with the `plan` tool, template `session`, topic \"{feature}\", and phases whose tasks \
                 carry an estimate (2h, 1.5d, or three points 1d/2d/5d), a priority and the ids they depend on.\n\
                 3. Fill its other sections in the file: goals, requirements (FR1.., NFR1..), risks with likelihood, impact \
                 and mitigation, open questions.\n\
                 4. Run `check` and fix what it reports; `status` then gives the planned finish and the odds of the timeframe.\n\n\
                 The template, section by section:\n\n{}",
                Builtin::Session.text()
            )
        }
        "break-down" => {
            let goal = required("goal")?;
            format!(
                "Break \"{goal}\" into phases and tasks.\n\n\
                 1. If it names a plan in the project, read it (resource planmark://plan/<path>) and keep its ids.\n\
                 2. Create the breakdown with the `plan` tool, template `guide`: a few phases, each of small tasks \
                 (at most a few days each) with an estimate and the ids they depend on; phases run in sequence.\n\
                 3. Add milestones that name the phases they close, then run `check`.\n\n\
                 The template, section by section:\n\n{}",
                Builtin::Guide.text()
            )
        }
        other => {
            return Err(ErrorData::invalid_params(
                format!("no prompt `{other}`; there are plan-feature and break-down"),
                None,
            ));
        }
    };
    Ok(
        GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)]).with_description(
            match name {
                "plan-feature" => "Plan a feature with the planning-session template",
                _ => "Break work into phases and tasks with the implementation guide",
            },
        ),
    )
}
