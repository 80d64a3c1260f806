//! Ids inside a guide, references between guides, and the compact index that resolves them.
//!
//! The index holds ids only, never guides: a corpus of ten thousand guides resolves its
//! cross-guide references without keeping the guides in memory.

use std::collections::HashMap;
use std::fmt;

use crate::id::Reference;
use crate::model::{Guide, Related, See, step_pointer};
use crate::position::child_pointer;

/// What an id inside a guide names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// A cause.
    Cause,
    /// A method.
    Method,
    /// A step.
    Step,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Cause => "cause",
            IdKind::Method => "method",
            IdKind::Step => "step",
        })
    }
}

/// What a reference must point at, by where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `addresses`: a cause.
    Cause,
    /// `scenarios[].try`: a method.
    Method,
    /// `see`, `faq[].see`: a method or a step.
    MethodOrStep,
    /// `related`: a guide.
    Guide,
}

impl Expected {
    /// Whether an id of this kind is acceptable.
    pub fn accepts(self, kind: IdKind) -> bool {
        match self {
            Expected::Cause => kind == IdKind::Cause,
            Expected::Method => kind == IdKind::Method,
            Expected::MethodOrStep => matches!(kind, IdKind::Method | IdKind::Step),
            Expected::Guide => false,
        }
    }

    /// The noun for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Expected::Cause => "cause",
            Expected::Method => "method",
            Expected::MethodOrStep => "method or step",
            Expected::Guide => "guide",
        }
    }
}

/// A reference as written, where it is written, and what it must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceSite {
    /// The reference text: `ID`, `GUIDE#ID`, or a guide id for `related`.
    pub reference: Reference,
    /// JSON Pointer of the reference's value.
    pub pointer: String,
    /// What it must name.
    pub expected: Expected,
}

impl Guide {
    /// Every id the guide declares (causes, methods, steps), in document order:
    /// `visit(id, kind, pointer)` gets a function that builds the JSON Pointer of the id's value,
    /// which most callers never need (an id declared once has nothing to point at).
    pub fn for_each_declaration<'g>(
        &'g self,
        mut visit: impl FnMut(&'g str, IdKind, &dyn Fn() -> String),
    ) {
        for (i, cause) in self.causes.iter().enumerate() {
            visit(cause.id.as_str(), IdKind::Cause, &|| {
                format!("/causes/{i}/id")
            });
        }
        for (i, method) in self.methods.iter().enumerate() {
            visit(method.id.as_str(), IdKind::Method, &|| {
                format!("/methods/{i}/id")
            });
            method.for_each_step(|step, path| {
                if let Some(id) = &step.id {
                    visit(id.as_str(), IdKind::Step, &|| {
                        child_pointer(&step_pointer(i, path), "id")
                    });
                }
            });
        }
    }

    /// Every reference the guide makes, in document order.
    pub fn references(&self) -> Vec<ReferenceSite> {
        let mut sites = Vec::new();
        self.for_each_reference(|reference, expected, pointer| {
            sites.push(ReferenceSite {
                reference: Reference(reference.to_owned()),
                pointer: pointer(),
                expected,
            });
        });
        sites
    }

