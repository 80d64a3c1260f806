//! `[pdf] fonts`: what DejaVu lacks is drawn from the first extra font that has it, embedded as
//! a subset, extractable, and placed by that font's own advances.

mod pdf_support;

use std::sync::Arc;

use remedy_export::ExportGuide;
use remedy_export::pdf::{PdfFonts, PdfOptions, render_guide};

use pdf_support::{Pdf, Res, TestResult, keep, load_guide, root};

fn japanese_font() -> Res<Vec<u8>> {
    Ok(std::fs::read(root().join(
        "tests/fixtures/fonts/DroidSansFallback-ja-subset.ttf",
    ))?)
}

fn render_japanese(fonts: PdfFonts) -> Res<Vec<u8>> {
    let guide = load_guide(&root().join("tests/fixtures/pdf/pdf-japanese.yaml"))?;
    let export = ExportGuide {
        guide: &guide,
        source: "pdf/pdf-japanese.yaml",
    };
    let options = PdfOptions {
        fonts,
        ..PdfOptions::default()
    };
    Ok(render_guide(&export, &options)?)
}

#[test]
fn japanese_is_drawn_with_the_extra_font_embedded_as_a_subset() -> TestResult {
    let fonts = PdfFonts(Arc::new(vec![japanese_font()?]));
    let bytes = render_japanese(fonts.clone())?;
    keep("japanese.pdf", &bytes);
    assert!(bytes == render_japanese(fonts)?, "same input, same bytes");
    let pdf = Pdf::parse(&bytes)?;
    let mut names = Vec::new();
    for (_, object) in pdf.doc.objects.iter() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let name = String::from_utf8_lossy(dict.get(b"FontName")?.as_name()?).into_owned();
        assert!(dict.get(b"FontFile2").is_ok(), "{name} is not embedded");
        names.push(name);
    }
    let droid: Vec<&String> = names
        .iter()
        .filter(|name| name.ends_with("+DroidSansFallback"))
        .collect();
    assert_eq!(droid.len(), 1, "one subset of the extra font: {names:?}");
    assert!(
        names.iter().any(|name| name.contains("+DejaVuSans")),
        "DejaVu still draws the rest: {names:?}"
    );

    let text = pdf.text()?;
    for line in [
        "ルーターを再起動する",
        "ルーターの電源を切ってください。",
        "三十秒待ってから、電源を入れます。",
    ] {
        assert!(text.contains(line), "{line:?} not extracted from:\n{text}");
    }
    Ok(())
}

#[test]
fn a_line_mixing_scripts_is_runs_of_each_font_placed_end_to_end() -> TestResult {
    let bytes = render_japanese(PdfFonts(Arc::new(vec![japanese_font()?])))?;
    let pdf = Pdf::parse(&bytes)?;
    let runs = pdf.all_runs()?;
    let at = runs
        .iter()
        .position(|run| {
            run.text.contains("電源") && !run.text.contains('ル') && !run.text.contains('三')
        })
        .ok_or("no run of 電源 alone")?;
    let (before, kanji, after) = (&runs[at - 1], &runs[at], &runs[at + 1]);
    assert!(before.text.ends_with("Press "), "{before:?}");
    assert!(after.text.starts_with(" and wait."), "{after:?}");
    assert!(kanji.font.contains("DroidSansFallback"), "{kanji:?}");
    assert!(before.font.contains("DejaVuSans") && after.font.contains("DejaVuSans"));
    for (left, right) in [(before, kanji), (kanji, after)] {
        assert!(
            (left.x + left.width - right.x).abs() < 0.01 && left.y == right.y,
            "{left:?} does not end where {right:?} starts"
        );
    }
    Ok(())
}

#[test]
fn without_the_extra_font_japanese_is_refused_naming_the_character() -> TestResult {
    match render_japanese(PdfFonts::default()) {
        Err(error) => {
            let message = error.to_string();
            assert!(message.contains("U+30EB"), "{message}");
            assert!(message.contains("pdf-japanese"), "{message}");
        }
        Ok(_) => return Err("a Japanese guide printed without a Japanese font".into()),
    }
    Ok(())
}

#[test]
fn a_script_that_needs_shaping_is_refused_though_the_font_has_its_letters() -> TestResult {
    let guide = load_guide(&root().join("tests/fixtures/pdf/pdf-arabic.yaml"))?;
    let export = ExportGuide {
        guide: &guide,
        source: "pdf/pdf-arabic.yaml",
    };
    match render_guide(&export, &PdfOptions::default()) {
        Err(error) => assert_eq!(
            error.to_string(),
            "pdf/pdf-arabic.yaml: guide \"pdf-arabic\": 'س' (U+0633) is Arabic script, which the \
             handout cannot print (its letters join each other and it is written right to left; \
             it sets text letter by letter from left to right), in \"Choose سلام in the list.\"; \
             replace or remove the character"
        ),
        Ok(_) => return Err("Arabic was drawn letter by letter".into()),
    }
    Ok(())
}
