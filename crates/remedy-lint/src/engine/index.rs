use super::*;

/// A reference into another guide, waiting for the index: the exact ids and the reference's
/// place in [`Guide::references`]; a finding's pointer and position are read again from the file
/// in the rare case one does not resolve.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    /// The guide it points into (for `related`, the guide it names).
    pub(super) guide: Box<str>,
    /// The id inside that guide; unused for `related` (`Expected::Guide`).
    pub(super) id: Option<Box<str>>,
    /// The index of the file in the results (set once the file is done).
    pub(super) file: u32,
    /// Its index in the guide's [`Guide::references`].
    pub(super) ordinal: u32,
    pub(super) expected: Expected,
}

/// Whether a reference into another guide resolves.
pub(super) fn resolves(index: &IdIndex, reference: &Pending) -> bool {
    let id = reference
        .id
        .as_deref()
        .filter(|_| reference.expected != Expected::Guide);
    index.lookup(&reference.guide, id, reference.expected) == Lookup::Found
}

/// A cross-guide finding found from hashes, to be written out once its file is read again.
#[derive(Debug, Clone, Copy)]
pub(super) enum CrossFinding {
    /// The guide id is also used by this other file.
    GuideIdTaken { other: usize },
    /// This reference (by its index in [`Guide::references`]) does not resolve.
    Dangling { ordinal: u32 },
    /// The guide's title is also the title of this earlier file.
    TitleTaken { other: usize },
}

/// The first file with a guide title.
#[derive(Debug, Clone)]
pub(super) struct FirstTitle {
    /// Its index in the results.
    pub(super) at: usize,
    pub(super) guide: Option<Box<str>>,
    pub(super) reported: bool,
    /// Whether a finding on it already names a later file.
    pub(super) named_other: bool,
}

/// What the rounds of files add up to, collected in file order.
pub(super) struct Collector {
    /// The index of every guide's ids, filled as files are done.
    pub(super) index: IdIndex,
    /// References into guides not indexed when their file was collected.
    pub(super) pending: Vec<Pending>,
    /// Guide ids that a second file has too.
    pub(super) repeated: HashSet<Box<str>>,
    /// Cross-guide findings found so far: (file, finding).
    pub(super) cross: Vec<(usize, CrossFinding)>,
    /// The first file with each guide title (hashed as `duplicate-title` compares them), when
    /// that rule is on.
    pub(super) titles: Option<HashMap<Box<str>, FirstTitle>>,
    pub(super) results: Vec<FileResult>,
    pub(super) dangling_on: bool,
}

impl Collector {
    /// Takes one round's files: their exports go to `sink`, their ids into the index.
    pub(super) fn collect<R>(
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
                let guide = result.guide_id().map(Box::<str>::from);
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
                && !self.index.insert(guide, ids)
            {
                // A second file with this guide id: reported at the end.
                self.repeated.insert(guide.into());
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
                    if self.index.contains(&reference.guide) {
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

/// A file with cross-guide findings, to be read again.
pub(super) struct CrossFile<'a> {
    pub(super) display: &'a Path,
    pub(super) stdin: Option<&'a SourceText>,
    pub(super) cwd: &'a Path,
}

/// Writes out a file's cross-guide findings: the file is read and parsed again for the texts,
/// pointers, positions and source lines that were not kept for every file in case one is
/// needed. A file that changed in the meantime gets a finding that says so.
pub(super) fn cross_file_findings(
    file: CrossFile<'_>,
    found: &[CrossFinding],
    other_display: impl Fn(usize) -> PathBuf,
    (index, unknown): (&IdIndex, &HashSet<Box<str>>),
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
            .severity(io_error::IoError::ID)
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
                (DuplicateId::ID, "/id".to_owned(), message)
            }
            CrossFinding::Dangling { ordinal } => {
                let Some(site) = references.get(ordinal as usize) else {
                    continue;
                };
                let from = own;
                let Some(message) = resolve_across(index, from, site, unknown) else {
                    continue;
                };
                (DanglingReference::ID, site.pointer.clone(), message)
            }
            CrossFinding::TitleTaken { other } => {
                let Some(title) = document.value.get("title").and_then(Value::as_str) else {
                    continue;
                };
                let message = rules::duplicate_title::guide_message(title, &other_display(other));
                (rules::DuplicateTitle::ID, "/title".to_owned(), message)
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
            rule: rule.name(),
            severity,
            message,
            source_line: shown_line(source, span.start.line),
        });
    }
    out
}

/// The cross-guide findings, by file in file order: a guide id used by several files, and
/// references into other guides that do not resolve (with those `collect` found on the way).
pub(super) fn cross_guide_findings(
    collector: Collector,
    cwd: &Path,
    shared: &Shared<'_>,
) -> (Vec<FileResult>, Vec<(usize, Vec<Finding>)>) {
    let config = shared.config;
    let dangling_on = collector.dangling_on;
    let Collector {
        index,
        pending,
        repeated,
        mut cross,
        results,
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
    if dangling_on {
        for item in &pending {
            let file = item.file as usize;
            let from = results.get(file).and_then(FileResult::guide_id);
            if Some(&*item.guide) != from && unknown.contains(&item.guide) {
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
            shared,
        );
        cross_findings.push((file, findings));
    }
    (results, cross_findings)
}
