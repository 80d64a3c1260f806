//! A PDF export that reads its guides again for its passes (`stage_pdf_again`, what
//! `remedy export pdf` does) instead of keeping them: the same handouts and book as an export
//! of guides kept in memory, and a guide file that changes between the passes stops the
//! export, naming the file, with nothing written.

mod pdf_support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use remedy_core::Guide;
use remedy_export::ExportGuide;
use remedy_export::pdf::{BookOptions, KeptGuide, PdfOptions, stage_pdf, stage_pdf_again};

use pdf_support::{Pdf, Res, TestResult, load_guide, root};

const NAMES: [&str; 2] = ["pdf-basic", "pdf-stress"];

/// A content folder with the two PDF fixture guides, and an empty output folder.
fn project(name: &str) -> Res<PathBuf> {
    let dir = std::env::temp_dir().join(format!("remedy-pdf-again-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("content"))?;
    for name in NAMES {
        std::fs::copy(
            root().join(format!("tests/fixtures/pdf/{name}.yaml")),
            dir.join(format!("content/{name}.yaml")),
        )?;
    }
    Ok(dir)
}

fn guide_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("content/{name}.yaml"))
}

fn options() -> PdfOptions {
    PdfOptions {
        book: BookOptions {
            title: Some("Printer handbook".into()),
            // The book's order is not the export's: the book reads the guides in its own.
            order: vec!["pdf-stress".into()],
            ..BookOptions::default()
        },
        ..PdfOptions::default()
    }
}

/// What the lint gives the export: each guide and what is kept of it.
fn linted(dir: &Path) -> Res<(Vec<Guide>, Vec<KeptGuide>)> {
    let mut guides = Vec::new();
    let mut kept = Vec::new();
    for name in NAMES {
        let path = guide_path(dir, name);
        let guide = load_guide(&path)?;
        let source = format!("{name}.yaml");
        kept.push(KeptGuide::of(
            &ExportGuide {
                guide: &guide,
                source: &source,
            },
            &path,
        ));
        guides.push(guide);
    }
    Ok((guides, kept))
}

/// Every file in `dir` (temporaries included), by name.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn read_guide(path: &Path) -> Result<Guide, String> {
    load_guide(path).map_err(|e| e.to_string())
}

