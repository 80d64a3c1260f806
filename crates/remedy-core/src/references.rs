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

impl IdKind {
    /// The kind as one byte, for tables that pack ids with their kinds ([`GuideIds`], the lint
    /// engine's guide table).
    pub fn as_byte(self) -> u8 {
        match self {
            IdKind::Cause => 0,
            IdKind::Method => 1,
            IdKind::Step => 2,
        }
    }

    /// The kind [`IdKind::as_byte`] gave this byte (any other byte reads as a step).
    pub fn from_byte(byte: u8) -> Self {
        match byte {
            0 => IdKind::Cause,
            1 => IdKind::Method,
            _ => IdKind::Step,
        }
    }
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
        self.for_each_reference_within(|reference, expected, pointer, _| {
            visit(reference, expected, pointer);
        });
    }

    /// [`Guide::for_each_reference`], with the rich text a reference is a link of (`None` for a
    /// field that is a reference itself): what its exact place in the source is found from.
    pub fn for_each_reference_within<'g>(
        &'g self,
        mut visit: impl FnMut(&'g str, Expected, &dyn Fn() -> String, Option<&'g str>),
    ) {
        for (i, method) in self.methods.iter().enumerate() {
            for (j, cause) in method.addresses.iter().enumerate() {
                let pointer = || format!("/methods/{i}/addresses/{j}");
                visit(cause.as_str(), Expected::Cause, &pointer, None);
            }
            method.for_each_step(|step, path| match &step.see {
                Some(See::One(see)) => {
                    let pointer = || child_pointer(&step_pointer(i, path), "see");
                    visit(see.as_str(), Expected::MethodOrStep, &pointer, None);
                }
                Some(See::Many(list)) => {
                    for (j, see) in list.iter().enumerate() {
                        let pointer = || format!("{}/see/{j}", step_pointer(i, path));
                        visit(see.as_str(), Expected::MethodOrStep, &pointer, None);
                    }
                }
                None => {}
            });
        }
        for (i, faq) in self.faq.iter().enumerate() {
            for (j, see) in faq.see.iter().enumerate() {
                let pointer = || format!("/faq/{i}/see/{j}");
                visit(see.as_str(), Expected::MethodOrStep, &pointer, None);
            }
        }
        for (i, scenario) in self.scenarios.iter().enumerate() {
            for (j, method) in scenario.try_methods.iter().enumerate() {
                let pointer = || format!("/scenarios/{i}/try/{j}");
                visit(method.as_str(), Expected::Method, &pointer, None);
            }
        }
        for (i, related) in self.related.iter().enumerate() {
            if let Related::Guide(id) = related {
                visit(
                    id.as_str(),
                    Expected::Guide,
                    &|| format!("/related/{i}"),
                    None,
                );
            }
        }
        // Internal links in rich text, as written after `(` (the `#` of a same-guide link
        // removed): the text is borrowed from the field itself.
        self.for_each_rich_text(|text, _, pointer| {
            for (target, range) in crate::rich_text::references(text) {
                let written = text.get(range).unwrap_or_default();
                let written = written.strip_prefix('#').unwrap_or(written);
                if written == target.as_str() {
                    visit(written, Expected::MethodOrStep, pointer, Some(text));
                }
            }
        });
    }
}

/// The ids of one guide, compact: what the index keeps of a guide once its document is dropped.
///
/// The ids are kept exactly, never hashed (so two ids never stand for each other), sorted, in
/// one allocation: how many there are, where each starts (4 bytes an id, and one for the end),
/// each one's kind (1 byte), then their texts one after the other. An id costs 5 bytes besides
/// its text; two boxes (texts, and 8-byte entries) cost the 10,000-guide bench about 1 MB more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuideIds {
    packed: Box<[u8]>,
}

