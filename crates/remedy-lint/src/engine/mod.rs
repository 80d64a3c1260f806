//! The lint run: find the files, load them in parallel, run the per-file rules, then the
//! cross-file ones (a guide id used twice, references into other guides) from a compact index,
//! then suppressions and severities.
//!
//! Every guide under the content root is loaded for the index, even when only some paths are
//! linted, so that a reference to a removed id is caught when CI lints only the changed files.
//! Findings are reported only for the named paths. Files only needed for the index are parsed but
//! not schema-checked, and each file's document is dropped as soon as its findings, ids and
//! reference sites are taken (unless the caller asks to keep the guides).

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use remedy_core::corpus::{FileStat, MissingPath, WalkProblem, discover_within, is_system_folder};
use remedy_core::load::file_stem;
use remedy_core::source::{ReadError, describe_io};
use remedy_core::yaml::YamlError;
use remedy_core::{
    Expected, Guide, GuideFile, GuideIds, GuideValue, IdIndex, LoadError, LoadOptions, Lookup,
    ParseFailure, Position, Reference, ReferenceSite, Resolution, SourceText, parse_text,
    read_bytes,
};
use serde_json::Value;
use thiserror::Error;

use crate::cache::{self, Fresh, IndexEntry};
use crate::config::{Config, ConfigError, FailOn};
use crate::finding::{Finding, Severity, Suppressed};
use crate::rules::{
    self, DanglingReference, DuplicateId, FileContext, RuleFinding, RuleId, RuleOptions,
    dangling_reference, duplicate_id, io_error, yaml_syntax,
};
use crate::suppression::{self, Directive};

mod analyse;
mod finish;
mod index;
mod kept;
mod plan;
mod reuse;
mod scan;
mod schedule;
mod table;

use analyse::*;
use finish::*;
use index::*;
use kept::*;
use plan::*;
use schedule::*;
use table::*;

/// Standard input to lint as if it were a file (`remedy lint - --stdin-filename NAME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StdinInput {
    /// The name it is linted under: findings carry it, the id must equal its stem, and when it
    /// names a file of the content root, the input replaces that file in the index.
    pub name: PathBuf,
    /// The bytes read.
    pub bytes: Vec<u8>,
}

/// What to lint, and how.
#[derive(Debug, Clone)]
pub struct LintRequest {
    /// Files and folders to lint, relative to `cwd` when relative; empty = the content root
    /// (unless `stdin` is given, then only standard input).
    pub paths: Vec<PathBuf>,
    /// Standard input, linted as a file.
    pub stdin: Option<StdinInput>,
    /// The configuration.
    pub config: Config,
    /// The working directory: relative paths are joined to it, and findings name files relative
    /// to it when they are below it.
    pub cwd: PathBuf,
    /// Whether to return the typed guides (for exports that lint first).
    pub keep_guides: bool,
    /// Worker threads; `None` = rayon's default (one per core).
    pub jobs: Option<usize>,
}

/// A guide that was linted, kept for the caller.
#[derive(Debug, Clone)]
pub struct LintedGuide {
    /// The file as findings name it.
    pub path: PathBuf,
    /// The path relative to the content root, with `/` separators; the file name when the file
    /// is outside the content root.
    pub source: String,
    /// The guide.
    pub guide: Guide,
}

/// The outcome of a lint run.
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    /// Every finding, sorted by [`Finding::sort_key`].
    pub findings: Vec<Finding>,
    /// The findings `# remedy: ignore[…]` comments silenced, sorted like `findings`.
    pub suppressed: Vec<Suppressed>,
    /// Every file linted (display paths, sorted), with or without findings.
    pub files: Vec<PathBuf>,
    /// When asked for: the files that hold a typed guide, sorted by path.
    pub guides: Vec<LintedGuide>,
    /// The files linted that hold no guide an export can use (they do not parse, or have the
    /// wrong shape): an export with `--force` leaves them out and must say so.
    pub unloaded: Vec<PathBuf>,
    /// Why the cache could not be written, if it could not: the findings stand, the next run
    /// is slower; the binary shows it as a warning.
    pub cache_errors: Vec<cache::WriteError>,
    /// How many references into other guides were not checked, because there is no content
    /// root to find those guides in (its folder does not exist) and they were not linted: the
    /// binary says so once, with how to set `content`.
    pub unchecked_references: usize,
}

impl LintReport {
    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// How many findings are warnings.
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }

    /// Whether the run fails at this threshold (exit 1).
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.findings.iter().any(|f| fail_on.fails(f.severity))
    }
}