#[test]
fn guides_read_again_give_the_handouts_and_book_of_guides_kept() -> TestResult {
    let dir = project("same")?;
    let (guides, kept) = linted(&dir)?;
    let sources: Vec<String> = NAMES.iter().map(|name| format!("{name}.yaml")).collect();
    let exports: Vec<ExportGuide<'_>> = guides
        .iter()
        .zip(&sources)
        .map(|(guide, source)| ExportGuide { guide, source })
        .collect();
    let kept_out = dir.join("kept");
    let (set, _) = stage_pdf(
        &exports,
        &kept_out,
        Some(&kept_out.join("book.pdf")),
        &options(),
        &|_, _| {},
    )?;
    set.commit()?;
    // A comment and a blank line leave the guide as it was: no disagreement, no refusal.
    let basic = guide_path(&dir, "pdf-basic");
    let mut text = std::fs::read_to_string(&basic)?;
    text.push_str("\n# reviewed again\n");
    std::fs::write(&basic, text)?;
    let again_out = dir.join("again");
    let (set, written) = stage_pdf_again(
        kept,
        &read_guide,
        &again_out,
        Some(&again_out.join("book.pdf")),
        &options(),
        &|_, _| {},
    )?;
    set.commit()?;
    assert_eq!(
        written,
        [
            again_out.join("pdf-basic.pdf"),
            again_out.join("pdf-stress.pdf"),
            again_out.join("book.pdf"),
        ]
    );
    for name in ["pdf-basic.pdf", "pdf-stress.pdf", "book.pdf"] {
        let kept = std::fs::read(kept_out.join(name))?;
        let again = std::fs::read(again_out.join(name))?;
        assert!(
            kept == again,
            "{name} differs when its guides are read again"
        );
    }
    // The book in its own order, the related guide named by its title.
    let book = Pdf::parse(&std::fs::read(again_out.join("book.pdf"))?)?;
    let outline: Vec<String> = book
        .outline()?
        .into_iter()
        .map(|entry| entry.title)
        .collect();
    assert_eq!(outline, ["Contents", &guides[1].title, &guides[0].title]);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_guide_changed_after_the_lint_stops_the_export_naming_its_file() -> TestResult {
    let dir = project("after-lint")?;
    let (_, kept) = linted(&dir)?;
    let stress = guide_path(&dir, "pdf-stress");
    let text = std::fs::read_to_string(&stress)?;
    std::fs::write(
        &stress,
        text.replace("title: Pneumono", "title: Changed Pneumono"),
    )?;
    let out = dir.join("pdf");
    let result = stage_pdf_again(
        kept,
        &read_guide,
        &out,
        Some(&dir.join("book.pdf")),
        &options(),
        &|_, _| {},
    );
    let message = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(
        message,
        format!(
            "{} changed while it was being exported, so its handout and the book could disagree; export again; nothing was replaced: the handouts and the book are as before",
            stress.display()
        )
    );
    assert_eq!(files_in(&out), Vec::<String>::new());
    assert!(!dir.join("book.pdf").exists());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_guide_changed_after_its_handout_stops_the_book_naming_its_file() -> TestResult {
    let dir = project("after-handout")?;
    let (_, kept) = linted(&dir)?;
    let basic = guide_path(&dir, "pdf-basic");
    // The writer saves the guide between its handout and its chapter of the book: the file is
    // changed on disk just before it is read the second time.
    let reads = AtomicUsize::new(0);
    let read = |path: &Path| -> Result<Guide, String> {
        if path == basic && reads.fetch_add(1, Ordering::SeqCst) == 1 {
            let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            let changed = text.replacen("title: Fix a printer", "title: Mend a printer", 1);
            std::fs::write(path, changed).map_err(|e| e.to_string())?;
        }
        read_guide(path)
    };
    let out = dir.join("pdf");
    let result = stage_pdf_again(
        kept,
        &read,
        &out,
        Some(&out.join("book.pdf")),
        &options(),
        &|_, _| {},
    );
    assert_eq!(reads.load(Ordering::SeqCst), 2);
    let message = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.starts_with(&format!(
            "{} changed while it was being exported, so its handout and the book could disagree",
            basic.display()
        )),
        "{message}"
    );
    // The handouts were staged, never put in place: the folder is as empty as before.
    assert_eq!(files_in(&out), Vec::<String>::new());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The export as `remedy export pdf` streams it: the first `KEPT_WHOLE` guides handed over are
/// kept whole and never read again (so a file changed after the lint prints as the lint read
/// it, in its handout and the book alike); only the guides after them are read again, once a
/// pass.
#[test]
fn the_first_guides_are_kept_whole_and_only_the_rest_are_read_again() -> TestResult {
    use std::sync::{Arc, Mutex};

    use remedy_export::exporter::{Exporter, PdfExporter, ReadAgain, commit};
    use remedy_export::pdf::KEPT_WHOLE;

    let dir = std::env::temp_dir().join(format!("remedy-pdf-kept-whole-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("content"))?;
    let fixture = std::fs::read_to_string(root().join("tests/fixtures/pdf/pdf-basic.yaml"))?;
    let count = KEPT_WHOLE + 2;
    let paths: Vec<PathBuf> = (0..count)
        .map(|n| dir.join(format!("content/g{n:03}.yaml")))
        .collect();
    for (n, path) in paths.iter().enumerate() {
        std::fs::write(
            path,
            fixture.replacen("id: pdf-basic", &format!("id: g{n:03}"), 1),
        )?;
    }
    let guides = paths
        .iter()
        .map(|path| load_guide(path))
        .collect::<Res<Vec<Guide>>>()?;
    // After the lint, the first guide's title changes on disk.
    std::fs::write(
        &paths[0],
        std::fs::read_to_string(&paths[0])?.replacen(
            "title: Fix a printer",
            "title: Mend a printer",
            1,
        ),
    )?;
    let read_paths = Arc::new(Mutex::new(Vec::new()));
    let read_log = Arc::clone(&read_paths);
    let read = move |path: &Path| {
        if let Ok(mut log) = read_log.lock() {
            log.push(path.to_path_buf());
        }
        read_guide(path)
    };
    let out = dir.join("pdf");
    let book = dir.join("book.pdf");
    let exporter = PdfExporter {
        dir: out.clone(),
        book: Some(book.clone()),
        options: PdfOptions::default(),
        read_again: Some(ReadAgain::new(Arc::new(read), Arc::new(|_, _| {}))),
    };
    let mut staging = exporter.open()?;
    for (n, (guide, path)) in guides.iter().zip(&paths).enumerate() {
        let source = format!("g{n:03}.yaml");
        staging.push(exporter.render_read(
            &ExportGuide {
                guide,
                source: &source,
            },
            path,
        )?)?;
    }
    commit(vec![staging.stage()?])?;
    let mut read: Vec<PathBuf> = read_paths.lock().map(|log| log.clone()).unwrap_or_default();
    // The handouts' pass (on any thread, in any order) and the book's each read only the
    // last two guides.
    read.sort();
    let last_two = &paths[KEPT_WHOLE..];
    let mut expected = [last_two, last_two].concat();
    expected.sort();
    assert_eq!(read, expected);
    let first = Pdf::parse(&std::fs::read(out.join("g000.pdf"))?)?.text()?;
    assert!(first.contains("Fix a printer"), "{first}");
    assert!(!first.contains("Mend a printer"), "{first}");
    assert_eq!(files_in(&out).len(), count);
    assert!(book.exists());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
