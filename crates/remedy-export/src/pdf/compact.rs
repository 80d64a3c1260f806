//! krilla's PDF, made small and cheap: every object that is not a stream (the structure tree's
//! elements, annotations, the outline, most of a tagged handout) goes into compressed object
//! streams indexed by a cross-reference stream (PDF 1.5); a stream krilla left unfiltered
//! (a handout's page contents; never the XMP metadata) is deflated at a fast level.
//!
//! krilla writes each object as plain text: a tagged handout was 2–3× larger than the untagged
//! one before it, its structure elements alone over half the file. The input is krilla's own
//! output, read by its cross-reference table; anything else in it is an error, never a guess.

use std::cell::RefCell;
use std::io::Write;

use zlib_rs::{Deflate, DeflateFlush, Status};

/// The zlib level for the book's object streams (their dictionaries compress well and are a
/// small part of its time).
pub(super) const LEVEL: i32 = 5;

/// The zlib level for a handout's object streams, where they were 7% of the instructions. On
/// the 20 bench handouts (178 pages, page contents at 2; session 27), instructions for the whole
/// export and bytes: level 5, 1,939.8 M, 1,721,748; 4, 1,924.6 M, 1,735,463; 3, 1,922.4 M,
/// 1,744,030; 2, 1,897.4 M, 1,757,468 (9.9 KB a page); 1, 1,865.9 M, 1,870,774 (10.5 KB).
pub(super) const HANDOUT_OBJECT_LEVEL: i32 = 2;

/// The zlib level for page contents krilla left unfiltered (a handout's; the book's are
/// deflated by krilla at 6 as each page is added). zlib-rs on 20 bench handouts (178 pages),
/// instructions for the whole export and KiB a page: level 3, 2,291 M, 10.9; 4, 2,304 M,
/// 10.5; 5, 2,367 M, 10.0; 6, 2,402 M, 9.9 (miniz_oxide at 3 before: 2,501 M, 10.4). Since
/// the faces lost their hinting (session 27, bytes of the 20 handouts): 4, 2,143 M, 1,528,904;
/// 3, 2,129 M, 1,613,896; 2, 2,038 M, 1,721,748 (9.45 KiB a page); 1, 1,930 M, 2,019,432
/// (11.35 KB a page, over the bench's limit of 11 KB).
pub(super) const PAGE_LEVEL: i32 = 2;

/// How many objects one object stream holds: a reader inflates a whole stream to read one of
/// its objects, so a few hundred, not the whole document.
pub(super) const PER_STREAM: usize = 200;

/// One indirect object of the input.
struct Object<'a> {
    number: u32,
    body: &'a [u8],
}

fn fault(what: &str) -> String {
    format!("the PDF writer's output could not be compacted: {what}")
}

