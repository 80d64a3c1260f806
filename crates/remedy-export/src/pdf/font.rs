//! The DejaVu Sans faces shipped by the `dejavu` crate: parsed once, measured with the same
//! advance widths the PDF's `/W` arrays state, and checked for coverage before anything is laid
//! out, so that a character the font cannot draw is an error rather than an empty box.

use std::sync::OnceLock;

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

    /// The face's font file.
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => dejavu::sans::regular(),
            Face::Bold => dejavu::sans::bold(),
            Face::Oblique => dejavu::sans::oblique(),
            Face::BoldOblique => dejavu::sans::bold_oblique(),
            Face::Mono => dejavu::sans_mono::regular(),
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

/// A parsed face: its character map and advances (read with ttf-parser).
pub(crate) struct FaceMetrics {
    font: ttf_parser::Face<'static>,
    /// Glyph ids and advances of the [`TABLED`] ranges, one table each; glyph 0 for a character
    /// the face lacks.
    tabled: [Vec<(u16, u16)>; 2],
}

impl std::fmt::Debug for FaceMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceMetrics").finish_non_exhaustive()
    }
}

impl FaceMetrics {
    fn parse(face: Face) -> Result<Self, String> {
        let font = ttf_parser::Face::parse(face.bytes(), 0)
            .map_err(|e| format!("the bundled font {} cannot be read: {e}", face.label()))?;
        let mut metrics = FaceMetrics {
            font,
            tabled: [Vec::new(), Vec::new()],
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
        Ok(metrics)
    }

    /// The glyph for `c` and its advance in thousandths of an em, truncated as the `/W` arrays
    /// state it, so that our line widths are the widths a viewer uses.
    fn lookup(&self, c: char) -> Option<(u16, u16)> {
        let glyph = self.font.glyph_index(c).filter(|glyph| glyph.0 != 0)?;
        let advance = self.font.glyph_hor_advance(glyph)?;
        let scaled = u64::from(advance) * 1000 / u64::from(self.font.units_per_em());
        Some((glyph.0, u16::try_from(scaled).unwrap_or(u16::MAX)))
    }

    fn glyph_and_advance(&self, c: char) -> Option<(u16, u16)> {
        let code = u32::from(c);
        for (range, table) in TABLED.iter().zip(&self.tabled) {
            if range.contains(&code) {
                let entry = table.get((code - range.start) as usize).copied()?;
                return (entry.0 != 0).then_some(entry);
            }
        }
        self.lookup(c)
    }

    fn advance(&self, c: char) -> Option<u16> {
        self.glyph_and_advance(c).map(|(_, advance)| advance)
    }

    /// The face's glyph for `c`, if it has one.
    fn glyph(&self, c: char) -> Option<u16> {
        self.glyph_and_advance(c).map(|(glyph, _)| glyph)
    }
}

/// The four faces.
#[derive(Debug)]
pub(crate) struct Fonts {
    faces: Vec<FaceMetrics>,
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

impl Fonts {
    /// The faces, parsed on first use.
    pub(crate) fn get() -> Result<&'static Fonts, ExportError> {
        let fonts = FONTS.get_or_init(|| {
            let faces = Face::ALL
                .iter()
                .map(|face| FaceMetrics::parse(*face))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Fonts { faces })
        });
        fonts.as_ref().map_err(|e| ExportError::Content(e.clone()))
    }

    fn face(&self, face: Face) -> &FaceMetrics {
        &self.faces[face.index()]
    }

    /// The face's glyph id for `c`; `None` for a character it cannot draw.
    pub(crate) fn glyph(&self, face: Face, c: char) -> Option<u16> {
        self.face(face).glyph(c)
    }

    /// Whether the face has a glyph for `c`.
    pub(crate) fn covers(&self, face: Face, c: char) -> bool {
        self.face(face).advance(c).is_some()
    }

    /// The advance of `c` in points at `size`; zero for a character the face lacks (such text
    /// is refused before it is drawn).
    pub(crate) fn char_width(&self, face: Face, size: f32, c: char) -> f32 {
        f32::from(self.face(face).advance(c).unwrap_or(0)) * size / 1000.0
    }

    /// The width of `text` in points at `size`.
    pub(crate) fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let metrics = self.face(face);
        let units: u32 = text
            .chars()
            .map(|c| u32::from(metrics.advance(c).unwrap_or(0)))
            .sum();
        units as f32 * size / 1000.0
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

    #[test]
    fn tabled_glyphs_and_advances_are_the_fonts_own() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        for face in Face::ALL {
            let metrics = fonts.face(face);
            for range in TABLED {
                for c in range.filter_map(char::from_u32) {
                    assert_eq!(
                        metrics.glyph_and_advance(c),
                        metrics.lookup(c),
                        "{face:?} {c:?}"
                    );
                }
            }
        }
        Ok(())
    }
}