/// Why a lint run could not happen at all (exit 2): never a problem in a guide.
#[derive(Debug, Error)]
pub enum LintError {
    /// A named path, or the content root, does not exist.
    #[error(transparent)]
    MissingPath(#[from] MissingPath),
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The content root, or a named folder, is the whole system or one of its own folders.
    #[error("{}: this is a system folder, not a content root; set `content` in remedy.toml (or name a path) to the folder that holds the guides", .0.display())]
    SystemFolder(PathBuf),
    /// The worker threads could not be started.
    #[error("cannot start {jobs} worker threads: {message}")]
    Threads {
        /// How many were asked for.
        jobs: usize,
        /// What went wrong.
        message: String,
    },
    /// A bug in remedy (the built-in schema does not compile).
    #[error("internal error: {0}; please report this as a bug")]
    Internal(String),
}

/// Lints the requested paths.
pub fn lint(request: &LintRequest) -> Result<LintReport, LintError> {
    lint_streaming(request, &|_: &LintedGuide| (), &mut |_: ()| {})
}

/// Lints the requested paths and streams the guides to an export while doing so: `render` runs
/// on the worker threads for every named file that holds a typed guide, while its document is
/// still in memory; `sink` then gets each rendered value on the calling thread, in the order of
/// the report's files. Nothing of a guide outlives its file's turn unless `keep_guides` asks
/// for it, so an export of ten thousand guides holds a few hundred of them at a time.
///
/// Whether the export may be used is the caller's decision once the report is in (cross-guide
/// findings are only known at the end): a sink should write somewhere it can still throw away.
pub fn lint_streaming<R: Send>(
    request: &LintRequest,
    render: &(dyn Fn(&LintedGuide) -> R + Sync),
    sink: &mut (dyn FnMut(R) + Send),
) -> Result<LintReport, LintError> {
    let pool = match request.jobs {
        Some(jobs) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(jobs.max(1))
                .build()
                .map_err(|error| LintError::Threads {
                    jobs,
                    message: error.to_string(),
                })?,
        ),
        None => None,
    };
    // The run itself stays on the calling thread, which collects the rounds the pool's
    // workers analyse (`schedule`).
    run(request, Workers(pool.as_ref()), render, sink)
}

fn run<R: Send>(
    request: &LintRequest,
    workers: Workers<'_>,
    render: &(dyn Fn(&LintedGuide) -> R + Sync),
    sink: &mut (dyn FnMut(R) + Send),
) -> Result<LintReport, LintError> {
    // The schema's validator compiles on another thread while the files are found.
    workers.spawn(|| {
        // A failure is met again, and reported, by the first guide's schema check.
        let _ = remedy_core::schema::prepare();
    });
    let config = &request.config;
    let index_header = cache::Header::current(None);
    // Made before any file is looked at: its temporary file's time is the clock by which this
    // run's stats of files are trusted on the next run (`cache::settled`).
    let index_out = config
        .cache_dir
        .as_deref()
        .map(|dir| cache::EntryWriter::open(dir, cache::INDEX, &index_header));
    let clock = index_out.as_ref().and_then(|out| out.clock);
    let Plan {
        content_root,
        jobs,
        walk_problems,
        displayer,
    } = plan(request)?;
    let mut cache_in = reuse::CacheIn {
        index: config
            .cache_dir
            .as_deref()
            .and_then(|dir| cache::EntryReader::open(dir, cache::INDEX, &index_header)),
        findings: None,
    };
    let mut options = config.rule_options();
    options.extra_fonts = config.read_fonts()?;
    // A lint of the whole root (every file reported, nothing rendered or kept) takes each
    // unchanged file's own findings from the cache.
    let whole_root = request.stdin.is_none()
        && !request.keep_guides
        && std::mem::size_of::<R>() == 0
        && jobs.iter().all(|job| job.reported);
    let findings_header = (whole_root && index_out.is_some()).then(|| {
        cache::Header::current(Some(reuse::settings_digest(
            config,
            &options,
            &content_root,
        )))
    });
    let mut findings_out = None;
    if let (Some(dir), Some(header)) = (config.cache_dir.as_deref(), &findings_header) {
        cache_in.findings = cache::EntryReader::open(dir, cache::FINDINGS, header);
        findings_out = Some(cache::EntryWriter::open(dir, cache::FINDINGS, header));
    }
    let shared = Shared {
        config,
        options,
        load: LoadOptions::default(),
        keep_guides: request.keep_guides,
        content_root: &content_root,
        cache: index_out.is_some(),
        findings: findings_out.is_some(),
        clock,
    };
    let mut collector = schedule(
        jobs,
        workers,
        &shared,
        &mut cache_in,
        (index_out, findings_out),
        render,
        sink,
    )?;
    let mut cache_errors = Vec::new();
    // Written when anything differs from what was read: a file new, changed or gone.
    let index_changed = collector.index_changed
        || cache_in
            .index
            .as_mut()
            .is_some_and(cache::EntryReader::left_over);
    let findings_changed = collector.findings_changed
        || cache_in
            .findings
            .as_mut()
            .is_some_and(cache::EntryReader::left_over);
    drop(cache_in);
    if let Some(out) = collector.index_out.take() {
        cache_errors.extend(out.finish(index_changed).err());
    }
    if let Some(out) = collector.findings_out.take() {
        let written = out.finish(findings_changed);
        // One warning for one folder.
        if cache_errors.is_empty() {
            cache_errors.extend(written.err());
        }
    }
    let root_missing = !content_root.is_dir();
    let cross = cross_guide_findings(collector, &shared, root_missing);
    let mut report = finish(
        cross.results,
        cross.findings,
        &walk_problems,
        &displayer,
        config,
    );
    report.cache_errors = cache_errors;
    report.unchecked_references = cross.unchecked;
    Ok(report)
}

