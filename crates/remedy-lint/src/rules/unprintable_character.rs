//! `unprintable-character`: a character the handout fonts cannot draw, or one that would print
//! wrongly (private-use characters, unpaired direction controls).
//!
//! The fonts are the ones the PDF export draws the guide's texts with: DejaVu Sans in its four
//! faces (regular, bold, oblique, bold oblique; any text may be set in any of them), plus
//! `[pdf] fonts` from `remedy.toml`. (DejaVu Sans Mono draws code; the model has no code field
//! yet, so no text is checked against it.) Their character maps are read with `ttf-parser`,
//! the built-in faces parsed once per process, the configured ones read once per run.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use remedy_core::{Guide, Span};

use super::{FileContext, RuleFinding};
use crate::locate;

declare_rule! {
    /// ## What it finds
    ///
    /// A character in a guide's text that the handout cannot print: one the handout fonts
    /// (DejaVu Sans, and the fonts listed in `[pdf] fonts`) have no glyph for, such as an emoji
    /// (📶) or Japanese text without a Japanese font; a private-use character (U+E000–U+F8FF,
    /// like the Apple logo U+F8FF), which only some devices show; and a direction control
    /// (U+202A–U+202E, U+2066–U+2069) that is opened and never closed, or closed and never
    /// opened. Every occurrence is reported at its own line and column. Text in a script that
    /// needs shaping (Arabic, Hebrew, Devanagari, Thai and the other scripts of India and
    /// South-East Asia) is refused too, even when a font has its letters: the handout sets text
    /// letter by letter from left to right, which would print it mangled.
    ///
    /// ## Why it matters
    ///
    /// The PDF export refuses a character it cannot draw rather than printing an empty box, so a
    /// guide that passed lint would fail to export. A private-use character prints as nothing
    /// or as a box on most systems, and an unpaired direction control reverses the rest of the
    /// line for the reader.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// steps:
    ///   - text: Check that the Wi‑Fi icon 📶 shows full bars.
    ///   - text: Choose  menu > System Settings.
    /// ```
    ///
    /// Fixed (or add a font with those characters to `[pdf] fonts`):
    ///
    /// ```yaml
    /// steps:
    ///   - text: Check that the Wi‑Fi icon shows full bars.
    ///   - text: Choose Apple menu > System Settings.
    /// ```
    pub struct UnprintableCharacter {
        name: "unprintable-character",
        severity: Error,
        summary: "a character the handout fonts cannot draw, or one that would print wrongly",
    }
}

/// The fonts of `[pdf] fonts`, read once per run; shared by every worker.
#[derive(Debug, Clone, Default)]
pub struct ExtraFonts(pub Arc<Vec<Vec<u8>>>);

impl ExtraFonts {
    fn covers(&self, c: char) -> bool {
        self.0.iter().any(|bytes| {
            ttf_parser::Face::parse(bytes, 0)
                .ok()
                .and_then(|face| face.glyph_index(c))
                .is_some_and(|glyph| glyph.0 != 0)
        })
    }
}

/// Whether `bytes` hold a font whose character map can be read.
pub fn is_font(bytes: &[u8]) -> bool {
    ttf_parser::Face::parse(bytes, 0).is_ok_and(|face| face.tables().cmap.is_some())
}

/// The built-in faces, parsed once.
struct BuiltIn {
    sans: Vec<ttf_parser::Face<'static>>,
}

fn built_in() -> &'static BuiltIn {
    static FACES: OnceLock<BuiltIn> = OnceLock::new();
    FACES.get_or_init(|| BuiltIn {
        sans: [
            dejavu::sans::regular(),
            dejavu::sans::bold(),
            dejavu::sans::oblique(),
            dejavu::sans::bold_oblique(),
        ]
        .into_iter()
        .filter_map(|bytes| ttf_parser::Face::parse(bytes, 0).ok())
        .collect(),
    })
}

/// Whether every face of DejaVu Sans draws `c` (text may be bold or oblique anywhere).
fn sans_covers(c: char) -> bool {
    let faces = &built_in().sans;
    !faces.is_empty()
        && faces
            .iter()
            .all(|face| face.glyph_index(c).is_some_and(|glyph| glyph.0 != 0))
}

