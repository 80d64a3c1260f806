//! TrueType subsetting for embedding: the glyphs a document draws (and the glyphs their
//! composites are built from), renumbered from 0, with the tables a PDF reader needs.
//!
//! A handout draws about a hundred of DejaVu Sans's 6,253 glyphs. The subset keeps `glyf`,
//! `loca`, `hmtx` for those glyphs; `head`, `hhea`, `maxp` with the new glyph count; the hinting
//! programs (`cvt `, `fpgm`, `prep`) as they are, since the glyphs' instructions call them; a
//! `cmap` for the characters drawn; the `post` header; and from `name` the names plus the
//! copyright and licence once (the Macintosh records; Windows repeats them in UTF-16). Kerning,
//! OpenType layout tables and glyph names are left out: the layout places every glyph itself.
//!
//! The face is parsed once ([`TrueType::parse`]); a subset is then a copy of byte ranges.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// A parse or subsetting failure of a bundled font; it names what was wrong.
pub(crate) type FontResult<T> = Result<T, String>;

fn u16_at(data: &[u8], at: usize) -> FontResult<u16> {
    data.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| format!("a font table ends before byte {at}"))
}

fn i16_at(data: &[u8], at: usize) -> FontResult<i16> {
    u16_at(data, at).map(|v| v as i16)
}

fn u32_at(data: &[u8], at: usize) -> FontResult<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| format!("a font table ends before byte {at}"))
}

fn put_u16(data: &mut [u8], at: usize, value: u16) -> FontResult<()> {
    let slot = data
        .get_mut(at..at + 2)
        .ok_or_else(|| format!("a font table ends before byte {at}"))?;
    slot.copy_from_slice(&value.to_be_bytes());
    Ok(())
}

/// Composite glyph flags (OpenType `glyf`).
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;

/// The offsets, within a glyph's data, of its components' glyph ids: none for a simple glyph
/// (or an empty one), one per component for a composite.
fn component_offsets(glyph: &[u8]) -> FontResult<Vec<usize>> {
    let mut offsets = Vec::new();
    if glyph.len() < 10 || i16_at(glyph, 0)? >= 0 {
        return Ok(offsets);
    }
    // After numberOfContours and the bounding box.
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        offsets.push(at + 2);
        at += 4;
        at += if flags & ARG_1_AND_2_ARE_WORDS != 0 {
            4
        } else {
            2
        };
        if flags & WE_HAVE_A_SCALE != 0 {
            at += 2;
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            at += 4;
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            at += 8;
        }
        if flags & MORE_COMPONENTS == 0 {
            return Ok(offsets);
        }
        if at >= glyph.len() {
            return Err("a composite glyph runs past its end".to_owned());
        }
    }
}

/// The values a PDF font descriptor states, in thousandths of an em (ISO 32000-1, 9.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Descriptor {
    pub ascent: i64,
    pub descent: i64,
    pub cap_height: i64,
    pub italic_angle: i64,
    pub flags: i64,
    pub stem_v: i64,
    pub bbox: [i64; 4],
}

/// A parsed TrueType face: where its tables are, and what every subset copies unchanged.
#[derive(Debug)]
pub(crate) struct TrueType<'a> {
    data: &'a [u8],
    tables: BTreeMap<[u8; 4], (usize, usize)>,
    glyph_count: u16,
    metrics_count: u16,
    /// Where each glyph's data starts in `glyf`, and one more for the end of the last.
    loca: Vec<u32>,
    units_per_em: u16,
    /// The `name` table every subset carries.
    name: Vec<u8>,
}

