//! Assembly: laid-out pages to PDF objects on a lopdf document: each face used as a subset CID
//! font (Identity-H, with widths and a ToUnicode map so that text extracts), one content stream
//! a page, link annotations, the nested outline, the document information, and a trailer `/ID`
//! derived from the bytes. Subset tags derived from the characters and dates from the content
//! make two runs byte-identical.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::content::ContentStream;
use super::font::{Face, Fonts};
use super::layout::{Color, Draw, Frame, Page, Paginated, Target};
use super::render::OutlineItem;
use crate::ExportError;

/// The document information.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub title: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// Year, month, day: the creation and modification date.
    pub date: Option<(u16, u8, u8)>,
}

/// FNV-1a, 64 bits, from a chosen basis.
fn fnv(bytes: &[u8], basis: u64) -> u64 {
    let mut hash = basis;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Sixteen bytes derived from `bytes`.
fn digest(bytes: &[u8]) -> [u8; 16] {
    // Two lanes over 8-byte words, each a multiply and a rotation: an eighth of the work of a
    // byte-wise hash on a handout of 100 KB, and the same bytes always give the same digest.
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    let mut words = bytes.chunks_exact(8);
    for word in words.by_ref() {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(word);
        let word = u64::from_le_bytes(buf);
        a = (a ^ word)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
        b = (b ^ word.rotate_left(32))
            .wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
            .rotate_left(31);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    let tail = u64::from_le_bytes(tail) ^ (bytes.len() as u64);
    a = mix(a ^ tail);
    b = mix(b ^ a ^ tail.rotate_left(17));
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&a.to_be_bytes());
    out[8..].copy_from_slice(&b.to_be_bytes());
    out
}

/// A 64-bit finalizer: every output bit depends on every input bit.
fn mix(mut hash: u64) -> u64 {
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The characters a face draws: a bit per character of the Basic Multilingual Plane (a handout
/// draws ten thousand characters, of a hundred or so different ones; a search tree per character
/// cost a twentieth of a handout's time), the rest in a set.
#[derive(Debug)]
struct CharSet {
    plane: Vec<u64>,
    rest: BTreeSet<char>,
}

impl Default for CharSet {
    fn default() -> Self {
        Self {
            plane: vec![0; 0x10000 / 64],
            rest: BTreeSet::new(),
        }
    }
}

impl CharSet {
    fn extend(&mut self, chars: impl Iterator<Item = char>) {
        for c in chars {
            let code = u32::from(c) as usize;
            match self.plane.get_mut(code / 64) {
                Some(word) => *word |= 1 << (code % 64),
                None => {
                    self.rest.insert(c);
                }
            }
        }
    }

    fn into_set(self) -> BTreeSet<char> {
        let mut set = self.rest;
        for (index, word) in self.plane.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let code = u32::try_from(index * 64 + bit).unwrap_or(0);
                set.extend(char::from_u32(code));
            }
        }
        set
    }
}

/// The subset tag of a face: six capital letters derived from the face and the characters it
/// draws, so that different subsets carry different tags and equal input gives equal tags.
fn subset_tag(face: Face, chars: &BTreeSet<char>, taken: &BTreeSet<String>) -> String {
    let mut seed = face.label().as_bytes().to_vec();
    for c in chars {
        let mut buf = [0u8; 4];
        seed.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    let mut salt = 0u8;
    loop {
        seed.push(salt);
        let mut hash = fnv(&seed, 0xcbf2_9ce4_8422_2325);
        seed.pop();
        let mut tag = String::new();
        for _ in 0..6 {
            tag.push(char::from(b'A' + (hash % 26) as u8));
            hash /= 26;
        }
        if !taken.contains(&tag) {
            return tag;
        }
        salt = salt.wrapping_add(1);
    }
}

/// Rounds to hundredths of a point: smaller files, no visible difference.
fn r2(value: f32) -> f32 {
    (value * 100.0).round() / 100.0
}

/// A PDF text string: ASCII as is, anything else as UTF-16BE with a byte order mark.
fn text_string(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// The document information dictionary: title, subject and keywords of the guide (or book),
/// dated by its review date so that two runs give the same bytes.
fn info_dictionary(meta: &Meta) -> Dictionary {
    let mut info = Dictionary::new();
    info.set("Title", text_string(&meta.title));
    info.set("Author", text_string("remedy"));
    info.set("Subject", text_string(&meta.subject));
    if !meta.keywords.is_empty() {
        info.set("Keywords", text_string(&meta.keywords.join(", ")));
    }
    info.set("Creator", text_string("remedy"));
    info.set("Producer", text_string("remedy"));
    info.set("CreationDate", pdf_date(meta.date));
    info.set("ModDate", pdf_date(meta.date));
    info
}

fn pdf_date(date: Option<(u16, u8, u8)>) -> Object {
    let (year, month, day) = date.unwrap_or((1970, 1, 1));
    Object::String(
        format!("D:{year:04}{month:02}{day:02}000000Z").into_bytes(),
        StringFormat::Literal,
    )
}

fn content_error(message: impl Into<String>) -> ExportError {
    ExportError::Content(message.into())
}

/// An outline entry resolved to a page object and a height.
struct Resolved {
    title: String,
    page: ObjectId,
    top: f32,
    children: Vec<Resolved>,
}

fn resolve(
    items: &[OutlineItem],
    anchors: &BTreeMap<String, (usize, f32)>,
    page_ids: &[ObjectId],
    page_height: f32,
) -> Vec<Resolved> {
    items
        .iter()
        .filter_map(|item| {
            let (page, y) = anchors.get(&item.anchor)?;
            Some(Resolved {
                title: item.title.clone(),
                page: *page_ids.get(*page)?,
                top: r2(page_height - y),
                children: resolve(&item.children, anchors, page_ids, page_height),
            })
        })
        .collect()
}

/// Writes sibling outline items under `parent`; returns (first, last, visible descendants).
fn write_outline(
    doc: &mut lopdf::Document,
    parent: ObjectId,
    items: &[Resolved],
) -> Option<(ObjectId, ObjectId, i64)> {
    if items.is_empty() {
        return None;
    }
    let ids: Vec<ObjectId> = items.iter().map(|_| doc.new_object_id()).collect();
    let mut count = 0;
    for (i, item) in items.iter().enumerate() {
        let mut dict = Dictionary::new();
        dict.set("Title", text_string(&item.title));
        dict.set("Parent", Object::Reference(parent));
        dict.set(
            "Dest",
            Object::Array(vec![
                Object::Reference(item.page),
                Object::Name(b"XYZ".to_vec()),
                Object::Null,
                Object::Real(item.top),
                Object::Null,
            ]),
        );
        if i > 0 {
            dict.set("Prev", Object::Reference(ids[i - 1]));
        }
        if let Some(next) = ids.get(i + 1) {
            dict.set("Next", Object::Reference(*next));
        }
        if let Some((first, last, descendants)) = write_outline(doc, ids[i], &item.children) {
            dict.set("First", Object::Reference(first));
            dict.set("Last", Object::Reference(last));
            dict.set("Count", Object::Integer(descendants));
            count += descendants;
        }
        count += 1;
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    Some((ids[0], ids[ids.len() - 1], count))
}

/// Sixteen bytes written into the trailer `/ID` and replaced by the digest of the file.
const ID_PLACEHOLDER: &[u8; 16] = b"remedy-pdf-id-00";

/// One face as the document embeds it.
struct EmbeddedFace {
    face: Face,
    object: ObjectId,
    /// Character → code in the content stream (the subset's glyph id): a table for the
    /// characters below [`DIRECT`], a map for the rest.
    direct: Vec<u16>,
    rest: BTreeMap<char, u16>,
}

/// Characters below this are encoded through a table: Latin, General Punctuation, arrows.
const DIRECT: usize = 0x2200;

impl EmbeddedFace {
    fn code(&self, c: char) -> u16 {
        let index = u32::from(c) as usize;
        match self.direct.get(index) {
            Some(code) => *code,
            None => self.rest.get(&c).copied().unwrap_or(0),
        }
    }
}

fn name(text: &str) -> Object {
    Object::Name(text.as_bytes().to_vec())
}

fn integers(values: impl IntoIterator<Item = i64>) -> Object {
    Object::Array(values.into_iter().map(Object::Integer).collect())
}

/// A stream compressed at [`COMPRESSION`], or left as is when that does not make it smaller.
fn stream(mut dict: Dictionary, content: Vec<u8>) -> Object {
    use std::io::Write;

    use flate2::write::ZlibEncoder;

    let mut encoder = ZlibEncoder::new(
        Vec::with_capacity(content.len() / 3),
        flate2::Compression::new(COMPRESSION),
    );
    let compressed = encoder
        .write_all(&content)
        .and_then(|()| encoder.finish())
        .ok()
        .filter(|compressed| compressed.len() + 19 < content.len());
    let content = match compressed {
        Some(compressed) => {
            dict.set("Filter", name("FlateDecode"));
            compressed
        }
        None => content,
    };
    Object::Stream(lopdf::Stream::new(dict, content).with_compression(false))
}

/// A ToUnicode CMap: each code to the character it draws.
fn to_unicode(codes: &BTreeMap<u16, char>) -> Vec<u8> {
    use std::fmt::Write;

    let mut text = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = codes.iter().collect();
    // At most a hundred entries a block (ISO 32000-1, 9.10.3).
    for block in entries.chunks(100) {
        let _ = writeln!(text, "{} beginbfchar", block.len());
        for (code, c) in block {
            let _ = write!(text, "<{code:04X}> <");
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(text, "{unit:04X}");
            }
            text.push_str(">\n");
        }
        text.push_str("endbfchar\n");
    }
    text.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    text.into_bytes()
}

/// Embeds a subset of every face for the characters it draws, each with its own tag, and the
/// resource dictionary that names them for the pages.
fn embed_faces(
    doc: &mut lopdf::Document,
    fonts: &Fonts,
    faces: BTreeMap<Face, CharSet>,
) -> Result<(Vec<EmbeddedFace>, lopdf::ObjectId), ExportError> {
    let mut embedded = Vec::new();
    let mut taken = BTreeSet::new();
    for (face, chars) in faces {
        let chars = chars.into_set();
        let tag = subset_tag(face, &chars, &taken);
        embedded.push(embed_face(doc, fonts, face, &chars, &tag)?);
        taken.insert(tag);
    }
    let mut font_resources = Dictionary::new();
    for face in &embedded {
        font_resources.set(resource_name(face.face), Object::Reference(face.object));
    }
    let mut resources = Dictionary::new();
    resources.set("Font", Object::Dictionary(font_resources));
    let resources = doc.add_object(resources);
    Ok((embedded, resources))
}

/// Embeds the subset of `face` that draws `chars`: the Type 0 font, its CID font, descriptor,
/// ToUnicode map and font program.
fn embed_face(
    doc: &mut lopdf::Document,
    fonts: &Fonts,
    face: Face,
    chars: &BTreeSet<char>,
    tag: &str,
) -> Result<EmbeddedFace, ExportError> {
    let truetype = fonts.truetype(face);
    let mut glyphs = BTreeMap::new();
    for c in chars {
        let glyph = fonts.glyph(face, *c).ok_or_else(|| {
            content_error(format!(
                "'{c}' (U+{:04X}) was drawn in {}, which cannot draw it",
                u32::from(*c),
                face.label()
            ))
        })?;
        glyphs.insert(*c, glyph);
    }
    let subset = truetype
        .subset(&glyphs)
        .map_err(|e| content_error(format!("{} cannot be embedded: {e}", face.label())))?;

    let mut direct = vec![0u16; DIRECT];
    let mut rest = BTreeMap::new();
    // The first character of a glyph names it for text extraction.
    let mut unicode: BTreeMap<u16, char> = BTreeMap::new();
    for (c, glyph) in &glyphs {
        let code = subset.new_id.get(glyph).copied().unwrap_or(0);
        match direct.get_mut(u32::from(*c) as usize) {
            Some(slot) => *slot = code,
            None => {
                rest.insert(*c, code);
            }
        }
        unicode.entry(code).or_insert(*c);
    }
    let mut widths = Vec::with_capacity(subset.new_id.len());
    for old in subset.new_id.keys() {
        let advance = truetype
            .advance(*old)
            .map_err(|e| content_error(format!("{} cannot be embedded: {e}", face.label())))?;
        widths.push(Object::Integer(i64::from(advance)));
    }

    let base_font = format!("{tag}+{}", face.postscript_name());
    let program_length = subset.bytes.len() as i64;
    let mut program = Dictionary::new();
    program.set("Length1", Object::Integer(program_length));
    let program = doc.add_object(stream(program, subset.bytes));

    let metrics = fonts.descriptor(face);
    let mut descriptor = Dictionary::new();
    descriptor.set("Type", name("FontDescriptor"));
    descriptor.set("FontName", name(&base_font));
    descriptor.set("Flags", Object::Integer(metrics.flags));
    descriptor.set("FontBBox", integers(metrics.bbox));
    descriptor.set("ItalicAngle", Object::Integer(metrics.italic_angle));
    descriptor.set("Ascent", Object::Integer(metrics.ascent));
    descriptor.set("Descent", Object::Integer(metrics.descent));
    descriptor.set("CapHeight", Object::Integer(metrics.cap_height));
    descriptor.set("StemV", Object::Integer(metrics.stem_v));
    descriptor.set("FontFile2", Object::Reference(program));
    let descriptor = doc.add_object(descriptor);

    let mut system = Dictionary::new();
    system.set("Registry", Object::string_literal("Adobe"));
    system.set("Ordering", Object::string_literal("Identity"));
    system.set("Supplement", Object::Integer(0));
    let mut cid_font = Dictionary::new();
    cid_font.set("Type", name("Font"));
    cid_font.set("Subtype", name("CIDFontType2"));
    cid_font.set("BaseFont", name(&base_font));
    cid_font.set("CIDSystemInfo", Object::Dictionary(system));
    cid_font.set("FontDescriptor", Object::Reference(descriptor));
    cid_font.set("CIDToGIDMap", name("Identity"));
    cid_font.set("DW", Object::Integer(1000));
    cid_font.set(
        "W",
        Object::Array(vec![Object::Integer(0), Object::Array(widths)]),
    );
    let cid_font = doc.add_object(cid_font);

    let to_unicode = doc.add_object(stream(Dictionary::new(), to_unicode(&unicode)));
    let mut font = Dictionary::new();
    font.set("Type", name("Font"));
    font.set("Subtype", name("Type0"));
    font.set("BaseFont", name(&base_font));
    font.set("Encoding", name("Identity-H"));
    font.set(
        "DescendantFonts",
        Object::Array(vec![Object::Reference(cid_font)]),
    );
    font.set("ToUnicode", Object::Reference(to_unicode));
    let object = doc.add_object(font);

    Ok(EmbeddedFace {
        face,
        object,
        direct,
        rest,
    })
}

/// The name pages select a face by in their resources.
fn resource_name(face: Face) -> &'static str {
    match face {
        Face::Regular => "F1",
        Face::Bold => "F2",
        Face::Oblique => "F3",
        Face::BoldOblique => "F4",
        Face::Mono => "F5",
    }
}

/// A page's drawing as a content stream, and its links as annotations.
fn page_content(
    page: &Page,
    embedded: &[EmbeddedFace],
    height: f32,
) -> Result<Vec<u8>, ExportError> {
    let mut content = ContentStream::with_capacity(16 * 1024);
    let mut font: Option<(Face, f32)> = None;
    let mut fill: Option<Color> = None;
    for (dx, dy, draw) in page.draws() {
        match draw {
            Draw::Text { x, y, style, text } => {
                if text.is_empty() {
                    continue;
                }
                let face = embedded
                    .iter()
                    .find(|embedded| embedded.face == style.face)
                    .ok_or_else(|| content_error("a face was used but not embedded"))?;
                content.begin_text();
                if font != Some((style.face, style.size)) {
                    content.font(resource_name(face.face), style.size);
                    font = Some((style.face, style.size));
                }
                if fill != Some(style.color) {
                    let Color(r, g, b) = style.color;
                    content.fill_color(r, g, b);
                    fill = Some(style.color);
                }
                content.text(
                    x + dx,
                    height - (y + dy),
                    text.chars().map(|c| face.code(c)),
                );
            }
            Draw::Rect {
                x,
                y,
                w,
                h,
                fill: color,
            } => {
                content.end_text();
                if fill != Some(*color) {
                    let Color(r, g, b) = *color;
                    content.fill_color(r, g, b);
                    fill = Some(*color);
                }
                content.fill_rect(x + dx, height - (y + dy) - h, *w, *h);
            }
            Draw::Link { .. } => {}
        }
    }
    Ok(content.finish())
}

/// The link annotations of a page; a link to a place outside the document (another guide's,
/// in a handout) is left out.
fn page_links(
    laid: &Page,
    page: ObjectId,
    page_ids: &[ObjectId],
    anchors: &BTreeMap<String, (usize, f32)>,
    height: f32,
) -> Vec<Dictionary> {
    let mut links = Vec::new();
    for (dx, dy, draw) in laid.draws() {
        let Draw::Link { x, y, w, h, target } = draw else {
            continue;
        };
        let (x, y) = (x + dx, y + dy);
        let mut action = Dictionary::new();
        match target {
            Target::Anchor(anchor) => {
                let Some((index, top)) = anchors.get(anchor) else {
                    continue;
                };
                let Some(target_page) = page_ids.get(*index) else {
                    continue;
                };
                action.set("S", name("GoTo"));
                action.set(
                    "D",
                    Object::Array(vec![
                        Object::Reference(*target_page),
                        name("XYZ"),
                        Object::Null,
                        Object::Real(r2(height - top)),
                        Object::Null,
                    ]),
                );
            }
            Target::Uri(uri) => {
                action.set("S", name("URI"));
                action.set(
                    "URI",
                    Object::String(uri.as_bytes().to_vec(), StringFormat::Literal),
                );
            }
        }
        let bottom = height - y - h;
        let mut link = Dictionary::new();
        link.set("Type", name("Annot"));
        link.set("Subtype", name("Link"));
        link.set(
            "Rect",
            Object::Array(
                [x, bottom, x + w, bottom + h]
                    .into_iter()
                    .map(|value| Object::Real(r2(value)))
                    .collect(),
            ),
        );
        link.set("Border", integers([0, 0, 0]));
        link.set("H", name("I"));
        link.set("P", Object::Reference(page));
        link.set("A", Object::Dictionary(action));
        links.push(link);
    }
    links
}

/// Writes the pages as a PDF.
pub(crate) fn write_pdf(
    fonts: &Fonts,
    frame: &Frame,
    paginated: &Paginated,
    outline: &[OutlineItem],
    meta: &Meta,
) -> Result<Vec<u8>, ExportError> {
    // Fonts: one subset per face used, under a tag derived from what it draws.
    let mut seen: BTreeMap<Face, CharSet> = BTreeMap::new();
    for page in &paginated.pages {
        for (_, _, draw) in page.draws() {
            if let Draw::Text { style, text, .. } = draw {
                seen.entry(style.face).or_default().extend(text.chars());
            }
        }
    }
    let mut doc = lopdf::Document::with_version("1.7");
    let (embedded, resources) = embed_faces(&mut doc, fonts, seen)?;

    let height = frame.page_height;
    let pages_id = doc.new_object_id();
    let page_ids: Vec<ObjectId> = paginated
        .pages
        .iter()
        .map(|_| doc.new_object_id())
        .collect();
    let media_box = Object::Array(vec![
        Object::Integer(0),
        Object::Integer(0),
        Object::Real(frame.page_width),
        Object::Real(frame.page_height),
    ]);
    for (page, page_id) in paginated.pages.iter().zip(&page_ids) {
        let content = page_content(page, &embedded, height)?;
        let content = doc.add_object(stream(Dictionary::new(), content));
        let mut dict = Dictionary::new();
        dict.set("Type", name("Page"));
        dict.set("Parent", Object::Reference(pages_id));
        dict.set("MediaBox", media_box.clone());
        dict.set("Resources", Object::Reference(resources));
        dict.set("Contents", Object::Reference(content));
        let links = page_links(page, *page_id, &page_ids, &paginated.anchors, height);
        if !links.is_empty() {
            let links = links
                .into_iter()
                .map(|link| Object::Reference(doc.add_object(link)))
                .collect();
            dict.set("Annots", Object::Array(links));
        }
        doc.objects.insert(*page_id, Object::Dictionary(dict));
    }
    let mut pages = Dictionary::new();
    pages.set("Type", name("Pages"));
    pages.set(
        "Kids",
        Object::Array(page_ids.iter().map(|id| Object::Reference(*id)).collect()),
    );
    pages.set("Count", Object::Integer(page_ids.len() as i64));
    doc.objects.insert(pages_id, Object::Dictionary(pages));

    // The outline, nested, pointing at the headings.
    let resolved = resolve(outline, &paginated.anchors, &page_ids, height);
    let outlines_id = doc.new_object_id();
    let outline_root = write_outline(&mut doc, outlines_id, &resolved);
    let mut catalog = Dictionary::new();
    catalog.set("Type", name("Catalog"));
    catalog.set("Pages", Object::Reference(pages_id));
    let mut preferences = Dictionary::new();
    preferences.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(preferences));
    catalog.set("Lang", Object::string_literal("en"));
    if let Some((first, last, count)) = outline_root {
        let mut outlines = Dictionary::new();
        outlines.set("Type", name("Outlines"));
        outlines.set("First", Object::Reference(first));
        outlines.set("Last", Object::Reference(last));
        outlines.set("Count", Object::Integer(count));
        doc.objects
            .insert(outlines_id, Object::Dictionary(outlines));
        catalog.set("Outlines", Object::Reference(outlines_id));
        catalog.set("PageMode", name("UseOutlines"));
    } else {
        catalog.set("PageMode", name("UseNone"));
    }
    let root = doc.add_object(catalog);

    let info = doc.add_object(info_dictionary(meta));

    doc.trailer.set("Root", Object::Reference(root));
    doc.trailer.set("Info", Object::Reference(info));
    let placeholder = Object::String(ID_PLACEHOLDER.to_vec(), StringFormat::Hexadecimal);
    doc.trailer
        .set("ID", Object::Array(vec![placeholder.clone(), placeholder]));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)
        .map_err(|e| content_error(format!("the PDF cannot be written: {e}")))?;

    // The trailer /ID: a digest of everything else in the file.
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02X}")).collect::<String>();
    let needle = hex(ID_PLACEHOLDER);
    let id = hex(&digest(&bytes));
    let mut patched = 0;
    // The placeholder is in the trailer: the dictionary of the cross-reference stream that
    // `startxref` points at. Only that dictionary is searched.
    let mut at = trailer_start(&bytes).unwrap_or(bytes.len());
    let end = bytes.len().min(at.saturating_add(TRAILER_SEARCH));
    while let Some(found) = find(&bytes[at..end], needle.as_bytes()) {
        let start = at + found;
        bytes[start..start + needle.len()].copy_from_slice(id.as_bytes());
        at = start + needle.len();
        patched += 1;
    }
    if patched != 2 {
        return Err(content_error("the PDF trailer /ID could not be set"));
    }
    Ok(bytes)
}

