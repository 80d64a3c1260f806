//! Real guides render as handouts and as a book: a copy of the project's iCloud guides (with
//! their pictures) in `tests/fixtures/pdf/icloud/`, so that what `content/` holds tomorrow does
//! not change what these tests check. Set `REMEDY_PDF_OUT=/some/dir` to keep the files for a
//! look (qpdf, pdffonts, pdftotext, pdftoppm).

mod pdf_support;

use std::path::{Path, PathBuf};

use remedy_export::ExportGuide;
use remedy_export::pdf::{PageSize, PdfOptions, export_pdf, render_book, render_guide};

use pdf_support::{Pdf, TestResult, load_guide, root};

fn content_files() -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/pdf/icloud");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn real_guides_render_with_every_step_as_handouts_and_as_a_book() -> TestResult {
    let files = content_files();
    assert_eq!(
        files.len(),
        3,
        "the fixture copy holds three guides: {files:?}"
    );
    let loaded = files
        .iter()
        .map(|path| load_guide(path))
        .collect::<Result<Vec<_>, _>>()?;
    let sources: Vec<String> = files
        .iter()
        .map(|path| {
            format!(
                "icloud/{}",
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            )
        })
        .collect();
    let exports: Vec<ExportGuide<'_>> = loaded
        .iter()
        .zip(&sources)
        .map(|(guide, source)| ExportGuide { guide, source })
        .collect();
    let keep = std::env::var_os("REMEDY_PDF_OUT").map(PathBuf::from);
    for size in [PageSize::A4, PageSize::Letter] {
        let options = PdfOptions {
            page_size: size,
            ..PdfOptions::default()
        };
        for export in &exports {
            let bytes = render_guide(export, &options)?;
            let pdf = Pdf::parse(&bytes)?;
            let pages = pdf.page_count();
            eprintln!(
                "{} ({size}): {pages} pages, {} bytes ({:.1} KB/page)",
                export.guide.id,
                bytes.len(),
                bytes.len() as f64 / 1024.0 / pages as f64,
            );
            if let Some(dir) = &keep {
                std::fs::create_dir_all(dir)?;
                std::fs::write(dir.join(format!("{}-{size}.pdf", export.guide.id)), &bytes)?;
            }
            pdf.assert_steps_in_order(export.guide)?;
            pdf.assert_within_margins(20.0 * 72.0 / 25.4 - 0.01)?;
        }
        let book = render_book(&exports, &options)?;
        let pdf = Pdf::parse(&book)?;
        eprintln!(
            "book ({size}): {} pages, {} bytes",
            pdf.page_count(),
            book.len()
        );
        if let Some(dir) = &keep {
            std::fs::write(dir.join(format!("book-{size}.pdf")), &book)?;
        }
        for export in &exports {
            pdf.assert_steps_in_order(export.guide)?;
        }
    }
    Ok(())
}

#[test]
fn export_writes_one_file_per_guide_and_the_book() -> TestResult {
    let files = content_files();
    let loaded = files
        .iter()
        .map(|path| load_guide(path))
        .collect::<Result<Vec<_>, _>>()?;
    let exports: Vec<ExportGuide<'_>> = loaded
        .iter()
        .map(|guide| ExportGuide {
            guide,
            source: "icloud/x.yaml",
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("remedy-pdf-export-{}", std::process::id()));
    let book = dir.join("books/handbook.pdf");
    let calls = std::sync::Mutex::new(Vec::new());
    let progress = |done: usize, total: usize| {
        if let Ok(mut calls) = calls.lock() {
            calls.push((done, total));
        }
    };
    let written = export_pdf(
        &exports,
        &dir,
        Some(&book),
        &PdfOptions::default(),
        &progress,
    )?;
    let mut expected: Vec<PathBuf> = loaded
        .iter()
        .map(|guide| dir.join(format!("{}.pdf", guide.id)))
        .collect();
    expected.push(book.clone());
    assert_eq!(written, expected);
    for path in &written {
        let bytes = std::fs::read(path)?;
        assert!(bytes.starts_with(b"%PDF-"), "{}", path.display());
    }
    let mut calls = calls.into_inner().map_err(|e| e.to_string())?;
    calls.sort();
    assert_eq!(calls, vec![(1, 4), (2, 4), (3, 4), (4, 4)]);
    // A second run gives the same bytes.
    let first: Vec<Vec<u8>> = written
        .iter()
        .map(std::fs::read)
        .collect::<Result<_, _>>()?;
    let again = export_pdf(
        &exports,
        &dir,
        Some(&book),
        &PdfOptions::default(),
        &|_, _| {},
    )?;
    let second: Vec<Vec<u8>> = again.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    assert!(first == second, "a second export differs");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    std::fs::remove_dir_all(&dir)?;
    let _ = Path::new("");
    Ok(())
}

/// Rich text reaches the handout without its markup characters, and code keeps its lines: each line of a
/// two-line command is its own line, in DejaVu Sans Mono, so a reader types it as written.
#[test]
fn rich_text_prints_plain_and_code_keeps_its_lines() -> TestResult {
    let path = root().join("tests/fixtures/export/content/rich/mac-wifi-v2.yaml");
    let guide = load_guide(&path)?;
    let export = ExportGuide {
        guide: &guide,
        source: "rich/mac-wifi-v2.yaml",
    };
    let bytes = render_guide(&export, &PdfOptions::default())?;
    let pdf = Pdf::parse(&bytes)?;
    let text = pdf.text()?;
    assert!(!text.contains("**") && !text.contains('`'), "{text}");
    // A step for some platforms says so in words, before its instruction.
    assert!(
        text.contains("macOS only: Click Forget This Network"),
        "{text}"
    );
    // A menu path is bold, with `›` between its labels (SPEC: rich text).
    assert!(
        text.replace('\n', " ")
            .contains("Settings \u{203a} Wi-Fi \u{203a} (i) \u{203a} Forget This Network"),
        "{text}"
    );
    let menu = pdf.find_runs("Settings \u{203a} Wi-Fi \u{203a} (i)")?;
    assert!(
        menu.first().is_some_and(|run| run.font.contains("Bold")),
        "{menu:?}"
    );
    let first = pdf.find_runs("sudo ipconfig set en0 DHCP")?;
    let second = pdf.find_runs("networksetup -setairportpower en0 on")?;
    assert_eq!((first.len(), second.len()), (1, 1), "each code line once");
    assert!(
        first[0].font.contains("DejaVuSansMono"),
        "{}",
        first[0].font
    );
    assert!(
        second[0].font.contains("DejaVuSansMono"),
        "{}",
        second[0].font
    );
    assert_eq!(first[0].page, second[0].page);
    assert!(
        second[0].y < first[0].y,
        "the second line is below the first"
    );
    assert!(
        (second[0].x - first[0].x).abs() < 0.01,
        "both lines start at the same x"
    );
    Ok(())
}
