//! The handout's layout read back with lopdf, as a reader meets it: pictures embedded at their
//! size with their alt text (or printed as words when they cannot be shown), code line by
//! line, warnings on the page of their step, pros and cons never alone at a page's top, a
//! method that breaks carrying its name, words broken with a visible hyphen, numbering past
//! three levels, and the structure tree a screen reader walks.

mod pdf_support;

use std::path::{Path, PathBuf};

use remedy_core::Guide;
use remedy_export::ExportGuide;
use remedy_export::pdf::{PdfOptions, render_guide};

use pdf_support::{Pdf, Res, Run, TestResult, keep, list_items, load_guide, root, structure};

/// The fixture's own content root (`remedy.toml` with `content = "."`), which CI also exports.
fn layout_root() -> PathBuf {
    root().join("tests/fixtures/pdf/layout")
}

fn render_from(content_root: Option<&Path>, guide: &Guide, source: &str) -> Res<Vec<u8>> {
    let export = ExportGuide { guide, source };
    Ok(render_guide(
        &export,
        &PdfOptions {
            content_root: content_root.map(Path::to_path_buf),
            ..PdfOptions::default()
        },
    )?)
}

fn figures() -> Res<Guide> {
    load_guide(&layout_root().join("pdf-figures.yaml"))
}

