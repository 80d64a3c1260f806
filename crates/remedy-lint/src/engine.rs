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
use remedy_core::corpus::{MissingPath, discover_within, is_system_folder};
use remedy_core::load::file_stem;
use remedy_core::source::{ReadError, describe_io};
use remedy_core::yaml::{self, Document, YamlError};
use remedy_core::{
    Expected, Guide, GuideFile, GuideIds, HashedResolution, IdHash, IdIndex, LoadError,
    LoadOptions, Position, Reference, ReferenceSite, Resolution, SourceText,
};
use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

use crate::config::{Config, ConfigError, FailOn};
use crate::finding::{Finding, Severity, Suppressed};
use crate::rules::{
    self, DanglingReference, DuplicateId, FileContext, RuleFinding, RuleOptions,
    dangling_reference, duplicate_id, io_error, yaml_syntax,
};
use crate::suppression::{self, Directive};

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
    match request.jobs {
        Some(jobs) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(jobs.max(1))
                .build()
                .map_err(|error| LintError::Threads {
                    jobs,
                    message: error.to_string(),
                })?;
            pool.install(|| run(request, render, sink))
        }
        None => run(request, render, sink),
    }
}

/// One file to load.
#[derive(Debug)]
struct Job {
    /// Where to read it (absolute when `cwd` is).
    path: PathBuf,
    /// How findings name it.
    display: PathBuf,
    /// Whether its findings are reported (it was named), or it only feeds the index.
    reported: bool,
    /// The bytes, for standard input.
    stdin: Option<Vec<u8>>,
}

/// A reference into another guide, waiting for the index: hashes and the reference's place in
/// [`Guide::references`], no text. Fifty thousand of them cost about 1.6 MB; a finding's text,
/// pointer and position are read again from the file in the rare case one does not resolve.
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// The guide it points into (for `related`, the guide it names).
    guide: IdHash,
    /// The id inside that guide; unused for `related` (`Expected::Guide`).
    id: IdHash,
    /// The index of the file in the results (set once the file is done).
    file: u32,
    /// Its index in the guide's [`Guide::references`].
    ordinal: u16,
    expected: Expected,
}

/// Whether a reference into another guide resolves.
fn resolves(index: &IdIndex, reference: &Pending) -> bool {
    let id = (reference.expected != Expected::Guide).then_some(reference.id);
    index.resolve_hashed(reference.guide, id, reference.expected) == HashedResolution::Found
}

fn dangling(reference: &Pending) -> CrossFinding {
    CrossFinding::Dangling {
        ordinal: reference.ordinal,
    }
}

/// What one file leaves behind once its document is dropped: for a clean file of a large
/// corpus, its display name and two hashes (its ids went into the index).
#[derive(Debug)]
struct FileResult {
    display: PathBuf,
    reported: bool,
    /// The guide's id, or the stem of a file whose ids are unknown.
    identity: Identity,
    /// Findings, suppressions and references into other guides: boxed, as most files of a
    /// large corpus have none of them.
    extra: Option<Box<FileExtra>>,
    guide: Option<Box<LintedGuide>>,
    /// Whether the file held a typed guide (an export can use it).
    loaded: bool,
}

#[derive(Debug, Default)]
struct FileExtra {
    /// Per-file findings, positioned, before suppression.
    findings: Vec<Finding>,
    directives: Vec<Directive>,
    /// The text of each line that holds a suppression comment.
    directive_lines: HashMap<u32, String>,
    references: Vec<Pending>,
    /// Standard input's text: it cannot be read again for cross-guide findings.
    stdin: Option<SourceText>,
    /// A bug in remedy met while linting this file.
    internal: Option<String>,
}

/// What the index knows a file by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    /// Its guide id.
    Guide(IdHash),
    /// The file's stem, when its ids are unknown (it does not load): references into it are not
    /// checked, so that one broken file does not turn every link to it into a finding.
    Unknown(IdHash),
    /// Neither (a file named without a stem).
    None,
}

impl FileResult {
    fn extra(&mut self) -> &mut FileExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    fn guide_id(&self) -> Option<IdHash> {
        match self.identity {
            Identity::Guide(id) => Some(id),
            _ => None,
        }
    }

    fn unknown(&self) -> Option<IdHash> {
        match self.identity {
            Identity::Unknown(stem) => Some(stem),
            _ => None,
        }
    }

    fn set_unknown(&mut self, stem: Option<IdHash>) {
        self.identity = stem.map_or(Identity::None, Identity::Unknown);
    }
}

impl FileExtra {
    fn is_empty(&self) -> bool {
        self.findings.is_empty()
            && self.directives.is_empty()
            && self.references.is_empty()
            && self.stdin.is_none()
            && self.internal.is_none()
    }
}

/// A cross-guide finding found from hashes, to be written out once its file is read again.
#[derive(Debug, Clone, Copy)]
enum CrossFinding {
    /// The guide id is also used by this other file.
    GuideIdTaken { other: usize },
    /// This reference (by its index in [`Guide::references`]) does not resolve.
    Dangling { ordinal: u16 },
    /// The guide's title is also the title of this earlier file.
    TitleTaken { other: usize },
}

