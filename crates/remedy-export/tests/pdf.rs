//! PDF handouts, read back with lopdf: pages and paper, metadata, the outline and its targets,
//! links, the text of every step in order, determinism, fonts, margins under stress, refusal of
//! characters the font lacks.

mod pdf_support;

use remedy_core::Guide;
use remedy_export::pdf::{BookOptions, PageSize, PdfOptions, render_book, render_guide};
use remedy_export::{ExportError, ExportGuide};

use pdf_support::{
    Pdf, Res, TestResult, keep, list_items, load_guide, marked_content_in_tree_order, root,
    structure, warnings_in,
};

fn fixture(name: &str) -> Res<Guide> {
    load_guide(
        &root()
            .join("tests/fixtures/pdf")
            .join(format!("{name}.yaml")),
    )
}

fn render(guide: &Guide, size: PageSize) -> Result<Vec<u8>, ExportError> {
    let export = ExportGuide {
        guide,
        source: "pdf/fixture.yaml",
    };
    render_guide(
        &export,
        &PdfOptions {
            page_size: size,
            ..PdfOptions::default()
        },
    )
}

const MARGIN: f32 = 20.0 * 72.0 / 25.4;

#[test]
fn page_sizes_are_exact_in_points() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let a4 = Pdf::parse(&render(&guide, PageSize::A4)?)?;
    let letter = Pdf::parse(&render(&guide, PageSize::Letter)?)?;
    for page in 0..a4.page_count() {
        let media = a4.media_box(page)?;
        assert_eq!(media[0], 0.0);
        assert_eq!(media[1], 0.0);
        assert!((media[2] - 595.2756).abs() < 0.001, "{media:?}");
        assert!((media[3] - 841.8898).abs() < 0.001, "{media:?}");
    }
    for page in 0..letter.page_count() {
        assert_eq!(letter.media_box(page)?, vec![0.0, 0.0, 612.0, 792.0]);
    }
    assert_eq!("a4".parse::<PageSize>(), Ok(PageSize::A4));
    assert_eq!("Letter".parse::<PageSize>(), Ok(PageSize::Letter));
    assert!("legal".parse::<PageSize>().is_err());
    Ok(())
}

#[test]
fn metadata_names_the_guide() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let pdf = Pdf::parse(&render(&guide, PageSize::A4)?)?;
    assert_eq!(pdf.info("Title")?, guide.title);
    assert_eq!(pdf.info("Author")?, "remedy");
    assert_eq!(
        pdf.info("Subject")?,
        guide
            .summary
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert_eq!(pdf.info("CreationDate")?, "D:20260314000000Z");
    assert!(pdf.info("GTS_PDFXVersion").is_err(), "no PDF/X claim");
    Ok(())
}

#[test]
fn page_count_and_footer_on_every_page() -> TestResult {
    let guide = fixture("pdf-stress")?;
    let pdf = Pdf::parse(&render(&guide, PageSize::A4)?)?;
    let pages = pdf.page_count();
    assert!(pages >= 6, "the stress guide fills pages: {pages}");
    for page in 0..pages {
        let runs = pdf.runs(page)?;
        let label = format!("Page {} of {pages}", page + 1);
        assert!(
            runs.iter().any(|run| run.text == label),
            "page {} lacks {label:?}",
            page + 1
        );
    }
    let basic = Pdf::parse(&render(&fixture("pdf-basic")?, PageSize::A4)?)?;
    assert!(basic.page_count() >= 2);
    assert_eq!(
        basic
            .find_runs(&format!("Page 1 of {}", basic.page_count()))?
            .len(),
        1
    );
    Ok(())
}

#[test]
fn the_outline_nests_methods_under_sections_and_points_at_the_headings() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let pdf = Pdf::parse(&render(&guide, PageSize::A4)?)?;
    let outline = pdf.outline()?;
    let titles: Vec<&str> = outline.iter().map(|entry| entry.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Overview",
            "At a glance",
            "Where to start",
            "Causes",
            "Methods",
            "Questions and answers",
            "Related"
        ]
    );
    let methods = &outline[4];
    let children: Vec<&str> = methods
        .children
        .iter()
        .map(|entry| entry.title.as_str())
        .collect();
    assert_eq!(
        children,
        [
            "1. Check the power and the cable",
            "2. Clear the print queue",
            "3. Reset the printer to factory settings"
        ]
    );
    assert!(
        outline
            .iter()
            .enumerate()
            .all(|(i, entry)| i == 4 || entry.children.is_empty())
    );

    // Each entry points at its heading: same page, just above the heading's baseline.
    let check = |title: &str, page: usize, top: f32| -> TestResult {
        let runs = pdf.find_runs(title)?;
        let heading = runs
            .iter()
            .filter(|run| run.font.contains("Bold") && run.size >= 12.0)
            .find(|run| run.text == title)
            .ok_or_else(|| format!("no heading {title:?}"))?;
        assert_eq!(heading.page, page, "{title}");
        let above = top - heading.y;
        assert!(
            above > heading.size * 0.7 && above < heading.size * 1.6,
            "{title}: top {top}, baseline {}",
            heading.y
        );
        Ok(())
    };
    for entry in &outline {
        check(&entry.title, entry.page, entry.top)?;
    }
    for (entry, method) in methods.children.iter().zip(&guide.methods) {
        check(&method.title, entry.page, entry.top)?;
    }
    Ok(())
}

