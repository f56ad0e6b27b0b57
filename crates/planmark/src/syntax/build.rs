//! Second pass: blocks in their sections become model items.

use std::collections::{HashMap, HashSet};

use super::blocks::{Block, Blocks, Item, Lines, Link};
use super::inline::{self, Attrs};
use super::sections::{self, classify, holds_tasks, normalize, phase_number};
use super::tables;
use super::values;
use crate::diag::{Code, Diagnostic, Severity};
use crate::model::{
    ActionItem, BlockKind, CheckItem, ChecklistItem, ChecklistTopic, Decision, Dependency,
    Document, DocumentKind, Field, Form, Goal, IdSource, Milestone, Origin, Phase, Reading,
    Reference, Requirement, RequirementKind, Risk, Section, SectionKind, Span, Status, Task,
    TeamMember, TimelineEntry, Tool, UserStory,
};

/// One open heading while walking.
#[derive(Clone)]
struct Open {
    level: u8,
    /// What the section's items are read as.
    effective: SectionKind,
    /// Whether plain list items count as tasks here (a real task section).
    strong: bool,
    /// Innermost explicit phase (`Phase 2`) and implicit group heading.
    phase: Option<usize>,
    explicit_phase: bool,
    /// A task written as a heading (`#### Task 1.1: Setup`).
    task: Option<usize>,
    /// A risk written as a heading (`### Risk 2: Vendor slips`).
    risk: Option<usize>,
    /// The section lists steps (`## Implementation Steps`): its numbered
    /// headings are steps of work.
    steps: bool,
}

/// Where a document tracks its work with checkboxes.
#[derive(Debug, Clone, Copy, Default)]
struct Checked {
    /// Anywhere in the document.
    document: bool,
    /// In the section being read (up to the next heading): then its plain
    /// items are details (rule 1).
    section: bool,
}

pub(crate) struct Builder<'a> {
    pub(crate) doc: &'a mut Document,
    pub(crate) text: &'a str,
    pub(crate) lines: &'a Lines,
    /// Task index for each list item that became a task (by item index).
    item_task: Vec<Option<usize>>,
    /// Risk index for each list item that became a risk (by item index).
    item_risk: Vec<Option<usize>>,
    /// Phase index for each plain list item that is a phase (`- Phase 1: Setup`).
    item_phase: Vec<Option<usize>>,
    /// Items of a status legend: never tasks.
    legend_items: rustc_hash::FxHashSet<usize>,
    /// Lists (by id) with at least one checkbox item.
    checked_lists: rustc_hash::FxHashSet<u32>,
    /// Where work is tracked with checkboxes.
    checked: Checked,
    /// `2` for the task written as item 2 of an ordered list: a name
    /// dependencies may use (`after 2`), not an id.
    numbers: HashMap<String, Vec<usize>>,
    /// Tasks by the stem of a plan file they link to (`[spec](tasks/atomic-io.md)`):
    /// `depends: atomic-io` names the task whose spec that is.
    aliases: HashMap<String, Vec<usize>>,
    /// What each table header text names, worked out once per document:
    /// plans repeat one table shape per phase.
    pub(crate) header_roles:
        rustc_hash::FxHashMap<String, (super::vocab::Column, Option<crate::model::TimeUnit>)>,
    /// Whether the document is a session or guide by its title (their
    /// requirements are requirements, not work).
    is_template_kind: bool,
    /// Whether the title makes the document a procedure (a checklist, a
    /// runbook): its sections are its stages.
    procedure: bool,
    /// The user's corrections to the reading.
    pub(crate) opts: &'a super::ReadOptions,
    /// The role and rule of the last heading or table read, for `--explain`.
    pub(crate) why: (&'static str, &'static str),
    /// Whether a correction makes every top-level item here a task.
    forced: bool,
}

impl Builder<'_> {
    /// Records how a block was read, when the reading is to be explained.
    fn read_as(
        &mut self,
        line: u32,
        block: BlockKind,
        text: impl FnOnce() -> String,
        (role, rule): (&'static str, &'static str),
    ) {
        if self.opts.explain {
            self.doc.reading.push(Reading {
                line,
                block,
                text: text(),
                role,
                rule,
                tasks: 0,
            });
        }
    }

    pub(crate) fn finding(
        &mut self,
        code: Code,
        severity: Severity,
        span: Span,
        message: String,
        help: &str,
    ) {
        let path = self.doc.path.clone();
        self.doc
            .findings
            .push(Diagnostic::new(code, severity, &path, Some(span), message).with_help(help));
    }

    fn origin_item(item: &Item) -> Origin {
        Origin {
            span: item.span,
            form: Form::ListItem,
            marker: item.marker.map(|m| m.1),
            text: item.text_span,
            cells: Vec::new(),
        }
    }

    fn status_of(&mut self, item: &Item, attrs: &Attrs) -> Status {
        let marked = match item.marker {
            Some((c, span)) => match values::checkbox(c) {
                Some(st) => Some(st),
                None => {
                    self.finding(
                        Code::UnknownStatus,
                        Severity::Warning,
                        span,
                        format!("checkbox marker `[{c}]` is not a known status"),
                        "use [ ] todo, [x] done, [~] or [/] in progress, [-] cancelled, [!] blocked",
                    );
                    None
                }
            },
            None => None,
        };
        match (marked, attrs.status) {
            (Some(Status::Todo) | None, Some(st)) | (Some(st), _) => st,
            (None, None) => Status::Todo,
        }
    }

    pub(crate) fn estimate_findings(&mut self, attrs: &Attrs, span: Span) {
        for bad in &attrs.bad_estimates {
            let (msg, help) = values::bad_estimate(bad);
            self.finding(Code::UnreadableEstimate, Severity::Warning, span, msg, help);
        }
        if let Some((msg, help)) = attrs.bad_date.as_deref().and_then(values::bad_date) {
            self.finding(Code::UnreadableDate, Severity::Warning, span, msg, help);
        }
    }

    /// Finds where each dependency of `deps` is written inside `region`,
    /// searching from the end (dependencies follow the title they belong to).
    pub(crate) fn locate_deps(&self, region: Span, deps: &mut [Dependency]) {
        let Some(hay) = self.text.get(region.start..region.end) else {
            return;
        };
        let mut end = hay.len();
        for d in deps.iter_mut().rev() {
            if d.span.is_some() || d.text.is_empty() {
                continue;
            }
            if let Some(i) = memchr::memmem::rfind(&hay.as_bytes()[..end], d.text.as_bytes()) {
                let line =
                    region.line + memchr::memchr_iter(b'\n', &hay.as_bytes()[..i]).count() as u32;
                d.span = Some(Span {
                    start: region.start + i,
                    end: region.start + i + d.text.len(),
                    line,
                });
                end = i;
            }
        }
    }

    pub(crate) fn new_task(
        &mut self,
        mut attrs: Attrs,
        origin: Origin,
        phase: Option<String>,
        parent: Option<String>,
    ) -> usize {
        let (id, id_source) = attrs.id.take().unwrap_or_else(|| {
            let s = inline::slug(&attrs.title);
            (
                if s.is_empty() {
                    format!("line-{}", origin.span.line)
                } else {
                    s
                },
                IdSource::Slug,
            )
        });
        // Ids are made unique at the end, in one pass (`unique_slugs`).
        self.estimate_findings(&attrs, origin.span);
        self.locate_deps(origin.text.unwrap_or(origin.span), &mut attrs.deps);
        let status = attrs.status.unwrap_or_default();
        self.doc.tasks.push(Task {
            id,
            id_source,
            title: attrs.title,
            status,
            estimate: attrs.estimate,
            size: attrs.size,
            dependencies: attrs.deps,
            resources: attrs.resources,
            priority: attrs.priority,
            phase,
            parent,
            start: attrs.start,
            due: attrs.due,
            tags: attrs.tags,
            blocked_reason: attrs.blocked,
            issue: attrs.issue,
            origin,
        });
        self.doc.tasks.len() - 1
    }

    /// Records the plan files `item` links to as names of task `t`.
    fn link_aliases(&mut self, t: usize, item: &Item) {
        for l in &item.links {
            let path = std::path::Path::new(l.dest.split('#').next().unwrap_or(""));
            let markdown = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"));
            if !markdown || l.dest.contains("://") {
                continue;
            }
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                let v = self.aliases.entry(stem.to_lowercase()).or_default();
                if !v.contains(&t) {
                    v.push(t);
                }
            }
        }
    }

    fn phase_name(&self, open: Option<&Open>) -> Option<String> {
        open.and_then(|o| o.phase)
            .map(|i| self.doc.phases[i].name.clone())
    }
}

/// Keys that describe a phase or a task rather than being a task themselves.
const META_KEYS: &[&str] = &[
    "goal",
    "goals",
    "purpose",
    "objective",
    "deliverable",
    "deliverables",
    "duration",
    "timeline",
    "estimate",
    "estimated",
    "effort",
    "owner",
    "owners",
    "assignee",
    "status",
    "dependencies",
    "depends on",
    "priority",
    "outcome",
    "output",
    "exit criteria",
    "success criteria",
    "note",
    "notes",
    "description",
    "acceptance criteria",
    "checkpoint",
    "focus",
    "scope",
    "target",
    "due",
    "start",
    "risk",
    "risks",
    "independent test",
    "test",
    "why",
    "team",
    "lead",
];

/// Splits `Key: value` (the key at most five words).
fn key_value(text: &str) -> Option<(String, &str)> {
    let (k, v) = text.split_once(':')?;
    let k = k.trim();
    if k.is_empty() || k.split_whitespace().count() > 5 || k.contains('(') && !k.contains(')') {
        return None;
    }
    Some((k.to_lowercase(), v.trim()))
}

