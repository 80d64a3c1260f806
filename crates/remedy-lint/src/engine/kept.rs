//! What a run keeps of each linted file until the end, for the cross-file findings it may have
//! to word (a guide id or title another file has too): the places of its `/id` and `/title` and
//! the source lines a finding shows there, in as few bytes as say them exactly.
//!
//! A source line is kept as the text around what the run keeps anyway: `id: ` + the guide id,
//! `title: "` + the title as written + `"`. Those surroundings repeat from file to file (the
//! same keys at the same indentation), so each is kept once and named by its number; a line
//! that does not hold its text whole (a folded scalar, an escape) is kept whole. Findings give
//! back exactly the line a finding made from the file would show, and no file is read again.

use std::collections::HashMap;
use std::sync::Arc;

use super::*;

/// A text in a [`TextArena`]: where it starts and how long it is.
#[derive(Debug, Clone, Copy)]
pub(super) struct TextRef {
    chunk: u32,
    start: u32,
    len: u32,
}

/// Texts kept until the end of the run, side by side in large blocks: one allocation per
/// 64 KiB instead of one (with its header and the allocator's rounding) per text, and no block
/// ever copied to grow.
#[derive(Debug, Default)]
pub(super) struct TextArena {
    chunks: Vec<String>,
}

/// The size of a block of texts (a longer text gets a block of its own).
const CHUNK_BYTES: usize = 64 * 1024;

impl TextArena {
    pub(super) fn push(&mut self, text: &str) -> Option<TextRef> {
        let fits = self
            .chunks
            .last()
            .is_some_and(|chunk| chunk.capacity() - chunk.len() >= text.len());
        if !fits {
            self.chunks
                .push(String::with_capacity(CHUNK_BYTES.max(text.len())));
        }
        let chunk_at = self.chunks.len().checked_sub(1)?;
        let chunk = self.chunks.get_mut(chunk_at)?;
        let start = chunk.len();
        chunk.push_str(text);
        Some(TextRef {
            chunk: u32::try_from(chunk_at).ok()?,
            start: u32::try_from(start).ok()?,
            len: u32::try_from(text.len()).ok()?,
        })
    }

    pub(super) fn get(&self, at: TextRef) -> &str {
        let start = at.start as usize;
        self.chunks
            .get(at.chunk as usize)
            .and_then(|chunk| chunk.get(start..start + at.len as usize))
            .unwrap_or_default()
    }
}

/// Texts that repeat (the start and end of source lines), each kept once and named by its
/// number.
#[derive(Debug, Default)]
pub(super) struct Interner {
    numbers: HashMap<Arc<str>, u32>,
    texts: Vec<Arc<str>>,
}

impl Interner {
    pub(super) fn number(&mut self, text: &str) -> Option<u32> {
        if let Some(&number) = self.numbers.get(text) {
            return Some(number);
        }
        let number = u32::try_from(self.texts.len()).ok()?;
        let text: Arc<str> = text.into();
        self.texts.push(Arc::clone(&text));
        self.numbers.insert(text, number);
        Some(number)
    }

    pub(super) fn text(&self, number: u32) -> &str {
        self.texts
            .get(number as usize)
            .map_or("", |text| text.as_ref())
    }
}

/// A source line, kept as little as it can be.
#[derive(Debug, Clone, Copy)]
pub(super) enum KeptLine {
    /// No line to show (longer than a finding carries).
    None,
    /// The line is `before` + the text the finding is about + `after`.
    Around { before: u32, after: u32 },
    /// The line as it is.
    Whole(TextRef),
}

/// A [`Place`] as the run keeps it.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeptPlace {
    span: remedy_core::Span,
    line: KeptLine,
}

/// The title of a file as written, and its place.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeptTitle {
    written: TextRef,
    place: KeptPlace,
}

/// A reference into a guide not indexed yet, as the collector keeps it until that guide
/// comes: the reference as written (its one allocation), its pointer by number (pointers
/// repeat from file to file), its span, and its line as the text around the reference.
#[derive(Debug)]
pub(super) struct Waiting {
    reference: Reference,
    pointer: u32,
    expected: Expected,
    span: remedy_core::Span,
    line: KeptLine,
    /// The index of its file in the results.
    pub(super) file: u32,
}

impl Waiting {
    /// The guide it points into (for `related`, the guide it names).
    pub(super) fn guide(&self) -> &str {
        match self.expected {
            Expected::Guide => self.reference.as_str(),
            _ => self.reference.guide().unwrap_or_default(),
        }
    }

    /// Whether it resolves in `index`.
    pub(super) fn resolves(&self, index: &dyn Ids) -> bool {
        let id = (self.expected != Expected::Guide).then(|| self.reference.target());
        index.lookup(self.guide(), id, self.expected) == Lookup::Found
    }
}

/// What one linted file keeps for cross-file findings.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct KeptFile {
    id: Option<KeptPlace>,
    title: Option<KeptTitle>,
}

/// The places every linted file keeps, by the number [`Kept::keep`] gives it.
#[derive(Debug, Default)]
pub(super) struct Kept {
    files: Vec<KeptFile>,
    texts: TextArena,
    around: Interner,
}