#[test]
fn table_rows_link_to_the_method_headings_without_a_border() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let pdf = Pdf::parse(&render(&guide, PageSize::A4)?)?;
    let outline = pdf.outline()?;
    let methods = &outline[3].children;
    let links = pdf.links()?;
    for entry in methods {
        assert!(
            links
                .iter()
                .any(|link| link.goto == Some((entry.page, entry.top))),
            "no link to {}",
            entry.title
        );
    }
    for link in &links {
        assert_eq!(link.border, vec![0.0, 0.0, 0.0], "links draw no box");
    }
    assert!(
        links
            .iter()
            .any(|link| link.uri.as_deref() == Some("https://example.com/support"))
    );
    Ok(())
}

#[test]
fn every_step_is_printed_in_order_with_its_marks() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let pdf = Pdf::parse(&render(&guide, PageSize::A4)?)?;
    pdf.assert_steps_in_order(&guide)?;
    let text = pdf.text()?;
    for expected in [
        "DATA LOSS RISK",
        "BACKUP",
        "WARNING",
        "Note:",
        "Result:",
        "★★★★★",
        "★★★☆☆",
        "Very low",
        "Fixed by:",
        "PROS",
        "CONS",
        "Why does the printer print blank pages?",
        "Nothing happens when you print",
        "Printer manufacturer support",
        "macOS, Windows",
        "14 March 2026",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Sub-steps are lettered, third-level steps numbered in roman numerals.
    for marker in ["1.", "2.", "a.", "b.", "i.", "ii.", "iii."] {
        assert!(
            pdf.find_runs(marker)?.iter().any(|run| run.text == marker),
            "no marker {marker}"
        );
    }
    // The warning box is never split: its label and its text share a page.
    let label = pdf.find_runs("WARNING")?;
    let body = pdf.find_runs("Cancelled jobs are gone")?;
    assert_eq!(
        label.first().map(|run| run.page),
        body.first().map(|run| run.page)
    );
    Ok(())
}

#[test]
fn two_renders_are_byte_identical_and_carry_an_id() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let first = render(&guide, PageSize::A4)?;
    let second = render(&guide, PageSize::A4)?;
    assert!(first == second, "two renders differ");
    let letter = render(&guide, PageSize::Letter)?;
    assert!(first != letter);
    let pdf = Pdf::parse(&first)?;
    let id = pdf.doc.trailer.get(b"ID")?.as_array()?;
    assert_eq!(id.len(), 2);
    let id0 = id[0].as_str()?;
    assert!(id0.len() >= 16, "{id0:?}");
    let other = Pdf::parse(&letter)?;
    assert_ne!(other.doc.trailer.get(b"ID")?.as_array()?[0].as_str()?, id0);
    Ok(())
}

#[test]
fn fonts_are_embedded_dejavu_subsets() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let bytes = render(&guide, PageSize::A4)?;
    let pdf = Pdf::parse(&bytes)?;
    let mut seen = 0;
    for (_, object) in pdf.doc.objects.iter() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let name = String::from_utf8_lossy(dict.get(b"FontName")?.as_name()?).into_owned();
        let (tag, family) = name
            .split_once('+')
            .ok_or_else(|| format!("{name} is not a subset"))?;
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
            "{name}"
        );
        assert!(family.starts_with("DejaVuSans"), "{name}");
        assert!(dict.get(b"FontFile2").is_ok(), "{name} is not embedded");
        seen += 1;
    }
    assert!(seen >= 3, "regular, bold and oblique faces: {seen}");
    // The whole DejaVu Sans alone is over 700 KB.
    assert!(
        bytes.len() < 100 * 1024,
        "subset fonts keep a handout small: {} bytes",
        bytes.len()
    );
    Ok(())
}