/// A folder of its own under the system's temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Res<Scratch> {
        let dir =
            std::env::temp_dir().join(format!("remedy-pdf-layout-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }

    fn write(&self, path: &str, bytes: &[u8]) -> Res<PathBuf> {
        let file = self.0.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&file, bytes)?;
        Ok(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `width` × `height` RGB PNG.
fn png(width: u32, height: u32) -> Res<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
        writer.write_image_data(&pixels)?;
    }
    Ok(out)
}

/// A guide of one method whose steps are `steps` (YAML list items, indented for `steps:`).
fn guide_yaml(id: &str, steps: &str, extra: &str) -> String {
    format!(
        "id: {id}\ntitle: Layout probe\nsummary: A guide made by a test.\nupdated: 2026-11-30\n\
         causes:\n  - id: stuck\n    title: Something is stuck\n\
         methods:\n  - id: probe\n    title: Try the probe\n    addresses: [stuck]\n    risk: moderate\n    steps:\n{steps}{extra}"
    )
}

fn load_text(scratch: &Scratch, name: &str, yaml: &str) -> Res<Guide> {
    let path = scratch.write(name, yaml.as_bytes())?;
    load_guide(&path)
}

/// Points at 150 dpi.
fn points(pixels: i64) -> f32 {
    pixels as f32 * 72.0 / 150.0
}

const A4_WIDTH: f32 = 210.0 * 72.0 / 25.4;
const MARGIN: f32 = 20.0 * 72.0 / 25.4;

#[test]
fn pictures_are_embedded_at_their_size_with_their_alt_and_caption_below() -> TestResult {
    let guide = figures()?;
    let bytes = render_from(Some(&layout_root()), &guide, "pdf-figures.yaml")?;
    keep("figures.pdf", &bytes);
    let pdf = Pdf::parse(&bytes)?;
    let images = pdf.all_images()?;
    assert_eq!(images.len(), 2, "{images:?}");
    // The method's photograph: the JPEG itself, at its natural size (150 dpi).
    let photo = &images[0];
    assert_eq!(photo.pixels, (320, 240));
    assert_eq!(photo.filter, "DCTDecode");
    assert!((photo.size.0 - points(320)).abs() < 0.01, "{photo:?}");
    assert!((photo.size.1 - points(240)).abs() < 0.01, "{photo:?}");
    // The step's screenshot: the PNG's pixels, at its natural size, at the step's indent.
    let screen = &images[1];
    assert_eq!(screen.pixels, (600, 300));
    assert!(screen.filter.contains("FlateDecode"), "{screen:?}");
    assert!((screen.size.0 - points(600)).abs() < 0.01, "{screen:?}");
    assert!((screen.size.1 - points(300)).abs() < 0.01, "{screen:?}");
    assert!(screen.at.0 > photo.at.0, "the step's picture is indented");

    // Each is a Figure with its alt text, in the order of the handout.
    let figures: Vec<Option<String>> = structure(&pdf)?
        .into_iter()
        .filter(|(tag, _, _)| tag == "Figure")
        .map(|(_, alt, _)| alt)
        .collect();
    assert_eq!(
        figures,
        [
            Some("A router seen from the front with its status lights lit".to_owned()),
            Some(
                "Two rounded buttons, Wi-Fi with a green dot and Details, as the router's page \
                 shows them"
                    .to_owned()
            ),
        ]
    );
    // The captions are read as text, below their pictures.
    let text = pdf.text()?.replace('\n', " ");
    for (image, caption) in [
        (photo, "The status lights before the restart"),
        (
            screen,
            "The router's page once it is back, with Details below Wi-Fi.",
        ),
    ] {
        assert!(text.contains(caption), "{caption:?} in {text}");
        let first_word = caption.split_whitespace().take(4).collect::<Vec<_>>();
        let run = pdf
            .all_runs()?
            .into_iter()
            .find(|run| run.text.starts_with(&first_word.join(" ")))
            .ok_or(format!("no run for {caption:?}"))?;
        assert_eq!(run.page, image.page);
        assert!(
            run.y < image.at.1,
            "the caption {caption:?} is below its picture"
        );
        assert!(run.font.contains("Oblique"), "{run:?}");
    }
    Ok(())
}

#[test]
fn two_exports_with_pictures_are_byte_identical() -> TestResult {
    let guide = figures()?;
    let first = render_from(Some(&layout_root()), &guide, "pdf-figures.yaml")?;
    let second = render_from(Some(&layout_root()), &guide, "pdf-figures.yaml")?;
    assert!(first == second, "two exports differ");
    Ok(())
}

#[test]
fn a_picture_the_handout_cannot_show_is_printed_as_its_text() -> TestResult {
    let outside = Scratch::new("outside")?;
    outside.write("secret.png", &png(40, 40)?)?;
    let scratch = Scratch::new("notes")?;
    let root = scratch.0.join("content");
    std::fs::create_dir_all(&root)?;
    let content = Scratch(root.clone());
    content.write("images/ok.png", &png(60, 30)?)?;
    content.write("images/fake.png", b"not a picture at all")?;
    // A PNG header claiming 6,000 x 5,000 pixels, with nothing behind it.
    let mut huge = png(1, 1)?;
    huge[16..20].copy_from_slice(&6000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&5000u32.to_be_bytes());
    let crc = png_crc(&huge[12..29]);
    huge[29..33].copy_from_slice(&crc.to_be_bytes());
    content.write("images/huge.png", &huge)?;
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.0.join("secret.png"), root.join("images/link.png"))?;
    let secret = outside.0.join("secret.png");
    let cases = [
        ("images/ok.png", "The one picture that is shown"),
        (
            "../../outside/secret.png",
            "A picture whose path leaves the root",
        ),
        (
            secret.to_str().ok_or("path")?,
            "A picture named by an absolute path",
        ),
        ("images/missing.png", "A picture that does not exist"),
        ("images/fake.png", "A text file named like a picture"),
        ("images/huge.png", "A picture far too large to embed"),
        (
            "images/link.png",
            "A link inside the root to a picture outside it",
        ),
    ];
    let steps: String = cases
        .iter()
        .enumerate()
        .map(|(i, (src, alt))| {
            format!("      - text: Look at picture {i}.\n        image:\n          src: \"{src}\"\n          alt: {alt}\n")
        })
        .collect();
    let guide = load_text(&content, "probe.yaml", &guide_yaml("probe", &steps, ""))?;
    // The link's target would be read if the real path were not checked.
    let _keep_outside = &outside;
    let bytes = render_from(Some(&root), &guide, "probe.yaml")?;
    let pdf = Pdf::parse(&bytes)?;
    let images = pdf.all_images()?;
    assert_eq!(images.len(), 1, "{images:?}");
    assert_eq!(images[0].pixels, (60, 30));
    let text = pdf.text()?.replace('\n', " ");
    for (_, alt) in &cases[1..] {
        assert!(
            text.contains(&format!("Picture: {alt}")),
            "{alt:?} in {text}"
        );
    }
    assert!(
        !text.contains(&format!("Picture: {}", cases[0].1)),
        "{text}"
    );
    let figures = structure(&pdf)?
        .into_iter()
        .filter(|(tag, _, _)| tag == "Figure")
        .count();
    assert_eq!(figures, 1);

    // Without a content root, nothing is read at all: every picture is its text.
    let pdf = Pdf::parse(&render_from(None, &guide, "probe.yaml")?)?;
    assert!(pdf.all_images()?.is_empty());
    let text = pdf.text()?.replace('\n', " ");
    for (_, alt) in &cases {
        assert!(
            text.contains(&format!("Picture: {alt}")),
            "{alt:?} in {text}"
        );
    }
    Ok(())
}

