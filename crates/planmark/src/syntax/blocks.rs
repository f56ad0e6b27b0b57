//! First pass: pulldown-cmark events to a flat list of blocks with spans.
//!
//! The walk keeps its own stack, so arbitrarily deep nesting costs memory in
//! proportion to the depth and never recursion.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::model::Span;

/// Maps byte offsets to 1-based line numbers.
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { starts }
    }

    pub(crate) fn count(&self) -> usize {
        self.starts.len()
    }

    pub(crate) fn line(&self, offset: usize) -> u32 {
        (self.starts.partition_point(|&s| s <= offset)) as u32
    }

    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start,
            end,
            line: self.line(start),
        }
    }
}

/// A link inside a block's text.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) text: String,
    pub(crate) dest: String,
}

/// A list item's own content (nested lists are separate items).
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// Index of the enclosing item in `Blocks::items`, for nested lists.
    pub(crate) parent: Option<usize>,
    /// The checkbox marker: its character and span.
    pub(crate) marker: Option<(char, Span)>,
    /// Plain text of the first paragraph, markup removed.
    pub(crate) text: String,
    /// Source range of that text.
    pub(crate) text_span: Option<Span>,
    /// The item's own lines: from the bullet to the end of its first paragraph.
    pub(crate) span: Span,
    pub(crate) links: Vec<Link>,
    /// Whether a nested item has a checkbox.
    pub(crate) has_checkbox_children: bool,
    /// The item's number in an ordered list.
    pub(crate) number: Option<u64>,
    pub(crate) has_children: bool,
    /// Which list the item belongs to: items of one list share it.
    pub(crate) list: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct RawCell {
    pub(crate) text: String,
    pub(crate) span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) header: Vec<RawCell>,
    pub(crate) rows: Vec<(Span, Vec<RawCell>)>,
    pub(crate) span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum Block {
    Heading {
        level: u8,
        text: String,
        span: Span,
        text_span: Span,
    },
    /// Index into `Blocks::items`.
    Item(usize),
    Table(Table),
    /// A paragraph or code block, kept as source lines.
    Lines {
        span: Span,
        code: bool,
        links: Vec<Link>,
    },
}

pub(crate) struct Blocks {
    pub(crate) list: Vec<Block>,
    pub(crate) items: Vec<Item>,
    /// Fenced code blocks that run to the end of the document unclosed.
    pub(crate) unclosed_fences: Vec<Span>,
}

enum Frame {
    Item,
    Heading {
        level: u8,
        text: String,
        start: usize,
        text_start: Option<usize>,
        text_end: usize,
    },
    Paragraph {
        start: usize,
        end: usize,
    },
    Table,
    Other,
}

