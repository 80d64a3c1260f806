//! The cross-guide index as a run over a content root keeps it to the end: every guide's id
//! and ids, exactly as written, one record a guide side by side in large blocks, found by a
//! hash of the guide id.
//!
//! [`IdIndex`] keeps a guide as two allocations (its key and its ids) and a 32-byte slot; kept
//! for 10,000 guides among the short-lived blocks of the files they came from, they held the
//! heap's pages well beyond their own size. A record here is the guide id, then the ids sorted
//! with two-byte starts: about 380 bytes for a bench guide (17.6 ids of 17 characters), in
//! blocks of 64 KiB that nothing else shares, and 16 bytes of slot and hash table.

use std::hash::BuildHasher;

use remedy_core::IdKind;

use super::*;

/// A guide's number in the table, in the order guides were first indexed.
pub(super) type Slot = u32;

/// Where a record is: its block, its start and its length.
#[derive(Debug, Clone, Copy)]
struct Record {
    block: u32,
    start: u32,
    len: u32,
    /// The next guide whose id hashes the same, if any.
    next: Slot,
}

const NO_SLOT: Slot = Slot::MAX;

/// The size of a block of records (a longer record gets a block of its own).
const BLOCK_BYTES: usize = 64 * 1024;

/// Every guide's id and ids. See the module's documentation.
#[derive(Debug, Default)]
pub(super) struct GuideTable {
    blocks: Vec<Vec<u8>>,
    records: Vec<Record>,
    /// The first guide of each hash of a guide id.
    first: HashMap<u64, Slot>,
    hasher: std::collections::hash_map::RandomState,
}

/// A guide's record: `[guide id's length: u32][guide id][format: u8][count: u32]`, then the
/// ids' starts (`u16`, or `u32` in the wide format, count + 1 of them), their kinds (one byte
/// each) and their texts, sorted by id as [`GuideIds`] sorts them.
#[derive(Debug, Clone, Copy)]
pub(super) struct GuideRecord<'t> {
    bytes: &'t [u8],
}

const NARROW: u8 = 0;
const WIDE: u8 = 1;

impl GuideTable {
    /// A table with room for `guides` guides in its hash table.
    pub(super) fn with_capacity(guides: usize) -> Self {
        Self {
            first: HashMap::with_capacity(guides),
            ..Self::default()
        }
    }

    fn hash(&self, guide: &str) -> u64 {
        self.hasher.hash_one(guide)
    }

    /// Adds a guide and its ids, and returns its slot; when the guide id is taken, keeps the
    /// first and returns its slot as the error. `None` only past 4 GiB of ids or 4 billion
    /// guides, which no memory holds.
    pub(super) fn insert(&mut self, guide: &str, ids: &GuideIds) -> Option<Result<Slot, Slot>> {
        let hash = self.hash(guide);
        if let Some(taken) = self.find_hashed(hash, guide) {
            return Some(Err(taken));
        }
        let record = encode(guide, ids)?;
        let slot = Slot::try_from(self.records.len())
            .ok()
            .filter(|&slot| slot != NO_SLOT)?;
        let (block, start) = self.room(record.len())?;
        let len = u32::try_from(record.len()).ok()?;
        self.blocks
            .get_mut(block as usize)?
            .extend_from_slice(&record);
        let next = self.first.insert(hash, slot).unwrap_or(NO_SLOT);
        self.records.push(Record {
            block,
            start,
            len,
            next,
        });
        Some(Ok(slot))
    }

    /// A block with room for `len` more bytes, and where they would start.
    fn room(&mut self, len: usize) -> Option<(u32, u32)> {
        let fits = self
            .blocks
            .last()
            .is_some_and(|block| block.capacity() - block.len() >= len);
        if !fits {
            self.blocks.push(Vec::with_capacity(BLOCK_BYTES.max(len)));
        }
        let block = self.blocks.len().checked_sub(1)?;
        let start = self.blocks.get(block)?.len();
        Some((u32::try_from(block).ok()?, u32::try_from(start).ok()?))
    }

    fn find_hashed(&self, hash: u64, guide: &str) -> Option<Slot> {
        let mut slot = *self.first.get(&hash)?;
        while slot != NO_SLOT {
            let record = self.records.get(slot as usize)?;
            if self.record(slot)?.guide() == guide {
                return Some(slot);
            }
            slot = record.next;
        }
        None
    }

    /// The slot of a guide id, if it is indexed.
    pub(super) fn find(&self, guide: &str) -> Option<Slot> {
        self.find_hashed(self.hash(guide), guide)
    }