pub(crate) fn build(
    doc: &mut Document,
    text: &str,
    mut walked: Blocks,
    lines: &Lines,
    opts: &super::ReadOptions,
) {
    let legend = super::legend::find(&walked, text);
    let _active = super::legend::activate(&legend);
    let mut b = Builder {
        doc,
        text,
        lines,
        item_task: vec![None; walked.items.len()],
        item_risk: vec![None; walked.items.len()],
        item_phase: vec![None; walked.items.len()],
        legend_items: legend.items.iter().copied().collect(),
        checked: Checked::default(),
        checked_lists: walked
            .items
            .iter()
            .filter(|i| i.marker.is_some())
            .map(|i| i.list)
            .collect(),
        numbers: HashMap::new(),
        aliases: HashMap::new(),
        header_roles: rustc_hash::FxHashMap::default(),
        is_template_kind: false,
        procedure: false,
        opts,
        why: ("", ""),
        forced: false,
    };

    front_matter_todos(&mut b);
    let rows: usize = walked
        .list
        .iter()
        .map(|bl| {
            if let Block::Table(t) = bl {
                t.rows.len()
            } else {
                0
            }
        })
        .sum();
    b.doc.tasks.reserve(walked.items.len() + rows);
    // Classify every heading once; does the document have a real task section?
    let (kinds, own_hints): (Vec<SectionKind>, Vec<Hint>) = walked
        .list
        .iter()
        .filter_map(|bl| match bl {
            Block::Heading { level, text, .. } => {
                let n = normalize(text);
                Some((sections::classify_normalized(&n, *level), heading_hint(&n)))
            }
            _ => None,
        })
        .unzip();
    let has_task_section = walked
        .list
        .iter()
        .filter_map(|bl| match bl {
            Block::Heading { level, .. } => Some(*level),
            _ => None,
        })
        .zip(&kinds)
        .any(|(level, kind)| level > 1 && holds_tasks(*kind));
    let mut next_kind = kinds.into_iter();
    let mut next_hint = own_hints.into_iter();
    // Per section (the blocks between two headings, the preamble first):
    // does it hold a checkbox item?
    let mut checked: Vec<bool> = vec![false];
    for bl in &walked.list {
        match bl {
            Block::Heading { .. } => checked.push(false),
            Block::Item(i) if walked.items[*i].marker.is_some() => {
                *checked.last_mut().expect("preamble") = true;
            }
            _ => {}
        }
    }
    b.checked.document = checked.iter().any(|&c| c);
    let mut next_checked = checked.into_iter();
    b.checked.section = next_checked.next().unwrap_or(false);

    let mut stack: Vec<Open> = Vec::new();
    let mut read_list: Option<u32> = None;
    let mut section_starts: Vec<usize> = Vec::new();
    // Blocks are consumed (table cells move into the model); items stay for lookups.
    let list = std::mem::take(&mut walked.list);
    let walked = &walked;
    // `**Acceptance Criteria:**` alone on a line heads the list after it.
    let mut pseudo: Option<SectionKind> = None;
    // `## In Progress`, `### High Priority`: what the tasks below them are.
    // Per open heading: its level, what it and those above say, what it says.
    let mut hints: Vec<(u8, Hint, Hint)> = Vec::new();
    // The user's corrections: `<!-- planmark: not-tasks -->` before a block,
    // `not-tasks` headings. A section's rule lasts to the next heading of the
    // same or a higher level; a list's, to the list's end.
    let mut section_rule: Option<(u8, bool)> = None;
    let mut list_rule: Option<(u32, bool)> = None;
    let mut prev_end = 0usize;
    let mut last_list: Option<u32> = None;
    let mut dropped: Vec<bool> = Vec::new();
    for block in list {
        let (start, end) = match &block {
            Block::Heading { span, .. } | Block::Lines { span, .. } => (span.start, span.end),
            Block::Item(i) => (walked.items[*i].span.start, walked.items[*i].span.end),
            Block::Table(t) => (t.span.start, t.span.end),
        };
        let said = if start > prev_end {
            directive(&mut b, prev_end, start)
        } else {
            None
        };
        prev_end = prev_end.max(end);
        let mut block_rule = None;
        match &block {
            Block::Heading { level, text, .. } => {
                if section_rule.is_some_and(|(l, _)| l >= *level) {
                    section_rule = None;
                }
                if let Some(r) = said {
                    section_rule = Some((*level, r));
                } else if section_rule.is_none() && b.opts.mutes(text) {
                    section_rule = Some((*level, false));
                }
                last_list = None;
            }
            Block::Item(i) => {
                let item = &walked.items[*i];
                if item.parent.is_none() && last_list != Some(item.list) {
                    last_list = Some(item.list);
                    list_rule = said.map(|r| (item.list, r));
                }
                block_rule = list_rule
                    .filter(|&(l, _)| l == item.list || item.parent.is_some())
                    .map(|(_, r)| r);
            }
            Block::Table(_) => block_rule = said,
            Block::Lines { .. } => {}
        }
        let rule = block_rule.or(section_rule.map(|(_, r)| r));
        b.forced = rule == Some(true) || b.opts.tasks == super::TaskRule::Items;
        if let Block::Heading { level, .. } = &block {
            pseudo = None;
            while hints.last().is_some_and(|h| h.0 >= *level) {
                hints.pop();
            }
            let outer = hints.last().map(|h| h.1).unwrap_or_default();
            let own = next_hint.next().unwrap_or_default();
            hints.push((
                *level,
                Hint {
                    status: own.status.or(outer.status),
                    priority: own.priority.or(outer.priority),
                },
                own,
            ));
        }
        let before = b.doc.tasks.len();
        let hint = hints.last().map(|h| h.1).unwrap_or_default();
        match block {
            Block::Heading {
                level,
                text: htext,
                span,
                text_span,
            } => {
                while stack.last().is_some_and(|o| o.level >= level) {
                    stack.pop();
                }
                let parent = stack.last().cloned();
                let kind = next_kind.next().unwrap_or(SectionKind::Other);
                b.checked.section = next_checked.next().unwrap_or(false);
                if level == 1 && b.doc.title.is_none() {
                    b.doc.title = Some(htext.clone());
                    let t = htext.to_lowercase();
                    b.is_template_kind =
                        t.starts_with("planning session") || t.contains("implementation guide");
                    b.procedure = super::vocab::PROCEDURE_WORDS.iter().any(|w| t.contains(w));
                }
                b.doc.sections.push(Section {
                    heading: htext.clone(),
                    level,
                    kind,
                    heading_span: span,
                    span,
                });
                section_starts.push(b.doc.sections.len() - 1);
                b.why = ("", "");
                let mut open = heading_context(
                    &mut b,
                    parent.as_ref(),
                    kind,
                    hints.last().map(|h| h.2).unwrap_or_default(),
                    level,
                    &htext,
                    span,
                    text_span,
                );
                match rule {
                    Some(true) if open.task.is_none() => {
                        open.effective = SectionKind::Tasks;
                        open.strong = true;
                        b.why = (
                            "tasks",
                            "a `planmark: tasks` correction names this section work",
                        );
                    }
                    Some(false) => {
                        b.why = (
                            "not tasks",
                            "a `planmark: not-tasks` correction (comment or setting) names this section",
                        );
                    }
                    _ => {}
                }
                if b.why.0.is_empty() {
                    b.why = (
                        kind_role(open.effective),
                        "the heading names the section's role",
                    );
                }
                open.steps = open.effective == SectionKind::Tasks
                    && open.task.is_none()
                    && sections::names_steps(&htext);
                let why = b.why;
                b.read_as(span.line, BlockKind::Heading, || short(&htext), why);
                stack.push(open);
            }
            Block::Item(idx) if b.legend_items.contains(&idx) => {}
            Block::Item(idx) => {
                let item = &walked.items[idx];
                let mut open = stack.last().cloned();
                if rule == Some(true)
                    && let Some(o) = open.as_mut()
                    && o.task.is_none()
                {
                    o.effective = SectionKind::Tasks;
                    o.strong = true;
                }
                if b.opts.explain && item.parent.is_none() && read_list != Some(item.list) {
                    read_list = Some(item.list);
                    let (role, why) = match rule {
                        Some(true) => (
                            "tasks",
                            "a `planmark: tasks` correction names this list work",
                        ),
                        Some(false) => (
                            "not tasks",
                            "a `planmark: not-tasks` correction names this list",
                        ),
                        None => list_reading(&b, open.as_ref(), item, has_task_section, pseudo),
                    };
                    b.read_as(
                        item.span.line,
                        BlockKind::List,
                        || short(&item.text),
                        (role, why),
                    );
                }
                if let (Some(kind), Some(o)) = (pseudo, open.as_mut()) {
                    if let (SectionKind::Dependencies, Some(t), None) = (kind, o.task, item.parent)
                    {
                        // `**Dependencies:**` under a task heading lists its dependencies.
                        let (mut deps, _) = values::dependencies(item.text.trim(), false);
                        b.locate_deps(item.span, &mut deps);
                        b.doc.tasks[t].dependencies.extend(deps);
                        continue;
                    }
                    if breaks_task_context(kind)
                        || is_collection(kind)
                        || kind == SectionKind::Dependencies
                    {
                        *o = Open::new(o.level, kind, false);
                    }
                }
                item_block(&mut b, walked, idx, item, open.as_ref(), has_task_section);
            }
            Block::Table(t) => {
                let open = stack.last().cloned();
                let phase = b.phase_name(open.as_ref());
                // A table under a document-level "Roadmap" title is read by its header alone.
                let effective = open.as_ref().map_or(SectionKind::Other, |o| {
                    if holds_tasks(o.effective) && !o.strong {
                        SectionKind::Other
                    } else {
                        o.effective
                    }
                });
                let effective = if rule == Some(true) {
                    SectionKind::Tasks
                } else {
                    effective
                };
                let line = t.span.line;
                let header = if b.opts.explain {
                    short(&table_header(&t))
                } else {
                    String::new()
                };
                b.why = ("", "");
                tables::table(&mut b, t, effective, phase.as_deref(), has_task_section);
                let (role, why) = match rule {
                    Some(true) => (
                        "tasks",
                        "a `planmark: tasks` correction names this table work",
                    ),
                    Some(false) => (
                        "not tasks",
                        "a `planmark: not-tasks` correction names this table",
                    ),
                    None => b.why,
                };
                b.read_as(line, BlockKind::Table, || header, (role, why));
            }
            Block::Lines { span, code, links } => {
                // `**1.1 Schema design**` alone on a line in a work section,
                // with its bullets after it: the line is the task (rule 3).
                if !code
                    && b.opts.tasks != super::TaskRule::Checkboxes
                    && let Some(label) = bold_line(&b.text[span.start..span.end])
                    && let Some(o) = stack.last_mut()
                    && holds_tasks(o.effective)
                    && o.risk.is_none()
                    && o.task
                        .is_none_or(|t| b.doc.tasks[t].origin.form == Form::Line)
                {
                    let attrs = inline::extract(label);
                    let numbered = attrs.id.as_ref().is_some_and(|(id, s)| match s {
                        IdSource::Label | IdSource::Explicit => true,
                        IdSource::Code => id.bytes().any(|c| c.is_ascii_digit()),
                        _ => false,
                    });
                    if numbered {
                        let line = b.lines.span(span.start, span.end);
                        let origin = Origin {
                            span: line,
                            form: Form::Line,
                            marker: None,
                            text: Some(line),
                            cells: Vec::new(),
                        };
                        let phase = o.phase.map(|i| b.doc.phases[i].name.clone());
                        let t = b.new_task(attrs, origin, phase, None);
                        o.task = Some(t);
                        pseudo = None;
                        b.read_as(
                            line.line,
                            BlockKind::Paragraph,
                            || short(label),
                            (
                                "task",
                                "a numbered bold line in a work section is a task; the bullets after it are its details (rule 3)",
                            ),
                        );
                        continue;
                    }
                }
                if !code && let Some(label) = pseudo_heading(&b.text[span.start..span.end]) {
                    pseudo = Some(classify(label, 6));
                    if !b.text[span.start..span.end].trim().contains('\n') {
                        continue;
                    }
                } else {
                    // A bold label heads the list right after it, not the
                    // rest of the section: `Plans:` after criteria.
                    pseudo = None;
                }
                let open = stack.last().cloned();
                let effective = open.as_ref().map_or(SectionKind::Other, |o| o.effective);
                let target = open
                    .as_ref()
                    .and_then(|o| o.task.map(Target::Task).or(o.risk.map(Target::Risk)));
                // Bullets indented past a list's reach read as code; under a
                // task they are still its attribute lines.
                let attribute_code = code && indented_bullets(&b.text[span.start..span.end]);
                match target {
                    Some(t) if !code || attribute_code => attribute_lines(&mut b, span, t),
                    _ => lines_block(&mut b, span, code, &links, effective),
                }
            }
        }
        if rule == Some(false) || (b.opts.tasks == super::TaskRule::Checkboxes) {
            dropped.resize(b.doc.tasks.len(), false);
            for (i, t) in b.doc.tasks.iter().enumerate().skip(before) {
                dropped[i] = rule == Some(false) || t.origin.marker.is_none();
            }
        }
        for t in &mut b.doc.tasks[before..] {
            if let Some(st) = hint.status
                && t.status == Status::Todo
            {
                t.status = st;
            }
            if let (Some(level), None) = (hint.priority, &t.priority) {
                t.priority = Some(crate::model::Priority {
                    level: Some(level),
                    text: level.as_str().to_owned(),
                });
            }
        }
    }
    // Section spans run to the next heading of the same or a higher level.
    let n = b.doc.sections.len();
    let end = text.len();
    for i in 0..n {
        let level = b.doc.sections[i].level;
        let stop = b.doc.sections[i + 1..]
            .iter()
            .find(|s| s.level <= level)
            .map_or(end, |s| s.heading_span.start);
        let mut stop = stop;
        while stop > b.doc.sections[i].span.start && text.as_bytes()[stop - 1].is_ascii_whitespace()
        {
            stop -= 1;
        }
        b.doc.sections[i].span.end = stop.max(b.doc.sections[i].heading_span.end);
    }
    // Phases that hold no task and are not named by anything are headings, not phases.
    let used: HashSet<String> = b.doc.tasks.iter().filter_map(|t| t.phase.clone()).collect();
    let explicit: Vec<bool> = b.doc.phases.iter().map(|p| p.number.is_some()).collect();
    let mut k = 0;
    b.doc.phases.retain(|p| {
        let keep = used.contains(&p.name) || explicit[k];
        k += 1;
        keep
    });
    // Numbered bold lines outline their work like a WBS table: `**1.1**`
    // over `**1.1.1**` and `**1.1.2**` sums them up.
    let bold: Vec<usize> = b
        .doc
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.origin.form == Form::Line && t.id_source == IdSource::Code)
        .map(|(i, _)| i)
        .collect();
    if bold.len() >= 3 {
        let parents = tables::wbs_outline(b.doc, &bold);
        if !parents.is_empty() {
            dropped.resize(b.doc.tasks.len(), false);
            for p in parents {
                dropped[p] = true;
            }
        }
    }
    let mut numbers = std::mem::take(&mut b.numbers);
    let mut aliases = std::mem::take(&mut b.aliases);
    if dropped.contains(&true) {
        drop_tasks(b.doc, &mut [&mut numbers, &mut aliases], &dropped);
    }
    document_status(b.doc);
    unique_slugs(b.doc);
    kind_of(b.doc);
    resolve(b.doc, &numbers, &aliases);
    tag_phases(b.doc);
    tidy_phases(b.doc);
    demote_groups(b.doc);
    count_readings(b.doc);
}