    /// Every reference as [`Guide::references`] lists them, in the same order, without copying:
    /// `visit(reference, expected, pointer)` gets the text as written and a function that builds
    /// its JSON Pointer, which most callers never need (a reference that resolves has nothing to
    /// point at).
    pub fn for_each_reference<'g>(
        &'g self,
        mut visit: impl FnMut(&'g str, Expected, &dyn Fn() -> String),
    ) {
        for (i, method) in self.methods.iter().enumerate() {
            for (j, cause) in method.addresses.iter().enumerate() {
                visit(cause.as_str(), Expected::Cause, &|| {
                    format!("/methods/{i}/addresses/{j}")
                });
            }
            method.for_each_step(|step, path| match &step.see {
                Some(See::One(see)) => visit(see.as_str(), Expected::MethodOrStep, &|| {
                    child_pointer(&step_pointer(i, path), "see")
                }),
                Some(See::Many(list)) => {
                    for (j, see) in list.iter().enumerate() {
                        visit(see.as_str(), Expected::MethodOrStep, &|| {
                            format!("{}/see/{j}", step_pointer(i, path))
                        });
                    }
                }
                None => {}
            });
        }
        for (i, faq) in self.faq.iter().enumerate() {
            for (j, see) in faq.see.iter().enumerate() {
                visit(see.as_str(), Expected::MethodOrStep, &|| {
                    format!("/faq/{i}/see/{j}")
                });
            }
        }
        for (i, scenario) in self.scenarios.iter().enumerate() {
            for (j, method) in scenario.try_methods.iter().enumerate() {
                visit(method.as_str(), Expected::Method, &|| {
                    format!("/scenarios/{i}/try/{j}")
                });
            }
        }
        for (i, related) in self.related.iter().enumerate() {
            if let Related::Guide(id) = related {
                visit(id.as_str(), Expected::Guide, &|| format!("/related/{i}"));
            }
        }
        // Internal links in rich text, as written after `(` (the `#` of a same-guide link
        // removed): the text is borrowed from the field itself.
        self.for_each_rich_text(|text, _, pointer| {
            for (target, range) in crate::rich_text::references(text) {
                let written = text.get(range).unwrap_or_default();
                let written = written.strip_prefix('#').unwrap_or(written);
                if written == target.as_str() {
                    visit(written, Expected::MethodOrStep, pointer);
                }
            }
        });
    }
}

/// The ids of one guide, compact: what the index keeps of a guide once its document is dropped.
///
/// Each id is kept as a 46-bit hash with its kind in the low two bits, in one sorted slice
/// (6 bytes an id): ten thousand guides of fifty ids cost 3 MB, where the ids as strings in
/// hash maps cost fifteen times that. A reference to an id a guide does not have resolves by
/// mistake only when its hash equals one of the guide's, a chance of about one in a trillion
/// for a guide of fifty ids: far below any other source of error in a guide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuideIds {
    entries: Box<[Entry]>,
}

/// One id: the top 46 bits of its hash, then its kind in two bits, big-endian so that the
/// byte arrays sort as the numbers do.
type Entry = [u8; 6];

const KIND_BITS: u64 = 0b11;

fn entry(hash: IdHash, kind: IdKind) -> Entry {
    let value = ((hash.0 >> 16) & !KIND_BITS) | kind_bits(kind);
    let bytes = value.to_be_bytes();
    [bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]]
}

/// The entry's hash part, as a number.
fn entry_hash(entry: &Entry) -> u64 {
    let [a, b, c, d, e, f] = *entry;
    u64::from_be_bytes([0, 0, a, b, c, d, e, f]) & !KIND_BITS
}

impl GuideIds {
    /// The ids as declared, in file order: the first declaration of an id wins.
    pub fn new<'a>(declared: impl IntoIterator<Item = (&'a str, IdKind)>) -> Self {
        let mut entries: Vec<Entry> = declared
            .into_iter()
            .map(|(id, kind)| entry(IdHash::of(id), kind))
            .collect();
        // Stable: among equal hashes the first declaration stays first and is kept.
        entries.sort_by_key(entry_hash);
        entries.dedup_by_key(|entry| entry_hash(entry));
        Self {
            entries: entries.into_boxed_slice(),
        }
    }

    /// What the id names in this guide, if it is declared.
    pub fn kind(&self, id: &str) -> Option<IdKind> {
        kind_among(&self.entries, id)
    }

    /// How many distinct ids the guide declares.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the guide declares no id.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The kind of `id` among sorted entries.
fn kind_among(entries: &[Entry], id: &str) -> Option<IdKind> {
    kind_by_hash(entries, IdHash::of(id))
}

fn kind_by_hash(entries: &[Entry], id: IdHash) -> Option<IdKind> {
    let hash = entry_hash(&entry(id, IdKind::Cause));
    let at = entries.partition_point(|entry| entry_hash(entry) < hash);
    entries
        .get(at)
        .filter(|entry| entry_hash(entry) == hash)
        .map(|entry| kind_of(u64::from(entry[5])))
}

fn kind_bits(kind: IdKind) -> u64 {
    match kind {
        IdKind::Cause => 0,
        IdKind::Method => 1,
        IdKind::Step => 2,
    }
}

fn kind_of(entry: u64) -> IdKind {
    match entry & KIND_BITS {
        0 => IdKind::Cause,
        1 => IdKind::Method,
        _ => IdKind::Step,
    }
}