/// Parses a decimal number at the start of `text` (after spaces); returns it and the rest.
fn number(text: &[u8]) -> Option<(u64, &[u8])> {
    let text = trim_start(text);
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 19 {
        return None;
    }
    let value = std::str::from_utf8(&text[..digits]).ok()?.parse().ok()?;
    Some((value, &text[digits..]))
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn is_delimiter(byte: u8) -> bool {
    is_space(byte) || b"()<>[]{}/%".contains(&byte)
}

fn trim_start(text: &[u8]) -> &[u8] {
    let start = text.iter().take_while(|b| is_space(**b)).count();
    &text[start..]
}

fn trim_end(text: &[u8]) -> &[u8] {
    let end = text.len() - text.iter().rev().take_while(|b| is_space(**b)).count();
    &text[..end]
}

/// Walks the dictionary at the start of `text`; returns where it ends (after `>>`) and, for
/// each key of its own level, the key's range in `text` (nested dictionaries, arrays and
/// strings are stepped over, so no text inside them is taken for a key).
fn dictionary(text: &[u8]) -> Option<(usize, Vec<(usize, usize)>)> {
    if !text.starts_with(b"<<") {
        return None;
    }
    let mut keys = Vec::new();
    let mut depth = 0usize;
    // Whether the next name at the dictionary's own level is a key (keys and values alternate).
    let mut expect_key = true;
    let mut at = 0;
    while at < text.len() {
        let byte = text[at];
        match byte {
            b'<' if text.get(at + 1) == Some(&b'<') => {
                depth += 1;
                at += 2;
            }
            b'>' if text.get(at + 1) == Some(&b'>') => {
                depth = depth.checked_sub(1)?;
                at += 2;
                if depth == 0 {
                    return Some((at, keys));
                }
                if depth == 1 {
                    expect_key = true;
                }
            }
            b'<' => {
                // A hex string.
                at += text[at..].iter().position(|b| *b == b'>')? + 1;
                if depth == 1 {
                    expect_key = true;
                }
            }
            b'(' => {
                let mut open = 0usize;
                loop {
                    match text.get(at)? {
                        b'\\' => at += 1,
                        b'(' => open += 1,
                        b')' => {
                            open -= 1;
                            if open == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    at += 1;
                }
                at += 1;
                if depth == 1 {
                    expect_key = true;
                }
            }
            b'[' => {
                // Arrays hold no dictionary keys; step over them whole (they may nest).
                let mut open = 0usize;
                loop {
                    match text.get(at)? {
                        b'[' => open += 1,
                        b']' => {
                            open -= 1;
                            if open == 0 {
                                break;
                            }
                        }
                        b'(' => {
                            let mut parens = 0usize;
                            loop {
                                match text.get(at)? {
                                    b'\\' => at += 1,
                                    b'(' => parens += 1,
                                    b')' => {
                                        parens -= 1;
                                        if parens == 0 {
                                            break;
                                        }
                                    }
                                    _ => {}
                                }
                                at += 1;
                            }
                        }
                        _ => {}
                    }
                    at += 1;
                }
                at += 1;
                if depth == 1 {
                    expect_key = true;
                }
            }
            b'/' => {
                let end = at
                    + 1
                    + text[at + 1..]
                        .iter()
                        .take_while(|b| !is_delimiter(**b))
                        .count();
                if depth == 1 {
                    if expect_key {
                        keys.push((at, end));
                    }
                    expect_key = !expect_key;
                }
                at = end;
            }
            _ if is_space(byte) => at += 1,
            _ => {
                // A number, a boolean, `null` or a reference's `0 R`: part of a value, and a
                // name after it is a key (a name value only ever follows its key).
                let end = at
                    + text[at..]
                        .iter()
                        .take_while(|b| !is_delimiter(**b))
                        .count()
                        .max(1);
                if depth == 1 {
                    expect_key = true;
                }
                at = end;
            }
        }
    }
    None
}

/// The value after the key at `key` (a range from [`dictionary`]), up to the next key or the end.
fn value_after<'a>(dict: &'a [u8], keys: &[(usize, usize)], index: usize) -> &'a [u8] {
    let (_, end) = keys[index];
    let stop = keys
        .get(index + 1)
        .map_or(dict.len() - 2, |(start, _)| *start);
    trim_end(trim_start(&dict[end..stop]))
}

fn key_index(dict: &[u8], keys: &[(usize, usize)], name: &[u8]) -> Option<usize> {
    keys.iter()
        .position(|(start, end)| &dict[*start..*end] == name)
}

/// The objects of krilla's output by its cross-reference table, and its trailer dictionary.
fn objects(pdf: &[u8]) -> Result<(Vec<Object<'_>>, &[u8], usize), String> {
    let tail_at = pdf.len().saturating_sub(64);
    let tail = &pdf[tail_at..];
    let at = tail
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or_else(|| fault("no startxref"))?;
    let (xref, _) = number(&tail[at + 9..]).ok_or_else(|| fault("no cross-reference offset"))?;
    let xref = usize::try_from(xref).map_err(|_| fault("offset"))?;
    let table = pdf
        .get(xref..)
        .ok_or_else(|| fault("offset past the end"))?;
    let table = table
        .strip_prefix(b"xref")
        .ok_or_else(|| fault("no cross-reference table"))?;
    let (first, rest) = number(table).ok_or_else(|| fault("no first number"))?;
    let (count, rest) = number(rest).ok_or_else(|| fault("no count"))?;
    if first != 0 {
        return Err(fault("a table not starting at object 0"));
    }
    let mut rest = trim_start(rest);
    let count = usize::try_from(count).map_err(|_| fault("count"))?;
    let mut offsets: Vec<(usize, u32)> = Vec::with_capacity(count);
    for number in 0..count {
        let entry = rest.get(..20).ok_or_else(|| fault("a short table"))?;
        rest = &rest[20..];
        if entry[17] == b'n' {
            let offset = std::str::from_utf8(&entry[..10])
                .ok()
                .and_then(|text| text.parse::<usize>().ok())
                .ok_or_else(|| fault("an offset"))?;
            if &entry[11..16] != b"00000" {
                return Err(fault("an object of a later generation"));
            }
            offsets.push((offset, u32::try_from(number).map_err(|_| fault("number"))?));
        }
    }
    let trailer = trim_start(rest)
        .strip_prefix(b"trailer")
        .ok_or_else(|| fault("no trailer"))?;
    let trailer = trim_start(trailer);
    let (end, _) = dictionary(trailer).ok_or_else(|| fault("an unreadable trailer"))?;
    let trailer = &trailer[..end];
    offsets.sort_unstable();
    let header_end = offsets.first().map_or(xref, |(offset, _)| *offset);
    let mut objects = Vec::with_capacity(offsets.len());
    for (index, (offset, number)) in offsets.iter().enumerate() {
        let end = offsets.get(index + 1).map_or(xref, |(next, _)| *next);
        let text = pdf
            .get(*offset..end)
            .ok_or_else(|| fault("an object outside the file"))?;
        let head = text
            .windows(3)
            .position(|w| w == b"obj")
            .filter(|at| *at < 24)
            .ok_or_else(|| fault("an object without `obj`"))?;
        let body = trim_end(text);
        let body = body
            .strip_suffix(b"endobj")
            .ok_or_else(|| fault("an object without `endobj`"))?;
        let body = trim_end(trim_start(&body[head + 3..]));
        objects.push(Object {
            number: *number,
            body,
        });
    }
    Ok((objects, trailer, header_end))
}

fn deflate(data: &[u8]) -> Result<Vec<u8>, String> {
    deflate_at(data, LEVEL)
}

thread_local! {
    /// One compressor per level and thread, reset between streams: setting one up costs more
    /// than deflating a small stream (its window and tables are allocated and cleared).
    static COMPRESSORS: RefCell<Vec<(i32, Deflate)>> = const { RefCell::new(Vec::new()) };
    /// Where each thread's compressor writes, kept between streams: a zeroed buffer of the
    /// worst case for every stream cost more than deflating it.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Object stream `stream_number` holding `members` (each object's number and body, in order),
/// deflated at `level`, written whole from `N 0 obj` to `endobj`: the handouts' packing and the
/// book's share it.
pub(super) fn object_stream(
    stream_number: u32,
    members: &[(u32, &[u8])],
    level: i32,
) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    let mut offset = 0;
    for (number, body) in members {
        write!(data, "{number} {offset} ").map_err(|e| fault(&e.to_string()))?;
        offset += body.len() + 1;
    }
    let first = data.len();
    data.reserve(offset);
    for (_, body) in members {
        data.extend_from_slice(body);
        data.push(b'\n');
    }
    let packed = deflate_at(&data, level)?;
    drop(data);
    let mut out = format!(
        "{stream_number} 0 obj\n<</Type/ObjStm/N {}/First {first}/Length {}/Filter/FlateDecode>>\nstream\n",
        members.len(),
        packed.len()
    )
    .into_bytes();
    out.reserve(packed.len() + 18);
    out.extend_from_slice(&packed);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    Ok(out)
}

/// `data` as one zlib stream at `level`.
pub(super) fn deflate_at(data: &[u8], level: i32) -> Result<Vec<u8>, String> {
    COMPRESSORS.with_borrow_mut(|compressors| {
        let at = match compressors.iter().position(|(known, _)| *known == level) {
            Some(at) => at,
            None => {
                compressors.push((level, Deflate::new(level, true, 15)));
                compressors.len() - 1
            }
        };
        let compressor = &mut compressors[at].1;
        compressor.reset();
        SCRATCH.with_borrow_mut(|scratch| {
            // Room for the worst case: the stream ends in one call.
            let bound = zlib_rs::compress_bound(data.len());
            if scratch.len() < bound {
                scratch.resize(bound, 0);
            }
            let status = compressor
                .compress(data, &mut scratch[..bound], DeflateFlush::Finish)
                .map_err(|e| fault(&format!("deflate: {}", e.as_str())))?;
            if status != Status::StreamEnd {
                return Err(fault("deflate: the stream did not end"));
            }
            let written = usize::try_from(compressor.total_out()).map_err(|_| fault("deflate"))?;
            scratch
                .get(..written)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| fault("deflate: more written than there was room for"))
        })
    })
}