    /// Whether the table knows this guide id.
    pub(super) fn contains(&self, guide: &str) -> bool {
        self.find(guide).is_some()
    }

    /// The record in a slot.
    pub(super) fn record(&self, slot: Slot) -> Option<GuideRecord<'_>> {
        let record = self.records.get(slot as usize)?;
        let start = record.start as usize;
        let bytes = self
            .blocks
            .get(record.block as usize)?
            .get(start..start + record.len as usize)?;
        Some(GuideRecord { bytes })
    }

    /// Resolves `guide#id` (or, without `id`, the guide itself), as [`IdIndex::lookup`] does.
    pub(super) fn lookup(&self, guide: &str, id: Option<&str>, expected: Expected) -> Lookup {
        let Some(record) = self.find(guide).and_then(|slot| self.record(slot)) else {
            return Lookup::UnknownGuide;
        };
        let Some(id) = id else {
            return Lookup::Found;
        };
        match record.kind(id) {
            Some(kind) if expected.accepts(kind) => Lookup::Found,
            Some(kind) => Lookup::WrongKind(kind),
            None => Lookup::UnknownId,
        }
    }

    /// An [`IdIndex`] of the guide `guide` alone (empty when it is not indexed), for the
    /// message of a reference into it: every message is worded by the core's resolution.
    pub(super) fn index_of(&self, guide: &str) -> IdIndex {
        let mut index = IdIndex::default();
        if let Some(record) = self.find(guide).and_then(|slot| self.record(slot)) {
            index.insert(guide, GuideIds::new(record.ids()));
        }
        index
    }
}

/// The record of `guide` and its ids (a guide id of any length: one too long for the schema
/// is still a guide id that two files can share).
fn encode(guide: &str, ids: &GuideIds) -> Option<Vec<u8>> {
    let guide_len = u32::try_from(guide.len()).ok()?;
    let count = u32::try_from(ids.len()).ok()?;
    let text: usize = ids.iter().map(|(id, _)| id.len()).sum();
    let narrow = u16::try_from(text).is_ok();
    let width = if narrow { 2 } else { 4 };
    let mut record =
        Vec::with_capacity(4 + guide.len() + 5 + width * (ids.len() + 1) + ids.len() + text);
    record.extend_from_slice(&guide_len.to_le_bytes());
    record.extend_from_slice(guide.as_bytes());
    record.push(if narrow { NARROW } else { WIDE });
    record.extend_from_slice(&count.to_le_bytes());
    let mut start = 0usize;
    for end in ids
        .iter()
        .map(|(id, _)| {
            let at = start;
            start += id.len();
            at
        })
        .chain(std::iter::once(text))
    {
        if narrow {
            record.extend_from_slice(&u16::try_from(end).ok()?.to_le_bytes());
        } else {
            record.extend_from_slice(&u32::try_from(end).ok()?.to_le_bytes());
        }
    }
    record.extend(ids.iter().map(|(_, kind)| kind.as_byte()));
    for (id, _) in ids.iter() {
        record.extend_from_slice(id.as_bytes());
    }
    Some(record)
}

impl<'t> GuideRecord<'t> {
    fn guide_len(self) -> usize {
        self.bytes
            .get(..4)
            .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
            .map_or(0, |bytes| u32::from_le_bytes(bytes) as usize)
    }