#[test]
fn pictures_are_scaled_down_to_the_column_and_the_page_and_never_up() -> TestResult {
    let content = Scratch::new("scaled")?;
    content.write("wide.png", &png(2000, 100)?)?;
    content.write("tall.png", &png(100, 2400)?)?;
    content.write("small.png", &png(30, 30)?)?;
    let steps: String = ["wide", "tall", "small"]
        .iter()
        .map(|name| {
            format!("      - text: See the {name} picture.\n        image:\n          src: {name}.png\n          alt: A {name} test pattern of stripes\n")
        })
        .collect();
    let guide = load_text(&content, "scaled.yaml", &guide_yaml("scaled", &steps, ""))?;
    let pdf = Pdf::parse(&render_from(Some(&content.0), &guide, "scaled.yaml")?)?;
    pdf.assert_within_margins(MARGIN - 0.01)?;
    let images = pdf.all_images()?;
    assert_eq!(images.len(), 3, "{images:?}");
    let column = A4_WIDTH - 2.0 * MARGIN;
    for image in &images {
        let (w, h) = image.size;
        let (pw, ph) = (image.pixels.0 as f32, image.pixels.1 as f32);
        assert!(
            (w / h - pw / ph).abs() / (pw / ph) < 0.001,
            "aspect kept: {image:?}"
        );
        assert!(image.at.0 >= MARGIN - 0.01 && image.at.0 + w <= A4_WIDTH - MARGIN + 0.01);
        assert!(
            image.at.1 >= 20.0 * 72.0 / 25.4,
            "above the footer: {image:?}"
        );
    }
    // The wide one fills what is left of the column right of the step's number.
    let wide = &images[0];
    assert!(
        wide.size.0 < points(2000) && wide.size.0 > column - 40.0,
        "{wide:?}"
    );
    // The tall one is shrunk to what a page holds, with room to spare for its step.
    let tall = &images[1];
    let body = 297.0 * 72.0 / 25.4 - (18.0 + 22.0) * 72.0 / 25.4;
    assert!(
        tall.size.1 < body - 20.0 && tall.size.1 > body * 0.8,
        "{tall:?}"
    );
    // The small one keeps its natural size.
    assert_eq!(images[2].size, (points(30), points(30)));
    Ok(())
}

/// The handout's body runs of a page, top first: what a reader sees there, page furniture
/// (footer, continuation line) left out.
fn body_runs(runs: &[Run], page: usize) -> Vec<&Run> {
    let mut on_page: Vec<&Run> = runs
        .iter()
        .filter(|run| run.page == page && !run.artifact && run.y > 60.0)
        .collect();
    on_page.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    on_page
}

/// Filler steps of one line each: moving what follows down by one step at a time walks it
/// across a page boundary.
fn fillers(count: usize) -> String {
    (1..=count)
        .map(|i| format!("      - text: Check filler item number {i}.\n"))
        .collect()
}

