//! The `planmark` command-line tool.

mod args;
mod charts;
mod check;
mod common;
mod forecast;
mod history;
mod new;
mod output;
mod schedule;
mod serve;
mod status;
mod sync;
mod tasks;
mod track;

use std::process::ExitCode;

use clap::Parser;
use planmark::model::{Status, Workspace};

use crate::args::{Cli, Command, SyncCommand};
use crate::common::Context;

// planmark builds one model item per list item or table row; mimalloc
// allocates and frees them several times faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match run(cli) {
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

/// Runs one command. Each command module formats what the engine
/// answers; none calls another's.
fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let cx = || Context::new();
    match cli.command {
        Command::Status(a) => status::status(&cx()?, &a),
        Command::Check(a) => check::run(&cx()?, &a),
        Command::Next(a) => tasks::next(&cx()?, &a),
        Command::Done(a) => track::set_status(&cx()?, &a, Status::Done, None),
        Command::Start(a) => track::set_status(&cx()?, &a, Status::InProgress, None),
        Command::Reopen(a) => track::set_status(&cx()?, &a, Status::Todo, None),
        Command::Cancel(a) => track::set_status(&cx()?, &a, Status::Cancelled, None),
        Command::Block(a) => track::set_status(&cx()?, &a.edit, Status::Blocked, Some(&a.reason)),
        Command::Set(a) => track::set(&cx()?, &a),
        Command::Add(a) => track::add(&cx()?, &a),
        Command::Schedule(a) => schedule::schedule(&cx()?, &a),
        Command::Why(a) => schedule::why(&cx()?, &a),
        Command::Forecast(a) => forecast::forecast(&cx()?, &a),
        Command::History(a) => history::history(&cx()?, &a),
        Command::Burndown(a) => history::burndown(&cx()?, &a),
        Command::Gantt(a) => charts::chart(&cx()?, &a, charts::Kind::Gantt),
        Command::Risks(a) => charts::chart(&cx()?, &a, charts::Kind::Risks),
        Command::Graph(a) => charts::chart(&cx()?, &a, charts::Kind::Graph),
        Command::Report(a) => charts::report(&cx()?, &a),
        Command::Serve(a) => serve::serve(&cx()?, &a),
        Command::Mcp(a) => serve::mcp(&a),
        Command::Sync(SyncCommand::Github(a)) => sync::github(&cx()?, &a),
        Command::Import(a) => charts::import(&a),
        Command::Tasks(a) => tasks::tasks(&cx()?, &a),
        Command::Show(a) => tasks::show(&cx()?, &a),
        Command::Export(a) => charts::export(&cx()?, &a),
        Command::Schema => {
            output::json(&schemars::schema_for!(Workspace))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::New(a) => new::new(&a),
        Command::Init => new::init(),
    }
}
