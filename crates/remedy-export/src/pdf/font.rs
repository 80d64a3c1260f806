//! The DejaVu Sans faces: the `dejavu` crate's with their TrueType hinting dropped
//! (`assets/fonts/`, made by `cargo xtask fonts`), parsed once, measured with the same advance
//! widths the PDF's `/W` arrays state, and checked for coverage before anything is laid out, so
//! that a character the font cannot draw is an error rather than an empty box.

use std::sync::{Arc, Mutex, OnceLock};

use krilla::Data;
use krilla::text::Font;

use crate::ExportError;

/// One face of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
    Oblique,
    BoldOblique,
    /// DejaVu Sans Mono, for code the reader types.
    Mono,
}

impl Face {
    pub(crate) const ALL: [Face; 5] = [
        Face::Regular,
        Face::Bold,
        Face::Oblique,
        Face::BoldOblique,
        Face::Mono,
    ];

    pub(crate) fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::Oblique => 2,
            Face::BoldOblique => 3,
            Face::Mono => 4,
        }
    }

    /// The face's font file: without hinting, which a PDF viewer scaling outlines does not
    /// use and which was about half of every subset a handout embeds (`cargo xtask fonts`).
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
            Face::Bold => include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
            Face::Oblique => include_bytes!("../../assets/fonts/DejaVuSans-Oblique.ttf"),
            Face::BoldOblique => include_bytes!("../../assets/fonts/DejaVuSans-BoldOblique.ttf"),
            Face::Mono => include_bytes!("../../assets/fonts/DejaVuSansMono.ttf"),
        }
    }

    /// The face's name for messages.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Face::Regular => "DejaVu Sans",
            Face::Bold => "DejaVu Sans Bold",
            Face::Oblique => "DejaVu Sans Oblique",
            Face::BoldOblique => "DejaVu Sans Bold Oblique",
            Face::Mono => "DejaVu Sans Mono",
        }
    }
}

/// The code points whose glyphs and advances are looked up once, when the face is parsed: Latin
/// (ASCII, Latin-1, Latin Extended-A and -B) and General Punctuation (’ “ ” – — …), which is
/// nearly every character of a guide; the font's character map is the slow path for the rest.
const TABLED: [std::ops::Range<u32>; 2] = [0..0x250, 0x2000..0x2070];

/// A parsed font: its character map and advances (read with ttf-parser), and the same font
/// parsed by krilla for drawing, shared by every document the process writes.
pub(crate) struct FaceMetrics {
    font: ttf_parser::Face<'static>,
    pdf: Font,
    units_per_em: f32,
    /// Glyph ids and advances (in font units) of the [`TABLED`] ranges, one table each; glyph
    /// 0 for a character the face lacks.
    tabled: [Vec<(u16, u16)>; 2],
    /// The first table with each advance in ems, as [`FaceMetrics::glyph`] gives it: the
    /// characters of nearly every line, looked up once per character laid out and drawn.
    latin: Vec<(u16, f32)>,
}

impl std::fmt::Debug for FaceMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceMetrics").finish_non_exhaustive()
    }
}

impl FaceMetrics {
    fn parse(bytes: &'static [u8], label: &str) -> Result<Self, String> {
        let font = ttf_parser::Face::parse(bytes, 0)
            .map_err(|e| format!("the font {label} cannot be read: {e}"))?;
        let pdf = Font::new(Data::from(bytes), 0)
            .ok_or_else(|| format!("the font {label} cannot be read for drawing"))?;
        let mut metrics = FaceMetrics {
            units_per_em: f32::from(font.units_per_em().max(1)),
            font,
            pdf,
            tabled: [Vec::new(), Vec::new()],
            latin: Vec::new(),
        };
        metrics.tabled = TABLED.map(|range| {
            range
                .map(|code| {
                    char::from_u32(code)
                        .and_then(|c| metrics.lookup(c))
                        .unwrap_or((0, 0))
                })
                .collect()
        });
        metrics.latin = metrics.tabled[0]
            .iter()
            .map(|(glyph, units)| (*glyph, metrics.ems(*units)))
            .collect();
        Ok(metrics)
    }

    /// The glyph for `c` and its advance in font units.
    fn lookup(&self, c: char) -> Option<(u16, u16)> {
        let glyph = self.font.glyph_index(c).filter(|glyph| glyph.0 != 0)?;
        let advance = self.font.glyph_hor_advance(glyph)?;
        Some((glyph.0, advance))
    }

    fn glyph_and_units(&self, c: char) -> Option<(u16, u16)> {
        let code = u32::from(c);
        for (range, table) in TABLED.iter().zip(&self.tabled) {
            if range.contains(&code) {
                let entry = table.get((code - range.start) as usize).copied()?;
                return (entry.0 != 0).then_some(entry);
            }
        }
        self.lookup(c)
    }