#[test]
fn a_warning_at_a_page_boundary_stays_on_the_page_of_its_step_and_before_it() -> TestResult {
    let content = Scratch::new("warning")?;
    let mut moved = 0;
    for count in 30..62 {
        let steps = format!(
            "{}      - text: Open the modem's cover with the plastic tool.\n        warning: Unplug the modem and wait a minute before you open it, or the capacitors may still hold a charge.\n{}",
            fillers(count),
            fillers(3).replace("filler", "closing")
        );
        let name = format!("w{count}.yaml");
        let guide = load_text(&content, &name, &guide_yaml("probe", &steps, ""))?;
        let pdf = Pdf::parse(&render_from(None, &guide, &name)?)?;
        let runs = pdf.all_runs()?;
        let find = |needle: &str| {
            runs.iter()
                .find(|run| run.text.contains(needle))
                .cloned()
                .ok_or(format!("{needle:?} is not printed ({count} fillers)"))
        };
        let label = find("WARNING")?;
        let last_words = find("charge.")?;
        let step = find("Open the modem")?;
        let before = find(&format!("number {count}."))?;
        assert_eq!(
            label.page, step.page,
            "{count} fillers: the warning starts on another page"
        );
        assert_eq!(last_words.page, step.page, "{count} fillers");
        assert!(
            label.y > last_words.y && last_words.y > step.y,
            "{count} fillers: order"
        );
        if before.page < label.page {
            // The boundary fell between the step before and the warning: it moved along.
            moved += 1;
            let top = body_runs(&runs, label.page);
            assert!(
                top.first().is_some_and(|run| run.text.contains("WARNING")),
                "{top:?}"
            );
        }
    }
    assert!(moved > 0, "no case put the warning at a page boundary");
    Ok(())
}

#[test]
fn pros_and_cons_never_open_a_page_alone_and_a_broken_method_carries_its_name() -> TestResult {
    let content = Scratch::new("pros")?;
    let mut crossed = 0;
    let mut continued_pages = 0;
    for count in 28..62 {
        let extra = "    pros:\n      - Nothing is lost\n      - Quick to try\n    cons:\n      - Rarely enough on its own\n";
        let steps = format!(
            "{}      - text: Restart the device and wait for it to settle.\n",
            fillers(count)
        );
        let name = format!("p{count}.yaml");
        let guide = load_text(&content, &name, &guide_yaml("probe", &steps, extra))?;
        let pdf = Pdf::parse(&render_from(None, &guide, &name)?)?;
        let runs = pdf.all_runs()?;
        let pros = runs
            .iter()
            .find(|run| run.text == "PROS")
            .ok_or("PROS is not printed")?;
        let last_step = runs
            .iter()
            .find(|run| run.text.contains("Restart the device"))
            .ok_or("the last step is not printed")?;
        let heading = runs
            .iter()
            .find(|run| run.text.contains("Try the probe"))
            .ok_or("the heading is not printed")?;
        // The method's last step is on the page of its pros and cons, above them, and never
        // alone there: the step before it comes along.
        assert_eq!(last_step.page, pros.page, "{count} fillers");
        assert!(last_step.y > pros.y);
        let before_last = runs
            .iter()
            .find(|run| run.text.contains(&format!("number {count}.")))
            .ok_or("the step before the last is not printed")?;
        assert_eq!(
            before_last.page, last_step.page,
            "{count} fillers: the last step alone"
        );
        let top = body_runs(&runs, pros.page);
        assert!(
            top.first().is_some_and(|run| run.text != "PROS"),
            "{count} fillers: {top:?}"
        );
        if pros.page > heading.page {
            crossed += 1;
        }
        // Every page after the heading's, inside the method, starts with its name.
        for page in heading.page + 1..=pros.page {
            let first = runs
                .iter()
                .filter(|run| run.page == page && run.y > 60.0)
                .min_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)))
                .ok_or("an empty page")?;
            assert!(
                first.text == "Method 1 (continued)" && first.artifact,
                "{count} fillers, page {}: {first:?}",
                page + 1
            );
            continued_pages += 1;
        }
    }
    assert!(
        crossed > 0 && continued_pages > 0,
        "no case broke the method"
    );
    Ok(())
}