/// A stream object (`body` from its dictionary to `endstream`) written again: deflated when
/// krilla left it unfiltered (but never the XMP metadata, which PDF/A wants readable as it is).
fn stream(out: &mut Vec<u8>, number: u32, body: &[u8]) -> Result<(), String> {
    let (dict_end, keys) =
        dictionary(body).ok_or_else(|| fault("an unreadable stream dictionary"))?;
    let dict = &body[..dict_end];
    let length = key_index(dict, &keys, b"/Length")
        .and_then(|index| number_value(value_after(dict, &keys, index)))
        .ok_or_else(|| fault("a stream without a direct /Length"))?;
    let after = trim_start(&body[dict_end..]);
    let data = after
        .strip_prefix(b"stream")
        .ok_or_else(|| fault("no `stream` after the dictionary"))?;
    let data = data
        .strip_prefix(b"\r\n")
        .or_else(|| data.strip_prefix(b"\n"))
        .ok_or_else(|| fault("no line end after `stream`"))?;
    // Exactly /Length bytes, which may end in bytes that look like white space.
    let (data, rest) = data
        .split_at_checked(length)
        .ok_or_else(|| fault("a stream past its object"))?;
    if trim_start(rest) != b"endstream" {
        return Err(fault("a stream whose /Length does not reach `endstream`"));
    }
    let filtered = key_index(dict, &keys, b"/Filter").is_some();
    let metadata = key_index(dict, &keys, b"/Type")
        .is_some_and(|index| value_after(dict, &keys, index) == b"/Metadata");
    writeln!(out, "{number} 0 obj").map_err(|e| fault(&e.to_string()))?;
    if filtered || metadata {
        out.extend_from_slice(dict);
        out.extend_from_slice(b"\nstream\n");
        out.extend_from_slice(data);
    } else {
        let packed = deflate_at(data, PAGE_LEVEL)?;
        // The dictionary again with its /Length replaced and the filter named.
        let index = key_index(dict, &keys, b"/Length").ok_or_else(|| fault("no /Length"))?;
        let (start, _) = keys[index];
        let stop = keys
            .get(index + 1)
            .map_or(dict.len() - 2, |(next, _)| *next);
        out.extend_from_slice(&dict[..start]);
        write!(out, "/Length {}/Filter/FlateDecode", packed.len())
            .map_err(|e| fault(&e.to_string()))?;
        if keys.get(index + 1).is_none() {
            out.extend_from_slice(b">>");
        } else {
            out.extend_from_slice(&dict[stop..]);
        }
        out.extend_from_slice(b"\nstream\n");
        out.extend_from_slice(&packed);
    }
    out.extend_from_slice(b"\nendstream\nendobj\n");
    Ok(())
}