/// The characters each face draws, gathered over pages that are then dropped: what a book's
/// font subsets are made from before its first page is written.
#[derive(Debug, Default)]
pub(crate) struct Glyphs {
    faces: BTreeMap<Face, CharSet>,
}

impl Glyphs {
    pub(crate) fn add_pages(&mut self, pages: &[super::layout::Page]) {
        for page in pages {
            for (_, _, draw) in page.draws() {
                if let Draw::Text { style, text, .. } = draw {
                    self.add(style.face, text);
                }
            }
        }
    }

    pub(crate) fn add(&mut self, face: Face, text: &str) {
        self.faces.entry(face).or_default().extend(text.chars());
    }

    pub(crate) fn merge(&mut self, other: Glyphs) {
        for (face, chars) in other.faces {
            let mine = self.faces.entry(face).or_default();
            for (word, theirs) in mine.plane.iter_mut().zip(&chars.plane) {
                *word |= theirs;
            }
            mine.rest.extend(chars.rest);
        }
    }
}

/// The running digest of a file as it is written: [`digest`], a word at a time.
struct Digest {
    a: u64,
    b: u64,
    pending: [u8; 8],
    filled: usize,
    length: u64,
}

impl Digest {
    fn new() -> Self {
        Self {
            a: 0xcbf2_9ce4_8422_2325,
            b: 0x8422_2325_cbf2_9ce4,
            pending: [0; 8],
            filled: 0,
            length: 0,
        }
    }

