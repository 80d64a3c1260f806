use super::*;

/// Where a finding that may be needed at the end would be: kept from the first pass, so that
/// no file is read and parsed again to word a cross-file finding.
#[derive(Debug, Clone)]
pub(super) struct Place {
    pub(super) span: remedy_core::Span,
    /// The source line a finding shows ([`shown_line`]).
    pub(super) line: Option<String>,
}

impl Place {
    /// The place of the node at `pointer` (or its nearest ancestor).
    pub(super) fn of(source: &SourceText, map: &remedy_core::SourceMap, pointer: &str) -> Self {
        Self::at(source, map.nearest(pointer).value)
    }

    pub(super) fn at(source: &SourceText, span: remedy_core::Span) -> Self {
        let line = shown_line(source, never_empty(span).start.line);
        Self { span, line }
    }
}

/// A reference into another guide, waiting for the index: the reference as written (exact ids,
/// its pointer) and its place, which is all its finding needs.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) site: ReferenceSite,
    pub(super) place: Place,
}

impl Pending {
    /// The guide it points into (for `related`, the guide it names).
    pub(super) fn guide(&self) -> &str {
        match self.site.expected {
            Expected::Guide => self.site.reference.as_str(),
            _ => self.site.reference.guide().unwrap_or_default(),
        }
    }

    /// The id inside that guide; `None` for `related`.
    pub(super) fn id(&self) -> Option<&str> {
        (self.site.expected != Expected::Guide).then(|| self.site.reference.target())
    }
}

/// The ids references into other guides are resolved against: a run's [`GuideTable`], or the
/// index the language server keeps.
pub(super) trait Ids {
    /// As [`IdIndex::lookup`].
    fn lookup(&self, guide: &str, id: Option<&str>, expected: Expected) -> Lookup;
    /// The message for a reference written in guide `from` that does not resolve, or `None`
    /// ([`resolve_across`]).
    fn message(
        &self,
        from: Option<&str>,
        site: &ReferenceSite,
        unknown: &HashSet<Box<str>>,
    ) -> Option<String>;
}

impl Ids for IdIndex {
    fn lookup(&self, guide: &str, id: Option<&str>, expected: Expected) -> Lookup {
        IdIndex::lookup(self, guide, id, expected)
    }

    fn message(
        &self,
        from: Option<&str>,
        site: &ReferenceSite,
        unknown: &HashSet<Box<str>>,
    ) -> Option<String> {
        resolve_across(self, from, site, unknown)
    }
}

impl Ids for GuideTable {
    fn lookup(&self, guide: &str, id: Option<&str>, expected: Expected) -> Lookup {
        GuideTable::lookup(self, guide, id, expected)
    }

    fn message(
        &self,
        from: Option<&str>,
        site: &ReferenceSite,
        unknown: &HashSet<Box<str>>,
    ) -> Option<String> {
        // Only the guide it points into is asked: its ids alone word the message.
        let target = match site.reference.guide() {
            None if site.expected == Expected::Guide => site.reference.as_str(),
            other => other.unwrap_or_default(),
        };
        resolve_across(&self.index_of(target), from, site, unknown)
    }
}

/// Whether a reference into another guide resolves.
pub(super) fn resolves(index: &dyn Ids, reference: &Pending) -> bool {
    index.lookup(reference.guide(), reference.id(), reference.site.expected) == Lookup::Found
}

/// A cross-guide finding, to be written out with what its file kept.
#[derive(Debug, Clone)]
pub(super) enum CrossFinding {
    /// The guide id is also used by this other file.
    GuideIdTaken { other: usize },
    /// This reference does not resolve.
    Dangling(Box<Pending>),
    /// The guide's title is also the title of this earlier file.
    TitleTaken { other: usize },
}

/// The first file with a guide title (its guide id is its result's).
#[derive(Debug, Clone)]
pub(super) struct FirstTitle {
    /// Its index in the results.
    pub(super) at: u32,
    pub(super) reported: bool,
    /// Whether a finding on it already names a later file.
    pub(super) named_other: bool,
}

/// What the map of first titles knows a title by: 128 bits of the BLAKE3 hash of the title
/// (normalized as `duplicate-title` compares titles), 16 bytes where the text took about 60
/// with its allocation. Equal titles always meet; two different titles would have to collide
/// in a cryptographic hash to be taken for one (and would then show as a duplicate, never
/// hide one).
pub(super) type TitleKey = u128;

