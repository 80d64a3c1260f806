use super::*;

/// What one file leaves behind once its document is dropped: for a clean file of a large
/// corpus, its display name and two hashes (its ids went into the index).
#[derive(Debug)]
pub(super) struct FileResult {
    pub(super) display: PathBuf,
    pub(super) reported: bool,
    /// The guide's id, or the stem of a file whose ids are unknown.
    pub(super) identity: Identity,
    /// Findings, suppressions and references into other guides: boxed, as most files of a
    /// large corpus have none of them.
    pub(super) extra: Option<Box<FileExtra>>,
    pub(super) guide: Option<Box<LintedGuide>>,
    /// Whether the file held a typed guide (an export can use it).
    pub(super) loaded: bool,
    /// Its number in the collector's [`Kept`] places, once collected.
    pub(super) kept: Option<u32>,
}

#[derive(Debug, Default)]
pub(super) struct FileExtra {
    /// Per-file findings, positioned, before suppression.
    pub(super) findings: Vec<Finding>,
    pub(super) directives: Vec<Directive>,
    /// The text of each line that holds a suppression comment.
    pub(super) directive_lines: HashMap<u32, String>,
    pub(super) references: Vec<Pending>,
    /// Where the guide id is, for `duplicate-id` across files.
    pub(super) id_place: Option<Place>,
    /// The title as written and where it is, for `duplicate-title` (when it is on).
    pub(super) title: Option<(Box<str>, Place)>,
    /// A bug in remedy met while linting this file.
    pub(super) internal: Option<String>,
}

/// What the index knows a file by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Identity {
    /// Its guide id.
    Guide(Box<str>),
    /// The file's stem, when its ids are unknown (it does not load): references into it are not
    /// checked, so that one broken file does not turn every link to it into a finding.
    Unknown(Box<str>),
    /// Neither (a file named without a stem).
    None,
}

impl FileResult {
    pub(super) fn extra(&mut self) -> &mut FileExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    pub(super) fn guide_id(&self) -> Option<&str> {
        match &self.identity {
            Identity::Guide(id) => Some(id),
            _ => None,
        }
    }

    pub(super) fn unknown(&self) -> Option<&str> {
        match &self.identity {
            Identity::Unknown(stem) => Some(stem),
            _ => None,
        }
    }

    pub(super) fn set_unknown(&mut self, stem: Option<Box<str>>) {
        self.identity = stem.map_or(Identity::None, Identity::Unknown);
    }
}

impl FileExtra {
    pub(super) fn is_empty(&self) -> bool {
        self.findings.is_empty()
            && self.directives.is_empty()
            && self.references.is_empty()
            && self.id_place.is_none()
            && self.title.is_none()
            && self.internal.is_none()
    }
}

/// What every file job shares.
pub(super) struct Shared<'a> {
    pub(super) config: &'a Config,
    pub(super) options: RuleOptions,
    pub(super) load: LoadOptions,
    pub(super) keep_guides: bool,
    pub(super) content_root: &'a Path,
    /// Whether the cache is on (each job brings its entries, [`reuse::FromCache`]).
    pub(super) cache: bool,
    /// Whether this run lints the whole root with the cache on, and keeps files' findings.
    pub(super) findings: bool,
    /// The run's clock, by which a file's stat is [`cache::settled`].
    pub(super) clock: Option<i64>,
}

/// A whole-root lint's findings entry for one file.
pub(super) enum Lint {
    /// The cache's entry was used (the file is unchanged): its line.
    Kept(String),
    /// Made by this run (boxed: most results carry none, or a line).
    New(Box<crate::cache::FindingsEntry>),
}

