//! Recognising sections by their heading text.

use crate::model::SectionKind;

/// Reduces a heading to the words that identify it: lower case, no
/// numbering, emoji, punctuation at the ends or `(if applicable)` notes.
pub(crate) fn normalize(heading: &str) -> String {
    let mut s = heading.trim();
    // Leading emoji, symbols and numbering: `3.`, `2.1`, `IV.`, `A)`, `§ 4`.
    loop {
        let before = s;
        s = s.trim_start_matches(|c: char| !c.is_alphanumeric());
        s = strip_numbering(s);
        if s == before {
            break;
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    // Lower case, brackets dropped, punctuation to single spaces.
    let mut space = false;
    let mut push = |out: &mut String, c: char| {
        if c == ' ' {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
    };
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '&' | '+' => {
                push(&mut out, ' ');
                push(&mut out, 'a');
                push(&mut out, 'n');
                push(&mut out, 'd');
                push(&mut out, ' ');
            }
            c if c.is_alphanumeric() || c == '\'' || c == '.' || c == ':' => push(&mut out, c),
            _ => push(&mut out, ' '),
        }
    }
    let trimmed = out.trim_end_matches([':', '.', ' ']).len();
    out.truncate(trimmed);
    out
}

fn strip_numbering(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if i > 0 && i < b.len() && matches!(b[i], b' ' | b')' | b'.' | b':' | b'\t') {
        return s[i..].trim_start_matches([')', '.', ':']).trim_start();
    }
    // Roman numerals and single letters followed by `.` or `)`.
    let j = s.find(['.', ')']).unwrap_or(0);
    if j > 0
        && j <= 4
        && s[..j].chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
        && s[j + 1..].starts_with(' ')
    {
        return s[j + 1..].trim_start();
    }
    s
}

/// The words (lower case) that start a phase heading: `Phase 2`, `Sprint 3`.
const PHASE_WORDS: &[&str] = &[
    "phase",
    "stage",
    "sprint",
    "iteration",
    "milestone",
    "week",
    "weeks",
    "step",
    "part",
    "wave",
    "release",
    "increment",
    "etappe",
    "fase",
    "étape",
    "etapa",
    "phasen",
    "meilenstein",
];

/// Returns the phase number when the heading reads like `Phase 2: Name`.
pub(crate) fn phase_number(normalized: &str) -> Option<String> {
    let mut words = normalized.split(' ');
    let first = words.next()?;
    if !PHASE_WORDS.contains(&first) {
        return None;
    }
    let num = words.next()?.trim_end_matches([':', '.']);
    let ok = !num.is_empty()
        && (num
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            || matches!(
                num,
                "one"
                    | "two"
                    | "three"
                    | "four"
                    | "five"
                    | "six"
                    | "i"
                    | "ii"
                    | "iii"
                    | "iv"
                    | "v"
                    | "vi"
            )
            || (num.len() == 1 && num.as_bytes()[0].is_ascii_lowercase())
            || num
                .split('-')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())));
    ok.then(|| num.to_owned())
}

