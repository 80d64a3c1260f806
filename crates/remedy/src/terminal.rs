//! What the terminal can show: colour and a progress bar, only for a person watching, and
//! messages that cannot restyle it.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

use crate::cli::ColorChoice;

/// Whether CI is running us: its logs are files, whatever they pretend to be.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|value| !value.is_empty() && value != "false")
}

/// `message` with every control character but the line break escaped: errors and warnings
/// quote file names and guide text, and an escape sequence in either would recolour the
/// terminal or move its cursor, a carriage return would overwrite what came before.
pub fn printable(message: &str) -> Cow<'_, str> {
    remedy_core::shown::escaped_keeping_lines(message)
}

/// Whether to colour what goes to standard output.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::io::stdout().is_terminal()
                && std::env::var("TERM").map_or(true, |term| term != "dumb")
        }
    }
}

/// A one-line progress bar on standard error, drawn only on a terminal outside CI and only for
/// runs long enough to need one. Pipes and CI logs never see it.
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    label: &'static str,
    /// The fewest items worth a bar.
    min: usize,
}

impl Progress {
    /// A bar for `total` items, shown when a person is watching and there are at least `min`.
    pub fn new(label: &'static str, total: usize, min: usize, quiet: bool) -> Self {
        let mut progress = Self::of_unknown_total(label, min, quiet);
        progress.enabled &= total >= min;
        progress
    }

    /// A bar whose total is known only when the items come (a streamed export's handouts):
    /// shown when a person is watching and [`Progress::update`] is given at least `min`.
    pub fn of_unknown_total(label: &'static str, min: usize, quiet: bool) -> Self {
        let enabled = !quiet && std::io::stderr().is_terminal() && !in_ci();
        Self {
            enabled,
            label,
            min,
        }
    }

    /// Redraws the bar; clears its line once every item is done.
    pub fn update(&self, done: usize, total: usize) {
        if !self.enabled || total == 0 || total < self.min {
            return;
        }
        if done >= total {
            self.finish();
            return;
        }
        const WIDTH: usize = 30;
        let filled = done * WIDTH / total;
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r{} [{}{}] {done}/{total}",
            self.label,
            "#".repeat(filled),
            " ".repeat(WIDTH - filled)
        );
        let _ = stderr.flush();
    }

    /// Clears the bar's line.
    pub fn finish(&self) {
        if self.enabled {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
    }
}