/// A dangling local reference's message with "did you mean …?": the guide's id of the kind
/// the reference needs that is nearest to the one written, when one is close.
pub(super) fn with_nearest_id(message: String, guide: &Guide, site: &ReferenceSite) -> String {
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

/// What a worker hands back for one file.
pub(super) struct Analysed<R> {
    /// What the file leaves behind.
    pub(super) result: FileResult,
    /// Its ids, for the index.
    pub(super) ids: Option<GuideIds>,
    /// Its guide, rendered for a streaming export.
    pub(super) rendered: Option<R>,
    /// Its guide title, normalized as `duplicate-title` compares titles.
    pub(super) title: Option<Box<str>>,
    /// What it contributes to the index, for the cache to keep.
    pub(super) index: Option<Fresh<IndexEntry>>,
    /// Its own findings, for a whole-root lint's cache.
    pub(super) lint: Option<Lint>,
}

/// Loads one file, runs the per-file rules on it, and renders its guide for a streaming export.
pub(super) fn analyse<R>(
    job: Job,
    shared: &Shared<'_>,
    render: &(dyn Fn(&LintedGuide) -> R + Sync),
) -> Analysed<R> {
    let Job {
        path,
        display,
        reported,
        stdin,
        stat,
        cache: from_cache,
    } = job;
    let mut from_cache = from_cache.map(|cached| cached.parse()).unwrap_or_default();
    let mut result = FileResult {
        display,
        reported,
        identity: Identity::None,
        extra: None,
        guide: None,
        loaded: false,
        kept: None,
    };
    let done = |result, ids| Analysed {
        result,
        ids,
        rendered: None,
        title: None,
        index: None,
        lint: None,
    };
    let from_stdin = stdin.is_some();
    let stem: Option<Box<str>> = file_stem(&path).map(Into::into);
    // Standard input is not a file of the content root as it is on disk: never cached.
    let cache_path = (shared.cache && !from_stdin).then(|| path.to_string_lossy().into_owned());
    let index_out = |entry: Option<IndexEntry>, read: Option<cache::Cached<IndexEntry>>| {
        let path = cache_path.as_deref()?;
        Some(reuse::index_out(entry?, path, stat, shared.clock, read))
    };
    // The file's own findings are kept, and looked up, by a whole-root lint only.
    let lint_path = cache_path.clone().filter(|_| reported && shared.findings);
    let config = shared.config;
    let push = |result: &mut FileResult, rule: RuleFinding, source: Option<&SourceText>| {
        if let Some(severity) = config.severity(rule.rule) {
            let line = source.and_then(|s| shown_line(s, rule.span.start.line));
            let finding = finding(&result.display, rule, severity, line);
            result.extra().findings.push(finding);
        }
    };

    // The core's pipeline, stage by stage: the lint reads the raw document (ids, title,
    // comments) between the parse and the schema, and only linted files go further.
    let read_failed = |mut result: FileResult, error: ReadError| {
        result.set_unknown(stem.clone());
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
        done(result, None)
    };
    // A file only the index needs whose stat is the one its entry was made with: what it gave
    // the index last time, without reading it (git trusts its index so).
    let stat_holds = from_cache
        .index
        .as_ref()
        .is_some_and(|read| cache_path.is_some() && cache::unchanged(&read.entry, stat));
    if !reported
        && stat_holds
        && let Some(read) = from_cache.index.take()
    {
        return reuse::index_hit(read, stat, shared.clock, result, stem);
    }
    let bytes = match read_bytes(&path, stdin, &shared.load) {
        Ok(bytes) => bytes,
        Err(error) => return read_failed(result, error),
    };

    // The key of a file trusted by its stat is its entry's: it is not hashed again.
    let key = cache_path.as_ref().map(|_| match &from_cache.index {
        Some(read) if stat_holds => read.entry.key.clone(),
        _ => cache::key(stem.as_deref(), &bytes),
    });
    if !reported
        && let Some(key) = &key
        && let Some(read) = from_cache.index.take_if(|read| read.entry.key == *key)
    {
        // The same bytes under the same name as last time: what they gave the index then,
        // without decoding them.
        return reuse::index_hit(read, stat, shared.clock, result, stem);
    }
    // A file only the index needs: its ids from the parser's events, when they say for
    // certain what the full load would.
    if !reported
        && let Ok(text) = std::str::from_utf8(&bytes)
        && let Some(scanned) = scan::scan(text.strip_prefix('\u{feff}').unwrap_or(text))
    {
        let mut analysed = done(result, None);
        let read = from_cache.index.take();
        let (guide_id, title, ids) = match scanned {
            scan::Scanned::Broken => (None, None, Vec::new()),
            scan::Scanned::Parsed {
                guide_id,
                title,
                ids,
            } => (guide_id, title, ids),
        };
        let local = match &guide_id {
            Some(id) => {
                analysed.result.identity = Identity::Guide(id.as_str().into());
                GuideIds::new(ids.iter().map(|(id, kind)| (id.as_str(), *kind)))
            }
            None => {
                analysed.result.set_unknown(stem.clone());
                GuideIds::default()
            }
        };
        analysed.index = index_out(
            key.and_then(|key| IndexEntry::new(key, guide_id.as_deref(), &local, title.as_deref())),
            read,
        );
        analysed.ids = guide_id.map(|_| local);
        analysed.title = title.map(Into::into);
        return analysed;
    }
    let source = match SourceText::from_bytes(bytes) {
        Ok(source) => source,
        Err(error) => return read_failed(result, error),
    };
    if let (Some(key), Some(lint_path)) = (&key, &lint_path)
        && let Some(cache::Cached {
            entry: lint,
            line: lint_line,
        }) = from_cache.findings.take()
        && lint.key == *key
        && lint.path == *lint_path
        && shared
            .options
            .today
            .is_none_or(|today| lint.days[0] <= today && today <= lint.days[1])
        && let Some(read) = from_cache.index.take_if(|read| read.entry.key == *key)
        && let Some((extra, loaded)) =
            reuse::extra_of(lint, &source, &path, &result.display, shared)
    {
        // The same bytes at the same place, under the same settings, on a day the date rules
        // say the same: the findings of last time, neither parsed nor checked.
        result.loaded = loaded;
        if !extra.is_empty() {
            result.extra = Some(Box::new(extra));
        }
        let mut analysed = reuse::index_hit(read, stat, shared.clock, result, stem);
        analysed.lint = Some(Lint::Kept(lint_line));
        return analysed;
    }

    let parsed = match parse_text(path, source, &shared.load) {
        Ok(parsed) => parsed,
        Err(ParseFailure { source, error }) => {
            result.set_unknown(stem.clone());
            let entry = key.and_then(|key| IndexEntry::new(key, None, &GuideIds::default(), None));
            if reported {
                if let Some(rule) = yaml_syntax::finding(&LoadError::Yaml(error.clone())) {
                    let rule = widen(rule, &error, &source);
                    push(&mut result, rule, Some(&source));
                }
                take_directives(&mut result, &source, |_| false);
            }
            let mut analysed = done(result, None);
            analysed.lint = entry.as_ref().zip(lint_path).and_then(|(entry, path)| {
                reuse::entry_of(
                    entry.key.clone(),
                    path,
                    &analysed.result,
                    [i64::MIN, i64::MAX],
                    Vec::new(),
                )
                .map(|entry| Lint::New(Box::new(entry)))
            });
            analysed.index = index_out(entry, from_cache.index.take());
            return analysed;
        }
    };

    // The ids, from the YAML itself: a type error elsewhere does not empty the index.
    let value = &parsed.document.value;
    let guide_id: Option<Box<str>> = value.get("id").and_then(Value::as_str).map(Into::into);
    let title = value
        .get("title")
        .and_then(Value::as_str)
        .map(rules::duplicate_title::normalized)
        .filter(|title| !title.is_empty())
        .map(String::into_boxed_str);
    let map = &parsed.document.source_map;
    if reported && guide_id.is_some() {
        result.extra().id_place = Some(Place::of(&parsed.source, map, "/id"));
    }
    if reported
        && title.is_some()
        && config.severity(rules::DuplicateTitle::ID).is_some()
        && let Some(written) = value.get("title").and_then(Value::as_str)
    {
        let place = Place::of(&parsed.source, map, "/title");
        result.extra().title = Some((written.into(), place));
    }
    let file = if reported {
        // One pass over the map, then a binary search per comment: asking every node for
        // every comment was O(comments × nodes). The pass is made only for a file with a
        // `# remedy:` comment: collecting and sorting every text's span for each file was 1%
        // of a lint, and most files have none.
        let texts = std::cell::OnceCell::new();
        take_directives(&mut result, &parsed.source, |at| {
            let texts: &Vec<remedy_core::Span> = texts.get_or_init(|| {
                let mut texts: Vec<remedy_core::Span> = map.text_spans().collect();
                texts.sort_unstable();
                texts
            });
            let before = texts.partition_point(|text| text.start < at);
            before
                .checked_sub(1)
                .and_then(|last| texts.get(last))
                .is_some_and(|text| at < text.end)
        });
        // The rules after this point read the typed guide, not the YAML value, when the schema
        // accepts the document: the guide takes its strings instead of copies.
        match parsed.check(GuideValue::GiveToGuide, &shared.load) {
            Ok(file) => file,
            Err(error) => {
                result.extra().internal = Some(error.to_string());
                return done(result, None);
            }
        }
    } else {
        parsed.unchecked()
    };
    let mut ids_repeat = false;
    let local = match &guide_id {
        Some(id) => {
            let declared = duplicate_id::declared_ids(file.guide.as_ref(), &file.document.value);
            result.identity = Identity::Guide(id.clone());
            ids_repeat = duplicate_id::has_repeats(&declared);
            if ids_repeat {
                // The first declaration *in the file* wins: order by position.
                let mut declarations =
                    duplicate_id::declarations(file.guide.as_ref(), &file.document.value);
                let map = &file.document.source_map;
                declarations.sort_by_key(|d| map.nearest(&d.pointer).value.start);
                GuideIds::new(declarations.iter().map(|d| (d.id.as_str(), d.kind)))
            } else {
                GuideIds::new(declared)
            }
        }
        None => {
            result.set_unknown(stem.clone());
            GuideIds::default()
        }
    };
    let entry =
        key.and_then(|key| IndexEntry::new(key, guide_id.as_deref(), &local, title.as_deref()));
    if !reported {
        let mut analysed = done(result, guide_id.map(|_| local));
        analysed.title = title;
        analysed.index = index_out(entry, from_cache.index.take());
        return analysed;
    }

    let mut cx = FileContext::new(&file, file_stem(&file.path), &shared.options);
    // Without a guide id the ids were not collected; the rule looks for itself.
    cx.ids_repeat = guide_id.is_some().then_some(ids_repeat);
    cx.content_root = Some(shared.content_root);
    let found = rules::check_file(&cx);
    let dangling_step_on = config.severity(rules::DanglingStep::ID).is_some();
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
        let dangling_on = config.severity(DanglingReference::ID).is_some();
        let mut local_failures = Vec::new();
        guide.for_each_reference_within(|text, expected, pointer, within| {
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
            // What a finding needs is kept now, so that the file is never read again.
            let pointer = pointer();
            let span = remedy_core::reference_span_within(
                &source,
                &document.source_map,
                within,
                &pointer,
                text,
            );
            result.extra().references.push(Pending {
                site: ReferenceSite {
                    reference: Reference(text.to_owned()),
                    pointer,
                    expected,
                },
                place: Place::at(&source, span),
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
                    rule: DanglingReference::ID,
                    span,
                    pointer: site.pointer,
                    message,
                };
                push(&mut result, rule, Some(&source));
            }
        }
    }
    let mut rendered = None;
    result.loaded = guide.is_some();
    let lint_facts = lint_path.map(|path| {
        let images = guide
            .as_ref()
            .map(|guide| reuse::images_of(guide, &document.source_map))
            .unwrap_or_default();
        (
            path,
            reuse::days_of(guide.as_ref(), &shared.options),
            images,
        )
    });
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
    let lint = entry
        .as_ref()
        .zip(lint_facts)
        .and_then(|(entry, (path, days, images))| {
            reuse::entry_of(entry.key.clone(), path, &result, days, images)
        })
        .map(|entry| Lint::New(Box::new(entry)));
    // A linted file is always analysed; its entry is new only when the cache's differs.
    let index = index_out(entry, from_cache.index.take());
    Analysed {
        result,
        ids: guide_id.map(|_| local),
        rendered,
        title,
        index,
        lint,
    }
}

/// Reads the suppression comments of a file.
pub(super) fn take_directives(
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
pub(super) const MAX_SOURCE_LINE: usize = 4096;

/// The text of a line for a finding to show, or `None` past [`MAX_SOURCE_LINE`]: every finding
/// holds its own copy, so a one-line 10 MB guide with thousands of findings would otherwise hold
/// gigabytes. The finding keeps its position; only the excerpt is left out.
pub(super) fn shown_line(source: &SourceText, line: u32) -> Option<String> {
    source
        .line(line)
        .filter(|text| text.len() <= MAX_SOURCE_LINE)
        .map(str::to_owned)
}

/// A YAML error is a position; a duplicate key is better shown under the whole key.
pub(super) fn widen(mut rule: RuleFinding, error: &YamlError, source: &SourceText) -> RuleFinding {
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