pub(super) fn title_key(title: &str) -> TitleKey {
    let mut key = [0; 16];
    key.copy_from_slice(&blake3::hash(title.as_bytes()).as_bytes()[..16]);
    TitleKey::from_le_bytes(key)
}

/// What the rounds of files add up to, collected in file order.
pub(super) struct Collector {
    /// The index of every guide's ids, filled as files are done.
    pub(super) index: GuideTable,
    /// References into guides not indexed when their file was collected.
    pub(super) pending: Vec<Waiting>,
    /// Guide ids that a second file has too.
    pub(super) repeated: HashSet<Box<str>>,
    /// Cross-guide findings found so far: (file, finding).
    pub(super) cross: Vec<(usize, CrossFinding)>,
    /// The first file with each guide title (hashed as `duplicate-title` compares them), when
    /// that rule is on.
    pub(super) titles: Option<HashMap<TitleKey, FirstTitle>>,
    pub(super) results: Vec<FileResult>,
    pub(super) dangling_on: bool,
    /// The index cache this run writes, an entry at a time as files are collected.
    pub(super) index_out: Option<cache::EntryWriter>,
    /// A whole-root lint's findings cache, written likewise.
    pub(super) findings_out: Option<cache::EntryWriter>,
    /// Whether an index entry differs from the cache read (the file must be written again).
    pub(super) index_changed: bool,
    /// Whether a findings entry does.
    pub(super) findings_changed: bool,
    /// Each linted file's `/id` and title places, kept compactly until the end.
    pub(super) kept: Kept,
    /// Whether every file is linted (none only feeds the index).
    pub(super) all_reported: bool,
}

impl Collector {
    /// Takes one round's files: their exports go to `sink`, their ids into the index.
    ///
    /// What the run keeps of a file is copied here, and the round's own blocks are handed back
    /// (the round, emptied of what was kept) for a worker to free. A block a worker allocated
    /// and this thread freed went into this thread's cache of free blocks (glibc's tcache),
    /// from which this thread's next allocation of that size came: an index entry or guide id
    /// kept to the end then sat in the worker's heap, among the blocks of every file it had
    /// analysed, and held its pages (2–3 MB more resident memory a worker at 10,000 guides).
    pub(super) fn collect<R>(
        &mut self,
        mut done: Vec<Analysed<R>>,
        sink: &mut (dyn FnMut(R) + Send),
    ) -> Result<Vec<Analysed<R>>, LintError> {
        for analysed in &mut done {
            if let Some(out) = &mut self.findings_out {
                match &analysed.lint {
                    Some(Lint::New(lint)) => {
                        out.push(&**lint);
                        self.findings_changed = true;
                    }
                    Some(Lint::Kept(line)) => out.push_line(line),
                    None => {}
                }
            }
            if let Some(out) = &mut self.index_out {
                match &analysed.index {
                    Some(Fresh::New(entry)) => {
                        out.push(entry);
                        self.index_changed = true;
                    }
                    Some(Fresh::Same(line)) => out.push_line(line),
                    None => {}
                }
            }
            if let Some(rendered) = analysed.rendered.take() {
                sink(rendered);
            }
            let found = &mut analysed.result;
            let mut result = FileResult {
                // Made by the plan, on this thread.
                display: std::mem::take(&mut found.display),
                reported: found.reported,
                identity: found.identity.clone(),
                extra: None,
                guide: found.guide.take(),
                loaded: found.loaded,
                kept: None,
            };
            // Whether this file's title or guide id is an earlier file's too: its finding then
            // needs its place at the end.
            let mut title_taken = false;
            let mut id_taken = false;
            if let (Some(titles), Some(title)) = (&mut self.titles, analysed.title.as_deref()) {
                let at = self.results.len();
                let guide = result.guide_id();
                let guide_of = |first: &FirstTitle| {
                    self.results
                        .get(first.at as usize)
                        .and_then(FileResult::guide_id)
                };
                let key = title_key(title);
                match titles.get_mut(&key) {
                    // Two files of one guide id are `duplicate-id` already.
                    Some(first) if guide.is_some() && guide == guide_of(first) => {}
                    // The later file names the first; a first file linted alone names the later
                    // one, once, when the later one is not linted (only some files are).
                    Some(first) if result.reported => {
                        title_taken = true;
                        self.cross.push((
                            at,
                            CrossFinding::TitleTaken {
                                other: first.at as usize,
                            },
                        ));
                    }
                    Some(first) if first.reported && !first.named_other => {
                        first.named_other = true;
                        self.cross
                            .push((first.at as usize, CrossFinding::TitleTaken { other: at }));
                    }
                    Some(_) => {}
                    None => {
                        titles.insert(
                            key,
                            FirstTitle {
                                at: u32::try_from(at).unwrap_or(u32::MAX),
                                reported: result.reported,
                                named_other: false,
                            },
                        );
                    }
                }
            }
            if let (Some(guide), Some(ids)) = (result.guide_id(), &analysed.ids)
                && let Some(Err(_)) = self.index.insert(guide, ids)
            {
                // A second file with this guide id: reported at the end.
                self.repeated.insert(guide.into());
                id_taken = true;
            }
            if let Some(extra) = &mut found.extra {
                if let Some(internal) = extra.internal.take() {
                    return Err(LintError::Internal(internal));
                }
                // Kept compactly. When every file is linted, only a later file of a guide id
                // or title names an earlier one, and only when it comes: the places of the
                // others are never asked for.
                let mut id_place = extra.id_place.as_ref();
                let mut title = extra.title.as_ref();
                if self.all_reported {
                    id_place = id_place.filter(|_| id_taken);
                    title = title.filter(|_| title_taken);
                }
                result.kept = self.kept.keep(result.guide_id(), id_place, title);
                let at = self.results.len();
                let file = u32::try_from(at).unwrap_or(u32::MAX);
                for reference in &extra.references {
                    // Into a guide already indexed: resolved now, so that only references to
                    // guides still to come wait (about half of them, in a linked corpus).
                    if self.index.contains(reference.guide()) {
                        if !resolves(&self.index, reference) && self.dangling_on {
                            let reference = Box::new(reference.clone());
                            self.cross.push((at, CrossFinding::Dangling(reference)));
                        }
                    } else {
                        self.pending.push(self.kept.wait(reference, file));
                    }
                }
                // What the report needs of the file at the end: its findings and suppression
                // comments, which only a file with findings has.
                if !extra.findings.is_empty() || !extra.directives.is_empty() {
                    result.extra = Some(Box::new(FileExtra {
                        findings: std::mem::take(&mut extra.findings),
                        directives: std::mem::take(&mut extra.directives),
                        directive_lines: std::mem::take(&mut extra.directive_lines),
                        ..FileExtra::default()
                    }));
                }
            }
            self.results.push(result);
        }
        // References that waited for a guide indexed since: resolved now, so that only those
        // into guides still to come are held (the memory of a linked corpus grew with them).
        if !self.pending.is_empty() {
            let mut waiting = Vec::new();
            for reference in std::mem::take(&mut self.pending) {
                if !self.index.contains(reference.guide()) {
                    waiting.push(reference);
                } else if !reference.resolves(&self.index) && self.dangling_on {
                    let file = reference.file as usize;
                    let reference = Box::new(self.kept.unwait(reference));
                    self.cross.push((file, CrossFinding::Dangling(reference)));
                }
            }
            self.pending = waiting;
        }
        Ok(done)
    }
}

