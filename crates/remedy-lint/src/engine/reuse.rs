//! The findings cache of a whole-root lint: what a file's own checks found, kept so that an
//! unchanged file is neither parsed nor checked again, and given back exactly as they were
//! found. Cross-guide findings are never kept: they are worked out from the index every run.

use sha2::{Digest, Sha256};

use super::*;
use crate::cache::{
    Cached, CachedDirective, CachedFinding, CachedImage, CachedReference, CachedSpan, EntryReader,
    FindingsEntry, Line,
};
use crate::rules::MissingImage;
use crate::suppression::SuppressedRule;

/// A file's lines in the last run's cache files, given to it before its round.
#[derive(Debug, Default)]
pub(super) struct FromCache {
    pub(super) index: Option<Line>,
    pub(super) findings: Option<Line>,
}

impl FromCache {
    /// The entries, parsed on the worker that analyses the file; an entry remedy could not have
    /// written is none.
    pub(super) fn parse(self) -> Entries {
        Entries {
            index: self.index.and_then(Line::parse),
            findings: self.findings.and_then(Line::parse),
        }
    }
}

/// A file's entries in the last run's cache files.
#[derive(Debug, Default)]
pub(super) struct Entries {
    pub(super) index: Option<Cached<IndexEntry>>,
    pub(super) findings: Option<Cached<FindingsEntry>>,
}

/// The last run's cache files, read as the run goes.
#[derive(Default)]
pub(super) struct CacheIn {
    pub(super) index: Option<EntryReader>,
    pub(super) findings: Option<EntryReader>,
}

impl CacheIn {
    /// Gives each file of a round its entries, read in the order of the files (the order the
    /// last run wrote them in), so that only a round's entries are held at a time.
    pub(super) fn give(&mut self, jobs: &mut [Job]) {
        for job in jobs.iter_mut().filter(|job| job.stdin.is_none()) {
            let index = self.index.as_mut().and_then(|read| read.take(&job.path));
            let findings = self.findings.as_mut().and_then(|read| read.take(&job.path));
            if index.is_some() || findings.is_some() {
                job.cache = Some(Box::new(FromCache { index, findings }));
            }
        }
    }
}

/// The index entry this run writes for the file at `path` from `entry` (made by this run, or
/// the cache's): with the stat the file was read with when it is [`cache::settled`]; the line
/// `read` when nothing of it changed.
pub(super) fn index_out(
    mut entry: IndexEntry,
    path: &str,
    stat: Option<FileStat>,
    clock: Option<i64>,
    read: Option<Cached<IndexEntry>>,
) -> Fresh<IndexEntry> {
    path.clone_into(&mut entry.path);
    entry.stat = cache::settled(stat, clock);
    match read {
        Some(read) if read.entry == entry => Fresh::Same(read.line),
        _ => Fresh::New(entry),
    }
}

/// What a file whose index entry `read` still holds (same stat, or same key) gives the run:
/// its guide id, ids and title, without parsing it.
pub(super) fn index_hit<R>(
    read: Cached<IndexEntry>,
    stat: Option<FileStat>,
    clock: Option<i64>,
    mut result: FileResult,
    stem: Option<Box<str>>,
) -> Analysed<R> {
    // Every kind of id is known: the reader keeps only plausible entries.
    let ids = read.entry.guide_ids().unwrap_or_default();
    match &read.entry.guide {
        Some(id) => result.identity = Identity::Guide(id.as_str().into()),
        None => result.set_unknown(stem),
    }
    let ids = read.entry.guide.as_ref().map(|_| ids);
    let title = read.entry.title.as_deref().map(Into::into);
    // The same entry at the same path: only its stat may differ (a file touched, or one too
    // young to be trusted by it last time).
    let settled = cache::settled(stat, clock);
    let index = if settled == read.entry.stat {
        Fresh::Same(read.line)
    } else {
        let mut entry = read.entry;
        entry.stat = settled;
        Fresh::New(entry)
    };
    Analysed {
        result,
        ids,
        rendered: None,
        title,
        index: Some(index),
        lint: None,
    }
}