impl<'a> TrueType<'a> {
    pub(crate) fn parse(data: &'a [u8]) -> FontResult<TrueType<'a>> {
        let version = u32_at(data, 0)?;
        if version != 0x0001_0000 && version != u32::from_be_bytes(*b"true") {
            return Err("not a TrueType font".to_owned());
        }
        let count = usize::from(u16_at(data, 4)?);
        let mut tables = BTreeMap::new();
        for index in 0..count {
            let record = 12 + 16 * index;
            let tag = data
                .get(record..record + 4)
                .and_then(|tag| <[u8; 4]>::try_from(tag).ok())
                .ok_or("the table directory is cut short")?;
            let offset = u32_at(data, record + 8)? as usize;
            let length = u32_at(data, record + 12)? as usize;
            if data.len() < offset.saturating_add(length) {
                return Err(format!(
                    "table {} runs past the end of the font",
                    String::from_utf8_lossy(&tag)
                ));
            }
            tables.insert(tag, (offset, length));
        }
        let mut font = TrueType {
            data,
            tables,
            glyph_count: 0,
            metrics_count: 0,
            loca: Vec::new(),
            units_per_em: 0,
            name: Vec::new(),
        };
        let head = font.table(b"head")?;
        font.units_per_em = u16_at(head, 18)?.max(1);
        let long_offsets = i16_at(head, 50)? != 0;
        font.glyph_count = u16_at(font.table(b"maxp")?, 4)?;
        font.metrics_count = u16_at(font.table(b"hhea")?, 34)?.max(1);
        let loca = font.table(b"loca")?;
        font.loca = (0..=usize::from(font.glyph_count))
            .map(|gid| {
                if long_offsets {
                    u32_at(loca, gid * 4)
                } else {
                    u16_at(loca, gid * 2).map(|half| u32::from(half) * 2)
                }
            })
            .collect::<FontResult<_>>()?;
        let glyf_len = font.table(b"glyf")?.len() as u32;
        if font
            .loca
            .windows(2)
            .any(|pair| pair[0] > pair[1] || pair[1] > glyf_len)
        {
            return Err("the glyph locations are out of order".to_owned());
        }
        font.name = font.kept_names()?;
        Ok(font)
    }

    fn table(&self, tag: &[u8; 4]) -> FontResult<&'a [u8]> {
        let (offset, length) = self.tables.get(tag).copied().ok_or_else(|| {
            format!(
                "the font has no {} table",
                String::from_utf8_lossy(tag).trim_end()
            )
        })?;
        self.data
            .get(offset..offset + length)
            .ok_or_else(|| "a font table lies outside the font".to_owned())
    }