/// Exact headings, after [`normalize`], and what they mean.
const EXACT: &[(&str, SectionKind)] = &[
    ("planning focus", SectionKind::PlanningFocus),
    ("focus", SectionKind::PlanningFocus),
    ("context", SectionKind::Context),
    ("background", SectionKind::Context),
    ("problem statement", SectionKind::Context),
    ("motivation", SectionKind::Context),
    ("overview", SectionKind::Overview),
    ("summary", SectionKind::Overview),
    ("executive summary", SectionKind::Overview),
    ("tldr", SectionKind::Overview),
    ("tl;dr", SectionKind::Overview),
    ("scope", SectionKind::Overview),
    ("constraints", SectionKind::Constraints),
    ("assumptions and constraints", SectionKind::Constraints),
    ("requirements gathering", SectionKind::Requirements),
    ("requirements", SectionKind::Requirements),
    ("high level design", SectionKind::HighLevelDesign),
    ("components", SectionKind::Components),
    ("data flow", SectionKind::DataFlow),
    ("integration points", SectionKind::IntegrationPoints),
    ("integrations", SectionKind::IntegrationPoints),
    ("architecture", SectionKind::Architecture),
    ("design", SectionKind::Architecture),
    ("architecture and design", SectionKind::Architecture),
    ("technical design", SectionKind::Architecture),
    ("technical approach", SectionKind::Architecture),
    ("approach", SectionKind::Architecture),
    ("resource planning", SectionKind::Resources),
    ("resources needed", SectionKind::Resources),
    ("resources", SectionKind::Resources),
    ("staffing", SectionKind::Team),
    ("team", SectionKind::Team),
    ("people", SectionKind::Team),
    ("tools and infrastructure", SectionKind::Tools),
    ("tools", SectionKind::Tools),
    ("infrastructure", SectionKind::Tools),
    ("tooling", SectionKind::Tools),
    ("session checklist", SectionKind::Checklist),
    ("planning checklist", SectionKind::Checklist),
    ("meeting notes", SectionKind::MeetingNotes),
    ("notes", SectionKind::Notes),
    ("references", SectionKind::References),
    ("links", SectionKind::References),
    ("related", SectionKind::References),
    ("see also", SectionKind::References),
    ("resources and links", SectionKind::References),
    ("dependencies", SectionKind::Dependencies),
    ("external dependencies", SectionKind::Dependencies),
    ("development setup", SectionKind::DevelopmentSetup),
    ("setup", SectionKind::DevelopmentSetup),
    ("getting started", SectionKind::DevelopmentSetup),
    ("prerequisites", SectionKind::DevelopmentSetup),
    ("code structure", SectionKind::CodeStructure),
    ("project structure", SectionKind::CodeStructure),
    ("directory structure", SectionKind::CodeStructure),
    ("source code", SectionKind::CodeStructure),
    ("implementation notes", SectionKind::ImplementationNotes),
    ("technical notes", SectionKind::ImplementationNotes),
    ("core features", SectionKind::CoreFeatures),
    ("patterns and best practices", SectionKind::Patterns),
    ("best practices", SectionKind::Patterns),
    ("error handling", SectionKind::ErrorHandling),
    ("performance considerations", SectionKind::Performance),
    ("performance", SectionKind::Performance),
    ("security notes", SectionKind::Security),
    ("security", SectionKind::Security),
    ("security considerations", SectionKind::Security),
    ("testing", SectionKind::Testing),
    ("testing strategy", SectionKind::Testing),
    ("test plan", SectionKind::Testing),
    (
        "dependencies and execution order",
        SectionKind::Dependencies,
    ),
    ("steps", SectionKind::Tasks),
    ("plan", SectionKind::Tasks),
    ("the plan", SectionKind::Tasks),
    ("work", SectionKind::Tasks),
    ("execution order", SectionKind::Dependencies),
    ("parallel execution", SectionKind::Dependencies),
    ("parallel opportunities", SectionKind::Dependencies),
    ("implementation strategy", SectionKind::ImplementationNotes),
    // Other languages.
    ("kontext", SectionKind::Context),
    ("hintergrund", SectionKind::Context),
    ("contexte", SectionKind::Context),
    ("contexto", SectionKind::Context),
    ("anforderungen", SectionKind::Requirements),
    ("exigences", SectionKind::Requirements),
    ("requisitos", SectionKind::Requirements),
    ("besoins", SectionKind::Requirements),
    ("architektur", SectionKind::Architecture),
    ("arquitectura", SectionKind::Architecture),
    ("ressourcen", SectionKind::Resources),
    ("ressources", SectionKind::Resources),
    ("recursos", SectionKind::Resources),
    ("équipe", SectionKind::Team),
    ("equipe", SectionKind::Team),
    ("equipo", SectionKind::Team),
    ("notizen", SectionKind::Notes),
    ("referenzen", SectionKind::References),
    ("références", SectionKind::References),
    ("referencias", SectionKind::References),
    ("abhängigkeiten", SectionKind::Dependencies),
    ("dépendances", SectionKind::Dependencies),
    ("dependencias", SectionKind::Dependencies),
];

