//! Pictures for handouts: a guide's PNG or JPEG read from inside the content root, within
//! limits, its size read from its header. Anything else (no root given, a path that leaves
//! the root or goes through a link out of it, a missing, unreadable, foreign or oversized
//! file) is no picture, and the handout prints the picture's text instead: a picture never
//! fails an export.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG: &[u8] = b"\xff\xd8\xff";

/// Files larger than this are not embedded: a handout is printed and mailed, and a 16 MiB
/// photograph is a mistake in a troubleshooting guide, not a figure.
pub(crate) const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// PNGs with more pixels than this are not embedded: a PNG is decoded in memory (here to
/// prove it, then by krilla), up to eight bytes a pixel, and a header may claim any size.
pub(crate) const MAX_PNG_PIXELS: u64 = 16_000_000;

/// JPEGs are embedded as they are, never decoded: the limit only refuses absurd headers (a
/// 48-megapixel phone photograph passes).
pub(crate) const MAX_JPEG_PIXELS: u64 = 100_000_000;

/// Resolution at which a picture is shown at its natural size: screenshots stay sharp in
/// print and are never enlarged beyond it.
pub(crate) const DPI: f32 = 150.0;

/// The encodings krilla embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Png,
    Jpeg,
}

/// A picture's bytes as written and its size in pixels.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Picture {
    pub format: Format,
    pub bytes: Arc<Vec<u8>>,
    pub width: u32,
    pub height: u32,
}

impl Picture {
    /// Width and height in points at [`DPI`].
    pub(crate) fn natural_size(&self) -> (f32, f32) {
        let points = |pixels: u32| pixels as f32 * 72.0 / DPI;
        (points(self.width), points(self.height))
    }

    /// A picture from its bytes: a PNG or JPEG whose header krilla reads, within the limits.
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Option<Picture> {
        let format = if bytes.starts_with(PNG) {
            Format::Png
        } else if bytes.starts_with(JPEG) {
            Format::Jpeg
        } else {
            return None;
        };
        let bytes = Arc::new(bytes);
        let image = to_krilla(format, &bytes)?;
        let (width, height) = image.size();
        let limit = match format {
            Format::Png => MAX_PNG_PIXELS,
            Format::Jpeg => MAX_JPEG_PIXELS,
        };
        if width == 0 || height == 0 || u64::from(width) * u64::from(height) > limit {
            return None;
        }
        if format == Format::Png && !png_decodes(&bytes) {
            return None;
        }
        Some(Picture {
            format,
            bytes,
            width,
            height,
        })
    }
}

/// The krilla image of a picture's bytes, `None` if krilla cannot read its header.
pub(crate) fn to_krilla(format: Format, bytes: &Arc<Vec<u8>>) -> Option<krilla::image::Image> {
    let data = krilla::Data::from(Arc::clone(bytes));
    match format {
        Format::Png => krilla::image::Image::from_png(data, false).ok(),
        Format::Jpeg => krilla::image::Image::from_jpeg(data, false).ok(),
    }
}

/// Whether a PNG decodes whole: krilla decodes it only when the document is finished, and a
/// damaged picture must become the text note then, not an export error.
fn png_decodes(bytes: &[u8]) -> bool {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    // Sixteen-bit samples stripped: half the memory, and as good a proof.
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let Ok(mut reader) = decoder.read_info() else {
        return false;
    };
    let Some(size) = reader.output_buffer_size() else {
        return false;
    };
    let mut buffer = vec![0; size];
    reader.next_frame(&mut buffer).is_ok()
}

/// The picture at `path` (relative to `root`, `/`-separated, as [`crate::handout::Image`]
/// resolves it), or `None`.
pub(crate) fn load(root: &Path, path: &str) -> Option<Picture> {
    let root = root.canonicalize().ok()?;
    let mut file = root.clone();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part if part.contains('\\') => return None,
            part => file.push(part),
        }
    }
    // A link inside the root may still point out of it: the real path decides.
    let real = file.canonicalize().ok()?;
    if !real.starts_with(&root) {
        return None;
    }
    let meta = std::fs::metadata(&real).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()?);
    std::fs::File::open(&real)
        .ok()?
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > MAX_BYTES {
        return None;
    }
    Picture::from_bytes(bytes)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `width` × `height` RGB PNG of one colour, encoded with the `png` crate.
    pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            if let Ok(mut writer) = encoder.write_header() {
                let pixels = vec![200u8; (width * height * 3) as usize];
                let _ = writer.write_image_data(&pixels);
            }
        }
        out
    }

    #[test]
    fn a_png_is_read_with_its_size_and_anything_else_is_not() {
        let picture = Picture::from_bytes(png(300, 150));
        assert_eq!(
            picture.as_ref().map(|p| (p.format, p.width, p.height)),
            Some((Format::Png, 300, 150))
        );
        assert_eq!(picture.map(|p| p.natural_size()), Some((144.0, 72.0)));
        assert_eq!(Picture::from_bytes(b"GIF89a....".to_vec()), None);
        // A PNG signature on a damaged file, and a PNG cut short.
        assert_eq!(Picture::from_bytes(PNG.to_vec()), None);
        let mut cut = png(40, 40);
        cut.truncate(cut.len() - 20);
        assert_eq!(Picture::from_bytes(cut), None);
    }

    #[test]
    fn a_picture_claiming_too_many_pixels_is_refused_before_decoding() {
        // A valid header for 10,000 × 10,000 pixels and no image data.
        let mut header = png(1, 1);
        header[16..20].copy_from_slice(&10_000u32.to_be_bytes());
        header[20..24].copy_from_slice(&10_000u32.to_be_bytes());
        let crc = png_crc(&header[12..29]);
        header[29..33].copy_from_slice(&crc.to_be_bytes());
        let image = to_krilla(Format::Png, &Arc::new(header.clone()));
        assert_eq!(
            image.map(|i| i.size()),
            Some((10_000, 10_000)),
            "the header reads"
        );
        assert_eq!(Picture::from_bytes(header), None);
    }

    /// The CRC-32 a PNG chunk carries (ISO 3309, the one zlib's gzip uses too).
    fn png_crc(bytes: &[u8]) -> u32 {
        let mut crc = flate2::Crc::new();
        crc.update(bytes);
        crc.sum()
    }
}