    fn glyph(&self, gid: u16) -> FontResult<&'a [u8]> {
        let glyf = self.table(b"glyf")?;
        let start = *self.loca.get(usize::from(gid)).ok_or("no such glyph")? as usize;
        let end = *self.loca.get(usize::from(gid) + 1).ok_or("no such glyph")? as usize;
        glyf.get(start..end)
            .ok_or_else(|| format!("glyph {gid} lies outside the glyf table"))
    }

    /// Advance width and left side bearing, in font units.
    fn horizontal_metrics(&self, gid: u16) -> FontResult<(u16, i16)> {
        let hmtx = self.table(b"hmtx")?;
        let last = self.metrics_count - 1;
        if gid <= last {
            let at = usize::from(gid) * 4;
            Ok((u16_at(hmtx, at)?, i16_at(hmtx, at + 2)?))
        } else {
            let advance = u16_at(hmtx, usize::from(last) * 4)?;
            let bearing = i16_at(
                hmtx,
                usize::from(self.metrics_count) * 4 + usize::from(gid - self.metrics_count) * 2,
            )?;
            Ok((advance, bearing))
        }
    }

    /// The advance of a glyph in thousandths of an em, truncated: the `/W` value and the width
    /// the layout measures with.
    pub(crate) fn advance(&self, gid: u16) -> FontResult<u16> {
        let (advance, _) = self.horizontal_metrics(gid)?;
        let scaled = u64::from(advance) * 1000 / u64::from(self.units_per_em);
        Ok(u16::try_from(scaled).unwrap_or(u16::MAX))
    }

    /// The font descriptor's values, scaled to thousandths of an em.
    pub(crate) fn descriptor(&self) -> FontResult<Descriptor> {
        let scale =
            |value: i16| (f64::from(value) * 1000.0 / f64::from(self.units_per_em)).round() as i64;
        let head = self.table(b"head")?;
        let hhea = self.table(b"hhea")?;
        let ascent = scale(i16_at(hhea, 4)?);
        let (rise, run) = (i16_at(hhea, 18)?, i16_at(hhea, 20)?);
        // The caret slope as an angle from the vertical, counter-clockwise: negative for an
        // oblique face.
        let italic_angle = if rise == 0 {
            0
        } else {
            (-f64::from(run).atan2(f64::from(rise)).to_degrees()).round() as i64
        };
        let os2 = self.table(b"OS/2").ok();
        let weight = os2.map(|os2| u16_at(os2, 4)).transpose()?.unwrap_or(0);
        let cap_height = match os2 {
            Some(os2) if u16_at(os2, 0)? >= 2 => scale(i16_at(os2, 88)?),
            _ => ascent,
        };
        const NONSYMBOLIC: i64 = 1 << 5;
        const ITALIC: i64 = 1 << 6;
        Ok(Descriptor {
            ascent,
            descent: scale(i16_at(hhea, 6)?),
            cap_height,
            italic_angle,
            flags: NONSYMBOLIC | if italic_angle != 0 { ITALIC } else { 0 },
            // No table states the stem width; this is the usual estimate from the weight class
            // (88 for a regular face, 166 for a bold one).
            stem_v: if weight == 0 {
                80
            } else {
                50 + (f64::from(weight) / 65.0).powi(2).round() as i64
            },
            bbox: [
                scale(i16_at(head, 36)?),
                scale(i16_at(head, 38)?),
                scale(i16_at(head, 40)?),
                scale(i16_at(head, 42)?),
            ],
        })
    }

    /// The `name` table of every subset: the Macintosh records (every name, with the copyright
    /// and the licence the font's terms ask to keep with it, in one byte a character) and the
    /// Windows records of the family, style, full and PostScript names.
    fn kept_names(&self) -> FontResult<Vec<u8>> {
        let Ok(name) = self.table(b"name") else {
            return Ok(Vec::new());
        };
        let count = usize::from(u16_at(name, 2)?);
        let strings = usize::from(u16_at(name, 4)?);
        let mut records = Vec::new();
        for index in 0..count {
            let at = 6 + 12 * index;
            let platform = u16_at(name, at)?;
            let name_id = u16_at(name, at + 6)?;
            let keep = platform == 1 || (platform == 3 && matches!(name_id, 1..=6));
            if !keep {
                continue;
            }
            let length = usize::from(u16_at(name, at + 8)?);
            let offset = strings + usize::from(u16_at(name, at + 10)?);
            let text = name
                .get(offset..offset + length)
                .ok_or("a name record lies outside the name table")?;
            let header = name.get(at..at + 8).ok_or("the name table is cut short")?;
            records.push((header, text));
        }
        let mut out = Vec::new();
        out.extend_from_slice(&0u16.to_be_bytes());
        out.extend_from_slice(&(records.len() as u16).to_be_bytes());
        out.extend_from_slice(&((6 + 12 * records.len()) as u16).to_be_bytes());
        let mut offset = 0usize;
        for (header, text) in &records {
            out.extend_from_slice(header);
            out.extend_from_slice(&(text.len() as u16).to_be_bytes());
            out.extend_from_slice(&(offset as u16).to_be_bytes());
            offset += text.len();
        }
        for (_, text) in &records {
            out.extend_from_slice(text);
        }
        Ok(out)
    }

    /// The subset drawing `chars`, each given with its glyph in this face.
    pub(crate) fn subset(&self, chars: &BTreeMap<char, u16>) -> FontResult<Subset> {
        // The glyphs, with .notdef first and every composite's components.
        let mut glyphs: BTreeSet<u16> = chars.values().copied().collect();
        glyphs.insert(0);
        let mut pending: Vec<u16> = glyphs.iter().copied().collect();
        while let Some(gid) = pending.pop() {
            let glyph = self.glyph(gid)?;
            for at in component_offsets(glyph)? {
                let component = u16_at(glyph, at)?;
                if component >= self.glyph_count {
                    return Err(format!(
                        "glyph {gid} uses glyph {component}, which is not in the font"
                    ));
                }
                if glyphs.insert(component) {
                    pending.push(component);
                }
            }
        }
        let order: Vec<u16> = glyphs.into_iter().collect();
        let count = u16::try_from(order.len()).map_err(|_| "too many glyphs for one font")?;
        let new_id: BTreeMap<u16, u16> = order
            .iter()
            .enumerate()
            .map(|(new, old)| (*old, new as u16))
            .collect();

        let mut glyf = Vec::new();
        let mut loca = Vec::with_capacity(order.len() * 4 + 4);
        let mut hmtx = Vec::with_capacity(order.len() * 4);
        for old in &order {
            loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
            let glyph = self.glyph(*old)?;
            let start = glyf.len();
            glyf.extend_from_slice(glyph);
            for at in component_offsets(glyph)? {
                let component = u16_at(glyph, at)?;
                let renumbered = new_id.get(&component).copied().unwrap_or(0);
                put_u16(&mut glyf[start..], at, renumbered)?;
            }
            glyf.resize(glyf.len().next_multiple_of(4), 0);
            let (advance, bearing) = self.horizontal_metrics(*old)?;
            hmtx.extend_from_slice(&advance.to_be_bytes());
            hmtx.extend_from_slice(&bearing.to_be_bytes());
        }
        loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());

        let mut head = self.table(b"head")?.to_vec();
        // checkSumAdjustment is set once the file is complete; offsets are 32-bit.
        head.get_mut(8..12)
            .ok_or("the head table is cut short")?
            .fill(0);
        put_u16(&mut head, 50, 1)?;
        let mut hhea = self.table(b"hhea")?.to_vec();
        put_u16(&mut hhea, 34, count)?;
        let mut maxp = self.table(b"maxp")?.to_vec();
        put_u16(&mut maxp, 4, count)?;
        let mut post = self
            .table(b"post")?
            .get(..32)
            .ok_or("the post table is cut short")?
            .to_vec();
        // Version 3: no glyph names.
        post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

        let mut cmap_chars = BTreeMap::new();
        for (c, gid) in chars {
            if let (Ok(code), Some(new)) = (u16::try_from(u32::from(*c)), new_id.get(gid)) {
                cmap_chars.insert(code, *new);
            }
        }

        // The tables every subset shares are borrowed, not copied.
        let mut tables: Vec<([u8; 4], Cow<'_, [u8]>)> = vec![
            (*b"cmap", cmap_format_4(&cmap_chars).into()),
            (*b"glyf", glyf.into()),
            (*b"head", head.into()),
            (*b"hhea", hhea.into()),
            (*b"hmtx", hmtx.into()),
            (*b"loca", loca.into()),
            (*b"maxp", maxp.into()),
            (*b"post", post.into()),
        ];
        if !self.name.is_empty() {
            tables.push((*b"name", Cow::Borrowed(&self.name)));
        }
        for tag in [b"cvt ", b"fpgm", b"prep"] {
            if let Ok(table) = self.table(tag) {
                tables.push((*tag, Cow::Borrowed(table)));
            }
        }
        tables.sort_by_key(|table| table.0);
        Ok(Subset {
            bytes: assemble(&tables)?,
            new_id,
        })
    }
}

