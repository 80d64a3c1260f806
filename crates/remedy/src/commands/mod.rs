//! One module per command; each returns an [`Outcome`] or an error message for exit code 2.

mod build;
mod explain;
mod export;
mod lint;
mod new;
mod server;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use remedy_lint::config::{Config, FailOn};

use crate::cli::{Cli, Command, FailOnArg, Global};

/// How a run ended, as an exit code (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the failure threshold.
    Clean = 0,
    /// Findings at or above it, or an export refused because of lint errors.
    Findings = 1,
    /// Usage, configuration or I/O error.
    Usage = 2,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        ExitCode::from(outcome as u8)
    }
}

/// What every command needs: settings, the working directory, the terminal.
#[derive(Debug)]
pub struct Session {
    pub config: Config,
    pub cwd: PathBuf,
    pub color: bool,
    pub quiet: bool,
    pub jobs: Option<usize>,
    /// Set when an export with `--force` left a guide out: the run then exits 1 (SPEC §4).
    pub left_out: std::cell::Cell<bool>,
}

impl Session {
    fn start(global: &Global) -> Result<Self, String> {
        let cwd = std::env::current_dir().map_err(|e| {
            format!(
                "cannot read the working directory: {}",
                remedy_core::source::describe_io(&e)
            )
        })?;
        let mut config = Config::load(global.config.as_deref(), &cwd).map_err(|e| e.to_string())?;
        config.cache_dir =
            (!global.no_cache).then(|| remedy_lint::cache::default_dir(&config, &cwd));
        if let Some(jobs) = global.jobs {
            if jobs == 0 {
                return Err("--jobs must be at least 1".into());
            }
            // Only fails when a pool already exists, which it cannot at this point.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(jobs)
                .build_global();
        }
        Ok(Self {
            config,
            cwd,
            color: crate::terminal::use_color(global.color),
            quiet: global.quiet,
            jobs: global.jobs,
            left_out: std::cell::Cell::new(false),
        })
    }

    /// An export's outcome: a guide left out is never a clean run.
    fn judged(&self, outcome: Outcome) -> Outcome {
        if outcome == Outcome::Clean && self.left_out.get() {
            Outcome::Findings
        } else {
            outcome
        }
    }

    /// The content root, as configured.
    pub fn content_root(&self) -> &Path {
        &self.config.content
    }
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> Self {
        match arg {
            FailOnArg::Error => FailOn::Error,
            FailOnArg::Warning => FailOn::Warning,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

/// Writes `text` to standard output; a reader that closed the pipe (`| head`) took what it
/// wanted, so that ends quietly; a full disk (`> /dev/full`) is an error message, never the
/// panic of `print!`.
pub(crate) fn write_stdout(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!(
            "cannot write to standard output: {}",
            remedy_core::source::describe_io(&e)
        )),
        Ok(()) => Ok(()),
    }
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<Outcome, String> {
    match cli.command {
        Command::Schema => {
            write_stdout(&remedy_core::schema::guide_schema_text())?;
            Ok(Outcome::Clean)
        }
        Command::Rules => explain::rules(),
        Command::Explain { rule } => explain::explain(&rule),
        Command::Lint(args) => lint::run(&Session::start(&cli.global)?, args),
        Command::Export(command) => {
            let session = Session::start(&cli.global)?;
            export::run(&session, command).map(|outcome| session.judged(outcome))
        }
        Command::Build(args) => {
            let session = Session::start(&cli.global)?;
            build::run(&session, args).map(|outcome| session.judged(outcome))
        }
        Command::New(args) => new::run(&Session::start(&cli.global)?, args),
        Command::Server(_) => server::run(&cli.global),
    }
}
