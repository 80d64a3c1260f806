//! `remedy server`: the language server, on standard input and output.

use remedy_server::{Ended, ServerOptions};

use super::Outcome;
use crate::cli::Global;

pub fn run(global: &Global) -> Result<Outcome, String> {
    let cwd = std::env::current_dir().map_err(|e| {
        format!(
            "cannot read the working directory: {}",
            remedy_core::source::describe_io(&e)
        )
    })?;
    let options = ServerOptions {
        config: global.config.clone(),
        cwd,
    };
    match remedy_server::run_stdio(options).map_err(|e| e.to_string())? {
        Ended::Clean => Ok(Outcome::Clean),
        // LSP: exit code 1 when the client exits (or goes away) without asking to shut down.
        Ended::WithoutShutdown => Ok(Outcome::Findings),
    }
}