#[test]
fn code_is_printed_line_by_line_in_a_monospaced_face_with_its_indentation() -> TestResult {
    let guide = figures()?;
    let pdf = Pdf::parse(&render_from(
        Some(&layout_root()),
        &guide,
        "pdf-figures.yaml",
    )?)?;
    let lines = [
        "ipconfig /release",
        "ipconfig /renew",
        "Get-NetAdapter | Restart-NetAdapter",
    ];
    let mut found = Vec::new();
    for line in lines {
        let runs = pdf.find_runs(line)?;
        assert_eq!(runs.len(), 1, "{line:?} once: {runs:?}");
        assert!(runs[0].font.contains("DejaVuSansMono"), "{:?}", runs[0]);
        found.push(runs[0].clone());
    }
    assert!(
        found[0].y > found[1].y && found[1].y > found[2].y,
        "in order, one a line"
    );
    assert!((found[0].x - found[1].x).abs() < 0.01);
    // Four spaces of indentation, kept: four advances of the monospaced face.
    let indent = found[2].text.find("Get-").ok_or("no code")?;
    assert_eq!(indent, 4 * '\u{a0}'.len_utf8(), "{:?}", found[2].text);
    assert_eq!(pdf.find_runs("POWERSHELL")?.len(), 1, "the language label");

    // A long block breaks between lines, never inside one, and keeps every line in order.
    let content = Scratch::new("code")?;
    let code: String = (1..=80)
        .map(|i| format!("            echo line-{i:02} of the long script\n"))
        .collect();
    let steps =
        format!("      - text: \"Run the script:\"\n        code:\n          text: |\n{code}");
    let guide = load_text(&content, "code.yaml", &guide_yaml("code", &steps, ""))?;
    let pdf = Pdf::parse(&render_from(None, &guide, "code.yaml")?)?;
    assert!(pdf.page_count() > 1);
    let runs = pdf.all_runs()?;
    let mut last: Option<&Run> = None;
    for i in 1..=80 {
        let line = format!("echo line-{i:02} of the long script");
        let matching: Vec<&Run> = runs.iter().filter(|run| run.text == line).collect();
        assert_eq!(matching.len(), 1, "{line:?} whole, once");
        if let Some(previous) = last {
            let (a, b) = (previous, matching[0]);
            assert!(
                b.page > a.page || (b.page == a.page && b.y < a.y),
                "{line:?} in order"
            );
        }
        last = Some(matching[0]);
    }

    // A written line too long for the column wraps, and its printed lines never part.
    let code: String = (1..=30)
        .map(|i| {
            format!(
                "            echo line-{i:02} {}\n",
                "word ".repeat(45).trim_end()
            )
        })
        .collect();
    // Filler steps before it walk the page boundary through the block, a printed line or two
    // at a time.
    for count in 0..8 {
        let steps = format!(
            "{}      - text: \"Run the script:\"\n        code:\n          text: |\n{code}",
            fillers(count)
        );
        let guide = load_text(&content, "wrap.yaml", &guide_yaml("wrap", &steps, ""))?;
        let pdf = Pdf::parse(&render_from(None, &guide, "wrap.yaml")?)?;
        assert!(pdf.page_count() > 1);
        assert_wrapped_lines_together(&pdf.all_runs()?)?;
    }
    Ok(())
}