/// What every file job shares.
struct Shared<'a> {
    config: &'a Config,
    options: RuleOptions,
    load: LoadOptions,
    keep_guides: bool,
    content_root: &'a Path,
}

/// How many files each worker thread takes per round when each file's export is rendered:
/// enough to keep every core busy, few enough that the rendered exports waiting for their turn
/// stay small.
const FILES_PER_THREAD_AND_ROUND: usize = 64;

/// How many files each worker thread takes per round when nothing is rendered (`lint`): a file
/// then leaves only its result, and every round ends with a core waiting for the last file of
/// the other, so fewer rounds are faster (3% on the bench's 1,000 guides with two threads).
const FILES_PER_THREAD_AND_ROUND_UNRENDERED: usize = 512;

/// The first file with a guide title.
#[derive(Debug, Clone, Copy)]
struct FirstTitle {
    /// Its index in the results.
    at: usize,
    guide: Option<IdHash>,
    reported: bool,
    /// Whether a finding on it already names a later file.
    named_other: bool,
}

/// What the rounds of files add up to, collected in file order.
struct Collector {
    /// The index of every guide's ids, filled as files are done.
    index: IdIndex,
    /// References into guides not indexed when their file was collected.
    pending: Vec<Pending>,
    /// Guide ids that a second file has too.
    repeated: HashSet<IdHash>,
    /// Cross-guide findings found so far: (file, finding).
    cross: Vec<(usize, CrossFinding)>,
    /// The first file with each guide title (hashed as `duplicate-title` compares them), when
    /// that rule is on.
    titles: Option<HashMap<IdHash, FirstTitle>>,
    results: Vec<FileResult>,
    dangling_on: bool,
}

impl Collector {
    /// Takes one round's files: their exports go to `sink`, their ids into the index.
    fn collect<R>(
        &mut self,
        done: Vec<Analysed<R>>,
        sink: &mut (dyn FnMut(R) + Send),
    ) -> Result<(), LintError> {
        for Analysed {
            mut result,
            ids,
            rendered,
            title,
        } in done
        {
            if let Some(rendered) = rendered {
                sink(rendered);
            }
            if let (Some(titles), Some(title)) = (&mut self.titles, title) {
                let at = self.results.len();
                let guide = result.guide_id();
                match titles.get_mut(&title) {
                    // Two files of one guide id are `duplicate-id` already.
                    Some(first) if guide.is_some() && guide == first.guide => {}
                    // The later file names the first; a first file linted alone names the later
                    // one, once, when the later one is not linted (only some files are).
                    Some(first) if result.reported => {
                        self.cross
                            .push((at, CrossFinding::TitleTaken { other: first.at }));
                    }
                    Some(first) if first.reported && !first.named_other => {
                        first.named_other = true;
                        self.cross
                            .push((first.at, CrossFinding::TitleTaken { other: at }));
                    }
                    Some(_) => {}
                    None => {
                        titles.insert(
                            title,
                            FirstTitle {
                                at,
                                guide,
                                reported: result.reported,
                                named_other: false,
                            },
                        );
                    }
                }
            }
            if let (Some(guide), Some(ids)) = (result.guide_id(), ids)
                && !self.index.insert(guide, &ids)
            {
                // A second file with this guide id: reported at the end.
                self.repeated.insert(guide);
            }
            if let Some(extra) = &mut result.extra {
                if let Some(internal) = extra.internal.take() {
                    return Err(LintError::Internal(internal));
                }
                let at = self.results.len();
                let file = u32::try_from(at).unwrap_or(u32::MAX);
                for reference in extra.references.drain(..) {
                    let reference = Pending { file, ..reference };
                    // Into a guide already indexed: resolved now, so that only references to
                    // guides still to come wait (about half of them, in a linked corpus).
                    if self.index.contains(reference.guide) {
                        if !resolves(&self.index, &reference) && self.dangling_on {
                            self.cross.push((at, dangling(&reference)));
                        }
                    } else {
                        self.pending.push(reference);
                    }
                }
                if extra.is_empty() {
                    result.extra = None;
                }
            }
            self.results.push(result);
        }
        Ok(())
    }
}

