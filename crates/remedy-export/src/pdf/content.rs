//! A page's content stream, written as bytes: text in subset glyph codes, filled rectangles,
//! colours, numbers to a fixed precision. A handout draws ten thousand glyphs; going through an
//! operator tree and a generic number formatter took a third of its time.

/// Appends `value` rounded to `1 / scale` (10, 100, 1000…), without trailing zeros: `12`,
/// `56.69`, `0.957`, `-3.5`. The rounding is done in `f32`, as the layout computes, so that a
/// coordinate halfway between two hundredths rounds the way it always has.
pub(crate) fn push_number(out: &mut Vec<u8>, value: f32, scale: u32) {
    let scaled = (value * scale as f32).round();
    if !scaled.is_finite() {
        out.push(b'0');
        return;
    }
    let scaled = scaled as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let magnitude = scaled.unsigned_abs();
    let scale = u64::from(scale.max(1));
    push_integer(out, magnitude / scale);
    let mut fraction = magnitude % scale;
    if fraction == 0 {
        return;
    }
    out.push(b'.');
    let mut unit = scale / 10;
    while fraction > 0 && unit > 0 {
        out.push(b'0' + (fraction / unit) as u8);
        fraction %= unit;
        unit /= 10;
    }
}

fn push_integer(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Positions in hundredths of a point, colour components in thousandths.
const POSITION: u32 = 100;
const COMPONENT: u32 = 1000;

/// Operators for one page, in the order they are called.
#[derive(Debug, Default)]
pub(crate) struct ContentStream {
    bytes: Vec<u8>,
    in_text: bool,
}

impl ContentStream {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        ContentStream {
            bytes: Vec::with_capacity(capacity),
            in_text: false,
        }
    }

    fn numbers(&mut self, values: &[f32], scale: u32) {
        for value in values {
            push_number(&mut self.bytes, *value, scale);
            self.bytes.push(b' ');
        }
    }

    /// Opens a text object if none is open.
    pub(crate) fn begin_text(&mut self) {
        if !self.in_text {
            self.bytes.extend_from_slice(b"BT\n");
            self.in_text = true;
        }
    }

    /// Closes the open text object, if any.
    pub(crate) fn end_text(&mut self) {
        if self.in_text {
            self.bytes.extend_from_slice(b"ET\n");
            self.in_text = false;
        }
    }

    /// `Tf`: the font resource `name` at `size` points.
    pub(crate) fn font(&mut self, name: &str, size: f32) {
        self.bytes.push(b'/');
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(b' ');
        self.numbers(&[size], POSITION);
        self.bytes.extend_from_slice(b"Tf\n");
    }

    /// `rg`: the fill colour.
    pub(crate) fn fill_color(&mut self, r: f32, g: f32, b: f32) {
        self.numbers(&[r, g, b], COMPONENT);
        self.bytes.extend_from_slice(b"rg\n");
    }

    /// `Tm` and `Tj`: two-byte glyph codes drawn from (`x`, `y`).
    pub(crate) fn text(&mut self, x: f32, y: f32, codes: impl Iterator<Item = u16>) {
        self.bytes.extend_from_slice(b"1 0 0 1 ");
        self.numbers(&[x, y], POSITION);
        self.bytes.extend_from_slice(b"Tm\n(");
        for code in codes {
            for byte in code.to_be_bytes() {
                // A literal string: half the bytes of hexadecimal. Parentheses and the
                // backslash are escaped, and a carriage return, which a reader would take
                // for a line end.
                match byte {
                    b'(' | b')' | b'\\' => self.bytes.extend_from_slice(&[b'\\', byte]),
                    b'\r' => self.bytes.extend_from_slice(b"\\r"),
                    _ => self.bytes.push(byte),
                }
            }
        }
        self.bytes.extend_from_slice(b") Tj\n");
    }

    /// `re` and `f`: a filled rectangle, (`x`, `y`) its lower left corner.
    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.end_text();
        self.numbers(&[x, y, w, h], POSITION);
        self.bytes.extend_from_slice(b"re f\n");
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.end_text();
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(value: f32, scale: u32) -> String {
        let mut out = Vec::new();
        push_number(&mut out, value, scale);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn numbers_are_rounded_and_trimmed() {
        assert_eq!(number(56.692_913, 100), "56.69");
        assert_eq!(number(12.0, 100), "12");
        assert_eq!(number(0.957, 1000), "0.957");
        assert_eq!(number(0.5, 1000), "0.5");
        assert_eq!(number(-3.504, 100), "-3.5");
        assert_eq!(number(-0.001, 100), "0");
        assert_eq!(number(841.889_8, 100), "841.89");
        assert_eq!(number(0.06, 1000), "0.06");
        assert_eq!(number(f32::NAN, 100), "0");
    }

    #[test]
    fn text_is_a_literal_string_with_its_delimiters_escaped() {
        let mut stream = ContentStream::default();
        stream.begin_text();
        stream.font("F1", 10.5);
        stream.fill_color(0.11, 0.12, 0.14);
        stream.text(56.69, 782.634, [0x0041, 0x2829, 0x5c0d].into_iter());
        stream.fill_rect(1.0, 2.0, 3.25, 4.0);
        let bytes = stream.finish();
        assert_eq!(
            bytes,
            b"BT\n/F1 10.5 Tf\n0.11 0.12 0.14 rg\n1 0 0 1 56.69 782.63 Tm\n(\x00A\\(\\)\\\\\\r) Tj\nET\n1 2 3.25 4 re f\n"
                .to_vec()
        );
    }
}