/// Each of the 30 written lines `echo line-NN word …` is printed as three lines on one page.
fn assert_wrapped_lines_together(runs: &[Run]) -> TestResult {
    for i in 1..=30 {
        let at = runs
            .iter()
            .position(|run| run.text.starts_with(&format!("echo line-{i:02} ")))
            .ok_or(format!("line {i} is not printed"))?;
        let wrapped: Vec<&Run> = runs[at..]
            .iter()
            .filter(|run| run.font.contains("Mono"))
            .take(3)
            .collect();
        assert!(
            wrapped.len() == 3 && wrapped[2].text.starts_with("word"),
            "{wrapped:?}"
        );
        // The continuations hang further in than the line they continue.
        assert!(
            wrapped[1].x > wrapped[0].x + 5.0 && (wrapped[2].x - wrapped[1].x).abs() < 0.01,
            "{wrapped:?}"
        );
        assert!(
            wrapped.iter().all(|run| run.page == wrapped[0].page),
            "line {i} is cut by a page break: {wrapped:?}"
        );
    }
    Ok(())
}

#[test]
fn words_break_with_a_visible_hyphen_and_read_whole() -> TestResult {
    let content = Scratch::new("hyphen")?;
    let sentence =
        "Internationalization uncharacteristically incomprehensibilities disproportionately ";
    // The same long words from several starting points, so that whatever the fonts' widths,
    // some line would end well short of the margin unless its next word is hyphenated.
    let english: String = ["", "A ", "So a ", "Then the ", "Now at last "]
        .iter()
        .map(|lead| format!("      - text: {lead}{}\n", sentence.repeat(4).trim_end()))
        .collect();
    let steps = format!(
        "{english}      - text: {}\n      - text: \"Öffnen Sie die Netzwerk\u{ad}einstellungen und die Netzwerk\u{ad}einstellungen und die Netzwerk\u{ad}einstellungen und die Netzwerk\u{ad}einstellungen.\"\n",
        sentence.repeat(16).trim_end()
    );
    let guide = load_text(&content, "hyphen.yaml", &guide_yaml("hyphen", &steps, ""))?;
    let bytes = render_from(None, &guide, "hyphen.yaml")?;
    keep("hyphen.pdf", &bytes);
    let pdf = Pdf::parse(&bytes)?;
    pdf.assert_within_margins(MARGIN - 0.01)?;
    let text = pdf.text()?;
    // Some lines end inside a word, with the hyphen drawn (as a soft hyphen, which
    // extractors and screen readers join).
    let broken = text.lines().filter(|line| line.ends_with('\u{ad}')).count();
    assert!(broken >= 2, "{text}");
    let joined = text.replace("\u{ad}\n", "").replace('\n', " ");
    assert!(joined.contains(sentence.repeat(16).trim_end()), "{joined}");
    assert!(
        joined.contains("Öffnen Sie die Netzwerkeinstellungen und die Netzwerkeinstellungen"),
        "{joined}"
    );
    // The hyphen takes room: a line broken inside a word is drawn with its width.
    let hyphen_runs: Vec<Run> = pdf
        .all_runs()?
        .into_iter()
        .filter(|run| run.text.ends_with('\u{ad}'))
        .collect();
    for run in &hyphen_runs {
        assert!(run.x + run.width <= A4_WIDTH - MARGIN + 0.01, "{run:?}");
    }
    assert!(!hyphen_runs.is_empty());
    Ok(())
}

#[test]
fn steps_below_the_third_level_carry_their_full_number() -> TestResult {
    let guide = figures()?;
    let pdf = Pdf::parse(&render_from(
        Some(&layout_root()),
        &guide,
        "pdf-figures.yaml",
    )?)?;
    let runs = pdf.all_runs()?;
    let marker = |text: &str| runs.iter().filter(|run| run.text == text).count();
    // 3. → a. → i. → 3.1.1.1: no marker of one depth repeats another's.
    assert_eq!(marker("3.1.1.1"), 1);
    assert_eq!(marker("3.1.1.2"), 1);
    assert!(marker("a.") >= 1 && marker("i.") >= 1);
    let deep = runs
        .iter()
        .find(|run| run.text == "3.1.1.1")
        .ok_or("no 3.1.1.1")?;
    let text = runs
        .iter()
        .find(|run| run.text.contains("Type the password"))
        .ok_or("no text")?;
    assert!(
        deep.x + deep.width < text.x,
        "the number stands left of its text"
    );
    assert!((deep.y - text.y).abs() < 0.01);
    Ok(())
}