#[test]
fn nothing_overflows_the_margins_under_stress() -> TestResult {
    let guide = fixture("pdf-stress")?;
    for size in [PageSize::A4, PageSize::Letter] {
        let bytes = render(&guide, size)?;
        keep(&format!("stress-{size}.pdf"), &bytes);
        let pdf = Pdf::parse(&bytes)?;
        pdf.assert_within_margins(MARGIN - 0.01)?;
        pdf.assert_steps_in_order(&guide)?;
        // The sixty steps are numbered 1 to 60.
        assert!(pdf.find_runs("60.")?.iter().any(|run| run.text == "60."));
    }
    Ok(())
}

#[test]
fn headings_never_end_a_page() -> TestResult {
    let guide = fixture("pdf-stress")?;
    let pdf = Pdf::parse(&render(&guide, PageSize::A4)?)?;
    for page in 0..pdf.page_count() {
        let runs = pdf.runs(page)?;
        // The lowest run above the footer.
        let body: Vec<_> = runs.iter().filter(|run| run.y > 60.0).collect();
        if let Some(last) = body.iter().min_by(|a, b| a.y.total_cmp(&b.y)) {
            assert!(
                !(last.font.contains("Bold") && last.size >= 12.0),
                "page {} ends with the heading {:?}",
                page + 1,
                last.text
            );
        }
    }
    Ok(())
}

#[test]
fn a_long_table_repeats_its_header_row() -> TestResult {
    let mut guide = fixture("pdf-basic")?;
    let template = guide.methods[1].clone();
    for i in 0..40 {
        let mut method = template.clone();
        method.id = remedy_core::Id::from(format!("extra-{i}").as_str());
        method.title = format!("Extra method number {i}");
        guide.methods.push(method);
    }
    let pdf = Pdf::parse(&render(&guide, PageSize::A4)?)?;
    let header_pages: Vec<usize> = pdf
        .find_runs("Effectiveness")?
        .iter()
        .filter(|run| run.text == "Effectiveness")
        .map(|run| run.page)
        .collect();
    assert!(
        header_pages.len() >= 2,
        "header rows on pages {header_pages:?}"
    );
    pdf.assert_within_margins(MARGIN - 0.01)?;
    Ok(())
}

#[test]
fn a_character_the_font_lacks_is_an_error_naming_the_guide() -> TestResult {
    let guide = fixture("pdf-missing-glyph")?;
    match render(&guide, PageSize::A4) {
        Err(ExportError::Content(message)) => {
            assert!(message.contains("pdf-missing-glyph"), "{message}");
            assert!(message.contains("U+4E2D"), "{message}");
            assert!(message.contains("Press the 中 key."), "{message}");
        }
        other => panic!(
            "expected a content error, got {:?}",
            other.map(|bytes| bytes.len())
        ),
    }
    Ok(())
}

/// The two fixture guides as one export, the basic one first (as by path).
fn basic_and_stress<'a>(basic: &'a Guide, stress: &'a Guide) -> [ExportGuide<'a>; 2] {
    [
        ExportGuide {
            guide: basic,
            source: "pdf/pdf-basic.yaml",
        },
        ExportGuide {
            guide: stress,
            source: "pdf/pdf-stress.yaml",
        },
    ]
}

#[test]
fn the_book_has_contents_with_page_numbers_and_links() -> TestResult {
    let basic = fixture("pdf-basic")?;
    let stress = fixture("pdf-stress")?;
    let exports = basic_and_stress(&basic, &stress);
    // `[book]` puts the second guide first; the other follows.
    let options = PdfOptions {
        book: BookOptions {
            title: Some("Printer handbook".into()),
            subtitle: Some("Fixes for the office printers".into()),
            author: Some("Example Support Team".into()),
            order: vec![stress.id.as_str().to_owned()],
        },
        ..PdfOptions::default()
    };
    let bytes = render_book(&exports, &options)?;
    assert!(bytes == render_book(&exports, &options)?);
    keep("printer-book.pdf", &bytes);
    keep("basic.pdf", &render(&basic, PageSize::A4)?);
    let pdf = Pdf::parse(&bytes)?;
    assert_eq!(pdf.info("Title")?, "Printer handbook");
    assert_eq!(pdf.info("Author")?, "Example Support Team");
    let title_page: Vec<String> = pdf.runs(0)?.into_iter().map(|run| run.text).collect();
    assert_eq!(
        title_page,
        [
            "TROUBLESHOOTING HANDBOOK",
            "Printer handbook",
            "Fixes for the office printers",
            "2 guides · reviewed up to 14 March 2026",
            "Example Support Team",
            // The footer: the page number alone, as the title page is no chapter that recurs.
            "Page 1 of 12",
        ]
    );
    let outline = pdf.outline()?;
    let titles: Vec<&str> = outline.iter().map(|entry| entry.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Contents", stress.title.as_str(), basic.title.as_str()]
    );
    assert_eq!(outline[2].children[4].title, "Methods");
    assert_eq!(outline[2].children[4].children.len(), basic.methods.len());
    assert!(outline[1].page < outline[2].page, "{outline:?}");
    // The contents give the page each guide starts on, and link there.
    let contents_page = outline[0].page;
    let links = pdf.links()?;
    for entry in &outline[1..] {
        let number = (entry.page + 1).to_string();
        assert!(
            pdf.runs(contents_page)?
                .iter()
                .any(|run| run.text == number),
            "no page number {number} for {}",
            entry.title
        );
        assert!(
            links.iter().any(|link| link.page == contents_page
                && link.goto.map(|(page, _)| page) == Some(entry.page)),
            "no contents link to {}",
            entry.title
        );
    }
    // In the book, the related guide is named by its title and linked.
    assert!(pdf.text()?.contains(&stress.title[..20]));
    for export in &exports {
        pdf.assert_steps_in_order(export.guide)?;
    }
    pdf.assert_within_margins(MARGIN - 0.01)?;
    Ok(())
}