/// An id (or guide id) as the index keys it: 8 bytes however long the id, so that what a lint
/// run keeps of each file until every file is indexed does not grow with the ids' length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdHash(pub u64);

impl IdHash {
    /// The hash of an id.
    pub fn of(id: &str) -> Self {
        Self(id_hash(id))
    }
}

/// FNV-1a, then a 64-bit finalizer so that every bit depends on every byte: fixed, so that a
/// run's outcome never depends on a random seed.
fn id_hash(id: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// How a reference resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// It names something of an acceptable kind.
    Found,
    /// The guide part names no guide under the content root.
    UnknownGuide {
        /// The guide id that was not found.
        guide: String,
    },
    /// The guide exists but has no such id.
    UnknownId {
        /// The guide searched.
        guide: String,
        /// The id not found.
        id: String,
    },
    /// The id exists but names the wrong kind of thing (`addresses` naming a method).
    WrongKind {
        /// The id.
        id: String,
        /// What it names.
        found: IdKind,
    },
}

/// Every guide id and every id inside each guide, across the content root: guide ids and ids as
/// [`IdHash`]es, every guide's ids in one shared slice (no allocation per guide).
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    guides: HashMap<IdHash, (u32, u32)>,
    ids: Vec<Entry>,
}

/// How a reference given by its hashes resolved: [`Resolution`] without the texts, which the
/// caller has (or reads again) when it needs a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashedResolution {
    /// It names something of an acceptable kind.
    Found,
    /// No guide has the guide id.
    UnknownGuide,
    /// The guide has no such id.
    UnknownId,
    /// The id names the wrong kind of thing.
    WrongKind(IdKind),
}

impl IdIndex {
    /// An index with room for `guides` guides of about `ids_per_guide` ids each, so that it
    /// does not grow (and copy itself) while files are indexed.
    pub fn with_capacity(guides: usize, ids_per_guide: usize) -> Self {
        Self {
            guides: HashMap::with_capacity(guides),
            ids: Vec::with_capacity(guides.saturating_mul(ids_per_guide)),
        }
    }

    /// Adds a guide's ids. When the guide id is taken, keeps the first and returns `false`.
    pub fn insert(&mut self, guide: IdHash, ids: &GuideIds) -> bool {
        if self.guides.contains_key(&guide) {
            return false;
        }
        let start = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        let len = u32::try_from(ids.entries.len()).unwrap_or(u32::MAX);
        self.ids.extend_from_slice(&ids.entries);
        self.guides.insert(guide, (start, len));
        true
    }

    /// Whether the index knows this guide id.
    pub fn contains(&self, guide: IdHash) -> bool {
        self.guides.contains_key(&guide)
    }

    /// The ids of a guide, when the index knows it.
    fn entries(&self, guide: IdHash) -> Option<&[Entry]> {
        let &(start, len) = self.guides.get(&guide)?;
        let end = (start as usize).saturating_add(len as usize);
        Some(self.ids.get(start as usize..end).unwrap_or_default())
    }

    /// Resolves `guide#id` (or, without `id`, the guide itself) from hashes.
    pub fn resolve_hashed(
        &self,
        guide: IdHash,
        id: Option<IdHash>,
        expected: Expected,
    ) -> HashedResolution {
        let Some(entries) = self.entries(guide) else {
            return HashedResolution::UnknownGuide;
        };
        let Some(id) = id else {
            return HashedResolution::Found;
        };
        match kind_by_hash(entries, id) {
            Some(kind) if expected.accepts(kind) => HashedResolution::Found,
            Some(kind) => HashedResolution::WrongKind(kind),
            None => HashedResolution::UnknownId,
        }
    }

    /// How many guides the index knows.
    pub fn len(&self) -> usize {
        self.guides.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.guides.is_empty()
    }