#[test]
fn the_structure_tree_has_headings_lists_table_figures_code_and_described_links() -> TestResult {
    let guide = figures()?;
    let pdf = Pdf::parse(&render_from(
        Some(&layout_root()),
        &guide,
        "pdf-figures.yaml",
    )?)?;
    let tree = structure(&pdf)?;
    let count = |name: &str| tree.iter().filter(|(tag, _, _)| tag == name).count();
    assert_eq!(count("H1"), 1);
    assert_eq!(count("H3"), guide.methods.len());
    assert!(count("H2") >= 4);
    let items = list_items(&guide);
    assert_eq!(count("LI"), items);
    // Each warning box's label ("WARNING") is the `Lbl` of its `Note`.
    assert_eq!(count("Lbl"), items + count("Note"));
    assert_eq!(count("Note"), 1);
    assert_eq!(count("TH"), 6);
    assert_eq!(count("Figure"), 2);
    assert!(
        tree.iter()
            .filter(|(tag, _, _)| tag == "Figure")
            .all(|(_, alt, _)| alt.as_deref().is_some_and(|alt| !alt.trim().is_empty()))
    );
    assert_eq!(count("Code"), 1);
    assert_eq!(count("Note"), 1);
    let links: Vec<String> = tree
        .iter()
        .filter(|(tag, _, _)| tag == "OBJR")
        .filter_map(|(_, words, _)| words.clone())
        .collect();
    for wanted in [
        "router maker's status page",
        "The router maker's help pages",
        "Reset the router to its factory settings",
    ] {
        assert!(
            links.iter().any(|words| words == wanted),
            "{wanted:?} in {links:?}"
        );
    }
    // A figure sits inside the step it illustrates: an LBody holds it.
    let at = tree
        .iter()
        .position(|(tag, alt, _)| {
            tag == "Figure" && alt.as_deref().is_some_and(|a| a.starts_with("Two"))
        })
        .ok_or("no step figure")?;
    let depth = tree[at].2;
    let parent = tree[..at]
        .iter()
        .rev()
        .find(|(_, _, d)| *d < depth)
        .ok_or("no parent")?;
    assert_eq!(parent.0, "LBody");
    Ok(())
}

#[test]
fn reset_data_loss_and_backup_steps_are_marked_each_their_own_way() -> TestResult {
    let guide = figures()?;
    let pdf = Pdf::parse(&render_from(
        Some(&layout_root()),
        &guide,
        "pdf-figures.yaml",
    )?)?;
    let text = pdf.text()?.replace('\n', " ");
    for (mark, step) in [
        ("BACKUP", "Write down the network name"),
        ("DATA LOSS RISK", "Hold the reset button"),
        (
            "SETTINGS RESET",
            "On the computer, forget the router's old network",
        ),
    ] {
        assert!(
            text.contains(&format!("{mark} {step}")),
            "{mark} before {step:?}: {text}"
        );
    }
    // One mark each: a reset is not announced as data loss, nor the other way round.
    for mark in ["BACKUP", "DATA LOSS RISK", "SETTINGS RESET"] {
        assert_eq!(text.matches(mark).count(), 1, "{mark}");
    }
    Ok(())
}

