//! `remedy lint`, and the lint every export runs first.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use remedy_core::source::describe_io;
use remedy_lint::report::{Format, ReportInput, write_report};
use remedy_lint::{
    Config, FailOn, LintReport, LintRequest, LintedGuide, StdinInput, lint, lint_streaming, rules,
};

use super::{Outcome, Session};
use crate::cli::{FormatArg, LintArgs};

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::Junit => Format::Junit,
        }
    }
}

pub fn run(session: &Session, args: LintArgs) -> Result<Outcome, String> {
    let mut config = session.config.clone();
    // No remedy.toml from the working directory up: a file linted from outside its project
    // takes the configuration of its own project (its content root, for references).
    let named = args
        .paths
        .iter()
        .find(|path| path.as_os_str() != "-")
        .or(args.stdin_filename.as_ref());
    if config.file.is_none()
        && let Some(found) = named.and_then(|path| Config::find_near(&session.cwd.join(path)))
    {
        config = Config::load(Some(&found), &session.cwd).map_err(|e| e.to_string())?;
        // `--no-cache` holds for the configuration found near the file too.
        config.cache_dir = session
            .config
            .cache_dir
            .is_some()
            .then(|| remedy_lint::cache::default_dir(&config, &session.cwd));
    }
    if let Some(fail_on) = args.fail_on {
        config.fail_on = fail_on.into();
    }
    let reads_stdin = args.paths.iter().any(|path| path.as_os_str() == "-");
    let stdin = if reads_stdin {
        // One byte past the limit is enough to know: the engine refuses the input as too
        // large, and the rest of a 2 GB stream is never held.
        let limit = remedy_core::source::DEFAULT_MAX_FILE_BYTES;
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {}", describe_io(&e)))?;
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("stdin.yaml"));
        Some(StdinInput { name, bytes })
    } else {
        if args.stdin_filename.is_some() {
            return Err(
                "--stdin-filename goes with `-` as the path (read from standard input)".into(),
            );
        }
        None
    };
    let paths: Vec<PathBuf> = args
        .paths
        .into_iter()
        .filter(|path| path.as_os_str() != "-")
        .collect();
    let request = LintRequest {
        stdin,
        config: config.clone(),
        ..request(session, paths, false)
    };
    super::export::book_order_known(&config, &[])?;
    let report = lint(&request).map_err(|e| e.to_string())?;
    // The findings stand without the cache; only the next run is slower.
    for problem in report.cache_errors.iter().filter(|_| !session.quiet) {
        eprintln!(
            "warning: {}",
            crate::terminal::printable(&problem.to_string())
        );
    }
    note_unchecked(session, &config, &report);
    let mut stdout = std::io::stdout().lock();
    print_report(
        session,
        &report,
        args.format.into(),
        config.fail_on,
        &mut stdout,
    )?;
    Ok(if report.fails(config.fail_on) {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

pub(super) fn print_report(
    session: &Session,
    report: &LintReport,
    format: Format,
    fail_on: FailOn,
    out: &mut dyn Write,
) -> Result<(), String> {
    if session.quiet && format == Format::Human && report.findings.is_empty() {
        return Ok(());
    }
    let input = ReportInput {
        findings: &report.findings,
        suppressed: &report.suppressed,
        fail_on,
        files: &report.files,
        rules: rules::registry(),
        color: session.color && format == Format::Human,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    match write_report(format, &input, out).and_then(|()| out.flush()) {
        // The reader took what it wanted (`remedy lint | head`): the run's outcome stands.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write the report: {}", describe_io(&e))),
        Ok(()) => Ok(()),
    }
}

/// The request every command makes: these paths (the content root when empty) with the
/// session's settings.
pub(super) fn request(session: &Session, paths: Vec<PathBuf>, keep_guides: bool) -> LintRequest {
    let mut config = session.config.clone();
    // An export writes where it is told and nowhere else: it uses the cache a lint made, and
    // keeps it current, but never creates one.
    if config.cache_dir.as_deref().is_some_and(|dir| !dir.is_dir()) {
        config.cache_dir = None;
    }
    LintRequest {
        paths,
        stdin: None,
        config,
        cwd: session.cwd.clone(),
        keep_guides,
        jobs: session.jobs,
    }
}

/// Lints `paths` (the content root when empty) for an export, keeping the guides. Prints the
/// findings on standard error (standard output may carry the export); returns the report, or
/// the outcome to exit with when errors remain and `force` is off.
pub(super) fn lint_for_export(
    session: &Session,
    paths: &[PathBuf],
    force: bool,
) -> Result<Result<LintReport, Outcome>, String> {
    let report = lint(&request(session, paths.to_vec(), true)).map_err(|e| e.to_string())?;
    judge_for_export(session, report, force)
}

/// As [`lint_for_export`], but streams each guide through `render` (on the worker threads) and
/// `sink` (in file order) while linting, instead of keeping the guides: the export is staged as
/// the lint runs, and used only when this returns the report.
pub(super) fn lint_streaming_for_export<R: Send>(
    session: &Session,
    paths: &[PathBuf],
    force: bool,
    render: &(dyn Fn(&LintedGuide) -> R + Sync),
    sink: &mut (dyn FnMut(R) + Send),
) -> Result<Result<LintReport, Outcome>, String> {
    let report = lint_streaming(&request(session, paths.to_vec(), false), render, sink)
        .map_err(|e| e.to_string())?;
    judge_for_export(session, report, force)
}

/// Says once that references into guides that were not linted went unchecked, when there is no
/// content root to find those guides in: they are neither errors nor known to be right.
fn note_unchecked(session: &Session, config: &Config, report: &LintReport) {
    let count = report.unchecked_references;
    if count == 0 || session.quiet {
        return;
    }
    let path = session.cwd.join(&config.content);
    let root = shown(session, &path);
    // `content` naming a file is as much no content root as a folder that is not there.
    let why = if path.exists() {
        format!("`{root}` is not a folder")
    } else {
        format!("the folder `{root}` does not exist")
    };
    let (references, were) = if count == 1 {
        ("reference", "was")
    } else {
        ("references", "were")
    };
    eprintln!(
        "note: {count} {references} into guides not linted {were} not checked: there is no content root ({why}), so only the files named are known; set `content` in remedy.toml to the folder that holds every guide, or lint that folder"
    );
}

fn judge_for_export(
    session: &Session,
    report: LintReport,
    force: bool,
) -> Result<Result<LintReport, Outcome>, String> {
    note_unchecked(session, &session.config, &report);
    if !report.findings.is_empty() {
        let mut stderr = std::io::stderr().lock();
        print_report(
            session,
            &report,
            Format::Human,
            session.config.fail_on,
            &mut stderr,
        )?;
    }
    if report.errors() > 0 && !force {
        eprintln!(
            "remedy: nothing exported: fix the errors above, or pass --force to export anyway"
        );
        return Ok(Err(Outcome::Findings));
    }
    // Never silently: every file the export cannot hold is named, and the run exits 1.
    for file in &report.unloaded {
        eprintln!(
            "remedy: left out of the export: {} cannot be loaded as a guide (see its errors above)",
            crate::terminal::printable(&file.display().to_string())
        );
        session.left_out.set(true);
    }
    Ok(Ok(report))
}

/// A path for messages: relative to the working directory when below it.
pub(super) fn shown(session: &Session, path: &Path) -> String {
    let shown = path
        .strip_prefix(&session.cwd)
        .unwrap_or(path)
        .display()
        .to_string();
    crate::terminal::printable(&shown).into_owned()
}