/// Keyword rules, tried in order on the normalized heading when no exact match.
const CONTAINS: &[(&str, SectionKind)] = &[
    ("session checklist", SectionKind::Checklist),
    ("action item", SectionKind::ActionItems),
    ("action points", SectionKind::ActionItems),
    ("follow up", SectionKind::ActionItems),
    ("open question", SectionKind::OpenQuestions),
    ("questions", SectionKind::OpenQuestions),
    ("unresolved", SectionKind::OpenQuestions),
    ("decision", SectionKind::Decisions),
    ("success criteria", SectionKind::SuccessCriteria),
    ("success metrics", SectionKind::SuccessCriteria),
    ("acceptance criteria", SectionKind::SuccessCriteria),
    ("definition of done", SectionKind::SuccessCriteria),
    ("exit criteria", SectionKind::SuccessCriteria),
    ("next step", SectionKind::NextSteps),
    ("user stor", SectionKind::UserStories),
    ("non functional", SectionKind::NonFunctionalRequirements),
    ("nonfunctional", SectionKind::NonFunctionalRequirements),
    ("quality attributes", SectionKind::NonFunctionalRequirements),
    (
        "functional requirement",
        SectionKind::FunctionalRequirements,
    ),
    ("milestone", SectionKind::Milestones),
    ("risk", SectionKind::Risks),
    ("mitigation", SectionKind::Risks),
    ("timeline", SectionKind::Timeline),
    ("schedule", SectionKind::Timeline),
    ("estimates", SectionKind::Timeline),
    ("goal", SectionKind::Goals),
    ("objective", SectionKind::Goals),
    ("constraint", SectionKind::Constraints),
    ("requirement", SectionKind::Requirements),
    ("task", SectionKind::Tasks),
    ("todo", SectionKind::Tasks),
    ("to do", SectionKind::Tasks),
    ("backlog", SectionKind::Tasks),
    ("roadmap", SectionKind::Tasks),
    ("work breakdown", SectionKind::Tasks),
    ("work items", SectionKind::Tasks),
    ("implementation plan", SectionKind::Tasks),
    ("implementation steps", SectionKind::Tasks),
    ("implementation phases", SectionKind::Tasks),
    ("action plan", SectionKind::Tasks),
    ("work plan", SectionKind::Tasks),
    ("execution plan", SectionKind::Tasks),
    ("rollout plan", SectionKind::Tasks),
    ("migration plan", SectionKind::Tasks),
    ("development plan", SectionKind::Tasks),
    ("deliverables", SectionKind::Tasks),
    ("checklist", SectionKind::Tasks),
    ("phases", SectionKind::Tasks),
    ("team", SectionKind::Team),
    ("tool", SectionKind::Tools),
    ("infrastructure", SectionKind::Tools),
    ("resource", SectionKind::Resources),
    ("component", SectionKind::Components),
    ("data flow", SectionKind::DataFlow),
    ("integration", SectionKind::IntegrationPoints),
    ("architecture", SectionKind::Architecture),
    ("design", SectionKind::Architecture),
    ("meeting", SectionKind::MeetingNotes),
    ("reference", SectionKind::References),
    ("dependenc", SectionKind::Dependencies),
    ("error", SectionKind::ErrorHandling),
    ("performance", SectionKind::Performance),
    ("security", SectionKind::Security),
    ("test", SectionKind::Testing),
    ("context", SectionKind::Context),
    ("background", SectionKind::Context),
    ("overview", SectionKind::Overview),
    ("summary", SectionKind::Overview),
    ("notes", SectionKind::Notes),
    // Other languages.
    ("aufgaben", SectionKind::Tasks),
    ("arbeitspaket", SectionKind::Tasks),
    ("tâches", SectionKind::Tasks),
    ("taches", SectionKind::Tasks),
    ("tareas", SectionKind::Tasks),
    ("tarefas", SectionKind::Tasks),
    ("attività", SectionKind::Tasks),
    ("taken", SectionKind::Tasks),
    ("задачи", SectionKind::Tasks),
    ("任务", SectionKind::Tasks),
    ("タスク", SectionKind::Tasks),
    ("작업", SectionKind::Tasks),
    ("risiken", SectionKind::Risks),
    ("risques", SectionKind::Risks),
    ("riesgos", SectionKind::Risks),
    ("riscos", SectionKind::Risks),
    ("rischi", SectionKind::Risks),
    ("риски", SectionKind::Risks),
    ("meilenstein", SectionKind::Milestones),
    ("jalons", SectionKind::Milestones),
    ("hitos", SectionKind::Milestones),
    ("marcos", SectionKind::Milestones),
    ("ziele", SectionKind::Goals),
    ("objectifs", SectionKind::Goals),
    ("objetivos", SectionKind::Goals),
    ("obiettivi", SectionKind::Goals),
    ("zeitplan", SectionKind::Timeline),
    ("calendrier", SectionKind::Timeline),
    ("cronograma", SectionKind::Timeline),
    ("entscheidung", SectionKind::Decisions),
    ("décisions", SectionKind::Decisions),
    ("decisiones", SectionKind::Decisions),
    ("offene fragen", SectionKind::OpenQuestions),
    ("nächste schritte", SectionKind::NextSteps),
    ("prochaines étapes", SectionKind::NextSteps),
    ("próximos pasos", SectionKind::NextSteps),
    ("próximos passos", SectionKind::NextSteps),
    ("erfolgskriterien", SectionKind::SuccessCriteria),
    ("critères de succès", SectionKind::SuccessCriteria),
    ("criterios de éxito", SectionKind::SuccessCriteria),
    ("maßnahmen", SectionKind::ActionItems),
];