    fn word(&mut self, word: u64) {
        self.a = (self.a ^ word)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
        self.b = (self.b ^ word.rotate_left(32))
            .wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
            .rotate_left(31);
    }

    fn update(&mut self, mut bytes: &[u8]) {
        self.length += bytes.len() as u64;
        while !bytes.is_empty() {
            let take = (8 - self.filled).min(bytes.len());
            self.pending[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled == 8 {
                self.word(u64::from_le_bytes(self.pending));
                self.filled = 0;
            }
        }
    }

    fn finish(&self) -> [u8; 16] {
        let mut tail = [0u8; 8];
        tail[..self.filled].copy_from_slice(&self.pending[..self.filled]);
        let tail = u64::from_le_bytes(tail) ^ self.length;
        let a = mix(self.a ^ tail);
        let b = mix(self.b ^ a ^ tail.rotate_left(17));
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&a.to_be_bytes());
        out[8..].copy_from_slice(&b.to_be_bytes());
        out
    }
}

/// A PDF written object by object, in order, to any writer: nothing of a page is kept once it
/// is written but its offset. Objects are numbered from 1; a number can be reserved before its
/// object is written (the pages tree, every page, so that links and the outline can point
/// forward).
struct PdfStream<'w> {
    out: &'w mut dyn std::io::Write,
    written: u64,
    digest: Digest,
    /// Offset of each object, by number (index 0 unused).
    offsets: Vec<Option<u64>>,
}

