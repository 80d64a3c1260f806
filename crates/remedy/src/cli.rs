//! Command-line arguments. The help texts are for writers and CI maintainers, not programmers.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Troubleshooting guides as code: check YAML guides, export handouts, tables and JSON.
#[derive(Debug, Parser)]
#[command(name = "remedy", version, about, max_term_width = 100)]
#[command(
    after_help = "Start with `remedy lint` to check the guides, `remedy build` to check and \
export everything into out/. `remedy explain RULE` tells what a finding means."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Read settings from this file instead of ./remedy.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Say nothing when there is nothing to report: no "all clear", no progress, no "wrote …".
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// How many files to work on at once (default: one per CPU core).
    #[arg(short, long, global = true, value_name = "N")]
    pub jobs: Option<usize>,
    /// Neither read nor write the cache of what each guide gives the cross-guide index and of
    /// what its own checks found (`.remedy-cache/`, or `[cache] dir` in remedy.toml): every
    /// file is parsed and checked.
    #[arg(long, global = true)]
    pub no_cache: bool,
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, never in pipes, files or when NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check guides for mistakes: broken YAML, schema errors, dangling references, destructive
    /// steps without a backup, and more (`remedy rules` lists them).
    Lint(LintArgs),
    /// Export guides as JSON, CSV tables, a SQLite database or PDF handouts (guides with lint
    /// errors are refused).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Check every guide of the content root, then write JSON, CSV, SQLite and PDF into one
    /// folder.
    Build(BuildArgs),
    /// List every rule with its default severity.
    Rules,
    /// Explain a rule: what it finds, why it matters, a bad and a fixed example.
    Explain {
        /// The rule's name, as printed in a finding: `missing-backup-warning`.
        rule: String,
    },
    /// Print the JSON Schema that guides follow (for editors and other validators).
    Schema,
    /// Write a new guide skeleton into the content root, with every section to fill in.
    New(NewArgs),
    /// Run the language server (LSP over standard input and output) for editors: findings as
    /// you type, hover, go to definition, completion, quick fixes and rename.
    Server(ServerArgs),
}

/// Which findings make `remedy lint` fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Fail on errors only.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Never fail because of findings (usage errors still exit 2).
    Never,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Guide files or folders to check (default: the content root). `-` reads one guide from
    /// standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Which findings make the command exit with 1 (overrides remedy.toml).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOnArg>,
    /// The file name to report for a guide read from standard input (its stem must be the id).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
}

/// Output formats of `remedy lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// For people: each finding with its source line and a summary.
    Human,
    /// For programs: one JSON document.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other viewers.
    Sarif,
    /// GitHub Actions annotations on the pull request.
    Github,
    /// JUnit XML, one test case per file, for CI test reports.
    Junit,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// One JSON document with every guide (or JSON Lines with --jsonl), for programs.
    Json(JsonArgs),
    /// Six CSV tables and a Frictionless data package, for spreadsheets and databases.
    Csv(CsvArgs),
    /// Printable PDF handouts, one per guide, and optionally one book with all of them.
    Pdf(PdfArgs),
    /// One SQLite database with the CSV tables, typed, keyed and with full-text search.
    Sqlite(SqliteArgs),
    /// A static site: an index with search, one accessible page per guide, pictures beside them.
    Html(HtmlArgs),
}

/// What every export takes.
#[derive(Debug, Args)]
pub struct ExportCommon {
    /// Guide files or folders to export (default: the content root).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Export even when the guides have lint errors.
    #[arg(long)]
    pub force: bool,
    /// Export what a reader of this platform sees (a slug such as `macos`): methods and steps
    /// for other platforms are left out and the steps numbered again.
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    #[command(flatten)]
    pub common: ExportCommon,
    /// The file to write, or `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Write JSON Lines: one guide per line.
    #[arg(long)]
    pub jsonl: bool,
}

#[derive(Debug, Args)]
pub struct CsvArgs {
    #[command(flatten)]
    pub common: ExportCommon,
    /// The folder to write the tables into (created if missing; other files in it are kept).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Start each file with a byte-order mark so Excel reads it as UTF-8.
    #[arg(long)]
    pub bom: bool,
    /// Prefix cells that start with = + - @ with an apostrophe, so spreadsheets do not run them
    /// as formulas.
    #[arg(long)]
    pub excel_safe: bool,
    /// How rich text is written: without its markup, or as its Markdown source.
    #[arg(long, value_enum, default_value_t = TextArg::Plain)]
    pub text: TextArg,
}

/// How the CSV export writes rich text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextArg {
    /// Markup removed: labels and code keep their text, a menu path its `>`, a link its text.
    Plain,
    /// The source as written, `**Settings**` and all.
    Markdown,
}

#[derive(Debug, Args)]
pub struct SqliteArgs {
    #[command(flatten)]
    pub common: ExportCommon,
    /// The database file to write (replaced whole, never changed in place).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct PdfArgs {
    #[command(flatten)]
    pub common: ExportCommon,
    /// The folder to write one `<id>.pdf` per guide into.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// The paper size.
    #[arg(long, value_enum, default_value_t = PageSizeArg::A4)]
    pub page_size: PageSizeArg,
    /// Also write one book with a title page, a table of contents and every guide.
    #[arg(long, value_name = "FILE")]
    pub book: Option<PathBuf>,
    /// Also make every PDF conform to PDF/A-2 (archival); they always conform to PDF/UA-1.
    #[arg(long)]
    pub pdf_a: bool,
}

#[derive(Debug, Args)]
pub struct HtmlArgs {
    #[command(flatten)]
    pub common: ExportCommon,
    /// The folder to write the site into: index.html and one `<id>.html` per guide.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PageSizeArg {
    /// 210 × 297 mm.
    A4,
    /// 8.5 × 11 in.
    Letter,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The folder to write into: json/, csv/, sqlite/, pdf/ and html/ are created inside it.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// The paper size of the handouts.
    #[arg(long, value_enum, default_value_t = PageSizeArg::A4)]
    pub page_size: PageSizeArg,
    /// Export even when the guides have lint errors.
    #[arg(long)]
    pub force: bool,
    /// Build what a reader of this platform sees (a slug such as `macos`).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// How the CSV tables write rich text.
    #[arg(long, value_enum, default_value_t = TextArg::Plain)]
    pub text: TextArg,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new guide's id, which is also its file name: lowercase letters, digits and hyphens.
    pub id: String,
    /// The guide's title (default: made from the id).
    #[arg(long)]
    pub title: Option<String>,
    /// A folder inside the content root to put the guide in, e.g. `icloud`.
    #[arg(long, value_name = "DIR")]
    pub folder: Option<PathBuf>,
}

/// `remedy server`.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Talk over standard input and output: the only transport, and the default; accepted
    /// because many editors' clients pass it.
    #[arg(long)]
    pub stdio: bool,
}