/// Classifies a heading (already free of inline markup).
pub(crate) fn classify(heading: &str, level: u8) -> SectionKind {
    let n = normalize(heading);
    if phase_number(&n).is_some() {
        return SectionKind::Phase;
    }
    if let Some(&(_, kind)) = EXACT.iter().find(|(k, _)| *k == n) {
        return kind;
    }
    if level == 1 {
        return SectionKind::Title;
    }
    // "Task Breakdown" and "Tasks for v2" are tasks, "Task dependencies" is not.
    if n.contains("task") && n.contains("dependenc") {
        return SectionKind::Dependencies;
    }
    // The first rule in list order whose keyword occurs anywhere.
    CONTAINS_AC
        .find_overlapping_iter(&n)
        .map(|m| m.pattern().as_usize())
        .min()
        .map_or(SectionKind::Other, |i| CONTAINS[i].1)
}

/// One automaton for all [`CONTAINS`] keywords.
static CONTAINS_AC: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(CONTAINS.iter().map(|(k, _)| k)).expect("valid keywords")
    });

/// Whether a section of this kind holds tasks.
pub(crate) fn holds_tasks(kind: SectionKind) -> bool {
    matches!(kind, SectionKind::Tasks | SectionKind::Phase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_with_numbering_emoji_and_synonyms() {
        assert_eq!(classify("3. Risks", 2), SectionKind::Risks);
        assert_eq!(classify("⚠️ Risk Assessment", 2), SectionKind::Risks);
        assert_eq!(classify("Risks & Mitigation", 2), SectionKind::Risks);
        assert_eq!(classify("Task Breakdown:", 2), SectionKind::Tasks);
        assert_eq!(classify("📋 Implementation Plan", 2), SectionKind::Tasks);
        assert_eq!(classify("Work Breakdown", 2), SectionKind::Tasks);
        assert_eq!(classify("Phase 2: Core Features", 3), SectionKind::Phase);
        assert_eq!(classify("Phase 3.1: Setup", 2), SectionKind::Phase);
        assert_eq!(classify("Sprint 4 (Dec 1 – Dec 12)", 2), SectionKind::Phase);
        assert_eq!(
            classify("User Stories (if applicable)", 3),
            SectionKind::UserStories
        );
        assert_eq!(
            classify("Meeting Notes (if applicable)", 2),
            SectionKind::MeetingNotes
        );
        assert_eq!(
            classify("Non-Functional Requirements", 3),
            SectionKind::NonFunctionalRequirements
        );
        assert_eq!(
            classify("Functional Requirements", 3),
            SectionKind::FunctionalRequirements
        );
        assert_eq!(classify("Goals / Objectives", 2), SectionKind::Goals);
        assert_eq!(classify("Timeline & Estimates", 2), SectionKind::Timeline);
        assert_eq!(classify("Aufgaben", 2), SectionKind::Tasks);
        assert_eq!(classify("Risques", 2), SectionKind::Risks);
        assert_eq!(classify("Próximos pasos", 2), SectionKind::NextSteps);
        assert_eq!(classify("IV. Decisions Made", 2), SectionKind::Decisions);
        assert_eq!(classify("Session Checklist", 2), SectionKind::Checklist);
        assert_eq!(classify("Launch checklist", 2), SectionKind::Tasks);
        assert_eq!(
            classify("Dependencies & Execution Order", 2),
            SectionKind::Dependencies
        );
        assert_eq!(classify("Task dependencies", 2), SectionKind::Dependencies);
        assert_eq!(classify("Weather", 2), SectionKind::Other);
    }

    #[test]
    fn phase_numbers() {
        assert_eq!(phase_number(&normalize("Phase 2: Core")), Some("2".into()));
        assert_eq!(
            phase_number(&normalize("Phase 3.1: Setup")),
            Some("3.1".into())
        );
        assert_eq!(phase_number(&normalize("Phases overview")), None);
        assert_eq!(phase_number(&normalize("Step one")), Some("one".into()));
    }
}
