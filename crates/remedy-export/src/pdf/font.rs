//! The DejaVu Sans faces shipped by the `dejavu` crate: parsed once, measured with the same
//! advance widths the PDF's `/W` arrays state, and checked for coverage before anything is laid
//! out, so that a character the font cannot draw is an error rather than an empty box.

use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::ExportError;

/// One face of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
    Oblique,
    BoldOblique,
}

impl Face {
    pub(crate) const ALL: [Face; 4] = [Face::Regular, Face::Bold, Face::Oblique, Face::BoldOblique];

    pub(crate) fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::Oblique => 2,
            Face::BoldOblique => 3,
        }
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => dejavu::sans::regular(),
            Face::Bold => dejavu::sans::bold(),
            Face::Oblique => dejavu::sans::oblique(),
            Face::BoldOblique => dejavu::sans::bold_oblique(),
        }
    }

    /// The face's name for messages.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Face::Regular => "DejaVu Sans",
            Face::Bold => "DejaVu Sans Bold",
            Face::Oblique => "DejaVu Sans Oblique",
            Face::BoldOblique => "DejaVu Sans Bold Oblique",
        }
    }
}

/// Marks a missing glyph in the advance tables.
const MISSING: u16 = u16::MAX;

/// The code points whose advances are looked up once, when the face is parsed: Latin (ASCII,
/// Latin-1, Latin Extended-A and -B) and General Punctuation (’ “ ” – — …), which is nearly every
/// character of a guide; the font's own cmap lookup is the slow path for the rest.
const TABLED: [std::ops::Range<u32>; 2] = [0..0x250, 0x2000..0x2070];

/// A parsed face with its advance widths in thousandths of an em.
pub(crate) struct FaceMetrics {
    font: ParsedFont,
    units_per_em: f32,
    /// Advances of the [`TABLED`] ranges, one table each.
    tables: [Vec<u16>; 2],
}

impl std::fmt::Debug for FaceMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceMetrics")
            .field("units_per_em", &self.units_per_em)
            .finish_non_exhaustive()
    }
}

impl FaceMetrics {
    fn parse(face: Face) -> Result<Self, String> {
        let mut warnings = Vec::new();
        let font = ParsedFont::from_bytes(face.bytes(), 0, &mut warnings)
            .ok_or_else(|| format!("the bundled font {} cannot be read", face.label()))?;
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let mut metrics = FaceMetrics {
            font,
            units_per_em,
            tables: [Vec::new(), Vec::new()],
        };
        let tables = TABLED.map(|range| {
            range
                .map(|code| {
                    char::from_u32(code)
                        .and_then(|c| metrics.lookup(c))
                        .unwrap_or(MISSING)
                })
                .collect()
        });
        metrics.tables = tables;
        Ok(metrics)
    }

    /// The advance of `c` in thousandths of an em, truncated exactly as printpdf writes the
    /// `/W` array, so that our line widths are the widths a viewer uses.
    fn lookup(&self, c: char) -> Option<u16> {
        let glyph = self.font.lookup_glyph_index(u32::from(c))?;
        if glyph == 0 {
            return None;
        }
        let advance = f32::from(self.font.get_horizontal_advance(glyph));
        let scaled = (advance * 1000.0 / self.units_per_em) as i64;
        Some(u16::try_from(scaled.clamp(0, i64::from(MISSING - 1))).unwrap_or(0))
    }

    fn advance(&self, c: char) -> Option<u16> {
        let code = u32::from(c);
        for (range, table) in TABLED.iter().zip(&self.tables) {
            if range.contains(&code) {
                let advance = table.get((code - range.start) as usize).copied()?;
                return (advance != MISSING).then_some(advance);
            }
        }
        self.lookup(c)
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

    /// The parsed face, for embedding.
    pub(crate) fn parsed(&self, face: Face) -> &ParsedFont {
        &self.face(face).font
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
    fn tabled_advances_are_the_fonts_own() -> Result<(), ExportError> {
        let fonts = Fonts::get()?;
        for face in Face::ALL {
            let metrics = fonts.face(face);
            for range in TABLED {
                for c in range.filter_map(char::from_u32) {
                    assert_eq!(metrics.advance(c), metrics.lookup(c), "{face:?} {c:?}");
                }
            }
        }
        Ok(())
    }
}