/// Phases named twice and phases that are row labels: a table's `Phase 1`
/// is the `Phase 1 (Weeks 1-2): Setup` a heading names; a column whose
/// every value holds one task (`Week` 1, 2, 3 ...) labels rows, it does
/// not group them.
fn tidy_phases(doc: &mut Document) {
    if doc.phases.is_empty() {
        return;
    }
    // Each stage by its word and number: `Phase 1` and `Milestone 1` are
    // different stages.
    let numbered: Vec<((String, String), String)> = doc
        .phases
        .iter()
        .filter_map(|p| {
            let n = normalize(&p.name);
            let number = phase_number(&n)?;
            let word = n
                .split(|c: char| c == ' ' || c.is_ascii_digit())
                .next()
                .unwrap_or("")
                .to_owned();
            Some(((word, number), p.name.clone()))
        })
        .collect();
    // The fullest name of each stage (the last of the longest).
    let mut fullest: HashMap<&(String, String), &str> = HashMap::new();
    for (n, name) in &numbered {
        let e = fullest.entry(n).or_insert(name.as_str());
        if name.len() >= e.len() {
            *e = name.as_str();
        }
    }
    let mut rename: HashMap<String, String> = HashMap::new();
    for (n, name) in &numbered {
        if let Some(&full) = fullest.get(n)
            && full.len() > name.len()
            && bare_stage(name)
        {
            rename.insert(name.clone(), full.to_owned());
        }
    }
    let from_rows: HashSet<&str> = doc
        .phases
        .iter()
        .filter(|p| p.origin.form == Form::TableRow && !rename.contains_key(&p.name))
        .map(|p| p.name.as_str())
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for t in &doc.tasks {
        if let Some(p) = t.phase.as_deref().filter(|p| from_rows.contains(p)) {
            *count.entry(p).or_default() += 1;
        }
    }
    let row_labels = count.len() >= 3 && count.values().all(|&c| c == 1);
    let labels: HashSet<String> = if row_labels {
        count.keys().map(|k| (*k).to_owned()).collect()
    } else {
        HashSet::new()
    };
    if rename.is_empty() && labels.is_empty() {
        return;
    }
    for t in &mut doc.tasks {
        if let Some(p) = &t.phase {
            if labels.contains(p) {
                t.phase = None;
            } else if let Some(full) = rename.get(p) {
                t.phase = Some(full.clone());
            }
        }
    }
    doc.phases
        .retain(|p| !labels.contains(&p.name) && !rename.contains_key(&p.name));
}

/// Whether a phase name is only a stage and its number: `Phase 1`,
/// `Q1 2026`, `Sprint 3`, `フェーズ2`.
fn bare_stage(name: &str) -> bool {
    normalize(name)
        .split(' ')
        .filter(|w| !w.is_empty())
        .all(|w| {
            w.chars().all(|c| c.is_ascii_digit() || c == '.')
                || matches!(w, "q1" | "q2" | "q3" | "q4")
                || super::vocab::STAGE_WORDS.contains(&w)
                || super::vocab::STAGE_WORDS.iter().any(|s| {
                    w.strip_prefix(s)
                        .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit()))
                })
        })
}

/// A task file whose front matter says it is done (`status: Done`, as
/// Backlog.md writes one task per file): its steps that carry no status of
/// their own are done with it. Checkboxes keep their own marks.
fn document_status(doc: &mut Document) {
    let Some(st) = doc
        .front_matter
        .as_ref()
        .and_then(|f| f.fields.get("status"))
        .and_then(serde_json::Value::as_str)
        .and_then(values::status_word)
        .filter(|s| matches!(s, Status::Done | Status::Cancelled))
    else {
        return;
    };
    let fm_end = doc.front_matter.as_ref().map_or(0, |f| f.span.end);
    for t in &mut doc.tasks {
        if t.status == Status::Todo
            && t.origin.marker.is_none()
            && t.origin.cells.is_empty()
            && t.origin.span.start >= fm_end
        {
            t.status = st;
        }
    }
}

/// A to-do list in the front matter (`todos:` with `id`, `content`,
/// `status`, `dependencies`, as coding agents write their plans): each entry
/// is a task, starting on its `- id:` line.
fn front_matter_todos(b: &mut Builder) {
    let Some(fm) = b.doc.front_matter.as_ref() else {
        return;
    };
    let Some((key, serde_json::Value::Array(list))) = ["todos", "tasks", "todo"]
        .iter()
        .find_map(|k| fm.fields.get_key_value(*k))
    else {
        return;
    };
    if list.is_empty() || !list.iter().all(serde_json::Value::is_object) {
        return;
    }
    let (key, list, fm_span) = (key.clone(), list.clone(), fm.span);
    // The line of each entry: the `- ` lines at the list's indentation after
    // the key.
    let src = &b.text[fm_span.start..fm_span.end];
    let mut starts = Vec::new();
    let mut in_list = false;
    let mut indent: Option<usize> = None;
    let mut at = fm_span.start;
    for line in src.split_inclusive('\n') {
        let t = line.trim_start();
        let ind = line.len() - t.len();
        if !in_list {
            in_list = ind == 0
                && t.strip_prefix(key.as_str())
                    .is_some_and(|r| r.starts_with(':'));
        } else if t.starts_with("- ") && indent.is_none_or(|i| i == ind) {
            indent = Some(ind);
            starts.push((at + ind, line.trim_end().len() - ind));
        } else if ind == 0 && !t.trim().is_empty() && !t.starts_with('-') {
            break;
        }
        at += line.len();
    }
    if starts.len() != list.len() {
        return;
    }
    let text_of = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    for (entry, &(start, len)) in list.iter().zip(&starts) {
        let get = |k: &str| entry.get(k).and_then(text_of);
        let Some(title) = ["content", "title", "task", "name", "description"]
            .iter()
            .find_map(|k| get(k))
        else {
            continue;
        };
        let mut attrs = inline::extract(&title);
        title.trim().clone_into(&mut attrs.title);
        if let Some(id) = get("id") {
            attrs.id = Some((id, IdSource::Explicit));
        }
        if let Some(st) = get("status").and_then(|s| values::status_word(&s)) {
            attrs.status = Some(st);
        }
        if let Some(e) = get("estimate").and_then(|e| values::effort(&e, None)) {
            attrs.estimate = Some(e);
        }
        for k in [
            "dependencies",
            "depends_on",
            "depends",
            "blocked_by",
            "after",
        ] {
            match entry.get(k) {
                Some(serde_json::Value::Array(a)) => {
                    for d in a.iter().filter_map(text_of) {
                        attrs.deps.extend(values::dependencies(&d, false).0);
                    }
                }
                Some(v) => {
                    if let Some(d) = text_of(v) {
                        attrs.deps.extend(values::dependencies(&d, false).0);
                    }
                }
                None => {}
            }
        }
        let span = b.lines.span(start, start + len);
        let origin = Origin {
            span,
            form: Form::Line,
            marker: None,
            text: Some(span),
            cells: Vec::new(),
        };
        b.new_task(attrs, origin, None, None);
    }
    let line = fm_span.line;
    b.read_as(
        line,
        BlockKind::List,
        || format!("front matter `{key}:`"),
        (
            "tasks",
            "a to-do list in the front matter: each entry is a task",
        ),
    );
}

/// A `<!-- planmark: tasks -->` or `<!-- planmark: not-tasks -->` comment
/// in the text between two blocks: whether it says tasks.
fn directive(b: &mut Builder, from: usize, to: usize) -> Option<bool> {
    let gap = &b.text[from..to];
    let mut said = None;
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&gap.as_bytes()[at..], b"<!--") {
        let open = at + i + 4;
        let Some(len) = gap[open..].find("-->") else {
            break;
        };
        at = open + len + 3;
        let Some(body) = gap[open..open + len].trim().strip_prefix("planmark:") else {
            continue;
        };
        match body.trim() {
            "tasks" => said = Some(true),
            "not-tasks" | "not tasks" => said = Some(false),
            other => {
                let span = b.lines.span(from + open - 4, from + at);
                b.finding(
                    Code::UnknownRule,
                    Severity::Warning,
                    span,
                    format!("`planmark: {other}` is not a reading correction"),
                    "write `<!-- planmark: tasks -->` or `<!-- planmark: not-tasks -->` before the list, table or heading",
                );
            }
        }
    }
    said
}

/// Removes the tasks a correction names, keeping the ordered-list numbers
/// of the others and forgetting parents that are gone.
fn drop_tasks(
    doc: &mut Document,
    indexes: &mut [&mut HashMap<String, Vec<usize>>],
    dropped: &[bool],
) {
    let mut new_index = Vec::with_capacity(doc.tasks.len());
    let mut n = 0;
    for i in 0..doc.tasks.len() {
        if dropped.get(i).copied().unwrap_or(false) {
            new_index.push(None);
        } else {
            new_index.push(Some(n));
            n += 1;
        }
    }
    let gone: HashSet<String> = doc
        .tasks
        .iter()
        .enumerate()
        .filter(|(i, _)| new_index[*i].is_none())
        .map(|(_, t)| t.id.clone())
        .collect();
    let mut k = 0;
    doc.tasks.retain(|_| {
        k += 1;
        new_index[k - 1].is_some()
    });
    for t in &mut doc.tasks {
        if t.parent.as_ref().is_some_and(|p| gone.contains(p)) {
            t.parent = None;
        }
    }
    for index in indexes.iter_mut() {
        for v in index.values_mut() {
            *v = v.iter().filter_map(|&i| new_index[i]).collect();
        }
    }
}

/// Counts the tasks read from each recorded block: a task belongs to the
/// last block that starts on or before its line.
fn count_readings(doc: &mut Document) {
    if doc.reading.is_empty() {
        return;
    }
    let r = &mut doc.reading;
    for t in &doc.tasks {
        let at = r.partition_point(|x| x.line <= t.origin.span.line);
        if at > 0 {
            r[at - 1].tasks += 1;
        }
    }
    for x in r.iter_mut() {
        if x.block == BlockKind::Heading && x.role == "task" && x.tasks == 0 {
            x.role = "group";
            x.rule = "a heading over checkboxes groups them; the checkboxes are the tasks (rule 1)";
        }
    }
}

/// A block's text for `--explain`: its first 60 characters.
fn short(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_owned(),
    }
}

fn table_header(t: &super::blocks::Table) -> String {
    t.header
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The role a section's kind gives its items, in words.
fn kind_role(kind: SectionKind) -> &'static str {
    use SectionKind as K;
    match kind {
        K::Tasks | K::Phase => "tasks",
        K::SuccessCriteria | K::Checklist => "criteria",
        K::Risks => "risks",
        K::Milestones => "milestones",
        K::Requirements | K::FunctionalRequirements | K::NonFunctionalRequirements => {
            "requirements"
        }
        K::UserStories => "user stories",
        K::Decisions => "decisions",
        K::ActionItems => "action items",
        K::OpenQuestions => "questions",
        K::NextSteps => "next steps",
        K::Goals => "goals",
        K::Timeline => "timeline",
        K::Team | K::Resources => "team",
        K::Title => "title",
        _ => "notes",
    }
}

/// The role of a top-level list, and the rule that gives it (mirrors
/// [`item_block`] and [`task_item`]).
fn list_reading(
    b: &Builder,
    open: Option<&Open>,
    item: &Item,
    has_task_section: bool,
    pseudo: Option<SectionKind>,
) -> (&'static str, &'static str) {
    let effective = open.map_or(SectionKind::Other, |o| o.effective);
    let checkbox = b.checked_lists.contains(&item.list);
    if pseudo.is_some_and(|k| !holds_tasks(k)) {
        return (
            kind_role(pseudo.unwrap_or(SectionKind::Other)),
            "the bold label before the list names its role",
        );
    }
    match effective {
        SectionKind::Tasks | SectionKind::Phase => {
            if open.is_some_and(|o| o.task.is_some()) {
                (
                    "details",
                    "items under a task heading are its details and attributes",
                )
            } else if b.opts.tasks == super::TaskRule::Checkboxes {
                if checkbox {
                    (
                        "tasks",
                        "`planmark: tasks = checkboxes`: its checkboxes are tasks",
                    )
                } else {
                    (
                        "notes",
                        "`planmark: tasks = checkboxes`: plain items are not tasks",
                    )
                }
            } else if checkbox {
                (
                    "tasks",
                    "checkboxes in a work section are tasks; their plain sub-items are details",
                )
            } else if b.forced {
                (
                    "tasks",
                    "`planmark: tasks = items`: every top-level item is a task",
                )
            } else if !open.is_some_and(|o| o.strong) {
                (
                    "notes",
                    "plain items under a heading that does not itself name work are notes",
                )
            } else if b.checked.section {
                (
                    "notes",
                    "the section tracks its work with checkboxes: a plain item is a task only with its own id, estimate or status mark (rule 1)",
                )
            } else {
                (
                    "tasks",
                    "top-level items of a section that names work, in a plan not tracked by checkboxes, are tasks (rule 2)",
                )
            }
        }
        SectionKind::Requirements
        | SectionKind::FunctionalRequirements
        | SectionKind::NonFunctionalRequirements
            if checkbox && !b.is_template_kind =>
        {
            (
                "requirements and tasks",
                "an unlabelled requirement checkbox in a plan is also a piece of work",
            )
        }
        SectionKind::UserStories => (
            "user stories",
            "a user story section: its items are stories, not tasks",
        ),
        SectionKind::SuccessCriteria | SectionKind::Checklist => (
            "criteria",
            "criteria (acceptance, success, done, verification) are conditions, not work (rule 4)",
        ),
        SectionKind::Other | SectionKind::Title if checkbox && !has_task_section => (
            "tasks",
            "a plan without task sections keeps its tasks in its checkboxes",
        ),
        SectionKind::Other | SectionKind::Title => ("notes", "prose outside any work section"),
        k => (kind_role(k), "the section's heading names its role"),
    }
}

/// Whether an indented code block is only `- Key: value` bullets.
fn indented_bullets(src: &str) -> bool {
    let mut lines = src
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .peekable();
    lines.peek().is_some()
        && !src.trim_start().starts_with(['`', '~'])
        && lines.all(|l| l.starts_with("- ") && l.contains(':'))
}

