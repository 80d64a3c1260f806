//! The `remedy` command line. Library crates return typed errors; only this binary turns them
//! into messages and exit codes (SPEC §3: 0 clean, 1 findings, 2 usage, configuration or I/O).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.run() {
        Ok(code) => code.into(),
        Err(error) => {
            eprintln!("remedy: error: {error}");
            cli::Outcome::Usage.into()
        }
    }
}