impl Kept {
    /// Keeps a file's `/id` place (its text is the guide id, `guide`) and title place; the
    /// number to find them by, or `None` when there is nothing to keep.
    pub(super) fn keep(
        &mut self,
        guide: Option<&str>,
        id_place: Option<&Place>,
        title: Option<&(Box<str>, Place)>,
    ) -> Option<u32> {
        if id_place.is_none() && title.is_none() {
            return None;
        }
        let id = id_place.map(|place| self.place(place, guide.unwrap_or_default()));
        let title = title.and_then(|(written, place)| {
            let place = self.place(place, written);
            Some(KeptTitle {
                written: self.texts.push(written)?,
                place,
            })
        });
        let number = u32::try_from(self.files.len()).ok()?;
        self.files.push(KeptFile { id, title });
        Some(number)
    }

    /// Keeps a reference of file number `file` that waits for its guide.
    pub(super) fn wait(&mut self, pending: &Pending, file: u32) -> Waiting {
        let Pending {
            site:
                ReferenceSite {
                    reference,
                    pointer,
                    expected,
                },
            place,
            ..
        } = pending;
        // Only past 4 billion distinct pointers, which no memory holds, is there no number.
        let pointer = self.around.number(pointer).unwrap_or(u32::MAX);
        let place = self.place(place, reference.as_str());
        Waiting {
            reference: reference.clone(),
            expected: *expected,
            pointer,
            span: place.span,
            line: place.line,
            file,
        }
    }

    /// The reference a [`Waiting`] stands for, whole again.
    pub(super) fn unwait(&self, waiting: Waiting) -> Pending {
        let place = KeptPlace {
            span: waiting.span,
            line: waiting.line,
        };
        Pending {
            place: self.unkept(place, waiting.reference.as_str()),
            site: ReferenceSite {
                pointer: self.around.text(waiting.pointer).to_owned(),
                reference: waiting.reference,
                expected: waiting.expected,
            },
        }
    }

    fn place(&mut self, place: &Place, about: &str) -> KeptPlace {
        let line = match &place.line {
            None => KeptLine::None,
            Some(line) => self.line(line, about),
        };
        KeptPlace {
            span: place.span,
            line,
        }
    }

    fn line(&mut self, line: &str, about: &str) -> KeptLine {
        let around = (!about.is_empty())
            .then(|| line.find(about))
            .flatten()
            .and_then(|at| {
                let before = self.around.number(line.get(..at)?)?;
                let after = self.around.number(line.get(at + about.len()..)?)?;
                Some(KeptLine::Around { before, after })
            });
        match around {
            Some(around) => around,
            None => self
                .texts
                .push(line)
                .map_or(KeptLine::None, KeptLine::Whole),
        }
    }

    fn unkept(&self, place: KeptPlace, about: &str) -> Place {
        let line = match place.line {
            KeptLine::None => None,
            KeptLine::Around { before, after } => Some(format!(
                "{}{about}{}",
                self.around.text(before),
                self.around.text(after)
            )),
            KeptLine::Whole(text) => Some(self.texts.get(text).to_owned()),
        };
        Place {
            span: place.span,
            line,
        }
    }

    /// The `/id` place of file `number`, whose guide id is `guide`.
    pub(super) fn id_place(&self, number: Option<u32>, guide: Option<&str>) -> Option<Place> {
        let file = self.files.get(number? as usize)?;
        Some(self.unkept(file.id?, guide.unwrap_or_default()))
    }

    /// The title as written and its place, of file `number`.
    pub(super) fn title(&self, number: Option<u32>) -> Option<(Box<str>, Place)> {
        let title = self.files.get(number? as usize)?.title?;
        let written = self.texts.get(title.written);
        Some((written.into(), self.unkept(title.place, written)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(line: Option<&str>) -> Place {
        Place {
            span: remedy_core::Span {
                start: Position::new(3, 5),
                end: Position::new(3, 9),
            },
            line: line.map(str::to_owned),
        }
    }

    #[test]
    fn every_line_comes_back_as_it_was() {
        let mut kept = Kept::default();
        let lines = [
            (Some("id: wifi-drops"), "wifi-drops"),
            (Some("id: \"wifi-drops\"  # quoted"), "wifi-drops"),
            (Some("title: Wi-Fi drops"), "Wi-Fi drops"),
            (Some("title: >-"), "Wi-Fi drops"),
            (Some("id: x"), ""),
            (Some(""), "x"),
            (None, "x"),
        ];
        let numbers: Vec<Option<u32>> = lines
            .iter()
            .map(|&(line, about)| {
                kept.keep(
                    Some(about),
                    Some(&place(line)),
                    Some(&(about.into(), place(line))),
                )
            })
            .collect();
        for ((line, about), number) in lines.iter().zip(numbers) {
            let id = kept.id_place(number, Some(about));
            assert_eq!(id.and_then(|p| p.line).as_deref(), *line);
            let title = kept.title(number);
            assert_eq!(title.as_ref().map(|(t, _)| t.as_ref()), Some(*about));
            assert_eq!(title.and_then(|(_, p)| p.line).as_deref(), *line);
        }
        // The start and end of the lines that repeat are kept once.
        assert!(kept.around.texts.len() <= 6, "{:?}", kept.around.texts);
        assert_eq!(kept.keep(Some("g"), None, None), None);
    }

    #[test]
    fn texts_longer_than_a_block_are_kept_whole() {
        let mut arena = TextArena::default();
        let long = "x".repeat(CHUNK_BYTES + 3);
        let a = arena.push("short");
        let b = arena.push(&long);
        let c = arena.push("after");
        assert_eq!(a.map(|a| arena.get(a)), Some("short"));
        assert_eq!(b.map(|b| arena.get(b).len()), Some(long.len()));
        assert_eq!(c.map(|c| arena.get(c)), Some("after"));
    }
}