fn run<R: Send>(
    request: &LintRequest,
    render: &(dyn Fn(&LintedGuide) -> R + Sync),
    sink: &mut (dyn FnMut(R) + Send),
) -> Result<LintReport, LintError> {
    // The schema's validator compiles on another thread while the files are found.
    rayon::spawn(|| {
        // A failure is met again, and reported, by the first guide's schema check.
        let _ = remedy_core::schema::prepare();
    });
    let cwd = &request.cwd;
    let config = &request.config;
    let content_root = normalize(&cwd.join(&config.content));

    // Normalized once, not for every file.
    let normalized_cwd = normalize(cwd);
    // The named paths, as given and resolved.
    let mut named: Vec<(PathBuf, PathBuf)> = request
        .paths
        .iter()
        .map(|given| (given.clone(), normalize(&cwd.join(given))))
        .collect();
    if named.is_empty() && request.stdin.is_none() {
        named.push((
            display_of(&content_root, &normalized_cwd, &[]),
            content_root.clone(),
        ));
    }
    let displayer = |path: &Path| display_of(path, &normalized_cwd, &named);

    let resolved: Vec<PathBuf> = named.iter().map(|(_, path)| path.clone()).collect();
    for (given, path) in std::iter::once((&content_root, &content_root))
        .chain(named.iter().map(|(given, path)| (given, path)))
    {
        if path.is_dir() && is_system_folder(path) {
            return Err(LintError::SystemFolder(given.clone()));
        }
    }
    let found = discover_within(&resolved, Some(&content_root)).map_err(|missing| MissingPath {
        path: displayer(&missing.path),
    })?;
    // Linting the content root itself (what CI does) walks it once.
    let root = if resolved == [content_root.clone()] || !content_root.is_dir() {
        Default::default()
    } else {
        discover_within(std::slice::from_ref(&content_root), Some(&content_root))
            .unwrap_or_default()
    };
    let walk_problems = found.problems;

    // Every file once: named files first, then the rest of the content root for the index.
    let stdin_path = request
        .stdin
        .as_ref()
        .map(|stdin| resolve_stdin_name(&stdin.name, cwd, &content_root, &root.files));
    let stdin_key = stdin_path.as_deref().map(identity);
    let mut jobs: Vec<Job> = Vec::new();
    {
        let mut seen: HashSet<PathBuf> = stdin_key.iter().cloned().collect();
        if let (Some(stdin), Some(path)) = (&request.stdin, stdin_path.clone()) {
            jobs.push(Job {
                display: displayer(&path),
                path,
                reported: true,
                stdin: Some(stdin.bytes.clone()),
            });
        }
        // A file reached twice (a link, or named and under the content root) is read once.
        // Only resolving links costs a system call per file; without a second walk or a
        // standard input to compare with, the walk's own paths are already unique.
        let must_resolve = !root.files.is_empty() || stdin_key.is_some() || named.len() > 1;
        for (files, reported) in [(found.files, true), (root.files, false)] {
            for path in files {
                // One walk gives each file once already.
                let fresh = !must_resolve || seen.insert(identity(&path));
                if fresh {
                    jobs.push(Job {
                        display: displayer(&path),
                        path,
                        reported,
                        stdin: None,
                    });
                }
            }
        }
    }
    // In report order, so that guides stream out in it.
    jobs.sort_by(|a, b| a.display.cmp(&b.display));

    let mut options = config.rule_options();
    options.extra_fonts = config.read_fonts()?;
    let shared = Shared {
        config,
        options,
        load: LoadOptions::default(),
        keep_guides: request.keep_guides,
        content_root: &content_root,
    };
    let dangling_on = config.severity(DanglingReference::NAME).is_some();
    let per_thread = if std::mem::size_of::<R>() == 0 {
        FILES_PER_THREAD_AND_ROUND_UNRENDERED
    } else {
        FILES_PER_THREAD_AND_ROUND
    };
    let round = per_thread * rayon::current_num_threads().max(1);
    let mut collector = Collector {
        index: IdIndex::with_capacity(jobs.len(), 64),
        pending: Vec::new(),
        repeated: HashSet::new(),
        cross: Vec::new(),
        results: Vec::with_capacity(jobs.len()),
        dangling_on,
        titles: config
            .severity(rules::DuplicateTitle::NAME)
            .map(|_| HashMap::new()),
    };
    let mut jobs = jobs.into_iter();
    let mut previous: Option<Vec<Analysed<R>>> = None;
    loop {
        let batch: Vec<Job> = jobs.by_ref().take(round).collect();
        if batch.is_empty() {
            break;
        }
        // The previous round is collected (and its export written) while this one is
        // analysed, so that no core waits for the sequential part.
        let (done, collected) = rayon::join(
            || {
                batch
                    .into_par_iter()
                    .map(|job| analyse(job, &shared, render))
                    .collect::<Vec<_>>()
            },
            || match previous.take() {
                Some(done) => collector.collect(done, &mut *sink),
                None => Ok(()),
            },
        );
        collected?;
        previous = Some(done);
    }
    if let Some(done) = previous {
        collector.collect(done, &mut *sink)?;
    }
    let Collector {
        index,
        pending,
        repeated,
        mut cross,
        results,
        ..
    } = collector;

    // Cross-guide findings, from hashes: a guide id used by several files, and references
    // into other guides that do not resolve.
    let mut holders: HashMap<IdHash, Vec<usize>> = HashMap::new();
    for (i, result) in results.iter().enumerate() {
        if let Some(guide) = result.guide_id().filter(|guide| repeated.contains(guide)) {
            holders.entry(guide).or_default().push(i);
        }
    }
    let unknown: HashSet<IdHash> = results
        .iter()
        .filter_map(FileResult::unknown)
        .filter(|stem| !index.contains(*stem))
        .collect();
    if config.severity(DuplicateId::NAME).is_some() {
        for (i, result) in results.iter().enumerate() {
            let (true, Some(guide)) = (result.reported, result.guide_id()) else {
                continue;
            };
            // The later file names the first; the first names the next one only when that
            // one is not reported itself (only some files are linted).
            let Some(others) = holders.get(&guide).filter(|others| others.len() > 1) else {
                continue;
            };
            let other = if others[0] != i {
                Some(others[0])
            } else {
                others
                    .iter()
                    .skip(1)
                    .copied()
                    .find(|&o| !results[o].reported)
            };
            if let Some(other) = other {
                cross.push((i, CrossFinding::GuideIdTaken { other }));
            }
        }
    }
    drop(holders);
    if dangling_on {
        for item in &pending {
            let file = item.file as usize;
            let from = results.get(file).and_then(FileResult::guide_id);
            if Some(item.guide) != from && unknown.contains(&item.guide) {
                continue;
            }
            if !resolves(&index, item) {
                cross.push((file, dangling(item)));
            }
        }
    }
    drop(pending);
    cross.sort_by_key(|(file, _)| *file);
    // By file, in file order, for the few files that have any.
    let mut cross_findings: Vec<(usize, Vec<Finding>)> = Vec::new();
    for found in cross.chunk_by(|a, b| a.0 == b.0) {
        let file = found[0].0;
        let result = &results[file];
        let kinds: Vec<CrossFinding> = found.iter().map(|(_, finding)| *finding).collect();
        let findings = cross_file_findings(
            CrossFile {
                display: &result.display,
                stdin: result.extra.as_ref().and_then(|extra| extra.stdin.as_ref()),
                cwd,
            },
            &kinds,
            |other| results[other].display.clone(),
            (&index, &unknown),
            &shared,
        );
        cross_findings.push((file, findings));
    }

    // Suppressions, then everything together.
    let mut report = LintReport::default();
    let mut cross_findings = cross_findings.into_iter().peekable();
    for (i, result) in results.into_iter().enumerate() {
        let extra_findings = cross_findings.next_if(|(file, _)| *file == i);
        if !result.reported {
            continue;
        }
        let FileExtra {
            mut findings,
            directives,
            directive_lines,
            ..
        } = result.extra.map(|extra| *extra).unwrap_or_default();
        findings.extend(extra_findings.into_iter().flat_map(|(_, found)| found));
        let applied = suppression::apply(findings, &directives, |rule| config.severity(rule));
        report.findings.extend(applied.kept);
        report.suppressed.extend(applied.suppressed);
        for about in applied.about_comments {
            if let Some(severity) = config.severity(about.rule) {
                let line = directive_lines.get(&about.span.start.line).cloned();
                report
                    .findings
                    .push(finding(&result.display, about, severity, line));
            }
        }
        if let Some(guide) = result.guide {
            report.guides.push(*guide);
        }
        if !result.loaded {
            report.unloaded.push(result.display.clone());
        }
        report.files.push(result.display);
    }
    if let Some(severity) = config.severity(io_error::IoError::NAME) {
        for problem in &walk_problems {
            let display = displayer(&problem.path);
            report.findings.push(finding(
                &display,
                io_error::finding(problem.message.clone()),
                severity,
                None,
            ));
            report.unloaded.push(display.clone());
            report.files.push(display);
        }
    }
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.findings.dedup();
    report
        .suppressed
        .sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    report.files.sort();
    report.files.dedup();
    report.unloaded.sort();
    report.unloaded.dedup();
    report.guides.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

/// A dangling local reference's message with "did you mean …?": the guide's id of the kind
/// the reference needs that is nearest to the one written, when one is close.
fn with_nearest_id(message: String, guide: &Guide, site: &ReferenceSite) -> String {
    let written = site.reference.target();
    // Ids are at most 64 characters: a longer one is near none of them.
    if written.len() > 64 {
        return message;
    }
    let mut nearest: Option<(usize, &str)> = None;
    guide.for_each_declaration(|id, kind, _| {
        if !site.expected.accepts(kind) || id == written {
            return;
        }
        let distance = strsim::levenshtein(written, id);
        if distance <= (id.len().max(written.len()) / 3).max(2)
            && nearest.is_none_or(|(best, _)| distance < best)
        {
            nearest = Some((distance, id));
        }
    });
    match nearest {
        Some((_, id)) => format!("{message} (did you mean `{id}`?)"),
        None => message,
    }
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
    pub unknown: &'a HashSet<IdHash>,
    /// The display path of an earlier file with this guide id, if any (`duplicate-id`).
    pub taken_by: &'a dyn Fn(IdHash) -> Option<PathBuf>,
    /// The display path of an earlier file of another guide with this title (hashed as
    /// `duplicate-title` compares titles), if any.
    pub title_taken_by: &'a dyn Fn(IdHash, Option<IdHash>) -> Option<PathBuf>,
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
    };
    let job = Job {
        path: file.path,
        display: file.display,
        reported: true,
        stdin: Some(file.bytes),
    };
    let Analysed { result, title, .. } = analyse(job, &shared, &|_: &LintedGuide| ());
    let own = result.guide_id();
    let mut extra = result.extra.map(|extra| *extra).unwrap_or_default();
    if let Some(internal) = extra.internal.take() {
        return Err(LintError::Internal(internal));
    }
    let mut cross = Vec::new();
    let mut other = None;
    if let Some(guide) = own
        && config.severity(DuplicateId::NAME).is_some()
        && let Some(first) = (file.taken_by)(guide)
    {
        other = Some(first);
        cross.push(CrossFinding::GuideIdTaken { other: 0 });
    }
    // Index 1 of `others` below: the earlier guide with this title.
    let mut title_other = None;
    if let Some(title) = title
        && config.severity(rules::DuplicateTitle::NAME).is_some()
        && let Some(first) = (file.title_taken_by)(title, own)
    {
        title_other = Some(first);
        cross.push(CrossFinding::TitleTaken { other: 1 });
    }
    if config.severity(DanglingReference::NAME).is_some() {
        for item in &extra.references {
            if Some(item.guide) != own && file.unknown.contains(&item.guide) {
                continue;
            }
            if !resolves(file.index, item) {
                cross.push(dangling(item));
            }
        }
    }
    let cwd = PathBuf::new();
    let mut findings = std::mem::take(&mut extra.findings);
    if !cross.is_empty() {
        findings.extend(cross_file_findings(
            CrossFile {
                display: &result.display,
                stdin: extra.stdin.as_ref(),
                cwd: &cwd,
            },
            &cross,
            |at| {
                if at == 1 {
                    title_other.clone()
                } else {
                    other.clone()
                }
                .unwrap_or_default()
            },
            (file.index, file.unknown),
            &shared,
        ));
    }
    let applied = suppression::apply(findings, &extra.directives, |rule| config.severity(rule));
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

/// The message for a reference inside its own guide, written without its guide (`ID`), that
/// does not resolve, or `None`.
fn resolve_locally(local: &GuideIds, site: &ReferenceSite) -> Option<String> {
    let resolution = IdIndex::default().resolve(local, site);
    if resolution == Resolution::Found {
        return None;
    }
    dangling_reference::message(site, &resolution)
}

/// The message for a reference into another guide (or to a guide) that does not resolve, or
/// `None`.
fn resolve_across(
    index: &IdIndex,
    from: Option<IdHash>,
    site: &ReferenceSite,
    unknown: &HashSet<IdHash>,
) -> Option<String> {
    let target_guide = match site.reference.guide() {
        None if site.expected == Expected::Guide => Some(site.reference.as_str()),
        other => other,
    };
    if let Some(target) = target_guide.map(IdHash::of)
        && Some(target) != from
        && unknown.contains(&target)
    {
        return None;
    }
    let resolution = index.resolve(&GuideIds::default(), site);
    if resolution == Resolution::Found {
        return None;
    }
    dangling_reference::message(site, &resolution)
}

/// A file with cross-guide findings, to be read again.
struct CrossFile<'a> {
    display: &'a Path,
    stdin: Option<&'a SourceText>,
    cwd: &'a Path,
}