impl<'w> PdfStream<'w> {
    fn start(out: &'w mut dyn std::io::Write) -> std::io::Result<Self> {
        let mut pdf = Self {
            out,
            written: 0,
            digest: Digest::new(),
            offsets: vec![None],
        };
        pdf.emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")?;
        Ok(pdf)
    }

    fn emit(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes)?;
        self.digest.update(bytes);
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn reserve(&mut self) -> ObjectId {
        let id = u32::try_from(self.offsets.len()).unwrap_or(u32::MAX);
        self.offsets.push(None);
        (id, 0)
    }

    fn write(&mut self, id: ObjectId, object: &Object) -> std::io::Result<()> {
        if let Some(slot) = self.offsets.get_mut(id.0 as usize) {
            *slot = Some(self.written);
        }
        let mut bytes = format!("{} {} obj\n", id.0, id.1).into_bytes();
        serialize(&mut bytes, object);
        bytes.extend_from_slice(b"\nendobj\n");
        self.emit(&bytes)
    }

    fn add(&mut self, object: &Object) -> std::io::Result<ObjectId> {
        let id = self.reserve();
        self.write(id, object)?;
        Ok(id)
    }

    /// A lopdf document whose new objects take the next numbers: for the parts built with
    /// lopdf's helpers (font subsets, the outline), written out with [`PdfStream::absorb`].
    fn scratch(&self) -> lopdf::Document {
        let mut doc = lopdf::Document::with_version("1.7");
        doc.max_id = u32::try_from(self.offsets.len() - 1).unwrap_or(u32::MAX);
        doc
    }

