//! The `remedy` command line. Library crates return typed errors; only this binary turns them
//! into messages and exit codes (SPEC §3: 0 clean, 1 findings, 2 usage, configuration or I/O).

mod cli;
mod commands;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(outcome) => outcome.into(),
        Err(error) => {
            eprintln!("remedy: error: {error}");
            commands::Outcome::Usage.into()
        }
    }
}