#[test]
fn an_id_that_is_a_path_is_refused_before_anything_is_written()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("remedy-pdf-escape-{}", std::process::id()));
    let out = dir.join("out");
    std::fs::create_dir_all(&dir)?;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/pdf/pdf-basic.yaml");
    let file = remedy_core::load_file(&path, &remedy_core::LoadOptions::default())?;
    let mut guide = file.guide.ok_or("the fixture must load")?;
    guide.id = remedy_core::Id::from("../escape");
    let export = [remedy_export::ExportGuide {
        guide: &guide,
        source: "escape.yaml",
    }];
    let options = remedy_export::pdf::PdfOptions::default();
    let result = remedy_export::pdf::export_pdf(&export, &out, None, &options, &|_, _| {});
    let message = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("not a valid id"), "{message}");
    assert!(!dir.join("escape.pdf").exists());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn the_structure_tree_reads_as_the_handout() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let bytes = render(&guide, PageSize::A4)?;
    keep("structure.pdf", &bytes);
    let pdf = Pdf::parse(&bytes)?;
    let catalog = pdf.doc.catalog()?;
    assert_eq!(catalog.get(b"Lang")?.as_str()?, b"en");
    let mark_info = match catalog.get(b"MarkInfo")? {
        lopdf::Object::Reference(id) => pdf.doc.get_dictionary(*id)?,
        other => other.as_dict()?,
    };
    assert!(mark_info.get(b"Marked")?.as_bool()?);
    let tree = structure(&pdf)?;
    let tags: Vec<&str> = tree.iter().map(|(tag, _, _)| tag.as_str()).collect();
    let count = |name: &str| tags.iter().filter(|tag| **tag == name).count();

    // One title, then the sections, then a heading per method, in that order.
    assert_eq!(count("H1"), 1, "{tags:?}");
    let first = |name: &str| tags.iter().position(|tag| *tag == name);
    assert!(
        first("H1") < first("H2") && first("H2") < first("H3"),
        "{tags:?}"
    );
    assert_eq!(count("H3"), guide.methods.len());
    let sections = ["Overview", "At a glance", "Causes", "Methods"];
    assert!(count("H2") >= sections.len() - usize::from(guide.overview.is_none()));

    // Steps are lists: an item per step and sub-step, each with its number and its body.
    let items = list_items(&guide);
    assert_eq!(count("LI"), items);
    // A warning's label is a `Lbl` too (its kind, "WARNING"), so lists hold the rest.
    assert_eq!(count("Lbl"), items + warnings_in(&guide));
    assert_eq!(count("LBody"), items);
    assert!(count("L") >= guide.methods.len());

    // The comparison: a table with six header cells and a row per method besides.
    assert_eq!(count("Table"), 1);
    assert_eq!(count("TH"), 6);
    assert_eq!(count("TR"), guide.methods.len() + 1);

    // Warnings are notes; every link annotation is described by the link's words.
    let warnings = warnings_in(&guide);
    assert_eq!(count("Note"), warnings);
    // Every note opens with its label: `Note` > `Lbl`, then the warning's words.
    for (at, (tag, _, depth)) in tree.iter().enumerate() {
        if tag == "Note" {
            let first_child = tree.get(at + 1).filter(|(_, _, d)| d > depth);
            assert_eq!(
                first_child.map(|(t, _, _)| t.as_str()),
                Some("Lbl"),
                "note at {at}"
            );
        }
    }
    let links: Vec<_> = tree.iter().filter(|(tag, _, _)| tag == "OBJR").collect();
    assert!(!links.is_empty());
    for (_, words, _) in &links {
        let words = words.as_deref().unwrap_or_default();
        assert!(!words.is_empty() && words != "Link", "{words:?}");
    }
    // Each Link element holds its annotation (a link set on two lines holds two).
    for (at, (tag, _, depth)) in tree.iter().enumerate() {
        if tag != "Link" {
            continue;
        }
        let inside = tree[at + 1..]
            .iter()
            .take_while(|(_, _, d)| d > depth)
            .any(|(tag, _, _)| tag == "OBJR");
        assert!(inside, "a Link element without its annotation at {at}");
    }
    assert!(count("Link") <= links.len());
    Ok(())
}