/// The text of a paragraph that is one bold line: `**1.1 Schema design**`.
fn bold_line(src: &str) -> Option<&str> {
    let t = src.trim();
    if t.contains('\n') || t.len() > 200 {
        return None;
    }
    let inner = t
        .strip_prefix("**")
        .and_then(|r| r.strip_suffix("**").or_else(|| r.strip_suffix("**:")))?
        .trim();
    (!inner.is_empty() && !inner.contains("**")).then_some(inner)
}

/// The label of a paragraph that is only a bold label: `**Tasks:**`,
/// `**Acceptance Criteria**:`, `__Risks__`.
fn pseudo_heading(src: &str) -> Option<&str> {
    // The paragraph's last line: `**Decision**: x` then `**Action Items**:`.
    let t = src.trim().rsplit('\n').next().unwrap_or("").trim();
    if t.len() > 60 {
        return None;
    }
    let t = t.strip_suffix(':').unwrap_or(t).trim_end();
    // `**Success Criteria** (what must be TRUE):`: a note after the label.
    let t = match t.strip_suffix(')').and_then(|r| r.rsplit_once(" (")) {
        Some((label, _)) if label.ends_with("**") || label.ends_with("__") => label,
        _ => t,
    };
    let t = t.strip_suffix(':').unwrap_or(t);
    let Some(inner) = t
        .strip_prefix("**")
        .and_then(|r| r.strip_suffix("**"))
        .or_else(|| t.strip_prefix("__").and_then(|r| r.strip_suffix("__")))
    else {
        // `**Note**: three tasks were added for:` introduces the list after
        // it, under its label.
        let whole = src.trim().rsplit('\n').next().unwrap_or("").trim_end();
        if !whole.ends_with(':') {
            return None;
        }
        let rest = whole.strip_prefix("**")?;
        let close = rest.find("**")?;
        let label = rest[..close].trim().trim_end_matches(':').trim();
        let colon = rest[..close].trim_end().ends_with(':')
            || rest[close + 2..].trim_start().starts_with(':');
        return (!label.is_empty() && colon).then_some(label);
    };
    let label = inner.trim().trim_end_matches(':').trim();
    (!label.is_empty() && !label.contains("**")).then_some(label)
}

/// An item written as a heading, whose attribute lines follow it.
#[derive(Clone, Copy)]
enum Target {
    Task(usize),
    Risk(usize),
}

/// `**Status**: done` / `**Impact:** High` lines under a task or risk heading.
fn attribute_lines(b: &mut Builder, span: Span, target: Target) {
    let src = &b.text[span.start..span.end];
    let mut pos = span.start;
    for raw in src.split_inclusive('\n') {
        let line_start = pos;
        pos += raw.len();
        // `**Status**: done`, `- Duración: 4 hrs`.
        let clean: String = raw
            .trim()
            .trim_start_matches(['-', '+'])
            .chars()
            .filter(|&c| c != '*' && c != '`' && c != '_')
            .collect();
        let Some((key, value)) = key_value(&clean) else {
            continue;
        };
        let lspan = b.lines.span(line_start, line_start + raw.trim_end().len());
        match target {
            Target::Task(t) => {
                apply_key(b, t, &key, value, lspan);
            }
            Target::Risk(r) => risk_key(&mut b.doc.risks[r], &key, value),
        }
    }
}

/// Whether a heading names one risk: `Risk 2: ...`, `Risk: ...`, `RISK-001: ...`, `R3: ...`.
fn is_risk_heading(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("risk") {
        let rest = rest.trim_start_matches([' ', '-', '_', '#']);
        return rest.starts_with(':') || rest.starts_with(|c: char| c.is_ascii_digit());
    }
    let c = values::code_len(t);
    c > 0 && t.starts_with('R') && t[c..].trim_start().starts_with(':')
}

/// What a heading says about the tasks under it.
#[derive(Clone, Copy, Default)]
struct Hint {
    status: Option<Status>,
    priority: Option<crate::model::PriorityLevel>,
}

/// `## In Progress 🚧`, `#### BLOCKED`, `## Completed (archive weekly)`,
/// `### High Priority (this week)`.
fn heading_hint(normalized: &str) -> Hint {
    let n = normalized
        .trim_end_matches(" tasks")
        .trim_end_matches(" items");
    let status = match n {
        "in progress" | "wip" | "doing" | "ongoing" | "in development" | "started" => {
            Some(Status::InProgress)
        }
        "done" | "completed" | "complete" | "finished" | "shipped" | "released" | "archive"
        | "archived" => Some(Status::Done),
        "blocked" | "on hold" | "waiting" | "paused" => Some(Status::Blocked),
        "cancelled" | "canceled" | "dropped" | "won't do" | "wont do" | "abandoned" => {
            Some(Status::Cancelled)
        }
        _ => None,
    };
    let priority = n
        .strip_suffix(" priority")
        .or_else(|| n.strip_prefix("priority "))
        .and_then(values::priority_level)
        .or_else(|| {
            if matches!(n, "p0" | "p1" | "p2" | "p3") {
                values::priority_level(n)
            } else {
                None
            }
        });
    Hint { status, priority }
}

/// Works out what a heading opens; `own` is what the heading itself says
/// about status and priority.
#[allow(clippy::too_many_arguments)]
fn heading_context(
    b: &mut Builder,
    parent: Option<&Open>,
    kind: SectionKind,
    own: Hint,
    level: u8,
    htext: &str,
    span: Span,
    text_span: Span,
) -> Open {
    let parent_tasks = parent.is_some_and(|p| holds_tasks(p.effective));
    let parent_milestones = parent.is_some_and(|p| p.effective == SectionKind::Milestones);
    let origin = Origin {
        span,
        form: Form::Heading,
        marker: None,
        text: Some(text_span),
        cells: Vec::new(),
    };
    let inherit = |effective| Open {
        level,
        effective,
        strong: parent.is_some_and(|p| p.strong),
        phase: parent.and_then(|p| p.phase),
        explicit_phase: parent.is_some_and(|p| p.explicit_phase),
        task: None,
        risk: None,
        steps: false,
    };
    if (kind == SectionKind::Risks || parent.is_some_and(|p| p.effective == SectionKind::Risks))
        && is_risk_heading(htext)
    {
        let r = risk_item(b, htext, origin);
        b.why = ("risk", "a heading in a risk section names a risk");
        return Open {
            risk: Some(r),
            ..inherit(SectionKind::Risks)
        };
    }
    // "### Documentation & Learning Resources" or "### 2.2 Component
    // Migration" inside a phase is a topic of its work; a heading that is
    // only "Resources" or "Components" describes the phase.
    let kind = if parent.is_some_and(|p| p.explicit_phase)
        && matches!(
            kind,
            SectionKind::Team
                | SectionKind::Resources
                | SectionKind::Tools
                | SectionKind::Components
                | SectionKind::Architecture
                | SectionKind::DataFlow
                | SectionKind::CodeStructure
                | SectionKind::IntegrationPoints
                | SectionKind::DevelopmentSetup
                | SectionKind::Patterns
        )
        && !sections::is_exact(htext)
    {
        SectionKind::Other
    } else {
        kind
    };
    // "#### Phase 1 - requests" inside a pool of ideas or requests, or
    // "### 2025 Q1" under Milestones, is part of that section, not a stage
    // of the plan.
    if let Some(p) = parent.filter(|p| {
        kind == SectionKind::Phase
            && matches!(p.effective, SectionKind::Notes | SectionKind::Milestones)
    }) {
        b.why = (
            kind_role(p.effective),
            "a stage heading inside a notes, ideas, requests or milestones section belongs to it",
        );
        return inherit(p.effective);
    }
    if parent_tasks && kind != SectionKind::Phase {
        let parent = parent.expect("parent_tasks");
        let attrs = inline::extract(htext);
        // A heading is a task when it is labelled (`Task 1.2:`, `{#api}`),
        // starts with a tracker code that has letters (`T.1 —`, `CORE-01`,
        // `T012`: a bare `2.1` numbers a section), or states an estimate.
        let is_task = attrs.id.as_ref().is_some_and(|(id, s)| match s {
            IdSource::Label | IdSource::Explicit => true,
            IdSource::Code => id.bytes().any(|c| c.is_ascii_alphabetic()),
            _ => false,
        }) || attrs.estimate.is_some()
            || attrs.size.is_some()
            // `### 3. Modify the key handler` among a section's steps.
            || parent.steps
                && attrs.id.as_ref().is_some_and(|(id, s)| {
                    *s == IdSource::Code && id.bytes().all(|c| c.is_ascii_digit())
                });
        if is_task && b.opts.tasks != super::TaskRule::Checkboxes {
            b.why = (
                "task",
                "a heading in a work section with a label (`Task 1.2:`), a tracker code or an estimate is a task",
            );
            let phase = b.phase_name(Some(parent));
            let t = b.new_task(attrs, origin, phase, None);
            return Open {
                task: Some(t),
                ..parent.clone()
            }
            .with_level(level);
        }
        if kind == SectionKind::Tasks && level > 1 && !parent.strong {
            if sections::labelled_bucket(htext) {
                return labelled_bucket(b, htext, origin, level);
            }
            b.why = ("tasks", "the heading names work");
            return Open::new(level, SectionKind::Tasks, true);
        }
        if !breaks_task_context(kind) {
            if kind == SectionKind::Tasks {
                b.why = ("tasks", "the heading names work, inside a work section");
                return inherit(parent.effective);
            }
            if parent.explicit_phase {
                // "### Expected Outcomes" under a phase: its checkboxes are
                // tasks of the phase, its plain points are not.
                b.why = (
                    "part of the phase",
                    "a sub-heading of a phase: its checkboxes are the phase's tasks, its plain points notes",
                );
                return Open {
                    strong: false,
                    ..inherit(parent.effective)
                };
            }
            if own.status.is_some() || own.priority.is_some() {
                // A status or priority group is not a phase (phases run in
                // sequence), but it is a task list: plain points count.
                b.why = (
                    "tasks",
                    "a status or priority group in a work section: its items are tasks with that status or priority",
                );
                return Open {
                    strong: true,
                    ..inherit(parent.effective)
                };
            }
            // Inside a stage or a bucket already, a heading is a topic of
            // it: the phase is the innermost stage, else the outermost bucket.
            if parent.phase.is_some() {
                b.why = (
                    "part of the phase",
                    "a topic heading inside a phase or bucket: its tasks stay in that phase",
                );
                return inherit(parent.effective);
            }
            if !b.procedure && !sections::names_bucket(htext) {
                b.why = (
                    "topic",
                    "a heading in a work section that names a topic, not a stage, release or time: its tasks are work without a phase",
                );
                return inherit(parent.effective);
            }
            let p = heading_phase(
                b,
                htext,
                origin,
                "a heading in a work section that orders its work (numbered, a stage, a release, a time, a checklist's section) is their phase",
            );
            return Open::phase(level, p, parent.strong, false);
        }
    }
    // "### Security" under "## Requirements" holds security requirements,
    // under "## Risks" security risks.
    if let Some(p) = parent
        && is_collection(p.effective)
        && is_descriptive(kind)
    {
        b.why = (
            kind_role(p.effective),
            "a topic heading inside a collection holds more of the same",
        );
        return inherit(p.effective);
    }
    match kind {
        SectionKind::Phase => {
            let n = normalize(htext);
            let number = phase_number(&n);
            let name = htext.trim().to_owned();
            b.doc.phases.push(Phase {
                number,
                name: name.clone(),
                origin: origin.clone(),
            });
            if n.starts_with("milestone") || n.starts_with("meilenstein") {
                add_milestone_for(b, &name, origin);
            }
            b.why = (
                "phase",
                "the heading names a stage (phase, sprint, milestone, week, quarter)",
            );
            Open::phase(level, b.doc.phases.len() - 1, true, true)
        }
        SectionKind::Tasks if level > 1 && sections::labelled_bucket(htext) => {
            labelled_bucket(b, htext, origin, level)
        }
        SectionKind::Tasks if level > 1 => {
            b.why = (
                "tasks",
                "the heading names work: its top-level items are tasks",
            );
            Open::new(level, SectionKind::Tasks, true)
        }
        SectionKind::Tasks | SectionKind::Title => {
            // A document-level title: `# Tasks: Feature` makes checkboxes tasks.
            // A title that names the work (`# WBS`, `# Backlog`) makes the
            // plain lists of its sections work too, unless the document
            // tracks its work with checkboxes (rule 1).
            let tasky = sections::names_work(htext);
            let strong = !b.checked.document && sections::names_work_list(htext);
            b.why = if tasky {
                (
                    "title (work)",
                    "a title that names the work makes the plan's checkboxes tasks",
                )
            } else {
                ("title", "the document's title")
            };
            Open::new(
                level,
                if tasky {
                    SectionKind::Tasks
                } else {
                    SectionKind::Title
                },
                strong,
            )
        }
        // A board's lane: `## In Progress`, `## Erledigt` beside `## Backlog`.
        SectionKind::Other if level > 1 && own.status.is_some() => {
            b.why = (
                "tasks",
                "a lane named by a status (In Progress, Done) holds work in that state",
            );
            Open::new(level, SectionKind::Tasks, false)
        }
        SectionKind::Other if parent_milestones => {
            let name = htext.trim().to_owned();
            b.doc.phases.push(Phase {
                number: None,
                name: name.clone(),
                origin: origin.clone(),
            });
            add_milestone_for(b, &name, origin);
            b.why = (
                "phase",
                "a heading under Milestones is a milestone and the phase of its tasks",
            );
            Open::phase(level, b.doc.phases.len() - 1, true, true)
        }
        SectionKind::Other => inherit(parent.map_or(SectionKind::Other, |p| {
            if p.effective == SectionKind::Title {
                SectionKind::Other
            } else {
                p.effective
            }
        })),
        // A section of another role keeps the phase it sits in, for the
        // tracked work it may still hold.
        other => Open {
            phase: parent.and_then(|p| p.phase),
            ..Open::new(level, other, false)
        },
    }
}