/// The message for a reference inside its own guide, written without its guide (`ID`), that
/// does not resolve, or `None`.
pub(super) fn resolve_locally(local: &GuideIds, site: &ReferenceSite) -> Option<String> {
    let resolution = IdIndex::default().resolve(local, site);
    if resolution == Resolution::Found {
        return None;
    }
    dangling_reference::message(site, &resolution)
}

/// The message for a reference into another guide (or to a guide) that does not resolve, or
/// `None`.
pub(super) fn resolve_across(
    index: &IdIndex,
    from: Option<&str>,
    site: &ReferenceSite,
    unknown: &HashSet<Box<str>>,
) -> Option<String> {
    let target_guide = match site.reference.guide() {
        None if site.expected == Expected::Guide => Some(site.reference.as_str()),
        other => other,
    };
    if let Some(target) = target_guide
        && Some(target) != from
        && unknown.contains(target)
    {
        return None;
    }
    let resolution = index.resolve(&GuideIds::default(), site);
    if resolution == Resolution::Found {
        return None;
    }
    dangling_reference::message(site, &resolution)
}

/// A file with cross-guide findings, and what its first pass kept for them.
pub(super) struct CrossFile<'a> {
    pub(super) display: &'a Path,
    /// Its guide id.
    pub(super) own: Option<&'a str>,
    /// Where its guide id is.
    pub(super) id_place: Option<Place>,
    /// Its title as written, and where it is.
    pub(super) title: Option<(Box<str>, Place)>,
}