    /// The guide id.
    pub(super) fn guide(self) -> &'t str {
        self.bytes
            .get(4..4 + self.guide_len())
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    /// The ids' part: format, count, starts, kinds, texts.
    fn ids_part(self) -> &'t [u8] {
        self.bytes.get(4 + self.guide_len()..).unwrap_or_default()
    }

    fn width(self) -> usize {
        match self.ids_part().first() {
            Some(&WIDE) => 4,
            _ => 2,
        }
    }

    fn len(self) -> usize {
        self.ids_part()
            .get(1..5)
            .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
            .map_or(0, |bytes| u32::from_le_bytes(bytes) as usize)
    }

    fn start(self, i: usize) -> usize {
        let width = self.width();
        let at = 5 + width * i;
        let part = self.ids_part();
        match width {
            2 => part
                .get(at..at + 2)
                .and_then(|bytes| <[u8; 2]>::try_from(bytes).ok())
                .map_or(0, |bytes| u16::from_le_bytes(bytes) as usize),
            _ => part
                .get(at..at + 4)
                .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
                .map_or(0, |bytes| u32::from_le_bytes(bytes) as usize),
        }
    }

    fn kinds_at(self) -> usize {
        5 + self.width() * (self.len() + 1)
    }

    fn id(self, i: usize) -> &'t str {
        let text = self.kinds_at() + self.len();
        let (start, end) = (self.start(i), self.start(i + 1));
        self.ids_part()
            .get(text + start..text + end)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    fn kind_of(self, i: usize) -> IdKind {
        IdKind::from_byte(
            self.ids_part()
                .get(self.kinds_at() + i)
                .copied()
                .unwrap_or(2),
        )
    }

    /// What the id names in this guide, if it is declared (a binary search: a guide may
    /// declare many ids).
    pub(super) fn kind(self, id: &str) -> Option<IdKind> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.id(middle).cmp(id) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(self.kind_of(middle)),
            }
        }
        None
    }

    /// Every id with its kind, sorted by id.
    pub(super) fn ids(self) -> impl Iterator<Item = (&'t str, IdKind)> {
        (0..self.len()).map(move |i| (self.id(i), self.kind_of(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(declared: &[(&str, IdKind)]) -> GuideIds {
        GuideIds::new(declared.iter().copied())
    }

    #[test]
    fn a_guide_is_found_with_every_id_and_kind_exactly() {
        let mut table = GuideTable::with_capacity(2);
        let wifi = ids(&[
            ("router-off", IdKind::Cause),
            ("restart-router", IdKind::Method),
            ("unplug-it", IdKind::Step),
        ]);
        assert_eq!(table.insert("wifi-drops", &wifi), Some(Ok(0)));
        assert_eq!(table.insert("empty", &GuideIds::default()), Some(Ok(1)));
        assert_eq!(table.insert("wifi-drops", &ids(&[])), Some(Err(0)));
        assert_eq!(table.record(0).map(GuideRecord::guide), Some("wifi-drops"));
        let record = table
            .record(0)
            .map(|record| record.ids().collect::<Vec<_>>());
        assert_eq!(record, Some(wifi.iter().collect::<Vec<_>>()));
        let found = |guide, id| table.lookup(guide, id, Expected::MethodOrStep);
        assert_eq!(found("wifi-drops", Some("unplug-it")), Lookup::Found);
        assert_eq!(found("wifi-drops", Some("restart-router")), Lookup::Found);
        assert_eq!(
            found("wifi-drops", Some("router-off")),
            Lookup::WrongKind(IdKind::Cause)
        );
        assert_eq!(found("wifi-drops", Some("unplug")), Lookup::UnknownId);
        assert_eq!(found("wifi-drop", None), Lookup::UnknownGuide);
        assert_eq!(found("empty", None), Lookup::Found);
        assert_eq!(found("empty", Some("x")), Lookup::UnknownId);
        assert_eq!(table.index_of("wifi-drops").ids("wifi-drops"), Some(&wifi));
        assert!(table.index_of("nothing").is_empty());
    }

    #[test]
    fn ids_past_the_narrow_format_and_records_past_a_block_are_kept_whole() {
        let long: Vec<String> = (0..3_000)
            .map(|i| format!("step-{i:05}-{}", "x".repeat(20)))
            .collect();
        let many = GuideIds::new(long.iter().map(|id| (id.as_str(), IdKind::Step)));
        let mut table = GuideTable::default();
        assert_eq!(
            table.insert("small", &ids(&[("a", IdKind::Cause)])),
            Some(Ok(0))
        );
        assert_eq!(table.insert("large", &many), Some(Ok(1)));
        assert_eq!(
            table.insert("after", &ids(&[("b", IdKind::Method)])),
            Some(Ok(2))
        );
        for id in &long {
            assert_eq!(
                table.lookup("large", Some(id), Expected::MethodOrStep),
                Lookup::Found
            );
        }
        assert_eq!(
            table.lookup("small", Some("a"), Expected::Cause),
            Lookup::Found
        );
        assert_eq!(
            table.lookup("after", Some("b"), Expected::Method),
            Lookup::Found
        );
        let long_guide = "g".repeat(70_000);
        assert_eq!(table.insert(&long_guide, &many), Some(Ok(3)));
        assert_eq!(
            table.insert(&long_guide, &GuideIds::default()),
            Some(Err(3))
        );
        assert_eq!(
            table.lookup(&long_guide, Some(&long[7]), Expected::Method),
            Lookup::WrongKind(IdKind::Step)
        );
    }
}