/// Whether a heading of this kind ends a task section's reach when nested in
/// it: "### Risks" under "## Tasks" holds risks, "### Backend" holds tasks.
fn breaks_task_context(kind: SectionKind) -> bool {
    use SectionKind as K;
    matches!(
        kind,
        K::Risks
            | K::Milestones
            | K::Dependencies
            | K::Decisions
            | K::ActionItems
            | K::OpenQuestions
            | K::SuccessCriteria
            | K::NextSteps
            | K::Timeline
            | K::References
            | K::Checklist
            | K::Goals
            | K::Requirements
            | K::FunctionalRequirements
            | K::NonFunctionalRequirements
            | K::Team
            | K::Resources
            | K::Tools
            | K::MeetingNotes
            | K::Notes
            | K::Overview
            | K::Context
            | K::Constraints
            | K::PlanningFocus
            | K::Components
            | K::DataFlow
    )
}

/// Sections whose items are one kind of thing.
fn is_collection(kind: SectionKind) -> bool {
    use SectionKind as K;
    matches!(
        kind,
        K::Requirements
            | K::FunctionalRequirements
            | K::NonFunctionalRequirements
            | K::Risks
            | K::Milestones
            | K::Decisions
            | K::ActionItems
            | K::OpenQuestions
            | K::SuccessCriteria
            | K::NextSteps
            | K::Goals
    )
}

/// Headings that name a topic rather than a kind of item.
fn is_descriptive(kind: SectionKind) -> bool {
    use SectionKind as K;
    matches!(
        kind,
        K::Other
            | K::Security
            | K::Performance
            | K::Testing
            | K::ErrorHandling
            | K::CoreFeatures
            | K::Patterns
            | K::CodeStructure
            | K::DevelopmentSetup
            | K::IntegrationPoints
            | K::Architecture
            | K::HighLevelDesign
            | K::DataFlow
            | K::ImplementationNotes
            | K::Components
            | K::Dependencies
    )
}

impl Open {
    /// A section whose items are read as `effective`.
    fn new(level: u8, effective: SectionKind, strong: bool) -> Open {
        Open {
            level,
            effective,
            strong,
            phase: None,
            explicit_phase: false,
            task: None,
            risk: None,
            steps: false,
        }
    }

    /// A phase section: its items are tasks of phase `phase`.
    fn phase(level: u8, phase: usize, strong: bool, explicit: bool) -> Open {
        Open {
            phase: Some(phase),
            explicit_phase: explicit,
            ..Open::new(level, SectionKind::Phase, strong)
        }
    }

    fn with_level(mut self, level: u8) -> Self {
        self.level = level;
        self
    }
}

/// `## Sprint Backlog – UC2`: work of one numbered bucket, its phase.
fn labelled_bucket(b: &mut Builder, htext: &str, origin: Origin, level: u8) -> Open {
    let p = heading_phase(
        b,
        htext,
        origin,
        "a heading that names work with a numbered label (`Backlog – UC2`) is a bucket of that work: its tasks' phase",
    );
    Open::phase(level, p, true, true)
}

/// Makes a heading a phase of the document, saying why; its index.
fn heading_phase(b: &mut Builder, htext: &str, origin: Origin, why: &'static str) -> usize {
    b.doc.phases.push(Phase {
        number: None,
        name: htext.trim().to_owned(),
        origin,
    });
    b.why = ("phase", why);
    b.doc.phases.len() - 1
}

/// Tags that number a stage (`#wave-2`, `#sprint-3`) give the phase of
/// tasks nothing else places: a board whose lanes are states.
fn tag_phases(doc: &mut Document) {
    let mut added: Vec<Phase> = Vec::new();
    for t in &mut doc.tasks {
        if t.phase.is_some() {
            continue;
        }
        let Some((tag, number)) = t
            .tags
            .iter()
            .find_map(|g| phase_number(&normalize(&g.replace(['-', '_'], " "))).map(|n| (g, n)))
        else {
            continue;
        };
        if !added.iter().any(|p| &p.name == tag) && !doc.phases.iter().any(|p| &p.name == tag) {
            added.push(Phase {
                number: Some(number),
                name: tag.clone(),
                origin: t.origin.clone(),
            });
        }
        t.phase = Some(tag.clone());
    }
    doc.phases.extend(added);
}

fn add_milestone_for(b: &mut Builder, name: &str, origin: Origin) {
    let attrs = inline::extract(name);
    let (id, title) = milestone_label(&attrs.title)
        .unwrap_or_else(|| (inline::slug(&attrs.title), attrs.title.clone()));
    b.doc.milestones.push(Milestone {
        id,
        title,
        status: attrs.status.unwrap_or_default(),
        target: attrs.due,
        after: vec![name.to_owned()],
        origin,
    });
}

/// `Milestone 1: Beta` gives the id `M1` and the title `Beta`.
fn milestone_label(title: &str) -> Option<(String, String)> {
    let lower = title.to_ascii_lowercase();
    let prefix = ["milestone ", "meilenstein "]
        .into_iter()
        .find(|p| lower.starts_with(p))?;
    let rest = &title[prefix.len()..];
    let n = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(rest.len());
    if n == 0 {
        return None;
    }
    let name = rest[n..]
        .trim_start_matches([':', '-', '–', '—', ' '])
        .trim();
    let name = if name.is_empty() { title } else { name };
    Some((format!("M{}", rest[..n].to_uppercase()), name.to_owned()))
}

fn item_block(
    b: &mut Builder,
    walked: &Blocks,
    idx: usize,
    item: &Item,
    open: Option<&Open>,
    has_task_section: bool,
) {
    let effective = open.map_or(SectionKind::Other, |o| o.effective);
    let top = item.parent.is_none();
    let origin = Builder::origin_item(item);
    let text = item.text.trim();
    match effective {
        SectionKind::Tasks | SectionKind::Phase => {
            task_item(b, walked, idx, item, open.expect("task section"));
        }
        SectionKind::Milestones if top => {
            let attrs = inline::extract(text);
            let status = b.status_of(item, &attrs);
            let after = milestone_after(text);
            let (id, title) = milestone_label(&attrs.title).unwrap_or_else(|| {
                let id = attrs
                    .id
                    .as_ref()
                    .map_or_else(|| inline::slug(&attrs.title), |i| i.0.clone());
                (id, attrs.title.clone())
            });
            b.estimate_findings(&attrs, origin.span);
            b.doc.milestones.push(Milestone {
                id,
                title,
                status,
                target: attrs.due,
                after,
                origin,
            });
        }
        SectionKind::Goals if top => b.doc.goals.push(Goal {
            text: text.to_owned(),
            origin,
        }),
        SectionKind::PlanningFocus | SectionKind::Constraints => {
            field_line(b, text, item.span, effective);
        }
        SectionKind::Requirements
        | SectionKind::FunctionalRequirements
        | SectionKind::NonFunctionalRequirements
        | SectionKind::UserStories => {
            if starts_story(text) || effective == SectionKind::UserStories {
                user_story(b, text, origin);
            } else if top {
                let status = b.status_of(item, &Attrs::default());
                requirement(b, text, status, origin.clone(), effective);
                // In a generic plan, an unlabelled requirement checkbox is also
                // a piece of work ("- [ ] Input validation on all commands").
                let labelled = b.doc.requirements.last().is_some_and(|r| r.id.is_some());
                if item.marker.is_some()
                    && !labelled
                    && b.doc
                        .front_matter
                        .as_ref()
                        .is_none_or(|f| !f.fields.contains_key("phase"))
                    && !b.is_template_kind
                {
                    let weak = Open {
                        level: 0,
                        effective: SectionKind::Tasks,
                        strong: false,
                        phase: open.and_then(|o| o.phase),
                        explicit_phase: false,
                        task: None,
                        risk: None,
                        steps: false,
                    };
                    task_item(b, walked, idx, item, &weak);
                }
            }
        }
        SectionKind::Risks => {
            if let Some(r) = open.and_then(|o| o.risk) {
                // Under a risk heading, `Impact: High` points describe it.
                if let Some((key, value)) = key_value(text) {
                    risk_key(&mut b.doc.risks[r], &key, value);
                }
            } else if let Some(p) = item.parent.and_then(|p| b.item_risk[p]) {
                risk_detail(&mut b.doc.risks[p], text);
            } else if top {
                let r = risk_item(b, text, origin);
                b.item_risk[idx] = Some(r);
            }
        }
        SectionKind::Decisions if top => {
            let (decision, rationale) = match key_value(text) {
                Some((_, v)) if text.to_lowercase().starts_with("decision") => (v.to_owned(), None),
                _ => split_dash(text),
            };
            b.doc.decisions.push(Decision {
                decision,
                rationale,
                made_by: None,
                date: None,
                origin,
            });
        }
        SectionKind::ActionItems if top => {
            let mut attrs = inline::extract(text);
            let status = b.status_of(item, &attrs);
            b.estimate_findings(&attrs, origin.span);
            positional_owner_due(&mut attrs);
            let owner = attrs.resources.first().map(|d| d.name.clone());
            b.doc.actions.push(ActionItem {
                action: attrs.title,
                owner,
                due: attrs.due,
                due_text: attrs.bad_date,
                status,
                origin,
            });
        }
        // `#### Build verification` inside a phase, over `- [x] T076 ...`:
        // checkboxes with their own tracker code are the phase's work.
        SectionKind::SuccessCriteria | SectionKind::Checklist
            if top
                && item.marker.is_some()
                && open.is_some_and(|o| o.phase.is_some())
                && inline::extract(text).id.as_ref().is_some_and(|(id, s)| {
                    *s == IdSource::Code && id.bytes().any(|c| c.is_ascii_alphabetic())
                }) =>
        {
            let weak = Open::new(0, SectionKind::Tasks, false);
            let weak = Open {
                phase: open.and_then(|o| o.phase),
                ..weak
            };
            task_item(b, walked, idx, item, &weak);
        }
        SectionKind::OpenQuestions | SectionKind::SuccessCriteria | SectionKind::NextSteps
            if top =>
        {
            let status = b.status_of(item, &Attrs::default());
            let ci = CheckItem {
                text: text.to_owned(),
                status,
                origin,
            };
            match effective {
                SectionKind::OpenQuestions => b.doc.questions.push(ci),
                SectionKind::SuccessCriteria => b.doc.success_criteria.push(ci),
                _ => b.doc.next_steps.push(ci),
            }
        }
        SectionKind::Checklist if top => {
            let status = b.status_of(item, &Attrs::default());
            b.doc.checklist.push(ChecklistItem {
                text: text.to_owned(),
                topic: checklist_topic(text),
                status,
                origin,
            });
        }
        SectionKind::Team | SectionKind::Resources if top => {
            team_item(b, text, origin, effective == SectionKind::Team);
        }
        SectionKind::Tools if top => {
            let (name, note) = match text.split_once(':') {
                Some((n, v)) => (
                    n.trim().to_owned(),
                    Some(v.trim().to_owned()).filter(|v| !v.is_empty()),
                ),
                None => (text.to_owned(), None),
            };
            b.doc.tools.push(Tool { name, note, origin });
        }
        SectionKind::Timeline => {
            if let Some(e) = timeline_entry(text, origin) {
                b.doc.timeline.push(e);
            }
        }
        SectionKind::References => references(b, &item.links, text, origin),
        _ => {
            // Outside any task section: a document without task sections still
            // has tasks in its checkboxes (a TODO list, a roadmap).
            if !has_task_section
                && item.marker.is_some()
                && !matches!(
                    effective,
                    SectionKind::Checklist
                        | SectionKind::SuccessCriteria
                        | SectionKind::OpenQuestions
                        | SectionKind::NextSteps
                        | SectionKind::Requirements
                        | SectionKind::FunctionalRequirements
                        | SectionKind::NonFunctionalRequirements
                        | SectionKind::Milestones
                        | SectionKind::Testing
                        | SectionKind::Security
                        | SectionKind::Performance
                        | SectionKind::ErrorHandling
                )
            {
                let weak = Open::new(0, SectionKind::Tasks, false);
                task_item(b, walked, idx, item, &weak);
            }
        }
    }
}