    /// The glyph for `c` with its advance in ems, computed as krilla computes the font's own
    /// advance, so that the PDF needs no per-glyph adjustment to place it where we measured.
    fn glyph(&self, c: char) -> Option<(u16, f32)> {
        if let Some((glyph, ems)) = self.latin.get(u32::from(c) as usize) {
            return (*glyph != 0).then_some((*glyph, *ems));
        }
        self.glyph_and_units(c)
            .map(|(glyph, units)| (glyph, self.ems(units)))
    }

    fn ems(&self, units: u16) -> f32 {
        f32::from(units) / self.units_per_em
    }
}

/// Which font draws a character: the face asked for, or the first `[pdf] fonts` file that has
/// it when the face lacks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Face(Face),
    Extra(usize),
}

/// A character's glyph: the font, the glyph id, and its advance in ems.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glyph {
    pub source: Source,
    pub id: u16,
    pub advance: f32,
}

/// Extra fonts from `[pdf] fonts`, each a font file's bytes, tried in order after the
/// built-in faces. Compared by content; shown as a count, not as bytes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PdfFonts(pub Arc<Vec<Vec<u8>>>);

impl std::fmt::Debug for PdfFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PdfFonts({} files)", self.0.len())
    }
}

/// The five faces and the extra fonts.
#[derive(Debug)]
pub(crate) struct Fonts {
    faces: Vec<FaceMetrics>,
    extra: Vec<FaceMetrics>,
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

/// The font sets met so far with extra fonts, by their files. A process draws with one set (a
/// test run with a few); each is parsed once and kept for the life of the process, like the
/// built-in faces, so that every handout shares one parse.
static WITH_EXTRA: Mutex<Vec<(PdfFonts, &'static Fonts)>> = Mutex::new(Vec::new());

impl Fonts {
    /// The built-in faces, parsed on first use.
    pub(crate) fn get() -> Result<&'static Fonts, ExportError> {
        let fonts = FONTS.get_or_init(|| {
            let faces = Face::ALL
                .iter()
                .map(|face| FaceMetrics::parse(face.bytes(), face.label()))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Fonts {
                faces,
                extra: Vec::new(),
            })
        });
        fonts.as_ref().map_err(|e| ExportError::Content(e.clone()))
    }