/// Writes out a file's cross-guide findings: the file is read and parsed again for the texts,
/// pointers, positions and source lines that were not kept for every file in case one is
/// needed. A file that changed in the meantime gets a finding that says so.
fn cross_file_findings(
    file: CrossFile<'_>,
    found: &[CrossFinding],
    other_display: impl Fn(usize) -> PathBuf,
    (index, unknown): (&IdIndex, &HashSet<IdHash>),
    shared: &Shared<'_>,
) -> Vec<Finding> {
    let config = shared.config;
    let read;
    let source = match file.stdin {
        Some(source) => Some(source),
        None => {
            read = SourceText::read(&file.cwd.join(file.display), shared.load.max_file_bytes).ok();
            read.as_ref()
        }
    };
    let reloaded = source.and_then(|source| {
        let document = yaml::parse(source, shared.load.yaml).ok()?;
        let guide = Guide::deserialize(&document.value).ok();
        Some((source, document, guide))
    });
    let Some((source, document, guide)) = reloaded else {
        return config
            .severity(io_error::IoError::NAME)
            .map(|severity| {
                finding(
                    file.display,
                    io_error::finding(
                        "this file changed while remedy was linting it, so its links to other guides were not checked; run remedy again".into(),
                    ),
                    severity,
                    None,
                )
            })
            .into_iter()
            .collect();
    };
    let map = &document.source_map;
    let own = document.value.get("id").and_then(Value::as_str);
    let references = guide.as_ref().map(Guide::references).unwrap_or_default();
    let mut out = Vec::new();
    for found in found {
        let (rule, pointer, message) = match *found {
            CrossFinding::GuideIdTaken { other } => {
                let Some(own) = own else { continue };
                let message = duplicate_id::guide_message(own, &other_display(other));
                (DuplicateId::NAME, "/id".to_owned(), message)
            }
            CrossFinding::Dangling { ordinal } => {
                let Some(site) = references.get(ordinal as usize) else {
                    continue;
                };
                let from = own.map(IdHash::of);
                let Some(message) = resolve_across(index, from, site, unknown) else {
                    continue;
                };
                (DanglingReference::NAME, site.pointer.clone(), message)
            }
            CrossFinding::TitleTaken { other } => {
                let Some(title) = document.value.get("title").and_then(Value::as_str) else {
                    continue;
                };
                let message = rules::duplicate_title::guide_message(title, &other_display(other));
                (rules::DuplicateTitle::NAME, "/title".to_owned(), message)
            }
        };
        let Some(severity) = config.severity(rule) else {
            continue;
        };
        let span = match *found {
            CrossFinding::Dangling { ordinal } => {
                references
                    .get(ordinal as usize)
                    .map_or(map.nearest(&pointer).value, |site| {
                        remedy_core::reference_span(
                            source,
                            map,
                            &document.value,
                            &pointer,
                            site.reference.as_str(),
                        )
                    })
            }
            CrossFinding::GuideIdTaken { .. } | CrossFinding::TitleTaken { .. } => {
                map.nearest(&pointer).value
            }
        };
        let span = never_empty(span);
        out.push(Finding {
            file: file.display.to_path_buf(),
            span,
            pointer,
            rule,
            severity,
            message,
            source_line: shown_line(source, span.start.line),
        });
    }
    out
}