fn task_item(b: &mut Builder, walked: &Blocks, idx: usize, item: &Item, open: &Open) {
    let text = item.text.trim();
    let origin = Builder::origin_item(item);
    let parent_task = item.parent.and_then(|p| b.item_task[p]);
    let heading_task = if item.parent.is_none() {
        open.task
    } else {
        None
    };
    let owner_task = parent_task.or(heading_task);
    let checkbox = item.marker.is_some();
    // The item's inline attributes, read at most once.
    let mut read: Option<Attrs> = None;

    // `Estimate: 3d` under a task sets that task's attribute.
    if !checkbox
        && let Some(t) = owner_task
        && let Some((key, value)) = key_value(text)
        && apply_key(b, t, &key, value, origin.span)
    {
        return;
    }
    if !checkbox {
        // Nested plain items are details of their task; plain items that
        // group checkboxes are headings; `**Goal**: ...` lines describe the phase.
        if item.parent.is_some() && (parent_task.is_some() || !open.strong) {
            if let Some(t) = parent_task {
                b.link_aliases(t, item);
            }
            return;
        }
        if b.opts.tasks == super::TaskRule::Checkboxes {
            return;
        }
        if item.has_checkbox_children
            && let Some(number) = phase_number(&normalize(text))
        {
            // `- Phase 1: Setup` grouping checkboxes is a phase.
            b.doc.phases.push(Phase {
                number: Some(number),
                name: text.to_owned(),
                origin,
            });
            b.item_phase[idx] = Some(b.doc.phases.len() - 1);
            return;
        }
        // A plain item with its own status mark (`✅ Login`) is tracked work
        // even where plain points are notes.
        if heading_task.is_some()
            || !(open.strong || item.parent.is_none() && status_marked(text))
            || item.has_checkbox_children
            || text.is_empty()
        {
            return;
        }
        // In a section that tracks its work with checkboxes, a plain item
        // outside those lists is a note, unless it carries what a task
        // carries: its own status mark, an id or an estimate. (So ticking
        // one plain item never turns its neighbours into notes.)
        if b.checked.section
            && !b.forced
            && !b.checked_lists.contains(&item.list)
            && !status_marked(text)
        {
            let a = read.get_or_insert_with(|| inline::extract(text));
            let labelled = a.id.as_ref().is_some_and(|(_, s)| {
                matches!(s, IdSource::Label | IdSource::Code | IdSource::Explicit)
            });
            if !labelled && a.estimate.is_none() {
                return;
            }
        }
        if let Some((key, value)) = key_value(text)
            && (META_KEYS.contains(&key.as_str())
                // `Total hours: 78`, `Costo total: $ 38,137`: a figure.
                || super::vocab::names_measure(&key)
                    && value.trim_start().starts_with(|c: char| {
                        c.is_ascii_digit() || matches!(c, '$' | '€' | '£' | '¥' | '₫' | '₽')
                    }))
        {
            return;
        }
        // A plain item in a parent that is not a task: a sub-point of prose.
        if item.parent.is_some_and(|p| {
            !walked.items[p].has_checkbox_children
                && walked.items[p].marker.is_none()
                && b.item_task[p].is_none()
        }) {
            return;
        }
    }
    // A checklist whose items are the phases themselves
    // (`- [x] **Phase 3: Sync** - ...`) lists phases, not tasks.
    if checkbox && !item.has_checkbox_children && is_stage_line(text) {
        return;
    }
    let attrs = read.unwrap_or_else(|| inline::extract(text));
    let status = b.status_of(item, &attrs);
    let parent_id = owner_task.map(|t| b.doc.tasks[t].id.clone());
    let group = item.parent.and_then(|p| b.item_phase[p]);
    let phase = group
        .map(|g| b.doc.phases[g].name.clone())
        .or_else(|| b.phase_name(Some(open)));
    let t = b.new_task(attrs, origin, phase, parent_id);
    b.doc.tasks[t].status = status;
    b.item_task[idx] = Some(t);
    b.link_aliases(t, item);
    if let Some(n) = item.number {
        b.numbers.entry(n.to_string()).or_default().push(t);
    }
}

/// Whether an item carries its own status mark (`✅ Ship it`, `Ship it ✅`):
/// tracked work, like a checkbox.
fn status_marked(text: &str) -> bool {
    let first = text.chars().next();
    let last = text.trim_end_matches('\u{fe0f}').chars().next_back();
    first.is_some_and(|c| !c.is_ascii() && values::status_emoji(c).is_some())
        || last.is_some_and(|c| !c.is_ascii() && values::status_emoji(c).is_some())
}

/// Whether a list item names a stage of the plan: `Phase 3: Sync - ...`,
/// `Sprint 2`, `Fase 1 — Base`.
pub(crate) fn is_stage_line(text: &str) -> bool {
    // The head: the text before the first `:`, `—`, `–` or ` - `. A stage
    // is named in a few words; most task titles are longer, and need no
    // normalising to say so, nor a look past their fifth word.
    let b = text.as_bytes();
    let (mut end, mut words, mut in_word) = (b.len(), 0, false);
    for (i, &c) in b.iter().enumerate() {
        let sep = match c {
            b':' => true,
            0xE2 => b[i..].starts_with("—".as_bytes()) || b[i..].starts_with("–".as_bytes()),
            b' ' => b[i + 1..].starts_with(b"- "),
            _ => false,
        };
        if sep {
            end = i;
            break;
        }
        if c.is_ascii_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            // Words split at ASCII spaces are no more than those split at
            // any space.
            if words > 4 {
                return false;
            }
        }
    }
    let head = &text[..end];
    if head.split_whitespace().count() > 4 || !super::sections::may_name_stage(head) {
        return false;
    }
    let n = normalize(head);
    // Steps inside a task are its work, not stages of the plan.
    let step = [
        "step",
        "шаг",
        "bước",
        "paso",
        "passo",
        "schritt",
        "étape",
        "ステップ",
    ]
    .iter()
    .any(|w| n.starts_with(w));
    !step && phase_number(&n).is_some()
}

/// LABELING rule 1: a heading or bold line that groups checkboxes is a
/// group, not a task. Its checkbox children lose it as parent, and take its
/// name as their phase when no stage holds them.
fn demote_groups(doc: &mut Document) {
    let grouping: HashSet<String> = doc
        .tasks
        .iter()
        .filter(|t| t.origin.marker.is_some())
        .filter_map(|t| t.parent.clone())
        .collect();
    if grouping.is_empty() {
        return;
    }
    let groups: Vec<usize> = doc
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.origin.marker.is_none()
                && matches!(t.origin.form, Form::Heading | Form::Line)
                && grouping.contains(&t.id)
        })
        .map(|(i, _)| i)
        .collect();
    if groups.is_empty() {
        return;
    }
    // Each group's id and the ids of its work.
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    for &g in &groups {
        let (id, name, origin, labelled) = {
            let t = &doc.tasks[g];
            let span = t.origin.text.unwrap_or(t.origin.span);
            let name = doc.source[span.start..span.end]
                .trim()
                .trim_matches(|c: char| c == '#' || c == '*' || c == '_' || c.is_whitespace())
                .to_owned();
            (
                t.id.clone(),
                name,
                t.origin.clone(),
                t.id_source == IdSource::Label,
            )
        };
        // A labelled group (`### Task 3:` over its steps) orders the work
        // like a stage: it is the phase of its steps unless a named stage
        // (`Phase 2`) holds them, and its steps' numbers restart in it.
        let implicit: HashSet<&str> = doc
            .phases
            .iter()
            .filter(|p| p.number.is_none())
            .map(|p| p.name.as_str())
            .collect();
        let mut used = false;
        let mut kids = Vec::new();
        for t in &mut doc.tasks {
            if t.parent.as_deref() == Some(id.as_str()) {
                t.parent = None;
                if labelled
                    && t.id_source == IdSource::Label
                    && t.id.bytes().all(|b| b.is_ascii_digit())
                {
                    t.id = format!("{id}.{}", t.id);
                }
                kids.push(t.id.clone());
                let replace = t
                    .phase
                    .as_deref()
                    .is_none_or(|p| labelled && implicit.contains(p));
                if replace {
                    t.phase = Some(name.clone());
                    used = true;
                }
            }
        }
        children.insert(id, kids);
        if used && !doc.phases.iter().any(|p| p.name == name) {
            doc.phases.push(Phase {
                number: None,
                name,
                origin,
            });
        }
    }
    let mut k = 0;
    doc.tasks.retain(|_| {
        let keep = groups.binary_search(&k).is_err();
        k += 1;
        keep
    });
    // A dependency on a group means all of its work.
    for t in &mut doc.tasks {
        expand_group_deps(&mut t.dependencies, &t.id, &children);
    }
}

/// Replaces each dependency on a group (a demoted heading, a WBS parent)
/// with dependencies on its work, leaving out the task `own` itself.
pub(crate) fn expand_group_deps(
    deps: &mut Vec<Dependency>,
    own: &str,
    groups: &HashMap<String, Vec<String>>,
) {
    if !deps.iter().any(|d| groups.contains_key(&d.target)) {
        return;
    }
    for d in std::mem::take(deps) {
        match groups.get(&d.target) {
            Some(work) => deps.extend(work.iter().filter(|w| *w != own).map(|w| Dependency {
                target: w.clone(),
                ..d.clone()
            })),
            None => deps.push(d),
        }
    }
}

/// `Send the RFC - Alice - 2026-12-01`: a trailing date and a short name
/// between dashes are the due date and the owner.
fn positional_owner_due(a: &mut Attrs) {
    let title = a.title.clone();
    let mut parts: Vec<&str> = title.split(" - ").map(str::trim).collect();
    if parts.len() < 2 {
        return;
    }
    let mut changed = false;
    if a.due.is_none()
        && let Some(d) = parts.last().and_then(|p| values::date(p))
    {
        a.due = Some(d);
        parts.pop();
        changed = true;
    }
    if a.resources.is_empty() && parts.len() >= 2 {
        let last = parts[parts.len() - 1];
        let words = last.split_whitespace().count();
        if (1..=3).contains(&words)
            && last
                .split_whitespace()
                .all(|w| w.starts_with(|c: char| c.is_uppercase()))
        {
            a.resources.push(crate::model::Demand {
                name: last.to_owned(),
                units: 1.0,
            });
            parts.pop();
            changed = true;
        }
    }
    if changed {
        a.title = parts.join(" - ");
    }
}

/// Applies `key: value` to task `t`. Returns whether the key was an attribute.
pub(crate) fn apply_key(b: &mut Builder, t: usize, key: &str, value: &str, span: Span) -> bool {
    match key {
        "estimate" | "estimated" | "effort" | "duration" | "est" | "time" | "size"
        | "estimated time" | "time estimate" | "estimated effort" | "est. time"
        | "estimated duration" => {
            let attrs = inline::extract(&format!("{key}: {value}"));
            b.estimate_findings(&attrs, span);
            if let Some(e) = attrs.estimate {
                b.doc.tasks[t].estimate = Some(e);
            } else if let Some(z) = attrs.size {
                b.doc.tasks[t].size = Some(z);
            } else if attrs.bad_estimates.is_empty() && !values::is_none_text(value) {
                let (msg, help) = values::bad_estimate(value);
                b.finding(Code::UnreadableEstimate, Severity::Warning, span, msg, help);
            }
            true
        }
        "story points" | "points" | "sp" | "pts" | "story point" => {
            match values::size(value, true, false) {
                Some(z) => b.doc.tasks[t].size = Some(z),
                None if values::is_none_text(value) => {}
                None => {
                    let msg = format!("story points `{value}` are not a number");
                    b.finding(
                        Code::UnreadableEstimate,
                        Severity::Warning,
                        span,
                        msg,
                        "write the points as a number: 3, 5, 8",
                    );
                }
            }
            true
        }
        // `Duración: 4 hrs`, `Aufwand: 2 Tage`, `工期: 3天`.
        k if super::vocab::ESTIMATE_KEYS.contains(&k) => {
            if let Some(e) = values::effort_noted(value, None) {
                b.doc.tasks[t].estimate = Some(e);
            } else if let Some(z) = values::size(value, false, true) {
                b.doc.tasks[t].size = Some(z);
            } else if !values::is_none_text(value) {
                let (msg, help) = values::bad_estimate(value);
                b.finding(Code::UnreadableEstimate, Severity::Warning, span, msg, help);
            }
            true
        }
        k if super::vocab::DEPENDENCY_KEYS.contains(&k) => {
            let (mut deps, bad) = values::dependencies(value, false);
            b.locate_deps(span, &mut deps);
            for x in bad {
                let msg = format!("dependency `{x}` cannot be read");
                b.finding(
                    Code::UnreadableDependency,
                    Severity::Warning,
                    span,
                    msg,
                    "name tasks by id: 1.1, T003, Task 2",
                );
            }
            b.doc.tasks[t].dependencies.extend(deps);
            true
        }
        "owner" | "owners" | "assignee" | "assigned to" | "who" | "resources" | "lead" => {
            b.doc.tasks[t].resources.extend(values::owners(value));
            true
        }
        "priority" | "prio" => {
            b.doc.tasks[t].priority = Some(values::priority(value));
            true
        }
        "status" | "state" => {
            if let Some(st) = values::status_word(value) {
                b.doc.tasks[t].status = st;
            }
            true
        }
        "due" | "due date" | "deadline" | "target" => {
            b.doc.tasks[t].due = values::date(value).or(b.doc.tasks[t].due);
            true
        }
        "start" => {
            b.doc.tasks[t].start = values::date(value).or(b.doc.tasks[t].start);
            true
        }
        _ => false,
    }
}

