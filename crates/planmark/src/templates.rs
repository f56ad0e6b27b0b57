//! The built-in document templates, and user templates that override them.
//!
//! A template is Markdown with `{{name}}` placeholders: `datetime`, `date`,
//! `topic`, `scope`, `timeframe`, `title`, `title_yaml`, `heading`.

use jiff::civil::DateTime;

/// The planning-session template.
pub const SESSION: &str = include_str!("../templates/session.md");
/// The planning & implementation guide template.
pub const GUIDE: &str = include_str!("../templates/guide.md");

/// A built-in template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `planmark new session`.
    Session,
    /// `planmark new guide`.
    Guide,
}

impl Builtin {
    /// Every built-in template.
    pub const ALL: [Builtin; 2] = [Builtin::Session, Builtin::Guide];

    /// Returns the template's name on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Session => "session",
            Builtin::Guide => "guide",
        }
    }

    /// Returns a one-line description.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Builtin::Session => {
                "Planning session: focus, goals, requirements, design, tasks, risks, decisions, actions"
            }
            Builtin::Guide => {
                "Planning & implementation guide: milestones, phased tasks, implementation notes"
            }
        }
    }

    /// Returns the template text.
    #[must_use]
    pub fn text(self) -> &'static str {
        match self {
            Builtin::Session => SESSION,
            Builtin::Guide => GUIDE,
        }
    }

    /// Finds a built-in template by name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// The values filled into a template.
#[derive(Debug, Clone)]
pub struct Vars {
    /// When the document is created.
    pub now: DateTime,
    /// Planning-session topic (or guide title).
    pub topic: Option<String>,
    /// Scope: Project / Feature / Sprint / Architecture.
    pub scope: Option<String>,
    /// Timeframe.
    pub timeframe: Option<String>,
}

impl Vars {
    /// Returns the slug used in the default file name.
    #[must_use]
    pub fn slug(&self, template: &str) -> String {
        let s = crate::syntax::slug_of(self.topic.as_deref().unwrap_or(""));
        if s.is_empty() {
            match template {
                "session" => "planning-session".to_owned(),
                "guide" => "implementation-guide".to_owned(),
                other => crate::syntax::slug_of(other),
            }
        } else {
            s
        }
    }

    /// Returns the default path: `docs/plans/YYYY-MM-DD-slug.md`.
    #[must_use]
    pub fn default_path(&self, template: &str) -> String {
        format!("docs/plans/{}-{}.md", self.now.date(), self.slug(template))
    }
}

/// Fills `{{placeholders}}` in a template. Unknown placeholders are kept as written.
#[must_use]
pub fn render(template: &str, vars: &Vars) -> String {
    let datetime = vars.now.strftime("%Y-%m-%d %H:%M").to_string();
    let title = vars
        .topic
        .clone()
        .unwrap_or_else(|| "Planning & Implementation Guide".to_owned());
    let heading = match &vars.topic {
        Some(t) => format!("Planning & Implementation Guide: {t}"),
        None => "Planning & Implementation Guide".to_owned(),
    };
    let value = |key: &str| -> Option<String> {
        Some(match key {
            "datetime" => datetime.clone(),
            "date" => vars.now.date().to_string(),
            "topic" => vars
                .topic
                .clone()
                .unwrap_or_else(|| "[What are you planning?]".to_owned()),
            "scope" => vars
                .scope
                .clone()
                .unwrap_or_else(|| "[Project / Feature / Sprint / Architecture]".to_owned()),
            "timeframe" => vars
                .timeframe
                .clone()
                .unwrap_or_else(|| "[When should this be completed?]".to_owned()),
            "title" => title.clone(),
            "title_yaml" => serde_json::to_string(&title).unwrap_or_default(),
            "heading" => heading.clone(),
            _ => return None,
        })
    };
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find("}}") {
            Some(j) if j < 32 => {
                let key = after[..j].trim();
                match value(key) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[i..i + 2 + j + 2]),
                }
                rest = &after[j + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