/// Never an empty range: a finding at one position (a syntax error) covers its character, so
/// every reporter (SARIF regions, editors' squiggles) has something to mark.
fn never_empty(span: remedy_core::Span) -> remedy_core::Span {
    if span.end > span.start {
        return span;
    }
    let start = span.start;
    remedy_core::Span {
        start,
        end: Position::new(start.line, start.column.saturating_add(1)),
    }
}

fn finding(
    file: &Path,
    rule: RuleFinding,
    severity: Severity,
    source_line: Option<String>,
) -> Finding {
    Finding {
        file: file.to_path_buf(),
        span: never_empty(rule.span),
        pointer: rule.pointer,
        rule: rule.rule,
        severity,
        message: rule.message,
        source_line,
    }
}

/// What a worker hands back for one file.
struct Analysed<R> {
    /// What the file leaves behind.
    result: FileResult,
    /// Its ids, for the index.
    ids: Option<GuideIds>,
    /// Its guide, rendered for a streaming export.
    rendered: Option<R>,
    /// Its guide title, hashed as `duplicate-title` compares titles.
    title: Option<IdHash>,
}

/// Loads one file, runs the per-file rules on it, and renders its guide for a streaming export.
fn analyse<R>(
    job: Job,
    shared: &Shared<'_>,
    render: &(dyn Fn(&LintedGuide) -> R + Sync),
) -> Analysed<R> {
    let Job {
        path,
        display,
        reported,
        stdin,
    } = job;
    let mut result = FileResult {
        display,
        reported,
        identity: Identity::None,
        extra: None,
        guide: None,
        loaded: false,
    };
    let done = |result, ids| Analysed {
        result,
        ids,
        rendered: None,
        title: None,
    };
    let stem = file_stem(&path).map(IdHash::of);
    let config = shared.config;
    let push = |result: &mut FileResult, rule: RuleFinding, source: Option<&SourceText>| {
        if let Some(severity) = config.severity(rule.rule) {
            let line = source.and_then(|s| shown_line(s, rule.span.start.line));
            let finding = finding(&result.display, rule, severity, line);
            result.extra().findings.push(finding);
        }
    };

    let from_stdin = stdin.is_some();
    let read = match stdin {
        Some(bytes) if bytes.len() as u64 > shared.load.max_file_bytes => {
            Err(ReadError::TooLarge {
                limit: shared.load.max_file_bytes,
            })
        }
        Some(bytes) => SourceText::from_bytes(bytes),
        None => SourceText::read(&path, shared.load.max_file_bytes),
    };
    let source = match read {
        Ok(source) => source,
        Err(error) => {
            result.set_unknown(stem);
            if reported {
                let rule = match &error {
                    ReadError::Io { source, .. } => io_error::finding(format!(
                        "cannot read this file: {}; check that it exists and that you may read it",
                        describe_io(source)
                    )),
                    _ => match yaml_syntax::finding(&LoadError::Read(error)) {
                        Some(rule) => rule,
                        None => return done(result, None),
                    },
                };
                push(&mut result, rule, None);
            }
            return done(result, None);
        }
    };

    let mut document = match yaml::parse(&source, shared.load.yaml) {
        Ok(document) => document,
        Err(error) => {
            result.set_unknown(stem);
            if reported {
                if let Some(rule) = yaml_syntax::finding(&LoadError::Yaml(error.clone())) {
                    let rule = widen(rule, &error, &source);
                    push(&mut result, rule, Some(&source));
                }
                take_directives(&mut result, &source, |_| false);
            }
            return done(result, None);
        }
    };

    // The ids, from the YAML itself: a type error elsewhere does not empty the index.
    let guide_id: Option<Box<str>> = document
        .value
        .get("id")
        .and_then(Value::as_str)
        .map(Into::into);
    let title = document
        .value
        .get("title")
        .and_then(Value::as_str)
        .map(rules::duplicate_title::normalized)
        .filter(|title| !title.is_empty())
        .map(|title| IdHash::of(&title));
    let mut violations = Vec::new();
    let mut guide = None;
    if reported {
        violations = match remedy_core::schema::validate_guide(&document.value) {
            Ok(violations) => violations,
            Err(error) => {
                result.extra().internal = Some(error.to_string());
                return done(result, None);
            }
        };
        // One pass over the map, then a binary search per comment: asking every node for
        // every comment was O(comments × nodes).
        let mut texts: Vec<remedy_core::Span> = document.source_map.text_spans().collect();
        texts.sort_unstable();
        take_directives(&mut result, &source, |at| {
            let before = texts.partition_point(|text| text.start < at);
            before
                .checked_sub(1)
                .and_then(|last| texts.get(last))
                .is_some_and(|text| at < text.end)
        });
        // The typed guide. A document the schema accepts gives the guide its strings instead of
        // copies (the rules after this point read the guide, not the YAML value); otherwise the
        // raw checks still need the value, and the guide is read from it.
        guide = if violations.is_empty() {
            match Guide::deserialize(std::mem::take(&mut document.value)) {
                Ok(guide) => Some(guide),
                Err(_) => {
                    restore_value(&mut document, &source, shared);
                    Guide::deserialize(&document.value).ok()
                }
            }
        } else {
            Guide::deserialize(&document.value).ok()
        };
    }
    let mut ids_repeat = false;
    let local = match &guide_id {
        Some(id) => {
            let declared = duplicate_id::declared_ids(guide.as_ref(), &document.value);
            result.identity = Identity::Guide(IdHash::of(id));
            ids_repeat = duplicate_id::has_repeats(&declared);
            if ids_repeat {
                // The first declaration *in the file* wins: order by position.
                let mut declarations = duplicate_id::declarations(guide.as_ref(), &document.value);
                declarations.sort_by_key(|d| document.source_map.nearest(&d.pointer).value.start);
                GuideIds::new(declarations.iter().map(|d| (d.id.as_str(), d.kind)))
            } else {
                GuideIds::new(declared)
            }
        }
        None => {
            result.set_unknown(stem);
            GuideIds::default()
        }
    };
    if !reported {
        let mut analysed = done(result, guide_id.map(|_| local));
        analysed.title = title;
        return analysed;
    }

    let file = GuideFile {
        path,
        source,
        document,
        violations,
        guide,
    };
    let mut cx = FileContext::new(&file, file_stem(&file.path), &shared.options);
    // Without a guide id the ids were not collected; the rule looks for itself.
    cx.ids_repeat = guide_id.is_some().then_some(ids_repeat);
    cx.content_root = Some(shared.content_root);
    let found = rules::check_file(&cx);
    let dangling_step_on = config.severity(rules::DanglingStep::NAME).is_some();
    let dangling_steps = rules::dangling_step_pointers(&found);
    for rule in &found {
        if dangling_step_on && rules::overlaps_dangling_step(rule, &dangling_steps) {
            continue;
        }
        push(&mut result, rule.clone(), Some(&file.source));
    }
    let GuideFile {
        path,
        source,
        guide,
        document,
        ..
    } = file;
    if let Some(guide) = &guide {
        let dangling_on = config.severity(DanglingReference::NAME).is_some();
        let mut ordinal = 0usize;
        let mut local_failures = Vec::new();
        guide.for_each_reference(|text, expected, pointer| {
            let at = ordinal;
            ordinal += 1;
            let (written_guide, target) = match text.split_once('#') {
                Some((guide, id)) => (Some(guide), id),
                None => (None, text),
            };
            let local_site = expected != Expected::Guide
                && written_guide.is_none_or(|written| Some(written) == guide_id.as_deref());
            if local_site {
                let resolves = local
                    .kind(target)
                    .is_some_and(|kind| expected.accepts(kind));
                if !resolves && dangling_on {
                    // `this-guide#id` is reported as `id`, which is what it resolves as.
                    local_failures.push(ReferenceSite {
                        reference: Reference(target.to_owned()),
                        pointer: pointer(),
                        expected,
                    });
                }
                return;
            }
            // A guide with more references than this is not one a writer wrote; its later
            // references into other guides are left unchecked.
            let Ok(ordinal) = u16::try_from(at) else {
                return;
            };
            let (target, id) = match written_guide {
                Some(written) => (written, IdHash::of(target)),
                None => (text, IdHash(0)),
            };
            result.extra().references.push(Pending {
                guide: IdHash::of(target),
                id,
                file: 0,
                ordinal,
                expected,
            });
        });
        // The document's value went into the typed guide; a link's text is read from it.
        let value = if local_failures.is_empty() {
            Value::Null
        } else {
            serde_json::to_value(guide).unwrap_or_default()
        };
        for site in local_failures {
            if let Some(message) = resolve_locally(&local, &site) {
                let message = if local.kind(site.reference.target()).is_none() {
                    with_nearest_id(message, guide, &site)
                } else {
                    message
                };
                let span = remedy_core::reference_span(
                    &source,
                    &document.source_map,
                    &value,
                    &site.pointer,
                    site.reference.as_str(),
                );
                let rule = RuleFinding {
                    rule: DanglingReference::NAME,
                    span,
                    pointer: site.pointer,
                    message,
                };
                push(&mut result, rule, Some(&source));
            }
        }
    }
    if from_stdin {
        result.extra().stdin = Some(source);
    }
    let mut rendered = None;
    result.loaded = guide.is_some();
    if let Some(guide) = guide {
        let linted = LintedGuide {
            source: source_name(&path, shared.content_root),
            path: result.display.clone(),
            guide,
        };
        rendered = Some(render(&linted));
        if shared.keep_guides {
            result.guide = Some(Box::new(linted));
        }
    }
    Analysed {
        result,
        ids: guide_id.map(|_| local),
        rendered,
        title,
    }
}