/// One file's text, linted against an index the caller keeps (the language server's open
/// documents, in [`crate::workspace`]): the same per-file rules, cross-guide resolution and
/// suppressions as [`lint`], without walking the content root again.
pub(crate) struct OneFile<'a> {
    /// The file's path (absolute): its stem is the guide id it must have.
    pub path: PathBuf,
    /// How findings name it.
    pub display: PathBuf,
    /// The text as the editor holds it.
    pub bytes: Vec<u8>,
    pub config: &'a Config,
    pub content_root: &'a Path,
    /// Every guide's ids (this one's included), first holder of a guide id first.
    pub index: &'a IdIndex,
    /// Guide ids (stems) of files whose ids are unknown: references into them are not checked.
    pub unknown: &'a HashSet<Box<str>>,
    /// The display path of an earlier file with this guide id, if any (`duplicate-id`).
    pub taken_by: &'a dyn Fn(&str) -> Option<PathBuf>,
    /// The display path of an earlier file of another guide with this title (normalized as
    /// `duplicate-title` compares titles), if any.
    pub title_taken_by: &'a dyn Fn(&str, Option<&str>) -> Option<PathBuf>,
}

/// Lints one file as [`OneFile`] describes; the findings are sorted.
pub(crate) fn lint_one(file: OneFile<'_>) -> Result<Vec<Finding>, LintError> {
    let config = file.config;
    let shared = Shared {
        config,
        options: config.rule_options(),
        load: LoadOptions::default(),
        keep_guides: false,
        content_root: file.content_root,
        cache: false,
        findings: false,
        clock: None,
    };
    let job = Job {
        path: file.path,
        display: file.display,
        reported: true,
        stdin: Some(file.bytes),
        stat: None,
        cache: None,
    };
    let Analysed { result, title, .. } = analyse(job, &shared, &|_: &LintedGuide| ());
    let own = result.guide_id();
    let own = own.map(Box::<str>::from);
    let own = own.as_deref();
    let mut extra = result.extra.map(|extra| *extra).unwrap_or_default();
    if let Some(internal) = extra.internal.take() {
        return Err(LintError::Internal(internal));
    }
    let mut cross = Vec::new();
    let mut other = None;
    if let Some(guide) = own
        && config.severity(DuplicateId::ID).is_some()
        && let Some(first) = (file.taken_by)(guide)
    {
        other = Some(first);
        cross.push(CrossFinding::GuideIdTaken { other: 0 });
    }
    // Index 1 of `others` below: the earlier guide with this title.
    let mut title_other = None;
    if let Some(title) = title
        && config.severity(rules::DuplicateTitle::ID).is_some()
        && let Some(first) = (file.title_taken_by)(&title, own)
    {
        title_other = Some(first);
        cross.push(CrossFinding::TitleTaken { other: 1 });
    }
    if config.severity(DanglingReference::ID).is_some() {
        // As in a whole run: with no content root the index holds only the open documents, so
        // a reference into another guide cannot be told dangling.
        let root_missing = !file.content_root.is_dir();
        for item in &extra.references {
            if Some(item.guide()) != own && file.unknown.contains(item.guide()) {
                continue;
            }
            if root_missing && Some(item.guide()) != own && !file.index.contains(item.guide()) {
                continue;
            }
            if !resolves(file.index, item) {
                cross.push(CrossFinding::Dangling(Box::new(item.clone())));
            }
        }
    }
    let mut findings = std::mem::take(&mut extra.findings);
    if !cross.is_empty() {
        findings.extend(cross_file_findings(
            CrossFile {
                display: &result.display,
                own,
                id_place: extra.id_place.clone(),
                title: extra.title.clone(),
            },
            cross,
            |at| {
                if at == 1 {
                    title_other.clone()
                } else {
                    other.clone()
                }
                .unwrap_or_default()
            },
            (file.index, file.unknown),
            config,
        ));
    }
    let applied = suppression::apply(findings, &extra.directives, |rule| {
        config.severity_of_name(rule)
    });
    let mut kept = applied.kept;
    for about in applied.about_comments {
        if let Some(severity) = config.severity(about.rule) {
            let line = extra.directive_lines.get(&about.span.start.line).cloned();
            kept.push(finding(&result.display, about, severity, line));
        }
    }
    kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    kept.dedup();
    Ok(kept)
}