/// A digest of everything a file's own findings depend on besides the file itself: every
/// setting of `remedy.toml` the rules read (levels, phrases, ages, platform names), the bytes
/// of each `[pdf] fonts` file (`unprintable-character` asks them), the content root (pictures
/// must stay inside it) and whether the date rules know today. The remedy version is in the
/// cache's stamp; today itself is in each entry's `days`.
pub(super) fn settings_digest(
    config: &Config,
    options: &RuleOptions,
    content_root: &Path,
) -> String {
    let mut hasher = Sha256::new();
    let settings = format!(
        "{:?}\0{:?}\0{:?}\0{}\0{:?}\0{:?}\0{}",
        config.rules,
        config.extra_phrases,
        config.extra_reset_phrases,
        config.stale_max_age_days,
        config.platform_names,
        content_root,
        options.today.is_some(),
    );
    hasher.update(settings.as_bytes());
    for font in options.extra_fonts.0.iter() {
        hasher.update(u64::try_from(font.len()).unwrap_or(u64::MAX).to_le_bytes());
        hasher.update(font);
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The days (since 1970-01-01, UTC, both included) around `today` on which the date rules say
/// of a guide last reviewed on day `updated` what they say today: `future-date` holds up to two
/// days before `updated`, neither rule from the day before it to `max_age` days after it, and
/// `stale-review` from the day after that.
pub(super) fn days_alike(updated: i64, max_age: u32, today: i64) -> [i64; 2] {
    let last_future = updated.saturating_sub(2);
    let last_fresh = updated.saturating_add(i64::from(max_age));
    if today <= last_future {
        [i64::MIN, last_future]
    } else if today <= last_fresh {
        [last_future + 1, last_fresh]
    } else {
        [last_fresh + 1, i64::MAX]
    }
}

/// [`days_alike`] for a file: every day when no date rule can speak (no typed guide, no date,
/// or no today).
pub(super) fn days_of(guide: Option<&Guide>, options: &RuleOptions) -> [i64; 2] {
    match (guide.and_then(|guide| guide.updated.parts()), options.today) {
        (Some((year, month, day)), Some(today)) => days_alike(
            rules::days_from_civil(year, month, day),
            options.stale_max_age_days,
            today,
        ),
        _ => [i64::MIN, i64::MAX],
    }
}

/// Every picture `src` of a guide, where `missing-image` points: each is asked about on every
/// run, as the file it names may have come, gone or changed since.
pub(super) fn images_of(guide: &Guide, map: &remedy_core::SourceMap) -> Vec<CachedImage> {
    let mut images = Vec::new();
    for (i, method) in guide.methods.iter().enumerate() {
        let mut push = |pointer: String, src: &str| {
            let span = span4(map.nearest(&pointer).value);
            images.push(CachedImage {
                src: src.to_owned(),
                pointer,
                span,
            });
        };
        if let Some(image) = &method.image {
            push(format!("/methods/{i}/image/src"), &image.src);
        }
        for visit in method.walk_steps() {
            if let Some(image) = &visit.step.image {
                push(format!("{}/image/src", visit.pointer(i)), &image.src);
            }
        }
    }
    images
}

/// A file's own findings as the cache keeps them (`None` after a bug in remedy, which is
/// never kept).
pub(super) fn entry_of(
    key: String,
    path: String,
    result: &FileResult,
    days: [i64; 2],
    images: Vec<CachedImage>,
) -> Option<FindingsEntry> {
    let mut entry = FindingsEntry {
        key,
        path,
        days,
        loaded: result.loaded,
        findings: Vec::new(),
        directives: Vec::new(),
        references: Vec::new(),
        id_place: None,
        title: None,
        images,
    };
    let Some(extra) = result.extra.as_deref() else {
        return Some(entry);
    };
    if extra.internal.is_some() {
        return None;
    }
    entry.findings = extra
        .findings
        .iter()
        // Asked again on every run, from `images`.
        .filter(|finding| finding.rule != MissingImage::NAME)
        .map(|finding| CachedFinding {
            rule: finding.rule.to_owned(),
            severity: finding.severity,
            span: span4(finding.span),
            pointer: finding.pointer.clone(),
            message: finding.message.clone(),
        })
        .collect();
    entry.directives = extra
        .directives
        .iter()
        .map(|directive| CachedDirective {
            line: directive.line,
            span: span4(directive.span),
            rules: directive
                .rules
                .iter()
                .map(|rule| (rule.name.clone(), span4(rule.span)))
                .collect(),
            reason: directive.reason.clone(),
        })
        .collect();
    entry.references = extra
        .references
        .iter()
        .map(|pending| CachedReference {
            reference: pending.site.reference.as_str().to_owned(),
            pointer: pending.site.pointer.clone(),
            expected: expected_letter(pending.site.expected),
            span: span4(pending.place.span),
        })
        .collect();
    entry.id_place = extra.id_place.as_ref().map(|place| span4(place.span));
    entry.title = extra
        .title
        .as_ref()
        .map(|(title, place)| (title.to_string(), span4(place.span)));
    Some(entry)
}

/// What a file's cached entry stands for, named `display` and with its source lines read from
/// `source` (the file's text, whose key found the entry); `missing-image` asked again; and
/// whether the file held a typed guide. `None` when the entry holds what remedy could not have
/// written (a rule it does not have).
pub(super) fn extra_of(
    entry: FindingsEntry,
    source: &SourceText,
    path: &Path,
    display: &Path,
    shared: &Shared<'_>,
) -> Option<(FileExtra, bool)> {
    let mut extra = FileExtra::default();
    for cached in entry.findings {
        let rule = RuleId::from_name(&cached.rule)?;
        let span = span_of(cached.span);
        extra.findings.push(Finding {
            file: display.to_path_buf(),
            span,
            pointer: cached.pointer,
            rule: rule.name(),
            severity: cached.severity,
            message: cached.message,
            source_line: shown_line(source, span.start.line),
        });
    }
    if let Some(severity) = shared.config.severity(MissingImage::ID) {
        let folder = match path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => Path::new("."),
        };
        for image in &entry.images {
            if let Some(message) =
                rules::missing_image::problem(&image.src, folder, shared.content_root)
            {
                let rule = RuleFinding {
                    rule: MissingImage::ID,
                    span: span_of(image.span),
                    pointer: image.pointer.clone(),
                    message,
                };
                let line = shown_line(source, rule.span.start.line);
                extra.findings.push(finding(display, rule, severity, line));
            }
        }
    }
    for cached in entry.directives {
        if let Some(line) = shown_line(source, cached.line) {
            extra.directive_lines.insert(cached.line, line);
        }
        extra.directives.push(Directive {
            line: cached.line,
            span: span_of(cached.span),
            rules: cached
                .rules
                .into_iter()
                .map(|(name, span)| SuppressedRule {
                    name,
                    span: span_of(span),
                })
                .collect(),
            reason: cached.reason,
        });
    }
    for cached in entry.references {
        extra.references.push(Pending {
            site: ReferenceSite {
                reference: Reference(cached.reference),
                pointer: cached.pointer,
                expected: expected_of(cached.expected)?,
            },
            place: Place::at(source, span_of(cached.span)),
        });
    }
    extra.id_place = entry.id_place.map(|span| Place::at(source, span_of(span)));
    extra.title = entry
        .title
        .map(|(title, span)| (title.into(), Place::at(source, span_of(span))));
    Some((extra, entry.loaded))
}

fn span4(span: remedy_core::Span) -> CachedSpan {
    [
        span.start.line,
        span.start.column,
        span.end.line,
        span.end.column,
    ]
}

fn span_of([line, column, end_line, end_column]: CachedSpan) -> remedy_core::Span {
    remedy_core::Span {
        start: Position::new(line, column),
        end: Position::new(end_line, end_column),
    }
}

fn expected_letter(expected: Expected) -> char {
    match expected {
        Expected::Cause => 'c',
        Expected::Method => 'm',
        Expected::MethodOrStep => 'o',
        Expected::Guide => 'g',
    }
}

fn expected_of(letter: char) -> Option<Expected> {
    match letter {
        'c' => Some(Expected::Cause),
        'm' => Some(Expected::Method),
        'o' => Some(Expected::MethodOrStep),
        'g' => Some(Expected::Guide),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_rules_say_the_same_within_the_days_of_an_entry() {
        let updated = 20_000;
        // `future-date` fires up to two days before `updated` (one day of grace).
        assert_eq!(
            days_alike(updated, 365, updated - 5),
            [i64::MIN, updated - 2]
        );
        assert_eq!(
            days_alike(updated, 365, updated - 2),
            [i64::MIN, updated - 2]
        );
        // Neither from the day before until `max-age-days` after.
        assert_eq!(
            days_alike(updated, 365, updated - 1),
            [updated - 1, updated + 365]
        );
        assert_eq!(
            days_alike(updated, 365, updated + 365),
            [updated - 1, updated + 365]
        );
        // `stale-review` from the day after.
        assert_eq!(
            days_alike(updated, 365, updated + 366),
            [updated + 366, i64::MAX]
        );
        assert_eq!(days_alike(updated, 0, updated), [updated - 1, updated]);
    }
}