fn milestone_after(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for key in ["after ", "closes ", "includes ", "requires "] {
        if let Some(i) = lower.find(key) {
            let rest = &text[i + key.len()..];
            let end = rest.find([')', ';', '.']).unwrap_or(rest.len());
            out.extend(
                values::split_list(&rest[..end])
                    .into_iter()
                    .filter(|s| values::is_id_like(s))
                    .map(str::to_owned),
            );
        }
    }
    out
}

fn field_line(b: &mut Builder, text: &str, span: Span, kind: SectionKind) {
    let Some((key, value)) = key_value(text) else {
        return;
    };
    let f = Some(Field {
        value: value.to_owned(),
        span,
    });
    let d = &mut *b.doc;
    match (kind, key.as_str()) {
        (SectionKind::PlanningFocus, "topic") => d.focus.topic = f,
        (SectionKind::PlanningFocus, "scope") => d.focus.scope = f,
        (SectionKind::PlanningFocus, "timeframe" | "time frame" | "deadline" | "timeline") => {
            d.focus.timeframe = f;
        }
        (SectionKind::Constraints, "time") => d.constraints.time = f,
        (SectionKind::Constraints, "resources" | "resource" | "budget") => {
            d.constraints.resources = f;
        }
        (SectionKind::Constraints, "technical" | "tech") => d.constraints.technical = f,
        (SectionKind::Constraints, "dependencies" | "dependency") => d.constraints.dependencies = f,
        _ => {}
    }
}

fn starts_story(text: &str) -> bool {
    let l = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    l.starts_with("as a ")
        || l.starts_with("as an ")
        || (l.starts_with("us") && l.contains(": as a"))
}

fn user_story(b: &mut Builder, text: &str, origin: Origin) {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return;
    }
    let lower = t.to_ascii_lowercase();
    let (id, body_at) = match t.split_once(':') {
        Some((k, _)) if values::code_len(k.trim()) == k.trim().len() && !k.trim().is_empty() => {
            (Some(k.trim().to_owned()), k.len() + 1)
        }
        _ => (None, 0),
    };
    let find = |pats: &[&str], from: usize| {
        pats.iter()
            .filter_map(|p| lower[from..].find(p).map(|i| (from + i, p.len())))
            .min()
    };
    let role_at = find(&["as an ", "as a "], body_at);
    let want_at = find(
        &[
            "i want to ",
            "i want ",
            "i need to ",
            "i need ",
            "i'd like to ",
            "i would like to ",
        ],
        body_at,
    );
    let so_at = find(&["so that ", "so i can ", "in order to "], body_at);
    let part = |a: Option<(usize, usize)>, ends: &[Option<(usize, usize)>]| -> Option<String> {
        let (i, l) = a?;
        let start = i + l;
        let end = ends
            .iter()
            .flatten()
            .map(|e| e.0)
            .filter(|&e| e >= start)
            .min()
            .unwrap_or(t.len());
        let s = t[start..end]
            .trim()
            .trim_end_matches([',', '.', ';'])
            .trim();
        (!s.is_empty()).then(|| s.to_owned())
    };
    b.doc.user_stories.push(UserStory {
        id,
        role: part(role_at, &[want_at, so_at]),
        want: part(want_at, &[so_at]),
        benefit: part(so_at, &[]),
        text: t.clone(),
        origin,
    });
}

fn requirement(b: &mut Builder, text: &str, status: Status, origin: Origin, kind: SectionKind) {
    let mut id = None;
    let mut category = None;
    let mut body = text;
    let c = values::code_len(text);
    if c > 0 {
        id = Some(text[..c].to_owned());
        let mut rest = text[c..].trim_start();
        if let Some(r) = rest.strip_prefix('(')
            && let Some(j) = r.find(')')
        {
            category = Some(r[..j].trim().to_owned());
            rest = r[j + 1..].trim_start();
        }
        body = rest.trim_start_matches([':', '-', '–', '—', '.']).trim();
    }
    let kind = if id.as_deref().is_some_and(|i| i.starts_with("NFR"))
        || kind == SectionKind::NonFunctionalRequirements
    {
        RequirementKind::NonFunctional
    } else {
        RequirementKind::Functional
    };
    b.doc.requirements.push(Requirement {
        id,
        kind,
        category,
        text: body.to_owned(),
        status,
        origin,
    });
}

fn risk_item(b: &mut Builder, text: &str, origin: Origin) -> usize {
    let mut r = Risk {
        id: String::new(),
        title: String::new(),
        likelihood: None,
        impact: None,
        mitigation: None,
        owner: None,
        affects: Vec::new(),
        delay: None,
        origin,
    };
    // `Risk: title — Likelihood: High, Impact: Med, Mitigation: ...`
    let mut title = text.to_owned();
    let lower = text.to_ascii_lowercase();
    let mut cut = text.len();
    if lower.contains(':') {
        for key in [
            "likelihood:",
            "probability:",
            "impact:",
            "severity:",
            "mitigation:",
            "owner:",
            "delay:",
            "affects:",
        ] {
            if let Some(i) = lower.find(key) {
                cut = cut.min(i);
            }
        }
    }
    if cut < text.len() {
        risk_detail(&mut r, &text[cut..]);
        text[..cut].clone_into(&mut title);
    }
    let title = title
        .trim()
        .trim_end_matches(['-', '—', '–', '|', ',', ';', '(', ' '])
        .trim();
    let title = match key_value(title) {
        Some((k, v)) if k == "risk" => v.to_owned(),
        // `Risk 2: ...` is R2.
        Some((k, v))
            if k.strip_prefix("risk ")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            r.id = format!("R{}", &k[5..]);
            v.to_owned()
        }
        Some((k, v)) if values::code_len(&k.to_uppercase()) == k.len() => {
            r.id = k.to_uppercase();
            v.to_owned()
        }
        _ => title.to_owned(),
    };
    let (title, mitigation) = if r.mitigation.is_none() {
        match title.split_once(" → ").or_else(|| title.split_once(" -> ")) {
            Some((t, m)) => (t.trim().to_owned(), Some(m.trim().to_owned())),
            None => (title, None),
        }
    } else {
        (title, None)
    };
    if mitigation.is_some() {
        r.mitigation = mitigation;
    }
    if r.id.is_empty() {
        r.id = inline::slug(&title);
    }
    r.title = title;
    rating_findings(b, &r);
    b.doc.risks.push(r);
    b.doc.risks.len() - 1
}

pub(crate) fn rating_findings(b: &mut Builder, r: &Risk) {
    for (what, rating) in [("likelihood", &r.likelihood), ("impact", &r.impact)] {
        // `Low/Med/High` is the template's list of choices: template text,
        // which the checker reports as such.
        let choices = |t: &str| {
            t.contains('/')
                && t.split('/')
                    .all(|p| values::rating(p.trim()).level.is_some())
        };
        if let Some(rt) = rating
            && rt.level.is_none()
            && !values::is_none_text(&rt.text)
            && !choices(&rt.text)
            && !(what == "impact" && values::impact_delay(&rt.text).is_some())
        {
            let over = rt
                .text
                .trim()
                .strip_suffix('%')
                .and_then(|p| p.trim().parse::<f64>().ok())
                .is_some_and(|p| !(0.0..=100.0).contains(&p));
            let msg = if over {
                format!(
                    "{what} `{}` is not a probability between 0% and 100%",
                    rt.text
                )
            } else {
                format!("{what} `{}` is not a known level", rt.text)
            };
            let column: &[&str] = if what == "impact" {
                &["impact", "severity", "effect"]
            } else {
                &["likelihood", "probability", "chance"]
            };
            let span = r
                .origin
                .cells
                .iter()
                .find(|c| {
                    let col = c.column.to_lowercase();
                    column.iter().any(|n| col.starts_with(n))
                })
                .map_or(r.origin.span, |c| c.span);
            b.finding(
                Code::UnknownRating,
                Severity::Warning,
                span,
                msg,
                "use Low, Medium or High (or Very Low..Very High, 1-5, or a percentage)",
            );
        }
    }
}

/// Applies one `key: value` to a risk.
fn risk_key(r: &mut Risk, key: &str, value: &str) {
    let v = value
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_')
        .trim();
    if v.is_empty() {
        return;
    }
    match key {
        "likelihood" | "probability" => r.likelihood = Some(values::rating(v)),
        "impact" | "severity" if r.impact.is_none() || key == "impact" => {
            r.impact = Some(values::rating(v));
            if r.delay.is_none() {
                r.delay = values::impact_delay(v);
            }
        }
        "mitigation"
        | "mitigation strategy"
        | "mitigation strategies"
        | "contingency"
        | "response"
            if r.mitigation.is_none() =>
        {
            r.mitigation = Some(v.to_owned());
        }
        "owner" => r.owner = Some(v.trim_start_matches('@').to_owned()),
        "delay" => {
            r.delay = values::quantity(
                v.trim_start_matches('+'),
                Some(crate::model::TimeUnit::Days),
            );
        }
        "affects" | "related tasks" | "affected tasks" => {
            r.affects = values::split_list(v)
                .into_iter()
                .map(str::to_owned)
                .collect();
        }
        _ => {}
    }
}

/// Reads `Likelihood: High, Impact: Med, Mitigation: ...` into a risk.
fn risk_detail(r: &mut Risk, text: &str) {
    let lower = text.to_ascii_lowercase();
    let keys = [
        "likelihood",
        "probability",
        "impact",
        "severity",
        "mitigation",
        "contingency",
        "owner",
        "delay",
        "affects",
    ];
    // Each `word:` in the text, matched against the keys.
    let mut found: Vec<(usize, &str)> = Vec::new();
    for (colon, _) in lower.match_indices(':') {
        // By bytes: the last byte of any other character is not a letter,
        // so the word starts on a character boundary.
        let word_start = lower.as_bytes()[..colon]
            .iter()
            .rposition(|b| !b.is_ascii_alphabetic())
            .map_or(0, |i| i + 1);
        if let Some(k) = keys.iter().find(|k| **k == &lower[word_start..colon]) {
            found.push((word_start, k));
        }
    }
    found.sort_unstable();
    for (n, &(i, key)) in found.iter().enumerate() {
        let start = i + key.len() + 1;
        let end = found.get(n + 1).map_or(text.len(), |x| x.0);
        let v = text[start..end]
            .trim()
            .trim_end_matches([',', ';', '|', '.', ')'])
            .trim();
        let v = v.trim_matches(|c: char| c == '*' || c == '_').trim();
        match key {
            "likelihood" | "probability" => r.likelihood = Some(values::rating(v)),
            "impact" | "severity" => {
                r.impact = Some(values::rating(v));
                if r.delay.is_none() {
                    r.delay = values::impact_delay(v);
                }
            }
            "mitigation" | "contingency" => {
                r.mitigation = Some(v.to_owned()).filter(|m| !m.is_empty());
            }
            "owner" => r.owner = Some(v.trim_start_matches('@').to_owned()),
            "delay" => {
                r.delay = values::quantity(
                    v.trim_start_matches('+'),
                    Some(crate::model::TimeUnit::Days),
                );
            }
            _ => {
                r.affects = values::split_list(v)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
            }
        }
    }
    if found.is_empty() && r.mitigation.is_none() {
        // A plain nested point under a risk is its mitigation.
        let v = text.trim();
        if !v.is_empty() {
            r.mitigation = Some(v.to_owned());
        }
    }
}

fn split_dash(text: &str) -> (String, Option<String>) {
    for sep in [" — ", " – ", " - ", ": "] {
        if let Some((a, b)) = text.split_once(sep) {
            return (a.trim().to_owned(), Some(b.trim().to_owned()));
        }
    }
    (text.to_owned(), None)
}

fn checklist_topic(text: &str) -> Option<ChecklistTopic> {
    let l = text.to_lowercase();
    Some(if l.contains("success") || l.contains("criteria") {
        ChecklistTopic::SuccessCriteria
    } else if l.contains("estimate") {
        ChecklistTopic::Estimates
    } else if l.contains("goal") || l.contains("objective") {
        ChecklistTopic::Goals
    } else if l.contains("requirement") {
        ChecklistTopic::Requirements
    } else if l.contains("architecture") || l.contains("design") {
        ChecklistTopic::Architecture
    } else if l.contains("task") || l.contains("broken down") {
        ChecklistTopic::Tasks
    } else if l.contains("risk") {
        ChecklistTopic::Risks
    } else if l.contains("timeline") || l.contains("schedule") {
        ChecklistTopic::Timeline
    } else {
        return None;
    })
}