/// Parses a file again for the YAML value its typed guide was given.
fn restore_value(document: &mut Document, source: &SourceText, shared: &Shared<'_>) {
    if let Ok(again) = yaml::parse(source, shared.load.yaml) {
        *document = again;
    }
}

/// Reads the suppression comments of a file.
fn take_directives(
    result: &mut FileResult,
    source: &SourceText,
    inside_scalar: impl Fn(Position) -> bool,
) {
    let directives = suppression::directives(source.as_str(), inside_scalar);
    if directives.is_empty() {
        return;
    }
    let extra = result.extra();
    for directive in &directives {
        if let Some(line) = shown_line(source, directive.line) {
            extra.directive_lines.insert(directive.line, line);
        }
    }
    extra.directives = directives;
}

/// The longest source line a finding carries, in bytes.
const MAX_SOURCE_LINE: usize = 4096;

/// The text of a line for a finding to show, or `None` past [`MAX_SOURCE_LINE`]: every finding
/// holds its own copy, so a one-line 10 MB guide with thousands of findings would otherwise hold
/// gigabytes. The finding keeps its position; only the excerpt is left out.
fn shown_line(source: &SourceText, line: u32) -> Option<String> {
    source
        .line(line)
        .filter(|text| text.len() <= MAX_SOURCE_LINE)
        .map(str::to_owned)
}