impl GuideIds {
    /// The ids as declared, in file order: the first declaration of an id wins. Ids are at most
    /// 64 characters by the schema; one longer than 65,535 bytes, or a guide whose ids exceed
    /// 4 GiB, is left out (it cannot be a guide a writer wrote).
    pub fn new<'a>(declared: impl IntoIterator<Item = (&'a str, IdKind)>) -> Self {
        let mut ids: Vec<(&str, IdKind)> = Vec::new();
        let mut text_bytes: usize = 0;
        for (id, kind) in declared {
            if u16::try_from(id.len()).is_err() || text_bytes + id.len() > u32::MAX as usize {
                continue;
            }
            text_bytes += id.len();
            ids.push((id, kind));
        }
        // Stable: among equal ids the first declaration stays first and is kept.
        ids.sort_by(|a, b| a.0.cmp(b.0));
        ids.dedup_by(|later, first| later.0 == first.0);
        let text_bytes: usize = ids.iter().map(|(id, _)| id.len()).sum();
        let (Ok(count), Ok(_)) = (u32::try_from(ids.len()), u32::try_from(text_bytes)) else {
            return Self::default();
        };
        if ids.is_empty() {
            return Self::default();
        }
        let mut packed = Vec::with_capacity(4 + 4 * (ids.len() + 1) + ids.len() + text_bytes);
        packed.extend_from_slice(&count.to_le_bytes());
        let mut start: u32 = 0;
        for (id, _) in &ids {
            packed.extend_from_slice(&start.to_le_bytes());
            start += id.len() as u32;
        }
        packed.extend_from_slice(&start.to_le_bytes());
        packed.extend(ids.iter().map(|(_, kind)| kind.as_byte()));
        for (id, _) in &ids {
            packed.extend_from_slice(id.as_bytes());
        }
        Self {
            packed: packed.into_boxed_slice(),
        }
    }

    fn read_u32(&self, at: usize) -> usize {
        self.packed
            .get(at..at + 4)
            .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
            .map_or(0, |bytes| u32::from_le_bytes(bytes) as usize)
    }

    fn kinds_at(&self) -> usize {
        4 + 4 * (self.len() + 1)
    }

    fn id(&self, i: usize) -> &str {
        std::str::from_utf8(self.id_bytes(i)).unwrap_or_default()
    }

    /// The bytes of the `i`th id: what a look-up compares, without checking them as UTF-8 at
    /// every probe (bytes order as their text does).
    fn id_bytes(&self, i: usize) -> &[u8] {
        let text = self.kinds_at() + self.len();
        let (start, end) = (self.read_u32(4 + 4 * i), self.read_u32(8 + 4 * i));
        self.packed
            .get(text + start..text + end)
            .unwrap_or_default()
    }

    fn kind_of(&self, i: usize) -> IdKind {
        IdKind::from_byte(self.packed.get(self.kinds_at() + i).copied().unwrap_or(2))
    }

    /// What the id names in this guide, if it is declared.
    pub fn kind(&self, id: &str) -> Option<IdKind> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.id_bytes(middle).cmp(id.as_bytes()) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(self.kind_of(middle)),
            }
        }
        None
    }

    /// Every id with its kind, sorted by id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, IdKind)> + '_ {
        (0..self.len()).map(|i| (self.id(i), self.kind_of(i)))
    }

    /// How many distinct ids the guide declares.
    pub fn len(&self) -> usize {
        self.read_u32(0)
    }

    /// Whether the guide declares no id.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes this guide's ids take in memory (texts, starts and kinds, not the allocator's
    /// overhead): what the index's cost per guide is computed from.
    pub fn heap_bytes(&self) -> usize {
        self.packed.len()
    }

    /// The id of a kind `expected` accepts nearest to `written`, for "did you mean …?": within a
    /// third of the longer one's length (at least 2), not `written` itself.
    pub fn nearest(&self, written: &str, expected: Expected) -> Option<&str> {
        // Ids are at most 64 characters: a longer one is near none of them.
        if written.len() > 64 {
            return None;
        }
        let mut nearest: Option<(usize, &str)> = None;
        for (id, kind) in self.iter() {
            if !expected.accepts(kind) || id == written {
                continue;
            }
            let distance = strsim::levenshtein(written, id);
            if distance <= (id.len().max(written.len()) / 3).max(2)
                && nearest.is_none_or(|(best, _)| distance < best)
            {
                nearest = Some((distance, id));
            }
        }
        nearest.map(|(_, id)| id)
    }
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

/// Every guide id and every id inside each guide, across the content root, exactly as written.
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    guides: HashMap<Box<str>, GuideIds>,
}