/// The characters of the Basic Multilingual Plane that every built-in face draws and that need
/// no other check (not private-use, not a direction control), one bit each: most texts that are
/// not ASCII (curly quotes, a non-breaking hyphen, accents) are answered by this table instead
/// of four character-map searches per character.
fn printable_in_bmp() -> &'static [u64] {
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    BITS.get_or_init(|| {
        let faces = &built_in().sans;
        let mut bits = vec![0u64; 0x1_0000 / 64];
        let Some(first) = faces.first() else {
            return bits;
        };
        let mut candidates = Vec::new();
        if let Some(cmap) = first.tables().cmap {
            for subtable in cmap.subtables {
                if subtable.is_unicode() {
                    subtable.codepoints(|code| {
                        if code < 0x1_0000 {
                            candidates.push(code);
                        }
                    });
                }
            }
        }
        // Every Unicode subtable lists the characters again: each is asked about once, as
        // the four faces' look-ups are the cost of every run that meets a text that is not ASCII.
        candidates.sort_unstable();
        candidates.dedup();
        for code in candidates {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            if !is_private_use(c)
                && !is_direction_control(c)
                && remedy_core::script::needs_shaping(c).is_none()
                && sans_covers(c)
            {
                bits[code as usize / 64] |= 1 << (code % 64);
            }
        }
        bits
    })
}

/// Whether `c` is known to print without asking the fonts (the common case).
fn surely_printable(c: char, bits: &[u64]) -> bool {
    let code = u32::from(c) as usize;
    (' '..='~').contains(&c)
        || matches!(c, '\n' | '\r' | '\t')
        || bits
            .get(code / 64)
            .is_some_and(|word| word & (1 << (code % 64)) != 0)
}

/// Whether every character of `text` is [`surely_printable`], as asking each would say. The
/// ASCII between its other characters is read eight bytes at a time: a text that is not ASCII
/// mostly holds a curly quote or two among plain letters.
fn all_surely_printable(text: &str, bits: &[u64]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if let Some(word) = bytes
            .get(at..at + 8)
            .and_then(|chunk| <[u8; 8]>::try_from(chunk).ok())
            .map(u64::from_le_bytes)
        {
            // Eight ASCII bytes from ' ' to '~': no byte is high, each is at least 0x20 (adding
            // 0x60 sets its high bit) and none is 0x7F (adding 1 would set it). No sum carries
            // into the next byte, as every byte is below 0x80.
            let printable_ascii = word & HIGH == 0
                && word.wrapping_add(0x6060_6060_6060_6060) & HIGH == HIGH
                && word.wrapping_add(0x0101_0101_0101_0101) & HIGH == 0;
            if printable_ascii {
                at += 8;
                continue;
            }
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            // Not at a character boundary: cannot happen, as `at` moves by whole characters.
            return text.chars().all(|c| surely_printable(c, bits));
        };
        if !surely_printable(c, bits) {
            return false;
        }
        at += c.len_utf8();
    }
    true
}

fn is_private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}')
}

/// What is wrong with one character, if anything (direction controls are checked in pairs).
fn problem(c: char, extra: &ExtraFonts) -> Option<String> {
    // White space is layout, not glyphs (the PDF sets it as space); plain ASCII is always drawn.
    if c.is_whitespace() || (' '..='~').contains(&c) {
        return None;
    }

    if is_private_use(c) {
        let hint = if c == '\u{F8FF}' {
            "write \"Apple\" (the Apple logo shows only on Apple devices)"
        } else {
            "write what it stands for in words"
        };
        return Some(format!(
            "U+{:04X} is a private-use character: it prints as nothing or as a box on most systems; {hint}",
            u32::from(c)
        ));
    }
    if is_direction_control(c) {
        return None;
    }
    if let Some((script, why)) = remedy_core::script::needs_shaping(c) {
        return Some(format!(
            "`{c}` (U+{:04X}) is {script} script, which the handout cannot print: {}, and the PDF sets text letter by letter from left to right, so it would come out mangled; write this text in another script, or leave it out of the guide",
            u32::from(c),
            why.reason()
        ));
    }
    if sans_covers(c) || extra.covers(c) {
        return None;
    }
    if c.is_control() {
        // Never quoted: the character itself would reach the terminal or the CI log.
        return Some(format!(
            "U+{:04X} is a control character: the handout fonts have no glyph for it, and the PDF export refuses it; remove it (write a line break as a new line, not as an escape)",
            u32::from(c)
        ));
    }
    Some(format!(
        "`{c}` (U+{:04X}) cannot be printed: the handout fonts (DejaVu Sans) have no glyph for it; write it in words, or add a font that has it to `[pdf] fonts` in remedy.toml",
        u32::from(c)
    ))
}

fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The direction controls of `text` that have no partner (an embedding or override, U+202A–
/// U+202E, is closed by U+202C; an isolate, U+2066–U+2068, by U+2069), each as the character and
/// which occurrence of it in the text it is (0 for the first).
fn unpaired_direction_controls(text: &str) -> Vec<(char, usize)> {
    let mut seen: Vec<(char, usize)> = Vec::new();
    let mut nth = |c: char| match seen.iter_mut().find(|(s, _)| *s == c) {
        Some((_, count)) => {
            *count += 1;
            *count - 1
        }
        None => {
            seen.push((c, 1));
            0
        }
    };
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut unpaired = Vec::new();
    let isolate = |c: char| matches!(c, '\u{2066}'..='\u{2068}');
    for c in text.chars() {
        match c {
            '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' | '\u{2066}' | '\u{2067}'
            | '\u{2068}' => open.push((c, nth(c))),
            '\u{202C}' | '\u{2069}' => {
                let at = nth(c);
                let closes_isolate = c == '\u{2069}';
                match open
                    .iter()
                    .rposition(|(o, _)| isolate(*o) == closes_isolate)
                {
                    Some(index) => {
                        open.remove(index);
                    }
                    None => unpaired.push((c, at)),
                }
            }
            _ => {}
        }
    }
    unpaired.extend(open);
    unpaired
}

/// The most findings one text gets: a guide is read by people, and a text with more
/// unprintable characters than this is not one a writer can fix one by one (nor should it cost
/// a finding per character of a hostile file).
const MAX_PER_TEXT: usize = 200;

/// Every unprintable character of every text, at its own position.
pub fn check(cx: &FileContext<'_>, _guide: &Guide, out: &mut Vec<RuleFinding>) {
    let extra = &cx.options.extra_fonts;
    let source = &cx.file.source;
    for guide_text in cx.texts.iter().filter(|text| text.prose) {
        let text = guide_text.text;
        // ASCII prints, but for its control characters (a bell written `\a` in a quoted string).
        if guide_text.facts.is_ascii() && !guide_text.facts.may_hold_control() {
            continue;
        }
        let bits = printable_in_bmp();
        if all_surely_printable(text, bits) {
            continue;
        }
        // Each distinct character at fault with its message (`None`: it prints).
        let mut verdicts: HashMap<char, Option<String>> = HashMap::new();
        for c in text.chars() {
            verdicts.entry(c).or_insert_with(|| problem(c, extra));
        }
        verdicts.retain(|_, message| message.is_some());
        let unpaired = unpaired_direction_controls(text);
        if verdicts.is_empty() && unpaired.is_empty() {
            continue;
        }
        let pointer = guide_text.place.pointer(&cx.steps);
        let node = cx.value_span(&pointer);
        // One pass over the source of the text: where each character at fault, and each
        // direction control, is written.
        let mut at: HashMap<char, Vec<Span>> = HashMap::new();
        let mut order: Vec<char> = Vec::new();
        let spans = locate::find_all(source, node, |rest| {
            let c = rest.first().copied().unwrap_or(' ');
            if verdicts.contains_key(&c) || is_direction_control(c) {
                order.push(c);
                1
            } else {
                0
            }
        });
        for (c, span) in order.into_iter().zip(spans) {
            at.entry(c).or_default().push(span);
        }
        let mut found: Vec<(Span, String)> = Vec::new();
        for (c, nth) in unpaired {
            let message = format!(
                "U+{:04X} is a direction control without its partner: it reverses or isolates the rest of the line for the reader; remove it",
                u32::from(c)
            );
            // The occurrence itself when the source writes each one as it reads.
            let spans = at.get(&c).map_or(&[][..], Vec::as_slice);
            let written = text.chars().filter(|t| *t == c).count();
            let span = match spans.get(nth) {
                Some(span) if spans.len() == written => *span,
                _ => node,
            };
            found.push((span, message));
        }
        for (c, message) in verdicts {
            let Some(message) = message else { continue };
            match at.get(&c) {
                Some(spans) => found.extend(spans.iter().map(|span| (*span, message.clone()))),
                // Written as an escape (`\U0001F4F6`): the text's node is the place.
                None => found.push((node, message)),
            }
        }
        found.sort();
        found.dedup_by(|a, b| a.0 == b.0);
        found.truncate(MAX_PER_TEXT);
        for (span, message) in found {
            out.push(RuleFinding {
                rule: UnprintableCharacter::ID,
                span,
                pointer: pointer.clone(),
                message,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of the fast path says "prints" only where the fonts say so, and says it for
    /// the characters guides are full of.
    #[test]
    fn the_table_agrees_with_the_fonts() {
        let bits = printable_in_bmp();
        let none = ExtraFonts::default();
        let mut known = 0;
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            if surely_printable(c, bits) {
                assert_eq!(problem(c, &none), None, "U+{:04X}", u32::from(c));
                known += 1;
            }
        }
        assert!(known > 3_000, "only {known} characters in the table");
        for c in ['é', '’', '“', '\u{2011}', '–', '…', '→', 'ü'] {
            assert!(surely_printable(c, bits), "{c}");
        }
        for c in ['\u{F8FF}', '\u{202E}', '\u{1F4F6}', '日', '\u{7}'] {
            assert!(!surely_printable(c, bits), "U+{:04X}", u32::from(c));
        }
    }

    /// The eight-byte steps over ASCII say what asking every character says: each kind of
    /// character (controls, DEL, printable ASCII, in the table or not) at every offset.
    #[test]
    fn skipping_ascii_says_what_asking_every_character_says() {
        let bits = printable_in_bmp();
        let pieces = [
            "\u{7}", "\u{7f}", "\n", "\t", "\r", " ", "~", "’", "é", "日", "\u{F8FF}", "\u{1F4F6}",
        ];
        for piece in pieces {
            for length in 0..30 {
                for at in 0..=length {
                    let text = format!("’{}{piece}{}", "a".repeat(at), "b".repeat(length - at));
                    assert_eq!(
                        all_surely_printable(&text, bits),
                        text.chars().all(|c| surely_printable(c, bits)),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_fonts_decide() {
        let none = ExtraFonts::default();
        for c in ['é', '’', '–', '…', 'Ω', '→', 'ß', 'Ж'] {
            assert_eq!(problem(c, &none), None, "{c}");
        }
        for c in ['📶', '中', 'の', '\u{F8FF}', '\u{E000}'] {
            assert!(problem(c, &none).is_some(), "{c}");
        }
    }

    #[test]
    fn pdf_fonts_are_tried_after_the_built_in_ones() {
        let regular = dejavu::sans::regular();
        let Ok(face) = ttf_parser::Face::parse(regular, 0) else {
            panic!("DejaVu Sans does not parse");
        };
        // A character the regular face has but another face lacks: refused with the built-in
        // fonts alone, printable once a font that has it is configured.
        let only_regular = (0x80u32..0x3_0000)
            .filter_map(char::from_u32)
            .find(|c| {
                !sans_covers(*c)
                    && !c.is_whitespace()
                    && face.glyph_index(*c).is_some_and(|g| g.0 != 0)
                    && remedy_core::script::needs_shaping(*c).is_none()
            });
        let Some(c) = only_regular else {
            panic!("every face covers the same characters")
        };
        assert!(problem(c, &ExtraFonts::default()).is_some());
        let extra = ExtraFonts(Arc::new(vec![regular.to_vec()]));
        assert_eq!(problem(c, &extra), None);
        assert!(is_font(regular));
        assert!(!is_font(b"not a font"));
    }

    #[test]
    fn direction_controls_pair_up() {
        assert!(unpaired_direction_controls("a\u{202B}b\u{202C}c").is_empty());
        assert!(unpaired_direction_controls("a\u{2067}b\u{2069}").is_empty());
        assert_eq!(unpaired_direction_controls("a\u{202E}b"), [('\u{202E}', 0)]);
        assert_eq!(unpaired_direction_controls("a\u{2069}b"), [('\u{2069}', 0)]);
        assert_eq!(
            unpaired_direction_controls("\u{2067}a\u{202C}"),
            [('\u{202C}', 0), ('\u{2067}', 0)]
        );
        assert_eq!(
            unpaired_direction_controls("\u{202E}x\u{202C} \u{202E}y"),
            [('\u{202E}', 1)]
        );
    }
}
