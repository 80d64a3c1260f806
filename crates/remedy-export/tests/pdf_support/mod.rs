//! Reading the produced PDFs back with lopdf: text runs with their positions and widths (decoded
//! through each font's ToUnicode map and `/W` widths), the outline, links, metadata.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use remedy_core::Guide;

pub type TestResult = Result<(), Box<dyn Error>>;
pub type Res<T> = Result<T, Box<dyn Error>>;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Keeps a produced file when `REMEDY_PDF_OUT` names a folder, for a look with real tools.
pub fn keep(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("REMEDY_PDF_OUT") {
        let dir = PathBuf::from(dir);
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(name), bytes);
    }
}

pub fn load_guide(path: &Path) -> Res<Guide> {
    let file = remedy_core::load_file(path, &Default::default())?;
    file.guide
        .ok_or_else(|| format!("{} is not a guide: {:?}", path.display(), file.violations).into())
}

/// A font as the PDF describes it.
#[derive(Debug, Default)]
struct FontInfo {
    base_font: String,
    to_unicode: BTreeMap<u16, String>,
    widths: BTreeMap<u16, f32>,
    default_width: f32,
}

/// A piece of text as drawn.
#[derive(Debug, Clone)]
pub struct Run {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub width: f32,
    pub text: String,
    pub font: String,
    /// Drawn inside `/Artifact` marked content: page furniture, not read.
    pub artifact: bool,
}

/// An image drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageDraw {
    pub page: usize,
    /// Its size in pixels.
    pub pixels: (i64, i64),
    /// `DCTDecode` for an embedded JPEG, `FlateDecode` for a PNG's pixels.
    pub filter: String,
    /// The size it is drawn at, in points.
    pub size: (f32, f32),
    /// Its lower-left corner on the page.
    pub at: (f32, f32),
}

/// An outline entry.
#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub title: String,
    pub page: usize,
    pub top: f32,
    pub children: Vec<OutlineEntry>,
}

/// A link annotation.
#[derive(Debug, Clone)]
pub struct LinkInfo {
    pub page: usize,
    pub rect: [f32; 4],
    pub border: Vec<f32>,
    /// Internal destination: page and top.
    pub goto: Option<(usize, f32)>,
    pub uri: Option<String>,
}

#[derive(Debug)]
pub struct Pdf {
    pub doc: Document,
    pages: Vec<ObjectId>,
}

pub fn decode_text_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|b| char::from(*b)).collect()
    }
}

fn hex_to_u32s(hex: &str) -> Vec<u16> {
    let digits: Vec<char> = hex.chars().filter(char::is_ascii_hexdigit).collect();
    digits
        .chunks(4)
        .filter_map(|chunk| u16::from_str_radix(&chunk.iter().collect::<String>(), 16).ok())
        .collect()
}

/// Parses the `bfchar` entries of a ToUnicode CMap (what printpdf writes).
fn parse_to_unicode(text: &str) -> BTreeMap<u16, String> {
    let mut map = BTreeMap::new();
    let mut in_bfchar = false;
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            in_bfchar = true;
            continue;
        }
        if line == "endbfchar" {
            in_bfchar = false;
            continue;
        }
        if in_bfchar {
            let parts: Vec<&str> = line
                .split('>')
                .map(|part| part.trim().trim_start_matches('<'))
                .collect();
            if parts.len() >= 2 {
                let code = hex_to_u32s(parts[0]);
                let target = hex_to_u32s(parts[1]);
                if let Some(code) = code.first() {
                    map.insert(*code, String::from_utf16_lossy(&target));
                }
            }
        }
    }
    map
}