/// How a reference given by its ids resolved: [`Resolution`] without the texts, which the
/// caller has when it needs a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
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
    /// An index with room for `guides` guides, so that it does not grow (and copy itself)
    /// while files are indexed.
    pub fn with_capacity(guides: usize) -> Self {
        Self {
            guides: HashMap::with_capacity(guides),
        }
    }

    /// Adds a guide's ids. When the guide id is taken, keeps the first and returns `false`.
    pub fn insert(&mut self, guide: &str, ids: GuideIds) -> bool {
        if self.guides.contains_key(guide) {
            return false;
        }
        self.guides.insert(guide.into(), ids);
        true
    }

    /// Whether the index knows this guide id.
    pub fn contains(&self, guide: &str) -> bool {
        self.guides.contains_key(guide)
    }

    /// The ids of a guide, when the index knows it.
    pub fn ids(&self, guide: &str) -> Option<&GuideIds> {
        self.guides.get(guide)
    }

    /// Resolves `guide#id` (or, without `id`, the guide itself).
    pub fn lookup(&self, guide: &str, id: Option<&str>, expected: Expected) -> Lookup {
        let Some(ids) = self.ids(guide) else {
            return Lookup::UnknownGuide;
        };
        let Some(id) = id else {
            return Lookup::Found;
        };
        match ids.kind(id) {
            Some(kind) if expected.accepts(kind) => Lookup::Found,
            Some(kind) => Lookup::WrongKind(kind),
            None => Lookup::UnknownId,
        }
    }

    /// The bytes the index takes in memory, from its sizes: each guide's key and ids, and the
    /// hash table's slots (not the allocator's overhead).
    pub fn heap_bytes(&self) -> usize {
        let slot = std::mem::size_of::<(Box<str>, GuideIds)>() + 1;
        self.guides
            .iter()
            .map(|(guide, ids)| guide.len() + ids.heap_bytes())
            .sum::<usize>()
            + self.guides.capacity() * slot
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
            return if self.contains(guide) {
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
            Some(guide) => match self.ids(guide) {
                Some(ids) => (ids.kind(id), Some(guide)),
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
        let other = "other";
        assert!(index.insert(other, GuideIds::new([("reset", IdKind::Method)])));
        assert!(!index.insert(other, GuideIds::default()));
        assert!(index.contains(other) && !index.contains("missing"));
        let looked_up = |id: &str, expected| index.lookup(other, Some(id), expected);
        assert_eq!(looked_up("reset", Expected::Method), Lookup::Found);
        assert_eq!(
            looked_up("reset", Expected::Cause),
            Lookup::WrongKind(IdKind::Method)
        );
        assert_eq!(looked_up("gone", Expected::Method), Lookup::UnknownId);
        assert_eq!(
            index.lookup("missing", None, Expected::Guide),
            Lookup::UnknownGuide
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

    /// Two ids the old index (46-bit hashes) took for one: found by a birthday search over
    /// `step-NNNNNNNN` with numpy, checked below with the old hash.
    const OLD_HASH_COLLISION: (&str, &str) = ("step-03602517", "step-04857802");

    /// The old index's hash part of an entry: FNV-1a, a 64-bit finalizer, the top 46 bits.
    fn old_hash(id: &str) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in id.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        ((hash ^ (hash >> 33)) >> 16) & !0b11
    }

    #[test]
    fn ids_whose_old_hashes_collide_stay_distinct() {
        let (a, b) = OLD_HASH_COLLISION;
        assert_ne!(a, b);
        assert_eq!(
            old_hash(a),
            old_hash(b),
            "the pair must collide under the old hash"
        );
        let ids = GuideIds::new([(a, IdKind::Step)]);
        assert_eq!(ids.kind(a), Some(IdKind::Step));
        assert_eq!(ids.kind(b), None);
        let both = GuideIds::new([(a, IdKind::Step), (b, IdKind::Method)]);
        assert_eq!(both.len(), 2);
        assert_eq!(both.kind(a), Some(IdKind::Step));
        assert_eq!(both.kind(b), Some(IdKind::Method));
    }

    #[test]
    fn the_nearest_id_is_of_the_kind_expected() {
        let ids = GuideIds::new([
            ("reset-router", IdKind::Method),
            ("reset-modem", IdKind::Cause),
        ]);
        assert_eq!(
            ids.nearest("reset-routr", Expected::Method),
            Some("reset-router")
        );
        assert_eq!(ids.nearest("reset-modm", Expected::Method), None);
        assert_eq!(ids.nearest("unrelated", Expected::Method), None);
    }
}
