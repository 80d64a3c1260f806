//! The book written part by part, so that its memory does not grow with its pages.
//!
//! krilla keeps every page of a document until `finish` and returns the whole file at once: a
//! book of 1,000 guides held about 0.6 MiB a guide. So the book is made as parts, each a few
//! guides (or the title page and contents) and a krilla document of its own, and each part is
//! merged into the file as soon as it is finished: its objects renumbered into the book's
//! numbering and written out (in object streams, as [`super::compact`] packs a handout), then
//! dropped. What is kept between parts is small and per page or per element: where each object
//! went (for the cross-reference stream), the structure tree's top elements and parent-tree
//! entries, and the notes' ids.
//!
//! The book's own objects come first and are written last: the catalog, one page tree, one
//! structure tree root with one `Document` element (each part's elements under it), the outline
//! and the page objects, whose numbers are set aside from the start (the first pass knows the
//! page count). A link to an anchor anywhere in the book is written by the part as a placeholder
//! URI naming the book's page ([`deferred_link`]), and made a destination on that page object
//! here. Structure parent keys are offset by the keys of the parts before; note ids are
//! numbered anew across the book. The front part also gives the book its catalog entries
//! (`/Lang`, `/MarkInfo`, `/ViewerPreferences`, `/OutputIntents`), its XMP metadata (with the
//! book's page count), its info dictionary and its file `/ID`. Anything in a part this does not
//! expect is an error, never a guess.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::compact::{LEVEL, PAGE_LEVEL, PER_STREAM, deflate_at, object_stream};
use super::render::OutlineItem;
use crate::ExportError;
use crate::output::ScratchFile;

/// The book's own objects, written at the end.
const CATALOG: u32 = 1;
const PAGES: u32 = 2;
const STRUCT_ROOT: u32 = 3;
const DOCUMENT: u32 = 4;
const OUTLINES: u32 = 5;
/// The first page's object number; page `n` of the book is object `FIRST_PAGE + n`.
const FIRST_PAGE: u32 = 6;

/// The scheme of a placeholder link (never left in the book).
const DEFERRED: &[u8] = b"remedy-book-page:";

/// A link to the book's page `page` (0-based) at `top` (from the page's top), written by a part
/// as a URI and made a destination when the part is merged.
pub(crate) fn deferred_link(page: usize, top: f32) -> String {
    format!(
        "{}{page}:{}",
        String::from_utf8_lossy(DEFERRED),
        top.to_bits()
    )
}

fn parse_deferred(uri: &[u8]) -> Option<(usize, f32)> {
    let rest = std::str::from_utf8(uri.strip_prefix(DEFERRED)?).ok()?;
    let (page, top) = rest.split_once(':')?;
    Some((page.parse().ok()?, f32::from_bits(top.parse().ok()?)))
}

fn fault(what: impl std::fmt::Display) -> ExportError {
    ExportError::Content(format!("the book could not be put together: {what}"))
}

/// Where each object of the book is, in four bytes an object (a book has about 80 objects a
/// page): 0, nowhere yet; `offset + 1`, at that offset in the file; with [`IN_STREAM`] set,
/// `stream << 8 | index`, the `index`th object of object stream `stream`. So a book is at most
/// 2 GiB (about 40,000 guides) and has fewer than 2^23 objects (PDF/A's own limit).
const IN_STREAM: u32 = 1 << 31;
const _: () = assert!(PER_STREAM <= 256);

/// A place as a cross-reference row's three fields.
fn field(place: u32) -> (u8, u32, u16) {
    if place == 0 {
        (0, 0, 0xffff)
    } else if place & IN_STREAM != 0 {
        let place = place & !IN_STREAM;
        (2, place >> 8, (place & 0xff) as u16)
    } else {
        (1, place - 1, 0)
    }
}

/// What the front part gives the whole book.
struct Front {
    /// The catalog's entries but its page tree, structure tree and outline (renumbered).
    catalog: Dictionary,
    /// The `Document` element's entries but its kids and parent (its `/Lang`).
    document: Dictionary,
    info: Option<u32>,
    id: Option<Object>,
}

/// The book's file, written part by part.
pub(crate) struct BookWriter<'o> {
    out: &'o mut dyn Write,
    written: u64,
    /// The places of the book's own objects and its pages (numbers below `first_free`), then
    /// of the objects numbered since the last spill.
    places: Vec<u32>,
    /// The first number after the pages: the objects the parts bring start here.
    first_free: u32,
    /// Where the places of the parts' objects go once a part is merged, in number order, so
    /// that they are not held to the end (four bytes for each of about 80 objects a page);
    /// `None`: held (a book made in memory).
    spill: Option<ScratchFile>,
    /// How many places were spilled.
    spilled: u32,
    /// The widest offset or stream number among the spilled places.
    spilled_widest: u32,
    next_object: u32,
    total_pages: usize,
    pages_done: usize,
    page_height: f32,
    /// The x of an outline entry's destination (the left margin).
    left: f32,
    /// The structure parent keys used so far; the next part's keys start here.
    next_key: u32,
    /// The parent tree: the object each key stands for, by key.
    parent_tree: Vec<u32>,
    /// The `Document` element's kids: every part's top structure elements, in order.
    document_kids: Vec<u32>,
    role_map: Dictionary,
    /// The structure elements' ids (the notes'), renumbered across the book.
    ids: BTreeMap<Vec<u8>, u32>,
    front: Option<Front>,
    /// Objects waiting for an object stream: number and body.
    packed: Vec<(u32, Vec<u8>)>,
}