    /// Resolves a reference written in guide `from`. `local` holds the ids of `from` itself, so
    /// that a guide resolves its own references even when its id is not (yet) in the index.
    pub fn resolve(&self, local: &GuideIds, site: &ReferenceSite) -> Resolution {
        let reference = &site.reference;
        if site.expected == Expected::Guide {
            let guide = reference.as_str();
            return if self.contains(IdHash::of(guide)) {
                Resolution::Found
            } else {
                Resolution::UnknownGuide {
                    guide: guide.to_owned(),
                }
            };
        }
        let id = reference.target();
        let (kind, guide) = match reference.guide() {
            None => (local.kind(id), None),
            Some(guide) => match self.entries(IdHash::of(guide)) {
                Some(entries) => (kind_among(entries, id), Some(guide)),
                None => {
                    return Resolution::UnknownGuide {
                        guide: guide.to_owned(),
                    };
                }
            },
        };
        match kind {
            Some(kind) if site.expected.accepts(kind) => Resolution::Found,
            Some(kind) => Resolution::WrongKind {
                id: reference.as_str().to_owned(),
                found: kind,
            },
            None => Resolution::UnknownId {
                guide: guide.unwrap_or_default().to_owned(),
                id: id.to_owned(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_ids_know_every_declared_id_and_its_kind() {
        let ids = GuideIds::new([
            ("storage-full", IdKind::Cause),
            ("free-up-storage", IdKind::Method),
            ("open-settings", IdKind::Step),
        ]);
        assert_eq!(ids.len(), 3);
        assert_eq!(ids.kind("storage-full"), Some(IdKind::Cause));
        assert_eq!(ids.kind("free-up-storage"), Some(IdKind::Method));
        assert_eq!(ids.kind("open-settings"), Some(IdKind::Step));
        assert_eq!(ids.kind("open-setting"), None);
        assert_eq!(ids.kind(""), None);
    }

    #[test]
    fn the_first_declaration_of_a_repeated_id_wins() {
        let ids = GuideIds::new([
            ("x", IdKind::Step),
            ("y", IdKind::Cause),
            ("x", IdKind::Method),
        ]);
        assert_eq!(ids.len(), 2);
        assert_eq!(ids.kind("x"), Some(IdKind::Step));
    }

    #[test]
    fn a_thousand_similar_ids_stay_distinct() {
        let names: Vec<String> = (0..1000).map(|n| format!("step-{n}")).collect();
        let ids = GuideIds::new(names.iter().map(|n| (n.as_str(), IdKind::Step)));
        assert_eq!(ids.len(), 1000);
        assert!(names.iter().all(|n| ids.kind(n) == Some(IdKind::Step)));
        assert_eq!(ids.kind("step-1000"), None);
    }

    fn site(reference: &str, expected: Expected) -> ReferenceSite {
        ReferenceSite {
            reference: Reference(reference.into()),
            pointer: "/x".into(),
            expected,
        }
    }

    #[test]
    fn the_index_resolves_local_and_cross_guide_references() {
        let mut index = IdIndex::default();
        let other = IdHash::of("other");
        assert!(index.insert(other, &GuideIds::new([("reset", IdKind::Method)])));
        assert!(!index.insert(other, &GuideIds::default()));
        assert!(index.contains(other) && !index.contains(IdHash::of("missing")));
        let hashed =
            |id: &str, expected| index.resolve_hashed(other, Some(IdHash::of(id)), expected);
        assert_eq!(hashed("reset", Expected::Method), HashedResolution::Found);
        assert_eq!(
            hashed("reset", Expected::Cause),
            HashedResolution::WrongKind(IdKind::Method)
        );
        assert_eq!(
            hashed("gone", Expected::Method),
            HashedResolution::UnknownId
        );
        assert_eq!(
            index.resolve_hashed(IdHash::of("missing"), None, Expected::Guide),
            HashedResolution::UnknownGuide
        );
        let local = GuideIds::new([("full", IdKind::Cause)]);
        let found = |r, e| index.resolve(&local, &site(r, e));
        assert_eq!(found("full", Expected::Cause), Resolution::Found);
        assert_eq!(found("other#reset", Expected::Method), Resolution::Found);
        assert_eq!(found("other", Expected::Guide), Resolution::Found);
        assert_eq!(
            found("other#reset", Expected::Cause),
            Resolution::WrongKind {
                id: "other#reset".into(),
                found: IdKind::Method
            }
        );
        assert_eq!(
            found("other#gone", Expected::Method),
            Resolution::UnknownId {
                guide: "other".into(),
                id: "gone".into()
            }
        );
        assert_eq!(
            found("missing#reset", Expected::Method),
            Resolution::UnknownGuide {
                guide: "missing".into()
            }
        );
    }
}