#[test]
fn a_warning_is_read_before_the_step_it_guards_and_on_its_page() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let pdf = Pdf::parse(&render(&guide, PageSize::A4)?)?;
    let squash = |text: &str| -> String { text.chars().filter(|c| !c.is_whitespace()).collect() };
    let text = squash(&pdf.text()?);
    let mut checked = 0;
    for method in &guide.methods {
        for visit in method.walk_steps() {
            let Some(warning) = &visit.step.warning else {
                continue;
            };
            let warning = squash(&remedy_core::rich_text::plain(warning));
            let step = squash(&remedy_core::rich_text::plain(&visit.step.text));
            let (Some(at_warning), Some(at_step)) = (text.find(&warning), text.find(&step)) else {
                return Err(format!("{warning:?} or {step:?} is not printed").into());
            };
            assert!(
                at_warning < at_step,
                "the warning {warning:?} follows its step"
            );
            // The step's first words start on the page the warning ends on.
            let first_word: String = visit.step.text.split_whitespace().take(2).collect();
            let last_word: String =
                remedy_core::rich_text::plain(visit.step.warning.as_deref().unwrap_or_default())
                    .split_whitespace()
                    .last()
                    .unwrap_or_default()
                    .to_owned();
            let step_page = pdf
                .all_runs()?
                .into_iter()
                .find(|run| squash(&run.text).contains(&squash(&first_word)))
                .map(|run| run.page);
            let warning_page = pdf
                .all_runs()?
                .into_iter()
                .find(|run| run.text.contains(&last_word))
                .map(|run| run.page);
            assert_eq!(step_page, warning_page, "{first_word:?} / {last_word:?}");
            checked += 1;
        }
    }
    assert!(checked > 0, "the fixture has a step with a warning");
    Ok(())
}

#[test]
fn pdf_a_adds_the_archival_claim_to_pdf_ua() -> TestResult {
    let guide = fixture("pdf-basic")?;
    let export = ExportGuide {
        guide: &guide,
        source: "pdf/fixture.yaml",
    };
    let plain = render_guide(&export, &PdfOptions::default())?;
    let archival = render_guide(
        &export,
        &PdfOptions {
            pdf_a: true,
            ..PdfOptions::default()
        },
    )?;
    let has = |bytes: &[u8], needle: &str| {
        bytes
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    };
    assert!(has(&plain, "pdfuaid:part") && !has(&plain, "pdfaid:part"));
    assert!(has(&archival, "pdfuaid:part") && has(&archival, "pdfaid:part"));
    Ok(())
}

/// A screen reader follows the structure tree, a sighted reader the page: on every page the
/// tree must reach the marked content in the order it is painted (krilla numbers marked
/// content in painting order), also where a link or a styled span sits inside a paragraph.
#[test]
fn the_structure_tree_reads_each_page_in_the_order_it_is_painted() -> TestResult {
    let basic = fixture("pdf-basic")?;
    let stress = fixture("pdf-stress")?;
    let exports = basic_and_stress(&basic, &stress);
    let handout = render(&stress, PageSize::A4)?;
    let book = render_book(&exports, &PdfOptions::default())?;
    for (name, bytes) in [("handout", &handout), ("book", &book)] {
        let pdf = Pdf::parse(bytes)?;
        let order = marked_content_in_tree_order(&pdf)?;
        assert!(order.len() > 100, "{name}: {} marked contents", order.len());
        let mut last: std::collections::HashMap<lopdf::ObjectId, i64> = Default::default();
        for (page, mcid) in order {
            if let Some(before) = last.insert(page, mcid) {
                assert!(
                    mcid > before,
                    "{name}: on page {page:?} the tree reads content {mcid} after {before}"
                );
            }
        }
    }
    Ok(())
}