fn number_value(text: &[u8]) -> Option<usize> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// Where each object is: in the file at an offset, or the `index`th of an object stream.
#[derive(Clone, Copy)]
enum Place {
    Free,
    At(usize),
    InStream(u32, usize),
}

/// [`krilla`]'s PDF with its objects in object streams and its streams deflated; the same
/// input gives the same bytes.
pub(crate) fn compact(pdf: &[u8]) -> Result<Vec<u8>, String> {
    let (objects, trailer, header_end) = objects(pdf)?;
    let size = objects
        .iter()
        .map(|object| object.number as usize + 1)
        .max()
        .unwrap_or(1);
    let mut places = vec![Place::Free; size];
    let mut out = Vec::with_capacity(pdf.len() / 2);
    out.extend_from_slice(&pdf[..header_end]);
    let mut packed: Vec<&Object<'_>> = Vec::new();
    for object in &objects {
        if trim_end(object.body).ends_with(b"endstream") {
            places[object.number as usize] = Place::At(out.len());
            stream(&mut out, object.number, object.body)?;
        } else {
            packed.push(object);
        }
    }
    let mut next = u32::try_from(size).map_err(|_| fault("too many objects"))?;
    for group in packed.chunks(PER_STREAM) {
        let stream_number = next;
        next += 1;
        let mut members = Vec::with_capacity(group.len());
        for (position, object) in group.iter().enumerate() {
            places[object.number as usize] = Place::InStream(stream_number, position);
            members.push((object.number, object.body));
        }
        places.push(Place::At(out.len()));
        out.extend_from_slice(&object_stream(
            stream_number,
            &members,
            HANDOUT_OBJECT_LEVEL,
        )?);
    }
    // The cross-reference stream, which is the last object and describes itself.
    let xref_number = next;
    let xref_at = out.len();
    places.push(Place::At(xref_at));
    let widest = places
        .iter()
        .map(|place| match place {
            Place::At(offset) => *offset,
            Place::InStream(number, _) => *number as usize,
            Place::Free => 0,
        })
        .max()
        .unwrap_or(0);
    let width = (usize::BITS - widest.leading_zeros()).div_ceil(8).max(1) as usize;
    let mut rows = Vec::with_capacity(places.len() * (width + 3));
    for place in &places {
        let (kind, field, third) = match *place {
            Place::Free => (0u8, 0usize, 0xffffu16),
            Place::At(offset) => (1, offset, 0),
            Place::InStream(number, index) => (
                2,
                number as usize,
                u16::try_from(index).map_err(|_| fault("an object stream too long"))?,
            ),
        };
        rows.push(kind);
        rows.extend_from_slice(&field.to_be_bytes()[std::mem::size_of::<usize>() - width..]);
        rows.extend_from_slice(&third.to_be_bytes());
    }
    if !matches!(places.first(), Some(Place::Free)) {
        return Err(fault("object 0 is in use"));
    }
    let rows = deflate(&rows)?;
    // The trailer's entries but /Size, which the stream states anew.
    let (_, keys) = dictionary(trailer).ok_or_else(|| fault("an unreadable trailer"))?;
    let mut entries = Vec::new();
    for (index, (start, _)) in keys.iter().enumerate() {
        let stop = keys
            .get(index + 1)
            .map_or(trailer.len() - 2, |(next, _)| *next);
        if value_key(trailer, &keys, index) != b"/Size" {
            entries.extend_from_slice(&trailer[*start..stop]);
        }
    }
    write!(
        out,
        "{xref_number} 0 obj\n<</Type/XRef/Size {}/W[1 {width} 2]",
        places.len()
    )
    .map_err(|e| fault(&e.to_string()))?;
    out.extend_from_slice(trim_end(&entries));
    write!(out, "/Length {}/Filter/FlateDecode>>\nstream\n", rows.len())
        .map_err(|e| fault(&e.to_string()))?;
    out.extend_from_slice(&rows);
    write!(out, "\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n")
        .map_err(|e| fault(&e.to_string()))?;
    Ok(out)
}