/// Writes out a file's cross-guide findings from what its first pass kept: exact ids, pointers,
/// places and source lines, never the file read again.
pub(super) fn cross_file_findings(
    file: CrossFile<'_>,
    found: Vec<CrossFinding>,
    other_display: impl Fn(usize) -> PathBuf,
    (index, unknown): (&dyn Ids, &HashSet<Box<str>>),
    config: &Config,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for found in found {
        let (rule, pointer, message, place) = match found {
            CrossFinding::GuideIdTaken { other } => {
                let (Some(own), Some(place)) = (file.own, file.id_place.clone()) else {
                    continue;
                };
                let message = duplicate_id::guide_message(own, &other_display(other));
                (DuplicateId::ID, "/id".to_owned(), message, place)
            }
            CrossFinding::Dangling(pending) => {
                let Pending { site, place, .. } = *pending;
                let Some(message) = index.message(file.own, &site, unknown) else {
                    continue;
                };
                (DanglingReference::ID, site.pointer, message, place)
            }
            CrossFinding::TitleTaken { other } => {
                let Some((title, place)) = file.title.clone() else {
                    continue;
                };
                let message = rules::duplicate_title::guide_message(&title, &other_display(other));
                (
                    rules::DuplicateTitle::ID,
                    "/title".to_owned(),
                    message,
                    place,
                )
            }
        };
        let Some(severity) = config.severity(rule) else {
            continue;
        };
        out.push(Finding {
            file: file.display.to_path_buf(),
            span: never_empty(place.span),
            pointer,
            rule: rule.name(),
            severity,
            message,
            source_line: place.line,
        });
    }
    out
}

/// What the end of a run found across guides, with the files' results.
pub(super) struct CrossGuide {
    pub(super) results: Vec<FileResult>,
    /// By file, in file order.
    pub(super) findings: Vec<(usize, Vec<Finding>)>,
    /// References into guides that could not be checked (no content root).
    pub(super) unchecked: usize,
}

/// The cross-guide findings, by file in file order: a guide id used by several files, and
/// references into other guides that do not resolve (with those `collect` found on the way).
///
/// Without a content root (`root_missing`: the folder does not exist) only the files named
/// were indexed, so a reference into any other guide cannot be told dangling: it is counted
/// as not checked (the third value), never reported. One into a guide that was linted is
/// checked as ever.
pub(super) fn cross_guide_findings(
    collector: Collector,
    shared: &Shared<'_>,
    root_missing: bool,
) -> CrossGuide {
    let config = shared.config;
    let dangling_on = collector.dangling_on;
    let Collector {
        index,
        pending,
        repeated,
        mut cross,
        results,
        kept,
        ..
    } = collector;

    let mut holders: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, result) in results.iter().enumerate() {
        if let Some(guide) = result.guide_id().filter(|guide| repeated.contains(*guide)) {
            holders.entry(guide).or_default().push(i);
        }
    }
    let unknown: HashSet<Box<str>> = results
        .iter()
        .filter_map(FileResult::unknown)
        .filter(|stem| !index.contains(stem))
        .map(Into::into)
        .collect();
    if config.severity(DuplicateId::ID).is_some() {
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
    let mut unchecked = 0;
    if dangling_on {
        for item in pending {
            let file = item.file as usize;
            let from = results.get(file).and_then(FileResult::guide_id);
            if Some(item.guide()) != from && unknown.contains(item.guide()) {
                continue;
            }
            if root_missing && !index.contains(item.guide()) {
                unchecked += 1;
                continue;
            }
            if !item.resolves(&index) {
                cross.push((file, CrossFinding::Dangling(Box::new(kept.unwait(item)))));
            }
        }
    }
    cross.sort_by_key(|(file, _)| *file);
    // By file, in file order, for the few files that have any.
    let mut cross_findings: Vec<(usize, Vec<Finding>)> = Vec::new();
    let mut cross = cross.into_iter().peekable();
    while let Some((file, first)) = cross.next() {
        let mut kinds = vec![first];
        while let Some((_, next)) = cross.next_if(|(other, _)| *other == file) {
            kinds.push(next);
        }
        let result = &results[file];
        let findings = cross_file_findings(
            CrossFile {
                display: &result.display,
                own: result.guide_id(),
                id_place: kept.id_place(result.kept, result.guide_id()),
                title: kept.title(result.kept),
            },
            kinds,
            |other| results[other].display.clone(),
            (&index, &unknown),
            shared.config,
        );
        cross_findings.push((file, findings));
    }
    CrossGuide {
        results,
        findings: cross_findings,
        unchecked,
    }
}