    fn absorb(&mut self, doc: lopdf::Document) -> std::io::Result<()> {
        while self.offsets.len() <= doc.max_id as usize {
            self.offsets.push(None);
        }
        for (id, object) in &doc.objects {
            self.write(*id, object)?;
        }
        Ok(())
    }

    /// The cross-reference table and the trailer, whose `/ID` is the digest of all before it.
    fn finish(mut self, root: ObjectId, info: ObjectId) -> std::io::Result<()> {
        let start = self.written;
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len());
        for offset in &self.offsets[1..] {
            match offset {
                Some(offset) => table.push_str(&format!("{offset:010} 00000 n \n")),
                None => table.push_str("0000000000 65535 f \n"),
            }
        }
        self.emit(table.as_bytes())?;
        let id: String = self
            .digest
            .finish()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let trailer = format!(
            "trailer\n<< /Size {} /Root {} 0 R /Info {} 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{start}\n%%EOF\n",
            self.offsets.len(),
            root.0,
            info.0
        );
        self.emit(trailer.as_bytes())?;
        self.out.flush()
    }
}

/// An object in PDF syntax.
fn serialize(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(value) => out.extend_from_slice(if *value { b"true" } else { b"false" }),
        Object::Integer(value) => out.extend_from_slice(value.to_string().as_bytes()),
        Object::Real(value) => out.extend_from_slice(value.to_string().as_bytes()),
        Object::Name(name) => serialize_name(out, name),
        Object::String(bytes, StringFormat::Literal) => {
            out.push(b'(');
            for byte in bytes {
                match byte {
                    b'\\' | b'(' | b')' => out.extend_from_slice(&[b'\\', *byte]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    byte => out.push(*byte),
                }
            }
            out.push(b')');
        }
        Object::String(bytes, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for byte in bytes {
                out.extend_from_slice(format!("{byte:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                serialize(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => serialize_dictionary(out, dict),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", Object::Integer(stream.content.len() as i64));
            serialize_dictionary(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference(id) => out.extend_from_slice(format!("{} {} R", id.0, id.1).as_bytes()),
    }
}

fn serialize_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        serialize_name(out, key);
        out.push(b' ');
        serialize(out, value);
    }
    out.extend_from_slice(b">>");
}

fn serialize_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for byte in name {
        let regular = (0x21..=0x7e).contains(byte) && !b"()<>[]{}/%#".contains(byte);
        if regular {
            out.push(*byte);
        } else {
            out.extend_from_slice(format!("#{byte:02X}").as_bytes());
        }
    }
}

/// A book written as it is laid out: the fonts first (from the characters gathered in a first
/// pass), then each part's pages as they come, then the pages tree, outline and trailer. What
/// it keeps is a number per page and the anchors, never the pages themselves.
pub(crate) struct BookWriter<'w> {
    pdf: PdfStream<'w>,
    embedded: Vec<EmbeddedFace>,
    resources: ObjectId,
    pages_id: ObjectId,
    page_ids: Vec<ObjectId>,
    next_page: usize,
    height: f32,
    media_box: Object,
}

