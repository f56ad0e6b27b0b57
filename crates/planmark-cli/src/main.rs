//! The `planmark` command-line tool.

mod args;
mod charts;
mod check;
mod commands;
mod forecast;
mod output;
mod schedule;
mod track;

use std::process::ExitCode;

use clap::Parser;

// planmark builds one model item per list item or table row; mimalloc
// allocates and frees them several times faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            anstream::eprintln!(
                "{}error:{} {err:#}",
                output::ERR.render(),
                output::ERR.render_reset()
            );
            ExitCode::from(2)
        }
    }
}
