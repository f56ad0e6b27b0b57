//! YAML front matter between `---` lines.

use std::collections::BTreeMap;

use super::blocks::Lines;
use super::values;
use crate::diag::{Code, Diagnostic, Severity};
use crate::model::FrontMatter;

/// Reads the front matter at `base` (after a BOM). Returns it and where the body starts.
pub(crate) fn read(
    path: &str,
    text: &str,
    base: usize,
    lines: &Lines,
    findings: &mut Vec<Diagnostic>,
) -> (Option<FrontMatter>, usize) {
    let t = &text[base..];
    let first_len = if t.starts_with("---\n") {
        4
    } else if t.starts_with("---\r\n") {
        5
    } else {
        return (None, base);
    };
    // Find the closing `---` (or `...`) line.
    let mut pos = first_len;
    let mut close = None;
    for line in t[first_len..].split_inclusive('\n') {
        let l = line.trim_end();
        if l == "---" || l == "..." {
            close = Some((pos, pos + line.len()));
            break;
        }
        pos += line.len();
    }
    let Some((yaml_end, end)) = close else {
        return (None, base);
    };
    let yaml = &t[first_len..yaml_end];
    let span = lines.span(base, base + end);
    let mut fm = FrontMatter {
        span,
        ..FrontMatter::default()
    };
    if yaml.trim().is_empty() {
        return (Some(fm), base + end);
    }
    match serde_saphyr::from_str::<BTreeMap<String, serde_json::Value>>(yaml) {
        Ok(fields) => {
            let date = |k: &str, findings: &mut Vec<Diagnostic>| {
                let v = fields.get(k)?;
                let s = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let d = values::date(&s);
                if d.is_none() {
                    findings.push(
                        Diagnostic::new(
                            Code::UnreadableDate,
                            Severity::Warning,
                            path,
                            Some(span),
                            format!("front matter `{k}: {s}` is not a date"),
                        )
                        .with_help("write dates as YYYY-MM-DD"),
                    );
                }
                d
            };
            fm.start = date("start", findings);
            fm.deadline = date("deadline", findings);
            fm.phases_parallel = fields.get("phases").and_then(|v| v.as_str()) == Some("parallel");
            fm.fields = fields;
        }
        Err(e) => {
            let msg = e.to_string();
            let mut first = msg.lines().next().unwrap_or("invalid YAML");
            // The position is given by the span; keep only what is wrong.
            if let Some(i) = first.find("column ")
                && let Some(k) = first[i..].find(": ")
            {
                first = &first[i + k + 2..];
            }
            let first = first.to_owned();
            // Point at the place the YAML parser names, when it names one.
            let at = e.location().and_then(|loc| {
                let line = usize::try_from(loc.line()).ok()?.checked_sub(1)?;
                let line_start: usize = yaml.split_inclusive('\n').take(line).map(str::len).sum();
                let text = yaml[line_start..].lines().next()?;
                let col = usize::try_from(loc.column()).ok()?.saturating_sub(1);
                let from = text.char_indices().nth(col).map_or(text.len(), |(i, _)| i);
                let start = base + first_len + line_start;
                let end = start + text.trim_end().len();
                Some(lines.span((start + from).min(end), end))
            });
            findings.push(
                Diagnostic::new(
                    Code::FrontMatter,
                    Severity::Warning,
                    path,
                    Some(at.unwrap_or(span)),
                    format!("front matter is not a YAML mapping: {first}"),
                )
                .with_help("front matter is `key: value` lines between two `---` lines"),
            );
        }
    }
    (Some(fm), base + end)
}