/// A subset font program and the glyph ids it gave the face's glyphs.
#[derive(Debug)]
pub(crate) struct Subset {
    pub bytes: Vec<u8>,
    /// The face's glyph id → the subset's.
    pub new_id: BTreeMap<u16, u16>,
}

/// A Windows Unicode BMP `cmap` (format 4), one segment per run of consecutive characters
/// whose glyphs are consecutive too.
fn cmap_format_4(chars: &BTreeMap<u16, u16>) -> Vec<u8> {
    // (first code, last code, glyph delta)
    let mut segments: Vec<(u16, u16, u16)> = Vec::new();
    for (code, gid) in chars {
        if *code == 0xffff {
            continue;
        }
        let delta = gid.wrapping_sub(*code);
        match segments.last_mut() {
            Some((_, last, last_delta)) if *last + 1 == *code && *last_delta == delta => {
                *last = *code;
            }
            _ => segments.push((*code, *code, delta)),
        }
    }
    segments.push((0xffff, 0xffff, 1));
    let count = segments.len() as u16;
    let (power, log) = largest_power_of_two(count);
    let search_range = power * 2;
    let selector = log;
    let length = 16 + 8 * usize::from(count);
    let mut sub = Vec::with_capacity(length);
    for value in [
        4u16,
        length as u16,
        0,
        count * 2,
        search_range,
        selector,
        count * 2 - search_range,
    ] {
        sub.extend_from_slice(&value.to_be_bytes());
    }
    for (_, last, _) in &segments {
        sub.extend_from_slice(&last.to_be_bytes());
    }
    sub.extend_from_slice(&0u16.to_be_bytes());
    for (first, _, _) in &segments {
        sub.extend_from_slice(&first.to_be_bytes());
    }
    for (_, _, delta) in &segments {
        sub.extend_from_slice(&delta.to_be_bytes());
    }
    for _ in &segments {
        sub.extend_from_slice(&0u16.to_be_bytes());
    }
    let mut cmap = Vec::with_capacity(12 + sub.len());
    for value in [0u16, 1, 3, 1] {
        cmap.extend_from_slice(&value.to_be_bytes());
    }
    cmap.extend_from_slice(&12u32.to_be_bytes());
    cmap.extend_from_slice(&sub);
    cmap
}