/// A YAML error is a position; a duplicate key is better shown under the whole key.
fn widen(mut rule: RuleFinding, error: &YamlError, source: &SourceText) -> RuleFinding {
    if let YamlError::DuplicateKey { key, at, .. } = error
        && let Some(line) = source.line(at.line)
    {
        let from = at.column as usize - 1;
        let rest: String = line.chars().skip(from).collect();
        let key_chars = key.chars().count();
        if rest.starts_with(key.as_str()) {
            rule.span.end = Position::new(
                at.line,
                u32::try_from(from + key_chars + 1).unwrap_or(u32::MAX),
            );
        }
    }
    rule
}

/// How findings name a file: relative to `cwd` (normalized) when below it, else under the named path it was
/// found through, as the user wrote that path; else as it is.
fn display_of(path: &Path, cwd: &Path, named: &[(PathBuf, PathBuf)]) -> PathBuf {
    if let Ok(relative) = path.strip_prefix(cwd) {
        if relative.as_os_str().is_empty() {
            return PathBuf::from(".");
        }
        return relative.to_path_buf();
    }
    for (given, resolved) in named {
        if let Ok(rest) = path.strip_prefix(resolved) {
            return if rest.as_os_str().is_empty() {
                given.clone()
            } else {
                given.join(rest)
            };
        }
    }
    path.to_path_buf()
}