fn io_failed(error: std::io::Error) -> ExportError {
    ExportError::Io {
        operation: "write",
        path: std::path::PathBuf::from("the book"),
        source: error,
    }
}

impl<'w> BookWriter<'w> {
    /// Starts a book of `total_pages` pages whose text draws `glyphs`.
    pub(crate) fn start(
        out: &'w mut dyn std::io::Write,
        fonts: &Fonts,
        frame: &Frame,
        glyphs: Glyphs,
        total_pages: usize,
    ) -> Result<Self, ExportError> {
        let mut pdf = PdfStream::start(out).map_err(io_failed)?;
        let mut doc = pdf.scratch();
        let (embedded, resources) = embed_faces(&mut doc, fonts, glyphs.faces)?;
        pdf.absorb(doc).map_err(io_failed)?;
        let pages_id = pdf.reserve();
        let page_ids = (0..total_pages).map(|_| pdf.reserve()).collect();
        let media_box = Object::Array(vec![
            Object::Integer(0),
            Object::Integer(0),
            Object::Real(frame.page_width),
            Object::Real(frame.page_height),
        ]);
        Ok(Self {
            pdf,
            embedded,
            resources,
            pages_id,
            page_ids,
            next_page: 0,
            height: frame.page_height,
            media_box,
        })
    }