impl std::fmt::Debug for BookWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookWriter")
            .field("pages_done", &self.pages_done)
            .field("total_pages", &self.total_pages)
            .finish_non_exhaustive()
    }
}

/// The reference an object holds at `key`.
fn reference(dict: &Dictionary, key: &[u8]) -> Result<ObjectId, ExportError> {
    dict.get(key)
        .and_then(Object::as_reference)
        .map_err(|_| fault(format!("no reference at /{}", String::from_utf8_lossy(key))))
}

/// `object`, or the object it refers to.
fn resolve<'d>(doc: &'d lopdf::Document, object: &'d Object) -> Result<&'d Object, ExportError> {
    match object {
        Object::Reference(id) => doc.get_object(*id).map_err(fault),
        other => Ok(other),
    }
}

/// Every reference inside `object`, in order.
fn references(object: &Object, found: &mut Vec<ObjectId>) {
    match object {
        Object::Reference(id) => found.push(*id),
        Object::Array(items) => items.iter().for_each(|item| references(item, found)),
        Object::Dictionary(dict) => dict.iter().for_each(|(_, value)| references(value, found)),
        Object::Stream(stream) => stream
            .dict
            .iter()
            .for_each(|(_, value)| references(value, found)),
        _ => {}
    }
}

/// `object` with every reference renumbered by `remap`; a reference it does not know is an
/// error (an object the merge did not take).
fn renumber(object: &mut Object, remap: &HashMap<ObjectId, u32>) -> Result<(), ExportError> {
    match object {
        Object::Reference(id) => {
            let number = remap
                .get(id)
                .ok_or_else(|| fault(format!("a reference to object {} it did not take", id.0)))?;
            *id = (*number, 0);
        }
        Object::Array(items) => {
            for item in items {
                renumber(item, remap)?;
            }
        }
        Object::Dictionary(dict) => {
            for (_, value) in dict.iter_mut() {
                renumber(value, remap)?;
            }
        }
        Object::Stream(stream) => {
            for (_, value) in stream.dict.iter_mut() {
                renumber(value, remap)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The book's number for an object the merge took.
fn taken_number(remap: &HashMap<ObjectId, u32>, id: &ObjectId) -> Result<u32, ExportError> {
    remap
        .get(id)
        .copied()
        .ok_or_else(|| fault(format!("object {} was not taken", id.0)))
}

fn is_name(dict: &Dictionary, key: &[u8], name: &[u8]) -> bool {
    dict.get(key).and_then(Object::as_name).ok() == Some(name)
}

/// Writes `object` as PDF syntax.
fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(value) => out.extend_from_slice(value.to_string().as_bytes()),
        // Display never writes an exponent, which PDF has no syntax for.
        Object::Real(value) => out.extend_from_slice(value.to_string().as_bytes()),
        Object::Name(name) => write_name(out, name),
        Object::String(text, StringFormat::Literal) => write_literal(out, text),
        Object::String(text, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for byte in text {
                out.extend_from_slice(format!("{byte:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => {
            // Streams are written by `stream`, never inside another object.
            write_dictionary(out, &stream.dict);
        }
        Object::Reference((number, generation)) => {
            out.extend_from_slice(format!("{number} {generation} R").as_bytes());
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_name(out, key);
        out.push(b' ');
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &byte in name {
        if b"()<>[]{}/%#".contains(&byte) || !(33..=126).contains(&byte) {
            out.extend_from_slice(format!("#{byte:02X}").as_bytes());
        } else {
            out.push(byte);
        }
    }
}

fn write_literal(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'(');
    for &byte in text {
        match byte {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(byte);
            }
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(byte),
        }
    }
    out.push(b')');
}

/// A PDF text string: PDFDocEncoding's printable ASCII as it is, else UTF-16BE with its mark.
fn text_string(text: &str) -> Object {
    if text.bytes().all(|byte| (0x20..0x7f).contains(&byte)) {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// The page count in krilla's XMP packet set to the book's.
fn with_page_count(xmp: &[u8], pages: usize) -> Result<Vec<u8>, ExportError> {
    const OPEN: &[u8] = b"<xmpTPg:NPages>";
    const CLOSE: &[u8] = b"</xmpTPg:NPages>";
    let start = xmp
        .windows(OPEN.len())
        .position(|w| w == OPEN)
        .map(|at| at + OPEN.len())
        .ok_or_else(|| fault("no page count in the XMP metadata"))?;
    let end = xmp[start..]
        .windows(CLOSE.len())
        .position(|w| w == CLOSE)
        .map(|at| start + at)
        .ok_or_else(|| fault("an unclosed page count in the XMP metadata"))?;
    let mut patched = Vec::with_capacity(xmp.len() + 8);
    patched.extend_from_slice(&xmp[..start]);
    patched.extend_from_slice(pages.to_string().as_bytes());
    patched.extend_from_slice(&xmp[end..]);
    Ok(patched)
}

impl<'o> BookWriter<'o> {
    /// A book of `total_pages` pages of `page_height`, written to `out`.
    pub(crate) fn new(
        out: &'o mut dyn Write,
        total_pages: usize,
        page_height: f32,
        left: f32,
    ) -> Result<Self, ExportError> {
        let first_free = u32::try_from(total_pages)
            .ok()
            .and_then(|pages| pages.checked_add(FIRST_PAGE))
            .ok_or_else(|| fault("too many pages"))?;
        Ok(BookWriter {
            out,
            written: 0,
            places: vec![0; first_free as usize],
            first_free,
            spill: None,
            spilled: 0,
            spilled_widest: 0,
            next_object: first_free,
            total_pages,
            pages_done: 0,
            page_height,
            left,
            next_key: 0,
            parent_tree: Vec::new(),
            document_kids: Vec::new(),
            role_map: Dictionary::new(),
            ids: BTreeMap::new(),
            front: None,
            packed: Vec::new(),
        })
    }

    fn emit(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.out
            .write_all(bytes)
            .map_err(|e| ExportError::Content(format!("the book cannot be written: {e}")))?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Spills the places of the parts' objects to `scratch` as each part is merged.
    pub(crate) fn spill_places_to(&mut self, scratch: ScratchFile) {
        self.spill = Some(scratch);
    }

    fn place(&mut self, number: u32, place: u32) -> Result<(), ExportError> {
        let index = if number < self.first_free {
            number as usize
        } else {
            number
                .checked_sub(self.spilled)
                .ok_or_else(|| fault("an object placed twice"))? as usize
        };
        if self.places.len() <= index {
            self.places.resize(index + 1, 0);
        }
        self.places[index] = place;
        Ok(())
    }

    /// Writes the places of every object numbered so far past the pages to the scratch file.
    fn spill_places(&mut self) -> Result<(), ExportError> {
        let Some(scratch) = self.spill.as_mut() else {
            return Ok(());
        };
        let tail = self
            .places
            .get(self.first_free as usize..)
            .unwrap_or_default();
        if tail.contains(&0) {
            return Err(fault("an object that was never written"));
        }
        let mut bytes = Vec::with_capacity(tail.len() * 4);
        for place in tail {
            self.spilled_widest = self.spilled_widest.max(field(*place).1);
            bytes.extend_from_slice(&place.to_le_bytes());
        }
        scratch
            .write_all(&bytes)
            .map_err(|e| fault(format!("its scratch file cannot be written: {e}")))?;
        self.spilled += tail.len() as u32;
        self.places.truncate(self.first_free as usize);
        Ok(())
    }

    /// Where the next byte goes, as a place.
    fn here(&self) -> Result<u32, ExportError> {
        u32::try_from(self.written + 1)
            .ok()
            .filter(|place| place & IN_STREAM == 0)
            .ok_or_else(|| fault("a book over 2 GiB"))
    }

    fn new_object(&mut self) -> u32 {
        let number = self.next_object;
        self.next_object += 1;
        number
    }

    /// Merges one part, krilla's whole output for it, into the book; `front` for the part
    /// that holds the title page (the first).
    pub(crate) fn part(&mut self, pdf: &[u8], front: bool) -> Result<(), ExportError> {
        let doc = lopdf::Document::load_mem(pdf).map_err(fault)?;
        if self.written == 0 {
            // krilla's header: its version and binary marker.
            let header_end = pdf
                .windows(8)
                .position(|w| w == b"\n1 0 obj")
                .ok_or_else(|| fault("no first object"))?;
            self.emit(&pdf[..=header_end])?;
        }
        let catalog = doc.catalog().map_err(fault)?;
        let pages_id = reference(catalog, b"Pages")?;
        let root_id = reference(catalog, b"StructTreeRoot")?;
        let root = doc.get_dictionary(root_id).map_err(fault)?;
        let document_id = match root.get(b"K").map_err(fault)? {
            Object::Reference(id) => *id,
            Object::Array(kids) if kids.len() == 1 => kids[0].as_reference().map_err(fault)?,
            _ => return Err(fault("a structure tree without one Document element")),
        };
        let document = doc.get_dictionary(document_id).map_err(fault)?;
        if !is_name(document, b"S", b"Document") {
            return Err(fault("a structure tree whose root element is no Document"));
        }
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if self.pages_done + pages.len() > self.total_pages {
            return Err(fault("more pages than the book was laid out with"));
        }

        // The part's own top objects stand for the book's; its pages take their set numbers.
        let mut remap: HashMap<ObjectId, u32> = HashMap::new();
        remap.insert(pages_id, PAGES);
        remap.insert(root_id, STRUCT_ROOT);
        remap.insert(document_id, DOCUMENT);
        for (index, page) in pages.iter().enumerate() {
            remap.insert(*page, FIRST_PAGE + (self.pages_done + index) as u32);
        }
        let catalog_id = reference(&doc.trailer, b"Root")?;

        // What the book keeps: the pages, the structure elements and what they refer to, and
        // the front part's metadata; the part's catalog, outline and own metadata are left.
        let mut starts: Vec<ObjectId> = pages.clone();
        let mut kids = Vec::new();
        references(document.get(b"K").map_err(fault)?, &mut kids);
        starts.extend(&kids);
        let mut parent_entries: Vec<(i64, ObjectId)> = Vec::new();
        if let Ok(tree) = root.get(b"ParentTree") {
            let tree = resolve(&doc, tree)?.as_dict().map_err(fault)?;
            if tree.has(b"Kids") {
                return Err(fault("a parent tree in more than one node"));
            }
            let nums = resolve(&doc, tree.get(b"Nums").map_err(fault)?)?
                .as_array()
                .map_err(fault)?;
            for pair in nums.chunks(2) {
                let [key, value] = pair else {
                    return Err(fault("an odd parent tree"));
                };
                let key = key.as_i64().map_err(fault)?;
                let value = value.as_reference().map_err(fault)?;
                parent_entries.push((key, value));
                starts.push(value);
            }
        }
        let next_key = match root.get(b"ParentTreeNextKey") {
            Ok(key) => key.as_i64().map_err(fault)?,
            Err(_) => parent_entries
                .iter()
                .map(|(key, _)| key + 1)
                .max()
                .unwrap_or(0),
        };
        if front {
            for key in [&b"Metadata"[..], b"OutputIntents"] {
                if let Ok(Object::Reference(id)) = catalog.get(key) {
                    starts.push(*id);
                }
            }
            if let Ok(Object::Reference(id)) = doc.trailer.get(b"Info") {
                starts.push(*id);
            }
        }
        let mut taken: BTreeSet<ObjectId> = BTreeSet::new();
        let mut stack = starts;
        let mut found = Vec::new();
        while let Some(id) = stack.pop() {
            if id == pages_id || id == root_id || id == document_id || !taken.insert(id) {
                continue;
            }
            if id == catalog_id {
                return Err(fault("an object that refers to the catalog"));
            }
            found.clear();
            references(doc.get_object(id).map_err(fault)?, &mut found);
            stack.extend(found.iter().copied());
        }
        // In the part's own order, which is krilla's: the same part gives the same numbers.
        for id in &taken {
            if !remap.contains_key(id) {
                let number = self.new_object();
                remap.insert(*id, number);
            }
        }

        let key_offset = i64::from(self.next_key);
        for id in &taken {
            let mut object = doc.get_object(*id).map_err(fault)?.clone();
            renumber(&mut object, &remap)?;
            let number = taken_number(&remap, id)?;
            self.adjust(&mut object, number, key_offset)?;
            match object {
                Object::Stream(mut stream) => {
                    if front && is_name(&stream.dict, b"Type", b"Metadata") {
                        stream.content = with_page_count(&stream.content, self.total_pages)?;
                    }
                    self.stream(number, stream)?;
                }
                other => {
                    let mut body = Vec::new();
                    write_object(&mut body, &other);
                    self.pack(number, body)?;
                }
            }
        }

        // The structure: the part's top elements under the book's Document, its parent tree
        // entries after the parts' before it, its role map joined to the others'.
        for kid in kids {
            self.document_kids.push(taken_number(&remap, &kid)?);
        }
        for (key, value) in parent_entries {
            let key = usize::try_from(key + key_offset)
                .map_err(|_| fault("a negative structure parent key"))?;
            if self.parent_tree.len() <= key {
                self.parent_tree.resize(key + 1, 0);
            }
            self.parent_tree[key] = taken_number(&remap, &value)?;
        }
        self.next_key = u32::try_from(key_offset + next_key)
            .map_err(|_| fault("too many structure parent keys"))?;
        if let Ok(role_map) = root.get(b"RoleMap") {
            for (key, value) in resolve(&doc, role_map)?.as_dict().map_err(fault)?.iter() {
                if !self.role_map.has(key) {
                    self.role_map.set(key.clone(), value.clone());
                }
            }
        }
        if front {
            let mut entries = catalog.clone();
            for key in [&b"Type"[..], b"Pages", b"StructTreeRoot", b"Outlines"] {
                entries.remove(key);
            }
            let mut entries = Object::Dictionary(entries);
            renumber(&mut entries, &remap)?;
            let mut document = document.clone();
            for key in [&b"K"[..], b"P", b"Type", b"S"] {
                document.remove(key);
            }
            self.front = Some(Front {
                catalog: entries.as_dict().map_err(fault)?.clone(),
                document,
                info: match doc.trailer.get(b"Info") {
                    Ok(Object::Reference(id)) => remap.get(id).copied(),
                    _ => None,
                },
                id: doc.trailer.get(b"ID").ok().cloned(),
            });
        }
        self.pages_done += pages.len();
        self.flush_packed()?;
        self.spill_places()
    }

    /// What an object of a part becomes in the book: structure parent keys offset, placeholder
    /// links made destinations, element ids numbered across the book.
    fn adjust(
        &mut self,
        object: &mut Object,
        number: u32,
        key_offset: i64,
    ) -> Result<(), ExportError> {
        let Object::Dictionary(dict) = object else {
            return Ok(());
        };
        for key in [&b"StructParents"[..], b"StructParent"] {
            if let Ok(Object::Integer(value)) = dict.get_mut(key) {
                *value += key_offset;
            }
        }
        if is_name(dict, b"Subtype", b"Link")
            && let Ok(Object::Dictionary(action)) = dict.get(b"A")
            && let Ok(uri) = action.get(b"URI").and_then(Object::as_str)
            && uri.starts_with(DEFERRED)
        {
            let (page, top) =
                parse_deferred(uri).ok_or_else(|| fault("a link to an unreadable place"))?;
            if page >= self.total_pages {
                return Err(fault("a link past the last page"));
            }
            dict.remove(b"A");
            dict.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference((FIRST_PAGE + page as u32, 0)),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Real(0.0),
                    Object::Real(self.page_height - top),
                    Object::Null,
                ]),
            );
        }
        if is_name(dict, b"Type", b"StructElem")
            && let Ok(Object::String(id, _)) = dict.get(b"ID")
        {
            // krilla's ids are "Note 1", "Note 2", … in each part: numbered again for the book.
            let prefix = id
                .iter()
                .rposition(|byte| *byte == b' ')
                .map_or(&id[..0], |at| &id[..=at])
                .to_vec();
            let mut renamed = prefix;
            renamed.extend_from_slice((self.ids.len() + 1).to_string().as_bytes());
            self.ids.insert(renamed.clone(), number);
            dict.set("ID", Object::String(renamed, StringFormat::Literal));
        }
        Ok(())
    }

    /// Writes a stream object in place, deflated if krilla left it plain (but the XMP
    /// metadata, which PDF/A wants readable as it is).
    fn stream(&mut self, number: u32, mut stream: lopdf::Stream) -> Result<(), ExportError> {
        let plain = !stream.dict.has(b"Filter") && !is_name(&stream.dict, b"Type", b"Metadata");
        if plain {
            stream.content = deflate_at(&stream.content, PAGE_LEVEL).map_err(fault)?;
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
        }
        stream
            .dict
            .set("Length", Object::Integer(stream.content.len() as i64));
        let mut head = format!("{number} 0 obj\n").into_bytes();
        write_dictionary(&mut head, &stream.dict);
        head.extend_from_slice(b"\nstream\n");
        let here = self.here()?;
        self.place(number, here)?;
        self.emit(&head)?;
        self.emit(&stream.content)?;
        self.emit(b"\nendstream\nendobj\n")
    }

    fn pack(&mut self, number: u32, body: Vec<u8>) -> Result<(), ExportError> {
        self.packed.push((number, body));
        if self.packed.len() >= PER_STREAM {
            self.flush_packed()?;
        }
        Ok(())
    }

    /// Writes the objects waiting as one object stream.
    fn flush_packed(&mut self) -> Result<(), ExportError> {
        if self.packed.is_empty() {
            return Ok(());
        }
        let group = std::mem::take(&mut self.packed);
        let stream_number = self.new_object();
        if stream_number >= 1 << 23 {
            return Err(fault("more objects than a PDF may have"));
        }
        let mut members = Vec::with_capacity(group.len());
        for (position, (number, body)) in group.iter().enumerate() {
            self.place(*number, IN_STREAM | (stream_number << 8) | position as u32)?;
            members.push((*number, body.as_slice()));
        }
        let written = object_stream(stream_number, &members, LEVEL).map_err(fault)?;
        drop(group);
        let here = self.here()?;
        self.place(stream_number, here)?;
        self.emit(&written)
    }

    /// Writes object `number` alone in an object stream, its body written by `body` and
    /// deflated as it is written: a body as long as the book (the page tree's kids, the parent
    /// tree, the Document's kids) is never held, only its deflated bytes.
    fn write_alone(
        &mut self,
        number: u32,
        body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), ExportError> {
        let index = format!("{number} 0 ");
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(LEVEL.unsigned_abs()));
        {
            let mut buffered = std::io::BufWriter::with_capacity(16 * 1024, &mut encoder);
            buffered.write_all(index.as_bytes()).map_err(fault)?;
            body(&mut buffered).map_err(fault)?;
            buffered.write_all(b"\n").map_err(fault)?;
            buffered.flush().map_err(fault)?;
        }
        let packed = encoder.finish().map_err(fault)?;
        let stream_number = self.new_object();
        if stream_number >= 1 << 23 {
            return Err(fault("more objects than a PDF may have"));
        }
        self.place(number, IN_STREAM | (stream_number << 8))?;
        let here = self.here()?;
        self.place(stream_number, here)?;
        self.emit(
            format!(
                "{stream_number} 0 obj\n<</Type/ObjStm/N 1/First {}/Length {}/Filter/FlateDecode>>\nstream\n",
                index.len(),
                packed.len()
            )
            .as_bytes(),
        )?;
        self.emit(&packed)?;
        self.emit(b"\nendstream\nendobj\n")
    }

    fn pack_dict(&mut self, number: u32, dict: &Dictionary) -> Result<(), ExportError> {
        let mut body = Vec::new();
        write_dictionary(&mut body, dict);
        self.pack(number, body)
    }

    /// Writes the book's own objects (catalog, page tree, structure tree, outline) and the
    /// cross-reference stream. `outline` points at `anchors`: the book's (page, top) of each.
    pub(crate) fn finish(
        mut self,
        outline: &[OutlineItem],
        anchors: &BTreeMap<String, (usize, f32)>,
    ) -> Result<(), ExportError> {
        if self.pages_done != self.total_pages {
            return Err(fault(format!(
                "{} pages were written of the {} laid out",
                self.pages_done, self.total_pages
            )));
        }
        let front = self.front.take().ok_or_else(|| fault("no front part"))?;

        self.write_outline(outline, anchors)?;

        // The page tree, the structure tree root and the Document element hold an entry a page
        // or an element: written as text as they are deflated, never held.
        let total_pages = self.total_pages;
        self.write_alone(PAGES, |out| {
            write!(out, "<</Type/Pages/Count {total_pages}/Kids[")?;
            for page in 0..total_pages {
                write!(out, "{} 0 R ", FIRST_PAGE as usize + page)?;
            }
            out.write_all(b"]>>")
        })?;

        let role_map = std::mem::take(&mut self.role_map);
        let parent_tree = std::mem::take(&mut self.parent_tree);
        let ids = std::mem::take(&mut self.ids);
        let next_key = self.next_key;
        self.write_alone(STRUCT_ROOT, |out| {
            write!(out, "<</Type/StructTreeRoot/K[{DOCUMENT} 0 R]")?;
            if !role_map.is_empty() {
                let mut written = b"/RoleMap".to_vec();
                write_dictionary(&mut written, &role_map);
                out.write_all(&written)?;
            }
            if !parent_tree.is_empty() {
                out.write_all(b"/ParentTree<</Nums[")?;
                for (key, number) in parent_tree.iter().enumerate() {
                    if *number != 0 {
                        write!(out, "{key} {number} 0 R ")?;
                    }
                }
                write!(out, "]>>/ParentTreeNextKey {next_key}")?;
            }
            if !ids.is_empty() {
                out.write_all(b"/IDTree<</Names[")?;
                for (name, number) in &ids {
                    let mut written = Vec::new();
                    write_literal(&mut written, name);
                    out.write_all(&written)?;
                    write!(out, " {number} 0 R ")?;
                }
                out.write_all(b"]>>")?;
            }
            out.write_all(b">>")
        })?;
        drop((role_map, parent_tree, ids));

        let document_kids = std::mem::take(&mut self.document_kids);
        self.write_alone(DOCUMENT, |out| {
            let mut head =
                format!("<</Type/StructElem/S/Document/P {STRUCT_ROOT} 0 R").into_bytes();
            for (key, value) in front.document.iter() {
                write_name(&mut head, key);
                head.push(b' ');
                write_object(&mut head, value);
            }
            head.extend_from_slice(b"/K[");
            out.write_all(&head)?;
            for kid in &document_kids {
                write!(out, "{kid} 0 R ")?;
            }
            out.write_all(b"]>>")
        })?;
        drop(document_kids);

        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference((PAGES, 0)));
        for (key, value) in front.catalog.iter() {
            catalog.set(key.clone(), value.clone());
        }
        catalog.set("StructTreeRoot", Object::Reference((STRUCT_ROOT, 0)));
        catalog.set("Outlines", Object::Reference((OUTLINES, 0)));
        self.pack_dict(CATALOG, &catalog)?;
        self.flush_packed()?;

        let mut trailer = Vec::new();
        trailer.extend_from_slice(format!("/Root {CATALOG} 0 R").as_bytes());
        if let Some(info) = front.info {
            trailer.extend_from_slice(format!("/Info {info} 0 R").as_bytes());
        }
        if let Some(id) = &front.id {
            trailer.extend_from_slice(b"/ID ");
            write_object(&mut trailer, id);
        }
        self.cross_references(&trailer)
    }

    /// The outline: an entry for each item whose anchor is in the book, nested as the items
    /// are, closed below the top level (as krilla writes it).
    fn write_outline(
        &mut self,
        outline: &[OutlineItem],
        anchors: &BTreeMap<String, (usize, f32)>,
    ) -> Result<(), ExportError> {
        // Every entry with its number and place among its siblings, walked with a stack.
        struct Entry<'i> {
            item: &'i OutlineItem,
            number: u32,
            parent: u32,
            prev: Option<u32>,
            next: Option<u32>,
            kids: Vec<u32>,
        }
        let mut entries: Vec<Entry<'_>> = Vec::new();
        let mut top = Vec::new();
        let mut pending: Vec<(&[OutlineItem], u32, Option<usize>)> =
            vec![(outline, OUTLINES, None)];
        while let Some((items, parent, parent_entry)) = pending.pop() {
            let mut numbers = Vec::new();
            let mut placed = Vec::new();
            for item in items
                .iter()
                .filter(|item| anchors.contains_key(&item.anchor))
            {
                let number = self.new_object();
                numbers.push(number);
                placed.push(entries.len());
                entries.push(Entry {
                    item,
                    number,
                    parent,
                    prev: None,
                    next: None,
                    kids: Vec::new(),
                });
            }
            for (k, at) in placed.iter().enumerate() {
                entries[*at].prev = k.checked_sub(1).map(|p| numbers[p]);
                entries[*at].next = numbers.get(k + 1).copied();
                let children = entries[*at].item.children.as_slice();
                let number = entries[*at].number;
                pending.push((children, number, Some(*at)));
            }
            match parent_entry {
                Some(at) => entries[at].kids = numbers,
                None => top = numbers,
            }
        }
        let mut root = Dictionary::new();
        root.set("Type", Object::Name(b"Outlines".to_vec()));
        if let (Some(first), Some(last)) = (top.first(), top.last()) {
            root.set("First", Object::Reference((*first, 0)));
            root.set("Last", Object::Reference((*last, 0)));
            root.set("Count", Object::Integer(top.len() as i64));
        }
        self.pack_dict(OUTLINES, &root)?;
        for entry in &entries {
            let Some((page, y)) = anchors.get(&entry.item.anchor) else {
                continue;
            };
            let mut dict = Dictionary::new();
            dict.set("Title", text_string(&entry.item.title));
            dict.set("Parent", Object::Reference((entry.parent, 0)));
            if let Some(prev) = entry.prev {
                dict.set("Prev", Object::Reference((prev, 0)));
            }
            if let Some(next) = entry.next {
                dict.set("Next", Object::Reference((next, 0)));
            }
            if let (Some(first), Some(last)) = (entry.kids.first(), entry.kids.last()) {
                dict.set("First", Object::Reference((*first, 0)));
                dict.set("Last", Object::Reference((*last, 0)));
                dict.set("Count", Object::Integer(-(entry.kids.len() as i64)));
            }
            dict.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference((FIRST_PAGE + *page as u32, 0)),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Real(self.left),
                    Object::Real(self.page_height - y),
                    Object::Null,
                ]),
            );
            self.pack_dict(entry.number, &dict)?;
        }
        Ok(())
    }

    /// The cross-reference stream, the last object, which describes itself.
    fn cross_references(&mut self, trailer: &[u8]) -> Result<(), ExportError> {
        let xref_number = self.new_object();
        let xref_at = self.written;
        let here = self.here()?;
        self.place(xref_number, here)?;
        if self.places.iter().skip(1).any(|place| *place == 0) {
            return Err(fault("an object that was never written"));
        }
        let widest = self
            .places
            .iter()
            .map(|place| field(*place).1)
            .max()
            .unwrap_or(0)
            .max(self.spilled_widest);
        let width = (u32::BITS - widest.leading_zeros()).div_ceil(8).max(1) as usize;
        let size = self.places.len() + self.spilled as usize;
        // Deflated a batch of rows at a time: the rows themselves are never held whole. The
        // places of the pages come first, then those spilled, then those held since.
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(LEVEL.unsigned_abs()));
        let mut batch = Vec::with_capacity(4096 * (width + 3));
        let mut rows_of = |places: &[u32]| -> Result<(), ExportError> {
            for rows in places.chunks(4096) {
                batch.clear();
                for place in rows {
                    let (kind, offset, third) = field(*place);
                    batch.push(kind);
                    batch.extend_from_slice(&offset.to_be_bytes()[4 - width..]);
                    batch.extend_from_slice(&third.to_be_bytes());
                }
                encoder.write_all(&batch).map_err(fault)?;
            }
            Ok(())
        };
        let first_free = (self.first_free as usize).min(self.places.len());
        rows_of(&self.places[..first_free])?;
        if let Some(scratch) = self.spill.as_mut() {
            use std::io::{Read, Seek};
            let file = scratch.file();
            file.flush().map_err(fault)?;
            file.seek(std::io::SeekFrom::Start(0)).map_err(fault)?;
            let mut left = self.spilled as usize;
            let mut bytes = vec![0; 4096 * 4];
            let mut places = Vec::with_capacity(4096);
            while left > 0 {
                let count = left.min(4096);
                file.read_exact(&mut bytes[..count * 4]).map_err(fault)?;
                places.clear();
                places.extend(
                    bytes[..count * 4]
                        .chunks_exact(4)
                        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                );
                rows_of(&places)?;
                left -= count;
            }
        }
        rows_of(&self.places[first_free..])?;
        let rows = encoder.finish().map_err(fault)?;
        let mut head =
            format!("{xref_number} 0 obj\n<</Type/XRef/Size {size}/W[1 {width} 2]").into_bytes();
        head.extend_from_slice(trailer);
        head.extend_from_slice(
            format!("/Length {}/Filter/FlateDecode>>\nstream\n", rows.len()).as_bytes(),
        );
        self.emit(&head)?;
        self.emit(&rows)?;
        self.emit(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes())?;
        self.out
            .flush()
            .map_err(|e| ExportError::Content(format!("the book cannot be written: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deferred_link_reads_back_as_the_page_and_top_it_names() {
        for (page, top) in [(0, 0.0), (12, 51.023_6), (9_999, 780.5)] {
            let uri = deferred_link(page, top);
            assert_eq!(parse_deferred(uri.as_bytes()), Some((page, top)));
        }
        assert_eq!(parse_deferred(b"https://example.com"), None);
        assert_eq!(parse_deferred(b"remedy-book-page:x:1"), None);
    }

    #[test]
    fn the_xmp_page_count_is_the_books() -> Result<(), ExportError> {
        let xmp = b"<x><xmpTPg:NPages>3</xmpTPg:NPages></x>";
        assert_eq!(
            with_page_count(xmp, 1234)?,
            b"<x><xmpTPg:NPages>1234</xmpTPg:NPages></x>"
        );
        assert!(with_page_count(b"<x/>", 1).is_err());
        Ok(())
    }

    /// A one-page PDF with `catalog` as its catalog's extra entries.
    fn small_pdf(catalog: &str) -> Vec<u8> {
        let objects = [
            format!("<</Type/Catalog/Pages 2 0 R{catalog}>>"),
            "<</Type/Pages/Count 1/Kids[3 0 R]>>".to_owned(),
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>".to_owned(),
            "<</Type/StructTreeRoot/K[5 0 R]>>".to_owned(),
            "<</Type/StructElem/S/P/P 4 0 R>>".to_owned(),
        ];
        crate::pdf::compact::hand_written_pdf(&objects, "")
    }

    #[test]
    fn a_part_that_is_not_what_krilla_writes_is_an_error_not_a_panic() {
        let parts = [
            Vec::new(),
            b"%PDF-1.7\nnot a pdf".to_vec(),
            // No structure tree.
            small_pdf(""),
            // A structure tree whose only element is no Document.
            small_pdf("/StructTreeRoot 4 0 R"),
        ];
        for part in &parts {
            let mut out = Vec::new();
            let Ok(mut book) = BookWriter::new(&mut out, 1, 10.0, 0.0) else {
                panic!("a book of one page");
            };
            assert!(
                book.part(part, true).is_err(),
                "{}",
                String::from_utf8_lossy(part)
            );
        }
        // A book that never had its front part, or has fewer pages than laid out.
        let mut out = Vec::new();
        let Ok(book) = BookWriter::new(&mut out, 1, 10.0, 0.0) else {
            panic!("a book of one page");
        };
        assert!(book.finish(&[], &BTreeMap::new()).is_err());
    }

    #[test]
    fn objects_are_written_as_pdf_reads_them() {
        let mut dict = Dictionary::new();
        dict.set(
            "A b",
            Object::String(b"(x) \\ y\r".to_vec(), StringFormat::Literal),
        );
        dict.set(
            "K",
            Object::Array(vec![
                Object::Integer(-3),
                Object::Real(0.5),
                Object::Reference((7, 0)),
                Object::Null,
                Object::String(vec![0xfe, 0xff], StringFormat::Hexadecimal),
            ]),
        );
        let mut out = Vec::new();
        write_dictionary(&mut out, &dict);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "<</A#20b (\\(x\\) \\\\ y\\r)/K [-3 0.5 7 0 R null <FEFF>]>>"
        );
    }
}
