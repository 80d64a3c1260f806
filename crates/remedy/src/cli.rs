//! Command-line arguments and dispatch.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rayon::prelude::*;
use remedy_core::corpus::discover;
use remedy_core::{LoadOptions, load_file};

/// Troubleshooting guides as code: check YAML guides, export handouts, tables and JSON.
#[derive(Debug, Parser)]
#[command(name = "remedy", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every guide of the content root, then write the exports.
    Build {
        /// The folder that holds the guides.
        #[arg(long, default_value = "content", value_name = "DIR")]
        content: PathBuf,
    },
    /// Print the JSON Schema that guides follow (for editors and other validators).
    Schema,
}

/// How a run ended, as an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the failure threshold.
    Clean = 0,
    /// Findings at or above it.
    Findings = 1,
    /// Usage, configuration or I/O error.
    Usage = 2,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        ExitCode::from(outcome as u8)
    }
}

impl Cli {
    pub fn run(self) -> Result<Outcome, String> {
        match self.command {
            Command::Schema => {
                print!("{}", remedy_core::schema::guide_schema_text());
                Ok(Outcome::Clean)
            }
            Command::Build { content } => build(&content),
        }
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn build(content: &Path) -> Result<Outcome, String> {
    let discovery = discover(&[content.to_path_buf()]).map_err(|e| e.to_string())?;
    let options = LoadOptions::default();
    let mut messages: Vec<String> = discovery
        .files
        .par_iter()
        .flat_map_iter(|path| match load_file(path, &options) {
            Err(error) => {
                let at = error.position().unwrap_or(remedy_core::Position::START);
                vec![format!("{}:{at}: {error}", display(path))]
            }
            Ok(file) => file
                .violations
                .iter()
                .map(|violation| {
                    let node = file.document.source_map.nearest(&violation.pointer);
                    let span = match violation.anchor {
                        remedy_core::schema::Anchor::Key => node.key.unwrap_or(node.value),
                        remedy_core::schema::Anchor::Value => node.value,
                    };
                    format!("{}:{}: {}", display(path), span.start, violation.message)
                })
                .collect(),
        })
        .collect();
    for problem in &discovery.problems {
        messages.push(format!("{}: {}", display(&problem.path), problem.message));
    }
    messages.sort();
    for message in &messages {
        println!("{message}");
    }
    Ok(if messages.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