fn team_item(b: &mut Builder, text: &str, origin: Origin, team_section: bool) {
    let (name, role) = match text
        .split_once(':')
        .or_else(|| text.split_once(" - "))
        .or_else(|| text.split_once(" — "))
    {
        Some((n, r)) => (
            n.trim().trim_start_matches('@').to_owned(),
            r.trim().to_owned(),
        ),
        None if team_section => (
            text.trim().trim_start_matches('@').to_owned(),
            String::new(),
        ),
        None => return,
    };
    if name.is_empty() || name.split_whitespace().count() > 4 {
        return;
    }
    let lower_name = name.to_lowercase();
    if !team_section
        && [
            "tool",
            "infrastructure",
            "budget",
            "service",
            "hardware",
            "software",
            "documentation",
        ]
        .iter()
        .any(|k| lower_name.contains(k))
    {
        return;
    }
    // `Backend team: 3 developers` is a pool.
    let lr = role.to_lowercase();
    let count = lr
        .split_whitespace()
        .next()
        .and_then(|w| w.parse::<f64>().ok());
    let people = [
        "developer",
        "engineer",
        "people",
        "person",
        "dev",
        "member",
        "tester",
        "designer",
        "qa",
        "analyst",
        "fte",
        "x",
    ];
    if let Some(n) = count
        && (people.iter().any(|p| lr.contains(p))
            || lower_name.contains("team")
            || lower_name.contains("pool"))
    {
        b.doc.pools.push(crate::model::ResourcePool {
            name,
            units: n,
            origin,
        });
        return;
    }
    // Capacity: `(80%)`, `50%`, `part-time`.
    let mut capacity = 1.0;
    if let Some(p) = lr.find('%') {
        let digits: String = lr[..p]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if let Ok(v) = digits.parse::<f64>() {
            capacity = v / 100.0;
        }
    } else if lr.contains("part-time") || lr.contains("part time") || lr.contains("half-time") {
        capacity = 0.5;
    }
    let role = Some(role).filter(|r| !r.is_empty());
    b.doc.team.push(TeamMember {
        name,
        role,
        capacity,
        origin,
    });
}

/// Reads `Week 1: Phase 1 - Foundation`, `Weeks 2-3: ...`, `2026-12-01 – 2026-12-05: ...`.
pub(crate) fn timeline_entry(text: &str, origin: Origin) -> Option<TimelineEntry> {
    let t = text.trim().trim_start_matches(['-', '*']).trim();
    let (period, rest) = t
        .split_once(':')
        .or_else(|| t.split_once(" - "))
        .or_else(|| t.split_once(" — "))
        .or_else(|| t.split_once('|'))?;
    let period = period
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_')
        .trim();
    let lower = period.to_lowercase();
    let mut weeks = None;
    let (mut start, mut end) = (None, None);
    let word = lower.split_whitespace().next()?;
    if matches!(
        word,
        "week"
            | "weeks"
            | "wk"
            | "w"
            | "woche"
            | "wochen"
            | "semaine"
            | "semana"
            | "sprint"
            | "sprints"
    ) {
        let nums: Vec<u32> = lower[word.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        match nums.as_slice() {
            [a] => weeks = Some((*a, *a)),
            [a, b, ..] => weeks = Some((*a, *b)),
            [] => return None,
        }
    } else {
        let parts: Vec<&str> = period
            .split(['–', '—'])
            .flat_map(|p| p.split(" to "))
            .collect();
        start = values::date(parts[0]);
        end = parts.get(1).and_then(|p| values::date(p)).or(start);
        start?;
    }
    let rest = rest.trim();
    let (phase, description) = match rest
        .split_once(" - ")
        .or_else(|| rest.split_once(" — "))
        .or_else(|| rest.split_once(": "))
    {
        Some((p, d)) if sections::phase_number(&normalize(p)).is_some() => {
            (Some(p.trim().to_owned()), d.trim().to_owned())
        }
        _ if sections::phase_number(&normalize(rest)).is_some() => {
            (Some(rest.to_owned()), String::new())
        }
        _ => (None, rest.to_owned()),
    };
    Some(TimelineEntry {
        period: period.to_owned(),
        weeks,
        start,
        end,
        phase,
        description,
        origin,
    })
}

fn references(b: &mut Builder, links: &[Link], text: &str, origin: Origin) {
    if links.is_empty() {
        let t = text.trim();
        let md = std::path::Path::new(t)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if t.starts_with("http") || md {
            b.doc.references.push(Reference {
                text: t.to_owned(),
                target: t.to_owned(),
                origin,
            });
        }
        return;
    }
    for l in links {
        b.doc.references.push(Reference {
            text: l.text.clone(),
            target: l.dest.clone(),
            origin: origin.clone(),
        });
    }
}

fn lines_block(b: &mut Builder, span: Span, code: bool, links: &[Link], effective: SectionKind) {
    let src = &b.text[span.start..span.end];
    match effective {
        SectionKind::PlanningFocus
        | SectionKind::Constraints
        | SectionKind::Timeline
        | SectionKind::UserStories
        | SectionKind::Requirements => {}
        SectionKind::References => {
            let origin = Origin {
                span,
                form: Form::Line,
                marker: None,
                text: None,
                cells: Vec::new(),
            };
            references(b, links, "", origin);
            return;
        }
        _ => return,
    }
    // One line at a time, with its own span.
    let mut pos = span.start;
    let mut story: Option<(String, Span)> = None;
    for raw in src.split_inclusive('\n') {
        let line_start = pos;
        pos += raw.len();
        let trimmed_line = raw.trim_end();
        if code
            && (trimmed_line.trim_start().starts_with("```")
                || trimmed_line.trim_start().starts_with("~~~"))
        {
            continue;
        }
        let lspan = b.lines.span(line_start, line_start + trimmed_line.len());
        let clean: String = trimmed_line
            .chars()
            .filter(|&c| c != '*' && c != '`')
            .collect();
        let clean = clean.trim();
        let origin = Origin {
            span: lspan,
            form: Form::Line,
            marker: None,
            text: None,
            cells: Vec::new(),
        };
        match effective {
            SectionKind::PlanningFocus | SectionKind::Constraints => {
                field_line(b, clean, lspan, effective);
            }
            SectionKind::Timeline => {
                if let Some(e) = timeline_entry(clean, origin) {
                    b.doc.timeline.push(e);
                }
            }
            _ => {
                // User stories span lines: `As a ...` starts one, a blank line ends it.
                if clean.is_empty() {
                    if let Some((t, s)) = story.take() {
                        user_story(b, &t, Origin { span: s, ..origin });
                    }
                    continue;
                }
                if starts_story(clean) {
                    if let Some((t, s)) = story.take() {
                        user_story(
                            b,
                            &t,
                            Origin {
                                span: s,
                                ..origin.clone()
                            },
                        );
                    }
                    story = Some((clean.to_owned(), lspan));
                } else if let Some((t, s)) = story.as_mut() {
                    t.push(' ');
                    t.push_str(clean);
                    s.end = lspan.end;
                }
            }
        }
    }
    if let Some((t, s)) = story.take() {
        user_story(
            b,
            &t,
            Origin {
                span: s,
                form: Form::Line,
                marker: None,
                text: None,
                cells: Vec::new(),
            },
        );
    }
}

/// Makes slug ids unique: a repeated slug gets `-2`, `-3` in document
/// order. Labelled ids are kept as written (duplicates are the checker's to
/// report). Sorting indices by id finds repeats without hashing every id.
fn unique_slugs(doc: &mut Document) {
    // A later task whose slug repeats an earlier id is renamed (one hash
    // lookup per task; sorting the ids cost more than the rest of this).
    let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    seen.reserve(doc.tasks.len());
    let renames: Vec<usize> = doc
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| !seen.insert(t.id.as_str()) && t.id_source == IdSource::Slug)
        .map(|(i, _)| i)
        .collect();
    if renames.is_empty() {
        return;
    }
    let mut taken: HashSet<String> = doc.tasks.iter().map(|t| t.id.clone()).collect();
    // The next suffix to try per base, so that a thousand repeats of one
    // title cost a thousand tries, not half a million.
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for i in renames {
        let base = doc.tasks[i].id.clone();
        let n = next.entry(base.clone()).or_insert(2);
        let mut id = format!("{base}-{n}");
        while taken.contains(&id) {
            *n += 1;
            id = format!("{base}-{n}");
        }
        *n += 1;
        taken.insert(id.clone());
        doc.tasks[i].id = id;
    }
}

/// Kind from front matter, else from the title.
fn kind_of(doc: &mut Document) {
    let fm = doc.front_matter.as_ref();
    let field = |k: &str| {
        fm.and_then(|f| f.fields.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_lowercase)
    };
    if doc.title.is_none() {
        doc.title = field("title").map(|_| {
            fm.and_then(|f| f.fields.get("title"))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        });
    }
    doc.kind = match field("kind").as_deref() {
        Some("session") => DocumentKind::Session,
        Some("guide") => DocumentKind::Guide,
        Some("generic") => DocumentKind::Generic,
        _ if field("phase").as_deref() == Some("implementation") => DocumentKind::Guide,
        _ => {
            let t = doc
                .title
                .as_deref()
                .map(str::to_lowercase)
                .unwrap_or_default();
            if t.starts_with("planning session") {
                DocumentKind::Session
            } else if t.contains("implementation guide")
                || t.starts_with("planning & implementation")
                || t.starts_with("planning and implementation")
            {
                DocumentKind::Guide
            } else {
                DocumentKind::Generic
            }
        }
    };
}

/// Resolves dependency targets to task ids of the document.
pub(crate) fn resolve(
    doc: &mut Document,
    numbers: &HashMap<String, Vec<usize>>,
    aliases: &HashMap<String, Vec<usize>>,
) {
    if doc.tasks.iter().all(|t| t.dependencies.is_empty()) {
        return;
    }
    let mut by_id: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    by_id.reserve(doc.tasks.len());
    for (i, t) in doc.tasks.iter().enumerate() {
        by_id.entry(t.id.as_str()).or_insert(i);
    }
    // Titles, slugs and lower-case ids are only needed when an id does not match.
    let mut by_key: Option<HashMap<String, usize>> = None;
    let phases: HashMap<String, String> = doc
        .phases
        .iter()
        .flat_map(|p| {
            let mut keys = vec![(p.name.to_lowercase(), p.name.clone())];
            if let Some(n) = &p.number {
                keys.push((format!("phase {n}"), p.name.clone()));
            }
            keys
        })
        .collect();
    let milestones: HashSet<String> = doc.milestones.iter().map(|m| m.id.to_lowercase()).collect();
    let mut found: Vec<(usize, usize, Option<String>, bool)> = Vec::new();
    for (ti, t) in doc.tasks.iter().enumerate() {
        for (di, d) in t.dependencies.iter().enumerate() {
            // `other-doc#1.2` names another document's task.
            if d.target
                .split_once('#')
                .is_some_and(|(doc, _)| !doc.is_empty() && !doc.contains(' '))
            {
                continue;
            }
            if by_id.contains_key(d.target.as_str()) {
                found.push((ti, di, None, true));
                continue;
            }
            // `Task 1.2` names task `1.2`.
            let t2 = d.target.trim();
            // `Task 1.2`, `Task #12` and `#12` name task `1.2` / `12`.
            if let Some(rest) = ["task ", "Task ", "TASK ", "step ", "Step ", ""]
                .iter()
                .find_map(|p| t2.strip_prefix(p))
                && let Some(&i) = by_id.get(rest.trim().trim_start_matches('#'))
            {
                found.push((ti, di, Some(doc.tasks[i].id.clone()), true));
                continue;
            }
            // `after 2` in a numbered list: item 2 of the same phase's list.
            if let Some(cands) = numbers.get(d.target.trim()) {
                let same: Vec<&usize> = cands
                    .iter()
                    .filter(|&&c| doc.tasks[c].phase == t.phase)
                    .collect();
                let pick = if same.len() == 1 {
                    Some(*same[0])
                } else if cands.len() == 1 {
                    Some(cands[0])
                } else {
                    None
                };
                if let Some(c) = pick {
                    found.push((ti, di, Some(doc.tasks[c].id.clone()), true));
                    continue;
                }
            }
            // `atomic-io`: the task that links to `tasks/atomic-io.md`.
            if let Some([c]) = aliases
                .get(&d.target.trim().to_lowercase())
                .map(Vec::as_slice)
            {
                found.push((ti, di, Some(doc.tasks[*c].id.clone()), true));
                continue;
            }
            let keys = by_key.get_or_insert_with(|| {
                let mut m = HashMap::new();
                for (i, t) in doc.tasks.iter().enumerate() {
                    m.entry(t.id.to_lowercase()).or_insert(i);
                }
                for (i, t) in doc.tasks.iter().enumerate() {
                    m.entry(t.title.to_lowercase()).or_insert(i);
                    m.entry(inline::slug(&t.title)).or_insert(i);
                }
                m
            });
            let raw = d.target.trim().to_lowercase();
            let stripped = ["task ", "step ", "story "]
                .iter()
                .find_map(|p| raw.strip_prefix(p))
                .map(str::trim);
            let hit = keys
                .get(&raw)
                .or_else(|| stripped.and_then(|s| keys.get(s)))
                .or_else(|| keys.get(&inline::slug(&raw)));
            if let Some(&i) = hit {
                found.push((ti, di, Some(doc.tasks[i].id.clone()), true));
            } else if let Some(p) = phases.get(&raw) {
                found.push((ti, di, Some(p.clone()), true));
            } else if milestones.contains(&raw) {
                found.push((ti, di, None, true));
            }
        }
    }
    for (ti, di, target, resolved) in found {
        let d = &mut doc.tasks[ti].dependencies[di];
        if let Some(t) = target {
            d.target = t;
        }
        d.resolved = resolved;
    }
}