    /// Writes the next pages; `anchors` are the whole book's (page index, top).
    pub(crate) fn pages(
        &mut self,
        pages: &[super::layout::Page],
        anchors: &BTreeMap<String, (usize, f32)>,
    ) -> Result<(), ExportError> {
        for page in pages {
            let Some(page_id) = self.page_ids.get(self.next_page).copied() else {
                return Err(content_error("the book has more pages than were counted"));
            };
            self.next_page += 1;
            let content = page_content(page, &self.embedded, self.height)?;
            let content = self
                .pdf
                .add(&stream(Dictionary::new(), content))
                .map_err(io_failed)?;
            let mut dict = Dictionary::new();
            dict.set("Type", name("Page"));
            dict.set("Parent", Object::Reference(self.pages_id));
            dict.set("MediaBox", self.media_box.clone());
            dict.set("Resources", Object::Reference(self.resources));
            dict.set("Contents", Object::Reference(content));
            let links = page_links(page, page_id, &self.page_ids, anchors, self.height);
            if !links.is_empty() {
                let mut ids = Vec::with_capacity(links.len());
                for link in links {
                    ids.push(Object::Reference(
                        self.pdf.add(&Object::Dictionary(link)).map_err(io_failed)?,
                    ));
                }
                dict.set("Annots", Object::Array(ids));
            }
            self.pdf
                .write(page_id, &Object::Dictionary(dict))
                .map_err(io_failed)?;
        }
        Ok(())
    }