/// Walks the Markdown in `text` (which starts at byte `base` of the file).
pub(crate) fn walk(text: &str, base: usize, lines: &Lines) -> Blocks {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(text, opts).into_offset_iter();

    let sp = |s: usize, e: usize| lines.span(base + s, base + e);
    // Most plan lines are a block or an item: size the lists once.
    let expect = lines.count().saturating_sub(lines.line(base) as usize) / 2 + 1;
    let mut out = Blocks {
        list: Vec::with_capacity(expect),
        items: Vec::with_capacity(expect),
        unclosed_fences: Vec::new(),
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut lists = 0u32;
    // Index into stack of the innermost open item, and whether its text is still open.
    let mut item_stack: Vec<(usize, bool)> = Vec::new();
    let mut table: Option<Table> = None;
    let mut row: Option<(usize, Vec<RawCell>)> = None;
    let mut cell: Option<(usize, usize, String)> = None;
    let mut in_head = false;
    let mut code_start: Option<(usize, String)> = None;
    let mut link: Option<(String, String)> = None;
    let mut links: Vec<Link> = Vec::new();

    for (event, range) in parser {
        match event {
            Event::Start(tag) => match tag {
                Tag::Item => {
                    let parent = item_stack.last().map(|&(i, _)| i);
                    if let Some(&(p, _)) = item_stack.last() {
                        out.items[p].has_children = true;
                    }
                    if let Some(last) = item_stack.last_mut() {
                        last.1 = false;
                    }
                    let idx = out.items.len();
                    out.items.push(Item {
                        parent,
                        marker: None,
                        text: String::new(),
                        text_span: None,
                        span: sp(range.start, range.start),
                        links: Vec::new(),
                        has_checkbox_children: false,
                        has_children: false,
                        number: list_number(&text[range.start..]),
                        list: lists,
                    });
                    out.list.push(Block::Item(idx));
                    item_stack.push((idx, true));
                    stack.push(Frame::Item);
                }
                Tag::Heading { level, .. } => stack.push(Frame::Heading {
                    level: level as u8,
                    text: String::new(),
                    start: range.start,
                    text_start: None,
                    text_end: range.start,
                }),
                Tag::Paragraph => {
                    if let Some(&(_, open)) = item_stack.last()
                        && open
                        && !matches!(stack.last(), Some(Frame::Table))
                        && matches!(stack.last(), Some(Frame::Item))
                    {
                        stack.push(Frame::Other);
                    } else {
                        stack.push(Frame::Paragraph {
                            start: range.start,
                            end: range.end,
                        });
                        links.clear();
                    }
                }
                Tag::Table(_) => {
                    if let Some(last) = item_stack.last_mut() {
                        last.1 = false;
                    }
                    table = Some(Table {
                        header: Vec::new(),
                        rows: Vec::new(),
                        span: sp(range.start, range.end),
                    });
                    stack.push(Frame::Table);
                }
                Tag::TableHead => in_head = true,
                Tag::TableRow => row = Some((range.start, Vec::new())),
                Tag::TableCell => cell = Some((range.start, range.end, String::new())),
                Tag::CodeBlock(kind) => {
                    if let Some(last) = item_stack.last_mut() {
                        last.1 = false;
                    }
                    let fence = match kind {
                        CodeBlockKind::Fenced(_) => {
                            let first = text[range.start..].trim_start();
                            first
                                .chars()
                                .take_while(|&c| c == '`' || c == '~')
                                .collect()
                        }
                        CodeBlockKind::Indented => String::new(),
                    };
                    code_start = Some((range.start, fence));
                    stack.push(Frame::Other);
                    let span = sp(range.start, range.end);
                    if let Some((_, fence)) = &code_start
                        && !fence.is_empty()
                        && !fence_closed(&text[range.clone()], fence)
                        && text[range.end..].trim().is_empty()
                    {
                        out.unclosed_fences.push(span);
                    }
                    out.list.push(Block::Lines {
                        span,
                        code: true,
                        links: Vec::new(),
                    });
                }
                Tag::Link { dest_url, .. } => link = Some((dest_url.to_string(), String::new())),
                Tag::List(_) | Tag::BlockQuote(_) => {
                    lists += 1;
                    if let Some(last) = item_stack.last_mut() {
                        last.1 = false;
                    }
                    stack.push(Frame::Other);
                }
                Tag::HtmlBlock => stack.push(Frame::Other),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Item => {
                    stack.pop();
                    item_stack.pop();
                }
                TagEnd::Heading(_) => {
                    if let Some(Frame::Heading {
                        level,
                        text: t,
                        start,
                        text_start,
                        text_end,
                    }) = stack.pop()
                    {
                        let ts = text_start.unwrap_or(range.end);
                        out.list.push(Block::Heading {
                            level,
                            text: trimmed(t),
                            span: sp(start, trim_end_newline(text, start, range.end)),
                            text_span: sp(ts, text_end.max(ts)),
                        });
                    }
                }
                TagEnd::Paragraph => {
                    if let Some(Frame::Paragraph { start, end }) = stack.pop() {
                        out.list.push(Block::Lines {
                            span: sp(start, trim_end_newline(text, start, end)),
                            code: false,
                            links: std::mem::take(&mut links),
                        });
                    } else if let Some(last) = item_stack.last_mut() {
                        last.1 = false;
                    }
                }
                TagEnd::Table => {
                    stack.pop();
                    if let Some(t) = table.take() {
                        out.list.push(Block::Table(t));
                    }
                }
                TagEnd::TableHead => {
                    in_head = false;
                    if let Some((_, cells)) = row.take()
                        && let Some(t) = table.as_mut()
                    {
                        t.header = cells;
                    }
                }
                TagEnd::TableRow => {
                    if let Some((start, cells)) = row.take()
                        && let Some(t) = table.as_mut()
                    {
                        let end = trim_end_newline(text, start, range.end);
                        t.rows.push((sp(start, end), cells));
                    }
                }
                TagEnd::TableCell => {
                    if let Some((s, e, t)) = cell.take() {
                        let (cs, ce) = trim_cell(text, s, e);
                        let raw = RawCell {
                            text: trimmed(t),
                            span: sp(cs, ce),
                        };
                        if in_head && row.is_none() {
                            row = Some((s, Vec::new()));
                        }
                        if let Some((_, cells)) = row.as_mut() {
                            cells.push(raw);
                        }
                    }
                }
                TagEnd::CodeBlock => {
                    stack.pop();
                    code_start = None;
                }
                TagEnd::Link => {
                    if let Some((dest, t)) = link.take() {
                        let l = Link { text: t, dest };
                        if let Some(&(i, true)) = item_stack.last() {
                            out.items[i].links.push(l);
                        } else {
                            links.push(l);
                        }
                    }
                }
                TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::HtmlBlock => {
                    stack.pop();
                }
                _ => {}
            },
            Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak => {
                // Breaks read as a space; text inside code blocks is not inline text.
                let (t, end) = match &event {
                    Event::Text(t) | Event::Code(t) if code_start.is_none() => (&**t, range.end),
                    Event::SoftBreak | Event::HardBreak => (" ", range.start),
                    _ => continue,
                };
                push_text(
                    &mut out,
                    &mut stack,
                    &item_stack,
                    &mut cell,
                    &mut link,
                    t,
                    (text, base),
                    range.start,
                    end,
                    &sp,
                );
            }
            Event::TaskListMarker(_) => {
                if let Some(&(i, _)) = item_stack.last() {
                    let ch = text[range.clone()].chars().nth(1).unwrap_or(' ');
                    out.items[i].marker = Some((ch, sp(range.start, range.end)));
                    if let Some(p) = out.items[i].parent {
                        out.items[p].has_checkbox_children = true;
                    }
                }
            }
            _ => {}
        }
    }
    // Markers pulldown-cmark does not know (`[~]`, `[/]`, `[-]`, `[!]`, `[>]`)
    // arrive as text; take them from the source.
    for i in 0..out.items.len() {
        let item = &mut out.items[i];
        if item.marker.is_some() {
            continue;
        }
        let Some(ts) = item.text_span else { continue };
        let src = &text[ts.start - base..];
        let mut chars = src.chars();
        if let (Some('['), Some(c), Some(']')) = (chars.next(), chars.next(), chars.next())
            && c != ' '
            && !c.is_alphanumeric()
            && chars.next().is_none_or(char::is_whitespace)
        {
            let len = 2 + c.len_utf8();
            item.marker = Some((
                c,
                Span {
                    start: ts.start,
                    end: ts.start + len,
                    line: ts.line,
                },
            ));
            // The item's own text starts after the marker and its space.
            let rest = &src[len..];
            let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let start = (ts.start + len + gap).min(ts.end);
            item.text_span = Some(Span { start, ..ts });
            let skip = item
                .text
                .char_indices()
                .nth(3)
                .map_or(item.text.len(), |(j, _)| j);
            item.text = item.text[skip..].trim_start().to_owned();
            if let Some(p) = item.parent {
                out.items[p].has_checkbox_children = true;
            }
        }
    }
    // Close the spans of items: from the bullet to the end of their text.
    for item in &mut out.items {
        let end = item.text_span.map_or(item.span.start, |t| t.end);
        item.span.end = end.max(item.span.start);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn push_text(
    out: &mut Blocks,
    stack: &mut [Frame],
    item_stack: &[(usize, bool)],
    cell: &mut Option<(usize, usize, String)>,
    link: &mut Option<(String, String)>,
    t: &str,
    (src, base): (&str, usize),
    start: usize,
    end: usize,
    sp: &impl Fn(usize, usize) -> Span,
) {
    if let Some((_, lt)) = link.as_mut() {
        lt.push_str(t);
    }
    if let Some((_, _, ct)) = cell.as_mut() {
        ct.push_str(t);
        return;
    }
    match stack.last_mut() {
        Some(Frame::Heading {
            text,
            text_start,
            text_end,
            ..
        }) => {
            text.push_str(t);
            if text_start.is_none() {
                *text_start = Some(start);
            }
            *text_end = end.max(*text_end);
        }
        Some(Frame::Paragraph { .. } | Frame::Table) => {}
        _ => {
            if let Some(&(i, true)) = item_stack.last() {
                let item = &mut out.items[i];
                let span = match item.text_span {
                    None => {
                        // The text is mostly the rest of the line: one allocation.
                        let line = memchr::memchr(b'\n', &src.as_bytes()[start..])
                            .unwrap_or(src.len() - start);
                        item.text.reserve(line.max(t.len()));
                        // `sp` adds the offset of the body (after front matter).
                        sp(start, end)
                    }
                    Some(s) => Span {
                        end: (base + end).max(s.end),
                        ..s
                    },
                };
                item.text.push_str(t);
                item.text_span = Some(span);
            }
        }
    }
}

/// `s` without surrounding whitespace, reusing its buffer when it has none.
fn trimmed(s: String) -> String {
    let t = s.trim();
    if t.len() == s.len() { s } else { t.to_owned() }
}

/// The number of an ordered list item: `3.` or `3)` at the start.
fn list_number(src: &str) -> Option<u64> {
    let n = src.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 9 || !src[n..].starts_with(['.', ')']) {
        return None;
    }
    src[..n].parse().ok()
}

fn trim_end_newline(text: &str, start: usize, end: usize) -> usize {
    let mut e = end.min(text.len());
    let b = text.as_bytes();
    while e > start && matches!(b[e - 1], b'\n' | b'\r' | b' ' | b'\t') {
        e -= 1;
    }
    e
}

fn trim_cell(text: &str, start: usize, end: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let (mut s, mut e) = (start, end.min(text.len()));
    while s < e && matches!(b[s], b' ' | b'\t' | b'|') {
        s += 1;
    }
    while e > s && matches!(b[e - 1], b' ' | b'\t' | b'|' | b'\n' | b'\r') {
        // Keep an escaped pipe.
        if b[e - 1] == b'|' && e >= 2 && b[e - 2] == b'\\' {
            break;
        }
        e -= 1;
    }
    (s, e)
}

fn fence_closed(block: &str, fence: &str) -> bool {
    let ch = fence.chars().next().unwrap_or('`');
    let mut lines = block.trim_end().lines();
    lines.next();
    lines.last().is_some_and(|l| {
        let l = l.trim();
        l.len() >= fence.len() && l.chars().all(|c| c == ch)
    })
}