    /// The built-in faces and `extra` after them, parsed once per process.
    pub(crate) fn with(extra: &PdfFonts) -> Result<&'static Fonts, ExportError> {
        if extra.0.is_empty() {
            return Fonts::get();
        }
        let built_in = Fonts::get()?;
        let mut sets = WITH_EXTRA
            .lock()
            .map_err(|_| ExportError::Content("the font table was poisoned".to_owned()))?;
        if let Some((_, fonts)) = sets
            .iter()
            .find(|(known, _)| Arc::ptr_eq(&known.0, &extra.0) || known == extra)
        {
            return Ok(fonts);
        }
        let parsed = extra
            .0
            .iter()
            .enumerate()
            .map(|(index, bytes)| {
                let bytes: &'static [u8] = Box::leak(bytes.clone().into_boxed_slice());
                FaceMetrics::parse(bytes, &format!("number {} of [pdf] fonts", index + 1))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(ExportError::Content)?;
        let fonts: &'static Fonts = Box::leak(Box::new(Fonts {
            faces: built_in
                .faces
                .iter()
                .map(|face| FaceMetrics {
                    font: face.font.clone(),
                    pdf: face.pdf.clone(),
                    units_per_em: face.units_per_em,
                    tabled: face.tabled.clone(),
                    latin: face.latin.clone(),
                })
                .collect(),
            extra: parsed,
        }));
        sets.push((extra.clone(), fonts));
        Ok(fonts)
    }

    fn face(&self, face: Face) -> &FaceMetrics {
        &self.faces[face.index()]
    }

    /// The font that draws `source`, as krilla knows it.
    pub(crate) fn pdf_font(&self, source: Source) -> Option<&Font> {
        match source {
            Source::Face(face) => self.faces.get(face.index()),
            Source::Extra(index) => self.extra.get(index),
        }
        .map(|metrics| &metrics.pdf)
    }

    /// The glyph that draws `c` in `face`: the face's own, else the first extra font's that has
    /// one; `None` when no font can draw it.
    pub(crate) fn glyph(&self, face: Face, c: char) -> Option<Glyph> {
        if let Some((id, advance)) = self.face(face).glyph(c) {
            return Some(Glyph {
                source: Source::Face(face),
                id,
                advance,
            });
        }
        self.extra.iter().enumerate().find_map(|(index, font)| {
            font.glyph(c).map(|(id, advance)| Glyph {
                source: Source::Extra(index),
                id,
                advance,
            })
        })
    }

    /// Whether `c` can be drawn in `face` (by the face or an extra font).
    pub(crate) fn covers(&self, face: Face, c: char) -> bool {
        self.glyph(face, c).is_some()
    }

    /// The advance of `c` in points at `size`; zero for a character no font has (such text
    /// is refused before it is drawn).
    pub(crate) fn char_width(&self, face: Face, size: f32, c: char) -> f32 {
        self.glyph(face, c).map_or(0.0, |glyph| glyph.advance) * size
    }

    /// The width of `text` in points at `size`: the sum of the advances the PDF draws with.
    pub(crate) fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        text.chars().map(|c| self.char_width(face, size, c)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_faces_cover_the_typography_the_content_uses() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        for face in Face::ALL {
            for c in "— ’ “ ” ★ ☆ ✓ ⚠ → é … \u{2011}\u{a0}".chars() {
                assert!(fonts.covers(face, c), "{} lacks {c:?}", face.label());
            }
            assert!(!fonts.covers(face, '中'));
        }
        // DejaVu Sans: 'M' is 1767/2048 em.
        let m = fonts.width(Face::Regular, 10.0, "M");
        assert!((m - 8.62).abs() < 0.01, "{m}");
        Ok(())
    }

    /// A glyph's outline as the segments ttf-parser reads, in font units.
    #[derive(Default, PartialEq, Debug)]
    struct Segments(Vec<(u8, [f32; 6])>);

    impl ttf_parser::OutlineBuilder for Segments {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.push((b'M', [x, y, 0.0, 0.0, 0.0, 0.0]));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.push((b'L', [x, y, 0.0, 0.0, 0.0, 0.0]));
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.0.push((b'Q', [x1, y1, x, y, 0.0, 0.0]));
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.0.push((b'C', [x1, y1, x2, y2, x, y]));
        }
        fn close(&mut self) {
            self.0.push((b'Z', [0.0; 6]));
        }
    }

    /// The faces drawn are the `dejavu` crate's (which the linter's coverage check reads) but
    /// for their hinting: the same characters, glyphs, advances, outlines and names.
    #[test]
    fn the_faces_are_dejavu_without_its_hinting() -> Result<(), String> {
        let originals: [&[u8]; 5] = [
            dejavu::sans::regular(),
            dejavu::sans::bold(),
            dejavu::sans::oblique(),
            dejavu::sans::bold_oblique(),
            dejavu::sans_mono::regular(),
        ];
        let table = |face: &ttf_parser::Face<'_>, tag: &[u8; 4]| {
            face.raw_face()
                .table(ttf_parser::Tag::from_bytes(tag))
                .map(<[u8]>::to_vec)
        };
        for (face, original) in Face::ALL.into_iter().zip(originals) {
            let label = face.label();
            let ours = ttf_parser::Face::parse(face.bytes(), 0).map_err(|e| e.to_string())?;
            let theirs = ttf_parser::Face::parse(original, 0).map_err(|e| e.to_string())?;
            assert!(face.bytes().len() < original.len(), "{label}");
            for tag in [b"fpgm", b"prep", b"cvt ", b"hdmx"] {
                assert_eq!(table(&ours, tag), None, "{label} keeps its {tag:?}");
            }
            for tag in [
                b"name", b"cmap", b"hmtx", b"hhea", b"OS/2", b"kern", b"GSUB", b"GPOS",
            ] {
                assert_eq!(table(&ours, tag), table(&theirs, tag), "{label}: {tag:?}");
            }
            assert_eq!(
                ours.number_of_glyphs(),
                theirs.number_of_glyphs(),
                "{label}"
            );
            for id in 0..theirs.number_of_glyphs() {
                let glyph = ttf_parser::GlyphId(id);
                let (mut mine, mut original) = (Segments::default(), Segments::default());
                assert_eq!(
                    ours.outline_glyph(glyph, &mut mine),
                    theirs.outline_glyph(glyph, &mut original),
                    "{label}: the bounds of glyph {id}"
                );
                assert_eq!(mine, original, "{label}: the outline of glyph {id}");
            }
            let mut mapped = 0;
            if let Some(cmap) = theirs.tables().cmap {
                for subtable in cmap.subtables {
                    subtable.codepoints(|code| {
                        if let Some(c) = char::from_u32(code) {
                            assert_eq!(ours.glyph_index(c), theirs.glyph_index(c), "{label} {c:?}");
                            mapped += 1;
                        }
                    });
                }
            }
            assert!(mapped > 2_000, "{label}: {mapped} characters");
        }
        Ok(())
    }

    #[test]
    fn tabled_glyphs_and_advances_are_the_fonts_own() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        for face in Face::ALL {
            let metrics = fonts.face(face);
            for range in TABLED {
                for c in range.filter_map(char::from_u32) {
                    assert_eq!(
                        metrics.glyph_and_units(c),
                        metrics.lookup(c),
                        "{face:?} {c:?}"
                    );
                    assert_eq!(
                        metrics.glyph(c),
                        metrics
                            .lookup(c)
                            .map(|(glyph, units)| (glyph, f32::from(units) / metrics.units_per_em)),
                        "{face:?} {c:?}"
                    );
                }
            }
        }
        Ok(())
    }
}