impl Pdf {
    pub fn parse(bytes: &[u8]) -> Res<Pdf> {
        let doc = Document::load_mem(bytes)?;
        let pages = doc.get_pages().values().copied().collect();
        Ok(Pdf { doc, pages })
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn deref<'a>(&'a self, object: &'a Object) -> Res<&'a Object> {
        Ok(self.doc.dereference(object)?.1)
    }

    fn dict<'a>(&'a self, object: &'a Object) -> Res<&'a Dictionary> {
        Ok(self.deref(object)?.as_dict()?)
    }

    /// The page's media box.
    pub fn media_box(&self, page: usize) -> Res<Vec<f32>> {
        let dict = self.doc.get_dictionary(self.pages[page])?;
        let array = self.deref(dict.get(b"MediaBox")?)?.as_array()?;
        Ok(array
            .iter()
            .map(|n| n.as_float().unwrap_or(f32::NAN))
            .collect())
    }

    pub fn page_index(&self, id: ObjectId) -> Option<usize> {
        self.pages.iter().position(|page| *page == id)
    }

    /// A document information entry.
    pub fn info(&self, key: &str) -> Res<String> {
        let info = self.dict(self.doc.trailer.get(b"Info")?)?;
        Ok(decode_text_string(
            self.deref(info.get(key.as_bytes())?)?.as_str()?,
        ))
    }

    fn font_info(&self, font: &Dictionary) -> Res<FontInfo> {
        let mut info = FontInfo {
            base_font: String::from_utf8_lossy(font.get(b"BaseFont")?.as_name()?).into_owned(),
            default_width: 1000.0,
            ..FontInfo::default()
        };
        if let Ok(to_unicode) = font.get(b"ToUnicode") {
            let stream = self.deref(to_unicode)?.as_stream()?;
            let data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            info.to_unicode = parse_to_unicode(&String::from_utf8_lossy(&data));
        }
        let descendants = self.deref(font.get(b"DescendantFonts")?)?.as_array()?;
        let cid_font = self.dict(&descendants[0])?;
        if let Ok(dw) = cid_font.get(b"DW") {
            info.default_width = dw.as_float()?;
        }
        if let Ok(w) = cid_font.get(b"W") {
            let w = self.deref(w)?.as_array()?;
            let mut i = 0;
            while i < w.len() {
                let first = w[i].as_i64()? as u16;
                match self.deref(&w[i + 1])? {
                    Object::Array(widths) => {
                        for (k, width) in widths.iter().enumerate() {
                            info.widths.insert(first + k as u16, width.as_float()?);
                        }
                        i += 2;
                    }
                    last => {
                        let last = last.as_i64()? as u16;
                        let width = w[i + 2].as_float()?;
                        for code in first..=last {
                            info.widths.insert(code, width);
                        }
                        i += 3;
                    }
                }
            }
        }
        Ok(info)
    }

    fn page_fonts(&self, page: usize) -> Res<BTreeMap<Vec<u8>, FontInfo>> {
        let mut out = BTreeMap::new();
        for (name, font) in self.doc.get_page_fonts(self.pages[page])? {
            out.insert(name, self.font_info(font)?);
        }
        Ok(out)
    }

    /// The content stream's operators of a page.
    pub fn operations(&self, page: usize) -> Res<Vec<lopdf::content::Operation>> {
        let data = self.doc.get_page_content(self.pages[page]);
        Ok(Content::decode(&data)?.operations)
    }

    /// Every text run of a page, in stream order, with its position and width.
    pub fn runs(&self, page: usize) -> Res<Vec<Run>> {
        let fonts = self.page_fonts(page)?;
        let mut runs = Vec::new();
        let mut font: Option<&FontInfo> = None;
        let mut size = 0.0;
        let (mut x, mut y) = (0.0f32, 0.0f32);
        let (mut line_x, mut line_y) = (0.0f32, 0.0f32);
        // The current transformation matrix (`cm`, saved by `q`, restored by `Q`): text is
        // placed in user space and reported in page space.
        let mut ctm = [1.0f32, 0.0, 0.0, 1.0, 0.0, 0.0];
        let mut saved: Vec<[f32; 6]> = Vec::new();
        // Open marked-content sequences: whether each is an artifact.
        let mut marked: Vec<bool> = Vec::new();
        let apply =
            |m: &[f32; 6], x: f32, y: f32| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
        for op in self.operations(page)? {
            let num = |i: usize| {
                op.operands
                    .get(i)
                    .and_then(|o| o.as_float().ok())
                    .unwrap_or(0.0)
            };
            match op.operator.as_str() {
                "BDC" | "BMC" => marked.push(
                    op.operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .is_some_and(|name| name == b"Artifact"),
                ),
                "EMC" => {
                    marked.pop();
                }
                "q" => saved.push(ctm),
                "Q" => ctm = saved.pop().unwrap_or([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]),
                "cm" => {
                    let m = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    ctm = [
                        m[0] * ctm[0] + m[1] * ctm[2],
                        m[0] * ctm[1] + m[1] * ctm[3],
                        m[2] * ctm[0] + m[3] * ctm[2],
                        m[2] * ctm[1] + m[3] * ctm[3],
                        m[4] * ctm[0] + m[5] * ctm[2] + ctm[4],
                        m[4] * ctm[1] + m[5] * ctm[3] + ctm[5],
                    ];
                }
                "BT" => {
                    (x, y, line_x, line_y) = (0.0, 0.0, 0.0, 0.0);
                }
                "Tf" => {
                    let name = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .unwrap_or_default();
                    font = fonts.get(name);
                    size = num(1);
                }
                "Tm" => {
                    (x, y) = apply(&ctm, num(4), num(5));
                    (line_x, line_y) = (x, y);
                    // Upright, unscaled text in page space: the text matrix undoes any flip
                    // of the transformation matrix.
                    let (a, d) = (num(0) * ctm[0], num(3) * ctm[3]);
                    assert!(
                        (a - 1.0).abs() < 1e-6
                            && num(1).abs() < 1e-6
                            && num(2).abs() < 1e-6
                            && (d - 1.0).abs() < 1e-6,
                        "unexpected text matrix {:?} under {ctm:?}",
                        op.operands
                    );
                }
                "Td" => {
                    line_x += num(0);
                    line_y += num(1);
                    (x, y) = (line_x, line_y);
                }
                "Tj" | "TJ" => {
                    let font = font.ok_or("text shown without a font")?;
                    let mut strings = Vec::new();
                    let mut adjust = 0.0;
                    match op.operator.as_str() {
                        "Tj" => strings.push(op.operands[0].as_str()?.to_vec()),
                        _ => {
                            for item in op.operands[0].as_array()? {
                                match item {
                                    Object::String(bytes, _) => strings.push(bytes.clone()),
                                    other => adjust += other.as_float()?,
                                }
                            }
                        }
                    }
                    let mut text = String::new();
                    let mut units = 0.0;
                    for bytes in strings {
                        for pair in bytes.chunks(2) {
                            let code = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
                            let decoded = font.to_unicode.get(&code).ok_or_else(|| {
                                format!("glyph {code} of {} has no ToUnicode entry", font.base_font)
                            })?;
                            text.push_str(decoded);
                            units += font
                                .widths
                                .get(&code)
                                .copied()
                                .unwrap_or(font.default_width);
                        }
                    }
                    let width = (units - adjust) * size / 1000.0;
                    runs.push(Run {
                        page,
                        x,
                        y,
                        size,
                        width,
                        text,
                        font: font.base_font.clone(),
                        artifact: marked.iter().any(|artifact| *artifact),
                    });
                    x += width;
                }
                _ => {}
            }
        }
        Ok(runs)
    }

    /// Every image XObject drawn on a page, with its pixel size, its filter and the size
    /// and place it is drawn at (page space, points).
    pub fn images(&self, page: usize) -> Res<Vec<ImageDraw>> {
        let (inline, referenced) = self.doc.get_page_resources(self.pages[page])?;
        let mut resources: Vec<&Dictionary> = inline.into_iter().collect();
        for id in referenced {
            resources.push(self.doc.get_dictionary(id)?);
        }
        let xobjects = match resources.iter().find_map(|r| r.get(b"XObject").ok()) {
            Some(object) => Some(self.dict(object)?),
            None => None,
        };
        let mut out = Vec::new();
        let mut ctm = [1.0f32, 0.0, 0.0, 1.0, 0.0, 0.0];
        let mut saved: Vec<[f32; 6]> = Vec::new();
        for op in self.operations(page)? {
            let num = |i: usize| {
                op.operands
                    .get(i)
                    .and_then(|o| o.as_float().ok())
                    .unwrap_or(0.0)
            };
            match op.operator.as_str() {
                "q" => saved.push(ctm),
                "Q" => ctm = saved.pop().unwrap_or([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]),
                "cm" => {
                    let m = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    ctm = [
                        m[0] * ctm[0] + m[1] * ctm[2],
                        m[0] * ctm[1] + m[1] * ctm[3],
                        m[2] * ctm[0] + m[3] * ctm[2],
                        m[2] * ctm[1] + m[3] * ctm[3],
                        m[4] * ctm[0] + m[5] * ctm[2] + ctm[4],
                        m[4] * ctm[1] + m[5] * ctm[3] + ctm[5],
                    ];
                }
                "Do" => {
                    let name = op.operands.first().ok_or("Do without a name")?.as_name()?;
                    let xobjects = xobjects.ok_or("Do without XObject resources")?;
                    let stream = self.deref(xobjects.get(name)?)?.as_stream()?;
                    if stream.dict.get(b"Subtype")?.as_name()? != b"Image" {
                        continue;
                    }
                    let filter = match stream.dict.get(b"Filter") {
                        Ok(Object::Name(name)) => String::from_utf8_lossy(name).into_owned(),
                        Ok(Object::Array(names)) => names
                            .iter()
                            .filter_map(|n| n.as_name().ok())
                            .map(|n| String::from_utf8_lossy(n).into_owned())
                            .collect::<Vec<_>>()
                            .join(","),
                        _ => String::new(),
                    };
                    out.push(ImageDraw {
                        page,
                        pixels: (
                            stream.dict.get(b"Width")?.as_i64()?,
                            stream.dict.get(b"Height")?.as_i64()?,
                        ),
                        filter,
                        // The unit square an image fills, mapped to the page.
                        size: (ctm[0].abs(), ctm[3].abs()),
                        at: (ctm[4].min(ctm[4] + ctm[0]), ctm[5].min(ctm[5] + ctm[3])),
                    });
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// [`Pdf::images`] of every page.
    pub fn all_images(&self) -> Res<Vec<ImageDraw>> {
        let mut out = Vec::new();
        for page in 0..self.page_count() {
            out.extend(self.images(page)?);
        }
        Ok(out)
    }

    pub fn all_runs(&self) -> Res<Vec<Run>> {
        let mut out = Vec::new();
        for page in 0..self.page_count() {
            out.extend(self.runs(page)?);
        }
        Ok(out)
    }

    /// The document's body text in stream order, as a reader hears it (footers and other
    /// artifacts left out): runs on one baseline joined, lines separated.
    pub fn text(&self) -> Res<String> {
        let mut out = String::new();
        let mut last: Option<(usize, f32)> = None;
        for run in self
            .all_runs()?
            .into_iter()
            .filter(|run| run.y > 45.0 && !run.artifact)
        {
            if let Some((page, y)) = last
                && (page != run.page || (y - run.y).abs() > 0.5)
            {
                out.push('\n');
            }
            out.push_str(&run.text);
            last = Some((run.page, run.y));
        }
        Ok(out)
    }

    /// Asserts that every step's text appears, in document order (whitespace ignored: lines
    /// wrap).
    pub fn assert_steps_in_order(&self, guide: &Guide) -> TestResult {
        let squash = |text: &str| -> String {
            text.chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '\u{ad}' | '\u{200b}'))
                .collect()
        };
        // A menu path is printed with `›` between its labels where the guide writes `>`.
        let haystack = squash(&self.text()?).replace('\u{203a}', ">");
        let mut at = 0;
        for method in &guide.methods {
            for visit in method.walk_steps() {
                // The handout prints rich text without its markup.
                let needle = squash(&remedy_core::rich_text::plain(&visit.step.text));
                match haystack[at..].find(&needle) {
                    Some(found) => at += found + needle.len(),
                    None => {
                        return Err(format!(
                            "{}: step {} of {} not found in order: {:?}",
                            guide.id,
                            visit.number(),
                            method.id,
                            visit.step.text.chars().take(80).collect::<String>()
                        )
                        .into());
                    }
                }
            }
        }
        Ok(())
    }

    /// Asserts that all text lies inside the page's text area: `margin` from the left and right
    /// edges, below the top margin, above the bottom edge; and that nothing is clipped.
    pub fn assert_within_margins(&self, margin: f32) -> TestResult {
        for page in 0..self.page_count() {
            let media = self.media_box(page)?;
            let (width, height) = (media[2], media[3]);
            for op in self.operations(page)? {
                assert!(
                    !matches!(op.operator.as_str(), "W" | "W*"),
                    "page {}: a clipping path",
                    page + 1
                );
            }
            for run in self.runs(page)? {
                let right = run.x + run.width;
                let problem = if run.x < margin - 0.01 {
                    Some("starts left of the margin")
                } else if right > width - margin + 0.01 {
                    Some("runs past the right margin")
                } else if run.y + 0.76 * run.size > height - 18.0 * 72.0 / 25.4 + 0.5 {
                    Some("rises above the top margin")
                } else if run.y - 0.24 * run.size < 20.0 {
                    Some("sinks below the bottom margin")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    return Err(format!(
                        "page {}: text {problem}: x {:.2}..{:.2} (page {width:.2} wide), y {:.2}: {:?}",
                        page + 1,
                        run.x,
                        right,
                        run.y,
                        run.text
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    fn outline_items(&self, first: Option<&Object>) -> Res<Vec<OutlineEntry>> {
        let mut out = Vec::new();
        let mut next = first.map(|o| o.as_reference()).transpose()?;
        while let Some(id) = next {
            let dict = self.doc.get_dictionary(id)?;
            let title = decode_text_string(self.deref(dict.get(b"Title")?)?.as_str()?);
            let dest = self.deref(dict.get(b"Dest")?)?.as_array()?;
            let page = self
                .page_index(dest[0].as_reference()?)
                .ok_or("outline destination is not a page")?;
            assert_eq!(dest[1].as_name()?, b"XYZ");
            let top = dest[3].as_float()?;
            let children = self.outline_items(dict.get(b"First").ok())?;
            out.push(OutlineEntry {
                title,
                page,
                top,
                children,
            });
            next = dict
                .get(b"Next")
                .ok()
                .map(Object::as_reference)
                .transpose()?;
        }
        Ok(out)
    }

    /// The outline, nested.
    pub fn outline(&self) -> Res<Vec<OutlineEntry>> {
        let root = self.dict(self.doc.trailer.get(b"Root")?)?;
        let Ok(outlines) = root.get(b"Outlines") else {
            return Ok(Vec::new());
        };
        let outlines = self.dict(outlines)?;
        self.outline_items(outlines.get(b"First").ok())
    }

    /// Every link annotation.
    pub fn links(&self) -> Res<Vec<LinkInfo>> {
        let mut out = Vec::new();
        for page in 0..self.page_count() {
            let page_dict = self.doc.get_dictionary(self.pages[page])?;
            let Ok(annots) = page_dict.get(b"Annots") else {
                continue;
            };
            for annot in self.deref(annots)?.as_array()? {
                assert!(
                    matches!(annot, Object::Reference(_)),
                    "annotations are indirect objects"
                );
                let annot = self.dict(annot)?;
                if annot.get(b"Subtype")?.as_name()? != b"Link" {
                    continue;
                }
                let rect: Vec<f32> = self
                    .deref(annot.get(b"Rect")?)?
                    .as_array()?
                    .iter()
                    .map(|n| n.as_float().unwrap_or(f32::NAN))
                    .collect();
                let border = match annot.get(b"Border") {
                    Ok(border) => self
                        .deref(border)?
                        .as_array()?
                        .iter()
                        .map(|n| n.as_float().unwrap_or(f32::NAN))
                        .collect(),
                    Err(_) => vec![0.0, 0.0, 1.0],
                };
                let mut link = LinkInfo {
                    page,
                    rect: [rect[0], rect[1], rect[2], rect[3]],
                    border,
                    goto: None,
                    uri: None,
                };
                // A place in the document: a `/Dest` of the annotation, or a GoTo action.
                if let Ok(dest) = annot.get(b"Dest") {
                    let dest = self.deref(dest)?.as_array()?;
                    let target = self
                        .page_index(dest[0].as_reference()?)
                        .ok_or("link to a non-page")?;
                    link.goto = Some((target, dest[3].as_float()?));
                    out.push(link);
                    continue;
                }
                let action = self.dict(annot.get(b"A")?)?;
                match action.get(b"S")?.as_name()? {
                    b"GoTo" => {
                        let dest = self.deref(action.get(b"D")?)?.as_array()?;
                        let target = self
                            .page_index(dest[0].as_reference()?)
                            .ok_or("link to a non-page")?;
                        link.goto = Some((target, dest[3].as_float()?));
                    }
                    b"URI" => {
                        link.uri = Some(
                            String::from_utf8_lossy(self.deref(action.get(b"URI")?)?.as_str()?)
                                .into_owned(),
                        );
                    }
                    _ => {}
                }
                out.push(link);
            }
        }
        Ok(out)
    }

    /// The runs whose text contains `needle`.
    pub fn find_runs(&self, needle: &str) -> Res<Vec<Run>> {
        Ok(self
            .all_runs()?
            .into_iter()
            .filter(|run| run.text.contains(needle))
            .collect())
    }
}

/// The structure elements of a tagged PDF in reading order: `(tag, alt or link description,
/// depth)`, walked with a stack.
pub fn structure(pdf: &Pdf) -> Res<Vec<(String, Option<String>, usize)>> {
    use lopdf::Object;
    let catalog = pdf.doc.catalog()?;
    let root = pdf
        .doc
        .get_dictionary(catalog.get(b"StructTreeRoot")?.as_reference()?)?;
    let mut out = Vec::new();
    let mut stack: Vec<(Object, usize)> = vec![(root.get(b"K")?.clone(), 0)];
    while let Some((object, depth)) = stack.pop() {
        let object = match &object {
            Object::Reference(id) => pdf.doc.get_object(*id)?.clone(),
            other => other.clone(),
        };
        match object {
            Object::Array(items) => {
                for item in items.into_iter().rev() {
                    stack.push((item, depth));
                }
            }
            Object::Dictionary(dict) => {
                let Ok(tag) = dict.get(b"S") else {
                    // A marked-content or object reference: the annotation's description.
                    if let Ok(annot) = dict.get(b"Obj") {
                        let annot = pdf.doc.get_dictionary(annot.as_reference()?)?;
                        let words = annot.get(b"Contents")?.as_str()?;
                        out.push((
                            "OBJR".to_owned(),
                            Some(String::from_utf8_lossy(words).into_owned()),
                            depth,
                        ));
                    }
                    continue;
                };
                let alt = dict
                    .get(b"Alt")
                    .ok()
                    .and_then(|alt| alt.as_str().ok())
                    .map(|alt| String::from_utf8_lossy(alt).into_owned());
                out.push((
                    String::from_utf8_lossy(tag.as_name()?).into_owned(),
                    alt,
                    depth,
                ));
                if let Ok(kids) = dict.get(b"K") {
                    stack.push((kids.clone(), depth + 1));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Every marked-content id the structure tree points at, in the tree's reading order, with
/// the page it is on (an element's `/Pg`, inherited by its integer kids).
pub fn marked_content_in_tree_order(pdf: &Pdf) -> Res<Vec<(lopdf::ObjectId, i64)>> {
    use lopdf::Object;
    let catalog = pdf.doc.catalog()?;
    let root = pdf
        .doc
        .get_dictionary(catalog.get(b"StructTreeRoot")?.as_reference()?)?;
    let mut out = Vec::new();
    let mut stack: Vec<(Object, Option<lopdf::ObjectId>)> = vec![(root.get(b"K")?.clone(), None)];
    while let Some((object, page)) = stack.pop() {
        let object = match &object {
            Object::Reference(id) => pdf.doc.get_object(*id)?.clone(),
            other => other.clone(),
        };
        match object {
            Object::Integer(mcid) => {
                let page = page.ok_or("a marked-content id without a page")?;
                out.push((page, mcid));
            }
            Object::Array(items) => {
                for item in items.into_iter().rev() {
                    stack.push((item, page));
                }
            }
            Object::Dictionary(dict) => {
                let page = match dict.get(b"Pg") {
                    Ok(pg) => Some(pg.as_reference()?),
                    Err(_) => page,
                };
                if let Ok(mcid) = dict.get(b"MCID") {
                    let page = page.ok_or("a marked-content reference without a page")?;
                    out.push((page, mcid.as_i64()?));
                } else if dict.get(b"S").is_ok()
                    && let Ok(kids) = dict.get(b"K")
                {
                    stack.push((kids.clone(), page));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The guide's warning boxes: each method's own and each step's.
pub fn warnings_in(guide: &remedy_core::Guide) -> usize {
    guide
        .methods
        .iter()
        .map(|m| {
            usize::from(m.warning.is_some())
                + m.walk_steps()
                    .iter()
                    .filter(|v| v.step.warning.is_some())
                    .count()
        })
        .sum()
}

/// The list items a handout of `guide` tags: one per step and sub-step, one per pro and con.
pub fn list_items(guide: &remedy_core::Guide) -> usize {
    guide
        .methods
        .iter()
        .map(|m| m.walk_steps().len() + m.pros.len() + m.cons.len())
        .sum()
}
