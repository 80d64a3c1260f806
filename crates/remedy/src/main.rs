//! The `remedy` command line. Library crates return typed errors; only this binary turns them
//! into messages and exit codes (SPEC §3: 0 clean, 1 findings, 2 usage, configuration or I/O).

mod cli;
mod commands;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    remove_temporaries_on_signals();
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(outcome) => outcome.into(),
        Err(error) => {
            eprintln!("remedy: error: {}", terminal::printable(&error.to_string()));
            commands::Outcome::Usage.into()
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP, removes the export's temporary files (waiting for a commit of
/// several files in progress to end) and exits 128 + the signal's number (130, 143, 129), as a
/// shell reports a process ended by it. Without this, Ctrl-C or a CI job's cancellation left
/// `.NAME.PID.N.tmp` files behind.
#[cfg(unix)]
fn remove_temporaries_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            remedy_export::output::abandon_temporaries();
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(not(unix))]
fn remove_temporaries_on_signals() {}
