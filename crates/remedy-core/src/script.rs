//! Writing systems that cannot be printed one character after another, left to right: their
//! letters join, reorder or combine (Arabic, the scripts of India and South-East Asia), or run
//! right to left (Hebrew, Arabic). The handout sets text glyph by glyph without shaping, so the
//! linter refuses these (`unprintable-character`) and the PDF export will not draw them, rather
//! than print them mangled. One table, so that both say the same.

/// Why a script cannot be drawn glyph by glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedsShaping {
    /// Written right to left.
    RightToLeft,
    /// Letters that join each other, written right to left.
    JoinedRightToLeft,
    /// Letters that join each other (written top to bottom, or left to right).
    Joined,
    /// Vowel signs and conjuncts placed around and between letters by text shaping.
    Reordered,
}

impl NeedsShaping {
    /// What goes wrong, for a message: "its letters …".
    pub fn reason(self) -> &'static str {
        match self {
            NeedsShaping::RightToLeft => "it is written right to left",
            NeedsShaping::JoinedRightToLeft => {
                "its letters join each other and it is written right to left"
            }
            NeedsShaping::Joined => "its letters join each other",
            NeedsShaping::Reordered => {
                "its vowel signs and conjuncts must be placed by text shaping"
            }
        }
    }
}

/// The blocks of the scripts that need shaping, with their names, in code point order.
const SCRIPTS: &[(u32, u32, &str, NeedsShaping)] = &[
    (0x0590, 0x05FF, "Hebrew", NeedsShaping::RightToLeft),
    (0x0600, 0x06FF, "Arabic", NeedsShaping::JoinedRightToLeft),
    (0x0700, 0x074F, "Syriac", NeedsShaping::JoinedRightToLeft),
    (0x0750, 0x077F, "Arabic", NeedsShaping::JoinedRightToLeft),
    (0x0780, 0x07BF, "Thaana", NeedsShaping::RightToLeft),
    (0x07C0, 0x07FF, "N'Ko", NeedsShaping::JoinedRightToLeft),
    (0x0800, 0x083F, "Samaritan", NeedsShaping::RightToLeft),
    (0x0840, 0x085F, "Mandaic", NeedsShaping::JoinedRightToLeft),
    (0x0860, 0x086F, "Syriac", NeedsShaping::JoinedRightToLeft),
    (0x0870, 0x08FF, "Arabic", NeedsShaping::JoinedRightToLeft),
    (0x0900, 0x097F, "Devanagari", NeedsShaping::Reordered),
    (0x0980, 0x09FF, "Bengali", NeedsShaping::Reordered),
    (0x0A00, 0x0A7F, "Gurmukhi", NeedsShaping::Reordered),
    (0x0A80, 0x0AFF, "Gujarati", NeedsShaping::Reordered),
    (0x0B00, 0x0B7F, "Oriya", NeedsShaping::Reordered),
    (0x0B80, 0x0BFF, "Tamil", NeedsShaping::Reordered),
    (0x0C00, 0x0C7F, "Telugu", NeedsShaping::Reordered),
    (0x0C80, 0x0CFF, "Kannada", NeedsShaping::Reordered),
    (0x0D00, 0x0D7F, "Malayalam", NeedsShaping::Reordered),
    (0x0D80, 0x0DFF, "Sinhala", NeedsShaping::Reordered),
    (0x0E00, 0x0E7F, "Thai", NeedsShaping::Reordered),
    (0x0E80, 0x0EFF, "Lao", NeedsShaping::Reordered),
    (0x0F00, 0x0FFF, "Tibetan", NeedsShaping::Reordered),
    (0x1000, 0x109F, "Myanmar", NeedsShaping::Reordered),
    (0x1780, 0x17FF, "Khmer", NeedsShaping::Reordered),
    (0x1800, 0x18AF, "Mongolian", NeedsShaping::Joined),
    (0x19E0, 0x19FF, "Khmer", NeedsShaping::Reordered),
    (0xA8E0, 0xA8FF, "Devanagari", NeedsShaping::Reordered),
    (0xA9E0, 0xA9FF, "Myanmar", NeedsShaping::Reordered),
    (0xAA60, 0xAA7F, "Myanmar", NeedsShaping::Reordered),
    (0xFB1D, 0xFB4F, "Hebrew", NeedsShaping::RightToLeft),
    (0xFB50, 0xFDFF, "Arabic", NeedsShaping::JoinedRightToLeft),
    (0xFE70, 0xFEFC, "Arabic", NeedsShaping::JoinedRightToLeft),
];

/// The script of `c` and why it cannot be drawn glyph by glyph, if it is one of those; `None`
/// for every other character (Latin, Greek, Cyrillic, Chinese, Japanese, Korean syllables, …).
pub fn needs_shaping(c: char) -> Option<(&'static str, NeedsShaping)> {
    let code = u32::from(c);
    if !(0x0590..=0xFEFF).contains(&code) {
        return None;
    }
    let at = SCRIPTS.partition_point(|(_, last, _, _)| *last < code);
    SCRIPTS
        .get(at)
        .filter(|(first, _, _, _)| *first <= code)
        .map(|(_, _, name, why)| (*name, *why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_script_is_found_and_its_neighbours_are_not() {
        assert_eq!(needs_shaping('ب').map(|s| s.0), Some("Arabic"));
        assert_eq!(needs_shaping('ש').map(|s| s.0), Some("Hebrew"));
        assert_eq!(needs_shaping('क').map(|s| s.0), Some("Devanagari"));
        assert_eq!(needs_shaping('ก').map(|s| s.0), Some("Thai"));
        assert_eq!(needs_shaping('\u{FEFB}').map(|s| s.0), Some("Arabic"));
        for c in "aé Ωж中ル한\u{58F}\u{FEFF}\u{FF01}\u{FB00}".chars() {
            assert_eq!(needs_shaping(c), None, "{c:?}");
        }
        for pair in SCRIPTS.windows(2) {
            assert!(pair[0].1 < pair[1].0, "the table is sorted: {:?}", pair[1]);
        }
    }
}
