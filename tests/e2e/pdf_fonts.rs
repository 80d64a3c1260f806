//! `[pdf] fonts` from remedy.toml reach the PDF export: a Japanese guide lints clean and prints
//! with the configured font embedded; without it, lint refuses every character at its place.

use crate::support::Scratch;

fn japanese_guide(scratch: &Scratch) {
    scratch.copy_from_repo(
        "tests/fixtures/pdf/pdf-japanese.yaml",
        "content/pdf-japanese.yaml",
    );
}

/// The subset font names of the PDF whose descriptors embed a font file.
fn embedded_fonts(path: &std::path::Path) -> Vec<String> {
    let document = lopdf::Document::load(path)
        .unwrap_or_else(|e| panic!("{} is not a readable PDF: {e}", path.display()));
    let mut names = Vec::new();
    for object in document.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        if dict.get(b"FontFile2").is_ok()
            && let Ok(name) = dict.get(b"FontName").and_then(|n| n.as_name())
        {
            names.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    names.sort();
    names
}

#[test]
fn a_font_in_pdf_fonts_draws_what_dejavu_lacks() {
    let scratch = Scratch::new("pdf-fonts");
    japanese_guide(&scratch);
    scratch.copy_from_repo(
        "tests/fixtures/fonts/DroidSansFallback-ja-subset.ttf",
        "fonts/ja.ttf",
    );
    scratch.write("remedy.toml", "[pdf]\nfonts = [\"fonts/ja.ttf\"]\n");
    let run = scratch.remedy(&["export", "pdf", "-o", "out"]);
    run.assert_code(0);
    assert!(run.stderr.contains("wrote 1 handout"), "{}", run.stderr);
    let names = embedded_fonts(&scratch.root.join("out/pdf-japanese.pdf"));
    assert!(
        names
            .iter()
            .any(|name| name.ends_with("+DroidSansFallback")),
        "the configured font is embedded as a subset: {names:?}"
    );
    assert!(
        names.iter().any(|name| name.ends_with("+DejaVuSans")),
        "{names:?}"
    );
}

#[test]
fn without_pdf_fonts_lint_refuses_the_japanese_guide() {
    let scratch = Scratch::new("pdf-fonts-missing");
    japanese_guide(&scratch);
    let run = scratch.remedy(&["export", "pdf", "-o", "out"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "content/pdf-japanese.yaml:2:8: error[unprintable-character]: `ル` (U+30EB) cannot be printed: the handout fonts (DejaVu Sans) have no glyph for it; write it in words, or add a font that has it to `[pdf] fonts` in remedy.toml"
        ),
        "{}",
        run.stderr
    );
    assert!(!scratch.root.join("out/pdf-japanese.pdf").exists());
}

/// A pull request's remedy.toml cannot make remedy read a file outside its project (a path
/// that climbs out, an absolute one, a link out of it) or read without end (a device).
#[test]
fn a_font_outside_the_project_is_refused_before_it_is_read() {
    let outside = Scratch::new("pdf-fonts-outside-target");
    outside.copy_from_repo(
        "tests/fixtures/fonts/DroidSansFallback-ja-subset.ttf",
        "secret.ttf",
    );
    let secret = outside.root.join("secret.ttf");
    let scratch = Scratch::new("pdf-fonts-outside");
    japanese_guide(&scratch);
    let fonts = scratch.root.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, fonts.join("link.ttf"))
            .unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink("/dev/zero", fonts.join("zero.ttf"))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let climbing = format!(
        "../{}/secret.ttf",
        outside
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let mut cases = vec![climbing, secret.display().to_string()];
    if cfg!(unix) {
        cases.push("fonts/link.ttf".into());
        cases.push("fonts/zero.ttf".into());
    }
    for font in cases {
        scratch.write("remedy.toml", &format!("[pdf]\nfonts = [{font:?}]\n"));
        let run = scratch.remedy(&["lint"]);
        run.assert_code(2);
        assert!(
            run.stderr.contains(
                "in [pdf] fonts is outside the folder of remedy.toml (or reached through a link out of it); copy the font into the project"
            ),
            "{font}: {}",
            run.stderr
        );
        assert!(!scratch.root.join("out").exists());
    }
}