#[test]
fn a_related_guide_is_named_by_its_title_in_the_handout() -> TestResult {
    let content = Scratch::new("related")?;
    let first = load_text(
        &content,
        "first.yaml",
        &guide_yaml("first", &fillers(1), "related:\n  - second\n"),
    )?;
    let second_yaml = guide_yaml("second", &fillers(1), "")
        .replace("title: Layout probe", "title: Replace a worn router cable");
    let second = load_text(&content, "second.yaml", &second_yaml)?;
    let exports = [
        ExportGuide {
            guide: &first,
            source: "first.yaml",
        },
        ExportGuide {
            guide: &second,
            source: "second.yaml",
        },
    ];
    let out = content.0.join("out");
    remedy_export::pdf::export_pdf(&exports, &out, None, &PdfOptions::default(), &|_, _| {})?;
    let pdf = Pdf::parse(&std::fs::read(out.join("first.pdf"))?)?;
    let text = pdf.text()?;
    let related = text.split("Related").nth(1).ok_or("no Related section")?;
    assert!(related.contains("Replace a worn router cable"), "{related}");
    let links: Vec<String> = structure(&pdf)?
        .into_iter()
        .filter(|(tag, _, _)| tag == "OBJR")
        .filter_map(|(_, words, _)| words)
        .collect();
    // Another guide's handout is another file: the title is words, not a dead link.
    assert!(!links.iter().any(|words| words == "second"), "{links:?}");
    Ok(())
}

#[test]
fn a_one_page_handout_has_a_page_number_and_no_running_title() -> TestResult {
    let content = Scratch::new("one-page")?;
    let yaml = guide_yaml("one-page", &fillers(2), "").replace(
        "title: Layout probe",
        "title: How to fix a printer that will not print at all",
    );
    let guide = load_text(&content, "one-page.yaml", &yaml)?;
    let pdf = Pdf::parse(&render_from(None, &guide, "one-page.yaml")?)?;
    assert_eq!(pdf.page_count(), 1);
    let footer: Vec<String> = pdf
        .all_runs()?
        .into_iter()
        .filter(|run| run.y < 60.0)
        .map(|run| run.text)
        .collect();
    assert_eq!(footer, ["Page 1 of 1"]);
    // With more pages, every page carries the title beside its number.
    let long = guide_yaml("two-pages", &fillers(60), "");
    let guide = load_text(&content, "two-pages.yaml", &long)?;
    let pdf = Pdf::parse(&render_from(None, &guide, "two-pages.yaml")?)?;
    let total = pdf.page_count();
    assert!(total > 1);
    for page in 0..total {
        let footer: Vec<String> = pdf
            .runs(page)?
            .into_iter()
            .filter(|run| run.y < 60.0)
            .map(|run| run.text)
            .collect();
        assert_eq!(
            footer,
            [
                "Layout probe".to_owned(),
                format!("Page {} of {total}", page + 1)
            ]
        );
    }
    // In a book, a chapter's title runs in the footer over its pages when it has three or
    // more; a one-page chapter's page shows its number only.
    let short = load_text(&content, "one-page.yaml", &yaml)?;
    let long_guide = load_text(
        &content,
        "long.yaml",
        &guide_yaml("long", &fillers(130), "").replace("Layout probe", "A long chapter"),
    )?;
    let exports = [
        ExportGuide {
            guide: &short,
            source: "one-page.yaml",
        },
        ExportGuide {
            guide: &long_guide,
            source: "long.yaml",
        },
    ];
    let book = remedy_export::pdf::render_book(
        &exports,
        &PdfOptions {
            book: remedy_export::pdf::BookOptions {
                title: Some("Handbook".into()),
                ..Default::default()
            },
            ..PdfOptions::default()
        },
    )?;
    let pdf = Pdf::parse(&book)?;
    let mut footers: Vec<Vec<String>> = Vec::new();
    for page in 0..pdf.page_count() {
        footers.push(
            pdf.runs(page)?
                .into_iter()
                .filter(|run| run.y < 60.0)
                .map(|run| run.text)
                .collect(),
        );
    }
    let titled = |title: &str| {
        footers
            .iter()
            .filter(|footer| footer.first().is_some_and(|first| first == title))
            .count()
    };
    assert!(titled("A long chapter") >= 3, "{footers:?}");
    assert_eq!(
        titled("How to fix a printer that will not print at all"),
        0,
        "{footers:?}"
    );
    assert!(
        footers
            .iter()
            .all(|footer| footer.last().is_some_and(|n| n.starts_with("Page ")))
    );
    Ok(())
}

/// The CRC-32 a PNG chunk carries (ISO 3309, the one zlib's gzip uses too).
fn png_crc(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}