/// The largest power of two not above `count` (at least 1), and its logarithm: the binary
/// search fields of the table directory and of a format 4 `cmap`.
fn largest_power_of_two(count: u16) -> (u16, u16) {
    let mut power = 1u16;
    let mut log = 0u16;
    while power <= count / 2 {
        power *= 2;
        log += 1;
    }
    (power, log)
}

fn checksum(data: &[u8]) -> u32 {
    let mut sum = 0u32;
    for chunk in data.chunks(4) {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum = sum.wrapping_add(u32::from_be_bytes(word));
    }
    sum
}

/// The font file: the table directory, then each table on a four-byte boundary.
fn assemble(tables: &[([u8; 4], Cow<'_, [u8]>)]) -> FontResult<Vec<u8>> {
    let count = u16::try_from(tables.len()).map_err(|_| "too many tables")?;
    let (power, log) = largest_power_of_two(count);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for value in [count, power * 16, log, count * 16 - power * 16] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    let head_at = head_at.ok_or("the subset has no head table")?;
    let adjustment = 0xb1b0_afbau32.wrapping_sub(checksum(&out));
    out.get_mut(head_at + 8..head_at + 12)
        .ok_or("the head table is cut short")?
        .copy_from_slice(&adjustment.to_be_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ExportError;
    use crate::pdf::font::{Face, Fonts};

    fn glyphs(face: Face, text: &str) -> Result<BTreeMap<char, u16>, ExportError> {
        let fonts = Fonts::get()?;
        text.chars()
            .map(|c| {
                fonts
                    .glyph(face, c)
                    .map(|glyph| (c, glyph))
                    .ok_or_else(|| ExportError::Content(format!("no glyph for {c:?}")))
            })
            .collect()
    }

    fn subset_of(face: Face, text: &str) -> Result<(TrueType<'static>, Subset), String> {
        let fonts = Fonts::get().map_err(|e| e.to_string())?;
        let chars = glyphs(face, text).map_err(|e| e.to_string())?;
        let subset = fonts.truetype(face).subset(&chars)?;
        let original = TrueType::parse(face.bytes())?;
        Ok((original, subset))
    }

    /// The glyph a format 4 `cmap` gives `code`.
    fn cmap_lookup(cmap: &[u8], code: u16) -> Option<u16> {
        let sub = &cmap[usize::try_from(u32_at(cmap, 8).ok()?).ok()?..];
        let segments = usize::from(u16_at(sub, 6).ok()? / 2);
        for segment in 0..segments {
            let end = u16_at(sub, 14 + 2 * segment).ok()?;
            let start = u16_at(sub, 16 + 2 * segments + 2 * segment).ok()?;
            let delta = u16_at(sub, 16 + 4 * segments + 2 * segment).ok()?;
            if (start..=end).contains(&code) {
                return Some(code.wrapping_add(delta));
            }
        }
        None
    }

    #[test]
    fn a_subset_keeps_the_drawn_glyphs_and_their_components_renumbered() -> Result<(), String> {
        // Accented letters are composites in DejaVu Sans (a base letter and an accent).
        let text = "Reset é Å ü ñ ç ő";
        let (original, subset) = subset_of(Face::Regular, text)?;
        let font = TrueType::parse(&subset.bytes)?;
        let chars = glyphs(Face::Regular, text).map_err(|e| e.to_string())?;

        assert_eq!(usize::from(font.glyph_count), subset.new_id.len());
        assert_eq!(subset.new_id.get(&0), Some(&0), ".notdef stays glyph 0");
        let mut composites = 0;
        for (old, new) in &subset.new_id {
            let before = original.glyph(*old)?;
            let after = font.glyph(*new)?;
            assert_eq!(
                original.horizontal_metrics(*old)?,
                font.horizontal_metrics(*new)?,
                "glyph {old}"
            );
            if before.len() >= 10 && i16_at(before, 0)? < 0 {
                composites += 1;
                let offsets = component_offsets(before)?;
                for at in &offsets {
                    let component = u16_at(before, *at)?;
                    let renumbered = subset.new_id.get(&component).copied();
                    assert_eq!(renumbered, Some(u16_at(after, *at)?), "glyph {old}");
                }
            } else {
                assert_eq!(&after[..before.len()], before, "glyph {old}");
            }
        }
        assert!(
            composites >= 2,
            "accented letters are composites: {composites}"
        );
        let cmap = font.table(b"cmap")?;
        for (c, old) in &chars {
            let code = u16::try_from(u32::from(*c)).map_err(|e| e.to_string())?;
            assert_eq!(
                cmap_lookup(cmap, code),
                subset.new_id.get(old).copied(),
                "{c:?}"
            );
        }
        // A drawn glyph, its components, .notdef: nothing else.
        assert!(subset.new_id.len() <= chars.len() + 1 + 2 * composites);
        Ok(())
    }

    #[test]
    fn a_subset_is_a_well_formed_font_file() -> Result<(), String> {
        let (original, subset) = subset_of(Face::BoldOblique, "Back up first — then erase.")?;
        let font = TrueType::parse(&subset.bytes)?;
        // The whole file sums to the magic number once checkSumAdjustment is in place, and
        // each table's directory checksum is its own.
        assert_eq!(checksum(&subset.bytes), 0xb1b0_afba);
        for (tag, (offset, length)) in &font.tables {
            let mut table = subset.bytes[*offset..*offset + *length].to_vec();
            if tag == b"head" {
                table[8..12].fill(0);
            }
            let record = (0..font.tables.len())
                .map(|index| 12 + 16 * index)
                .find(|record| &subset.bytes[*record..*record + 4] == tag)
                .ok_or("a table without a record")?;
            assert_eq!(
                u32_at(&subset.bytes, record + 4)?,
                checksum(&table),
                "{tag:?}"
            );
            assert_eq!(offset % 4, 0, "{tag:?} is aligned");
        }
        let tags: Vec<&[u8; 4]> = font.tables.keys().collect();
        assert_eq!(
            tags,
            [
                b"cmap", b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp",
                b"name", b"post", b"prep"
            ]
        );
        // The hinting programs the glyphs call are the face's own.
        for tag in [b"cvt ", b"fpgm", b"prep"] {
            assert_eq!(font.table(tag)?, original.table(tag)?);
        }
        // Names and the licence notice once, not the 15 KB of the original.
        let name = font.table(b"name")?;
        assert!(name.len() < 6 * 1024, "{}", name.len());
        let latin: String = name.iter().map(|b| char::from(*b)).collect();
        assert!(latin.contains("Copyright (c) 2003 by Bitstream"));
        assert!(latin.contains("DejaVu changes are in public domain"));
        Ok(())
    }

    #[test]
    fn the_descriptor_states_the_faces_metrics() -> Result<(), String> {
        let regular = TrueType::parse(Face::Regular.bytes())?.descriptor()?;
        assert_eq!(
            regular,
            Descriptor {
                ascent: 928,
                descent: -236,
                cap_height: 928,
                italic_angle: 0,
                flags: 32,
                stem_v: 88,
                bbox: [-1021, -463, 1793, 1232],
            }
        );
        let oblique = TrueType::parse(Face::Oblique.bytes())?.descriptor()?;
        assert_eq!((oblique.italic_angle, oblique.flags), (-11, 96));
        assert_eq!(
            TrueType::parse(Face::Bold.bytes())?.descriptor()?.stem_v,
            166
        );
        Ok(())
    }

    #[test]
    fn a_damaged_font_is_an_error_not_a_panic() {
        let bytes = Face::Regular.bytes();
        for cut in [0, 11, 12 + 16 * 3, 4096, bytes.len() / 2] {
            assert!(TrueType::parse(&bytes[..cut]).is_err(), "{cut}");
        }
        assert!(TrueType::parse(b"OTTO\0\0\0\0").is_err());
        // A composite whose component list runs off its end.
        assert!(component_offsets(&[0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20]).is_err());
    }
}