    /// The pages tree, the outline, the catalog, the information and the trailer.
    pub(crate) fn finish(
        mut self,
        outline: &[OutlineItem],
        anchors: &BTreeMap<String, (usize, f32)>,
        meta: &Meta,
    ) -> Result<(), ExportError> {
        if self.next_page != self.page_ids.len() {
            return Err(content_error("the book has fewer pages than were counted"));
        }
        let mut pages = Dictionary::new();
        pages.set("Type", name("Pages"));
        pages.set(
            "Kids",
            Object::Array(
                self.page_ids
                    .iter()
                    .map(|id| Object::Reference(*id))
                    .collect(),
            ),
        );
        pages.set("Count", Object::Integer(self.page_ids.len() as i64));
        self.pdf
            .write(self.pages_id, &Object::Dictionary(pages))
            .map_err(io_failed)?;

        let resolved = resolve(outline, anchors, &self.page_ids, self.height);
        let outlines_id = self.pdf.reserve();
        let mut doc = self.pdf.scratch();
        let outline_root = write_outline(&mut doc, outlines_id, &resolved);
        let mut catalog = Dictionary::new();
        catalog.set("Type", name("Catalog"));
        catalog.set("Pages", Object::Reference(self.pages_id));
        let mut preferences = Dictionary::new();
        preferences.set("DisplayDocTitle", Object::Boolean(true));
        catalog.set("ViewerPreferences", Object::Dictionary(preferences));
        catalog.set("Lang", Object::string_literal("en"));
        let mut outlines = Dictionary::new();
        outlines.set("Type", name("Outlines"));
        if let Some((first, last, count)) = outline_root {
            outlines.set("First", Object::Reference(first));
            outlines.set("Last", Object::Reference(last));
            outlines.set("Count", Object::Integer(count));
            catalog.set("Outlines", Object::Reference(outlines_id));
            catalog.set("PageMode", name("UseOutlines"));
        } else {
            outlines.set("Count", Object::Integer(0));
            catalog.set("PageMode", name("UseNone"));
        }
        doc.objects
            .insert(outlines_id, Object::Dictionary(outlines));
        let root = doc.add_object(catalog);
        let info = doc.add_object(info_dictionary(meta));
        self.pdf.absorb(doc).map_err(io_failed)?;
        self.pdf.finish(root, info).map_err(io_failed)
    }
}

/// The deflate level of every stream. Level 1, measured on the 1,000 handouts of the bench
/// corpus: 13% less CPU for the whole export than level 3, for 27% more bytes (13 KB a page
/// instead of 10; the target is under 20).
const COMPRESSION: u32 = 1;

/// How far from its start the trailer's /ID is looked for.
const TRAILER_SEARCH: usize = 1024;

/// Where the cross-reference section begins: the offset after the last `startxref`.
fn trailer_start(bytes: &[u8]) -> Option<usize> {
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    let keyword = tail.windows(9).rposition(|window| window == b"startxref")?;
    let digits: String = tail[keyword + 9..]
        .iter()
        .map(|byte| char::from(*byte))
        .skip_while(char::is_ascii_whitespace)
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|start| *start < bytes.len())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_six_capitals_and_stable() {
        let chars: BTreeSet<char> = "Hello".chars().collect();
        let a = subset_tag(Face::Regular, &chars, &BTreeSet::new());
        let b = subset_tag(Face::Regular, &chars, &BTreeSet::new());
        assert_eq!(a, b);
        assert_eq!(a.len(), 6);
        assert!(a.bytes().all(|b| b.is_ascii_uppercase()));
        assert_ne!(a, subset_tag(Face::Bold, &chars, &BTreeSet::new()));
    }

    #[test]
    fn char_sets_hold_each_character_once_in_order() {
        let mut chars = CharSet::default();
        chars.extend("Tap “Reset” — then ★ 😀 a a".chars());
        let set = chars.into_set();
        let expected: BTreeSet<char> = "Tap “Reset” — then ★ 😀 a a".chars().collect();
        assert_eq!(set, expected);
    }

    #[test]
    fn text_strings() {
        assert_eq!(
            text_string("abc"),
            Object::String(b"abc".to_vec(), StringFormat::Literal)
        );
        assert_eq!(
            text_string("é"),
            Object::String(vec![0xfe, 0xff, 0x00, 0xe9], StringFormat::Hexadecimal)
        );
    }
}
