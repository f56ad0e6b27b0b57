//! Writing to the terminal: styles, progress bars, broken pipes.

use std::io::Write;

use anstyle::{AnsiColor, Style};

pub(crate) const ERR: Style = AnsiColor::Red.on_default().bold();
pub(crate) const WARN: Style = AnsiColor::Yellow.on_default().bold();
pub(crate) const BOLD: Style = Style::new().bold();
pub(crate) const DIM: Style = Style::new().dimmed();
pub(crate) const GOOD: Style = AnsiColor::Green.on_default();

/// Wraps text in a style (stripped by anstream when not on a terminal).
pub(crate) fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

/// `12,345`: a count with thousands separated.
pub(crate) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A bar of `width` cells, `ratio` full.
pub(crate) fn bar(ratio: f64, width: usize) -> String {
    let full = (ratio.clamp(0.0, 1.0) * width as f64).round() as usize;
    format!(
        "{}{}",
        paint(GOOD, "█".repeat(full)),
        paint(DIM, "░".repeat(width - full))
    )
}

/// Writes `text` to standard output through anstream (colour only on a terminal, never with NO_COLOR).
pub(crate) fn print(text: &str) -> anyhow::Result<()> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes `value` as pretty JSON to standard output, buffered. JSON never
/// carries colour, so it bypasses the colour-stripping stream.
pub(crate) fn json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Formats working hours the way people write estimates: `4h`, `2d`, `1.5d`.
pub(crate) fn hours(h: f64, hours_per_day: f64) -> String {
    if h < hours_per_day {
        format!("{}h", trim(h))
    } else {
        format!("{}d", trim(h / hours_per_day))
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}

/// Writes `text` to standard output as it is (for machine formats).
pub(crate) fn raw(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