/// `source` of an exported guide: the path below the content root with `/`, or the file name.
fn source_name(path: &Path, content_root: &Path) -> String {
    match path.strip_prefix(content_root) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// The file standard input stands for (`--stdin-filename NAME`): an absolute path as it is; a
/// relative one below the working directory, or else below the content root, whichever exists;
/// a bare file name that is neither, the one file of that name under the content root (editors
/// send bare names); else below the working directory, as a new file.
fn resolve_stdin_name(
    name: &Path,
    cwd: &Path,
    content_root: &Path,
    root_files: &[PathBuf],
) -> PathBuf {
    if name.is_absolute() {
        return normalize(name);
    }
    let in_cwd = normalize(&cwd.join(name));
    if in_cwd.is_file() {
        return in_cwd;
    }
    let in_root = normalize(&content_root.join(name));
    if in_root.is_file() {
        return in_root;
    }
    if name.components().count() == 1 {
        let mut same_name = root_files
            .iter()
            .filter(|path| path.file_name() == Some(name.as_os_str()));
        if let (Some(only), None) = (same_name.next(), same_name.next()) {
            return normalize(only);
        }
    }
    in_cwd
}

/// Removes `.` and resolves `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The same file reached twice (by a link, or named and under the content root) is read once.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("./content")), PathBuf::from("content"));
    }

    #[test]
    fn display_paths_are_relative_to_the_working_directory() {
        let named = vec![(PathBuf::from("../x"), PathBuf::from("/w/x"))];
        assert_eq!(
            display_of(
                Path::new("/w/main/content/a.yaml"),
                Path::new("/w/main"),
                &named
            ),
            PathBuf::from("content/a.yaml")
        );
        assert_eq!(
            display_of(Path::new("/w/x/b/a.yaml"), Path::new("/w/main"), &named),
            PathBuf::from("../x/b/a.yaml")
        );
        assert_eq!(
            source_name(Path::new("/w/c/icloud/a.yaml"), Path::new("/w/c")),
            "icloud/a.yaml"
        );
        assert_eq!(
            source_name(Path::new("/elsewhere/a.yaml"), Path::new("/w/c")),
            "a.yaml"
        );
    }
}