fn value_key<'a>(dict: &'a [u8], keys: &[(usize, usize)], index: usize) -> &'a [u8] {
    let (start, end) = keys[index];
    &dict[start..end]
}

/// A PDF written by hand: `objects` numbered from 1, a classic cross-reference table, object
/// 1 as the root and `trailer` as the trailer's other entries. Input for the readers' tests.
#[cfg(test)]
pub(crate) fn hand_written_pdf(objects: &[String], trailer: &str) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n%\x80\x80\x80\x80\n".to_vec();
    let mut offsets = Vec::new();
    for (index, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    let size = objects.len() + 1;
    pdf.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f\r\n").as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<</Size {size}/Root 1 0 R{trailer}>>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_at_the_dictionarys_own_level_only() -> Result<(), String> {
        let dict = b"<</Type/Annot/Contents(a /Length 9 >> (nested\\) ) here)/A<</Length 3>>/K[1 0 R/Length(])]/Length 12/P 4 0 R/Lang<656e>>>rest";
        let (end, keys) = dictionary(dict).ok_or("not a dictionary")?;
        assert_eq!(&dict[end..], b"rest");
        let names: Vec<&[u8]> = keys.iter().map(|(s, e)| &dict[*s..*e]).collect();
        assert_eq!(
            names,
            [
                &b"/Type"[..],
                b"/Contents",
                b"/A",
                b"/K",
                b"/Length",
                b"/P",
                b"/Lang"
            ]
        );
        let length = key_index(dict, &keys, b"/Length").ok_or("no /Length")?;
        assert_eq!(value_after(&dict[..end], &keys, length), b"12");
        Ok(())
    }

    #[test]
    fn what_is_not_the_writers_output_is_an_error_not_a_panic() {
        for input in [
            &b""[..],
            b"%PDF-1.7\nstartxref\n999999\n%%EOF",
            b"%PDF-1.7\n1 0 obj\n<</A(>>\nxref\n0 2\n0000000000 65535 f\r\n0000000009 00000 n\r\ntrailer\n<</Size 2>>\nstartxref\n22\n%%EOF",
            b"%PDF-1.7\n1 0 obj\n<</Length 99>>\nstream\nab\nendstream\nendobj\nxref\n0 2\n0000000000 65535 f\r\n0000000009 00000 n\r\ntrailer\n<</Size 2/Root 1 0 R>>\nstartxref\n54\n%%EOF",
        ] {
            assert!(compact(input).is_err(), "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn a_small_pdf_keeps_its_objects_and_streams() -> Result<(), String> {
        // One page, one content stream, the catalog and the page tree. The stream ends in bytes
        // that look like white space, as binary data may.
        let content = b"BT /F1 12 Tf (hello) Tj ET \0\n";
        let objects = [
            "<</Type/Catalog/Pages 2 0 R/Lang(en)>>".to_owned(),
            "<</Type/Pages/Count 1/Kids[3 0 R]>>".to_owned(),
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]/Contents 4 0 R>>".to_owned(),
            format!(
                "<</Length {}>>\nstream\n{}\nendstream",
                content.len(),
                String::from_utf8_lossy(content)
            ),
        ];
        let pdf = hand_written_pdf(&objects, "/ID[<00ff><00ff>]");
        let packed = compact(&pdf)?;
        assert_eq!(
            compact(&pdf)?,
            packed,
            "the same input gives the same bytes"
        );
        let document = lopdf::Document::load_mem(&packed).map_err(|e| e.to_string())?;
        assert_eq!(document.get_pages().len(), 1);
        let catalog = document.catalog().map_err(|e| e.to_string())?;
        assert_eq!(
            catalog.get(b"Lang").and_then(lopdf::Object::as_str).ok(),
            Some(&b"en"[..])
        );
        let page = document.get_pages()[&1];
        // lopdf ends each content stream it joins with a line break.
        assert_eq!(
            document.get_page_content(page),
            [&content[..], b"\n"].concat()
        );
        assert!(document.trailer.get(b"ID").is_ok(), "the /ID is kept");
        Ok(())
    }
}
