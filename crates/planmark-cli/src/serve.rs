//! `serve`: the live local web UI; `mcp`: the plans for coding agents.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::args::{McpArgs, ServeArgs};
use crate::common::{Context, date};

pub(crate) fn serve(cx: &Context, a: &ServeArgs) -> anyhow::Result<ExitCode> {
    let mut opts = planmark_server::Options::new(cx.root().to_path_buf());
    opts.paths.clone_from(&a.paths);
    opts.host = a.host;
    opts.port = a.port;
    opts.today = date(a.today.as_deref(), "--today")?;
    let server = planmark_server::Server::bind(opts)
        .with_context(|| format!("cannot serve on {}:{}", a.host, a.port))?;
    // The address first, alone on its line: scripts and tests read it.
    let mut out = std::io::stdout();
    writeln!(out, "{}", server.url)?;
    out.flush()?;
    if !a.host.is_loopback() {
        anstream::eprintln!(
            "listening on {}: visitors need the access token in the address above",
            a.host
        );
    }
    anstream::eprintln!("serving {}; Ctrl-C stops", cx.root().display());
    if a.open {
        let _ = std::process::Command::new("xdg-open")
            .arg(&server.url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
    server.run()?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn mcp(a: &McpArgs) -> anyhow::Result<ExitCode> {
    let root = match &a.root {
        Some(r) => Some(
            r.canonicalize()
                .with_context(|| format!("--root {}: no such folder", r.display()))?,
        ),
        None => None,
    };
    let opts = planmark_server::mcp::StdioOptions {
        root,
        today: date(a.today.as_deref(), "--today")?,
    };
    planmark_server::mcp::serve_stdio(opts)?;
    Ok(ExitCode::SUCCESS)
}
