//! `remedy export html` and the site `remedy build` writes: what lands where, refusal on lint
//! errors, determinism. The pages' markup is tested in remedy-export (tests/html.rs), their
//! behaviour in Chromium by tests/browser/.

use crate::support::{Scratch, clean_guide};

/// A one-pixel PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The ids of the project's guides, from their file names.
fn guide_ids(scratch: &Scratch) -> Vec<String> {
    let mut ids = Vec::new();
    let mut folders = vec![scratch.root.join("content")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "yaml")
                && let Some(stem) = path.file_stem()
            {
                ids.push(stem.to_string_lossy().into_owned());
            }
        }
    }
    ids.sort();
    ids
}

#[test]
fn export_html_writes_the_index_a_page_per_guide_and_the_pictures() {
    let scratch = Scratch::new("html-export");
    scratch.copy_from_repo("content", "content");
    // A guide of the test's own with a picture, whatever the project's guides show.
    let guide = clean_guide("html-picture").replace(
        "      - text: Hold the side button until the slider appears.\n",
        "      - text: Hold the side button until the slider appears.\n        image:\n          src: pictures/slider.png\n          alt: The power-off slider across the top of the screen\n",
    );
    scratch.write("content/tests/html-picture.yaml", &guide);
    std::fs::create_dir_all(scratch.root.join("content/tests/pictures")).unwrap_or_default();
    std::fs::write(scratch.root.join("content/tests/pictures/slider.png"), PNG).unwrap_or_default();
    let run = scratch.remedy(&["export", "html", "-o", "site"]);
    run.assert_code(0);
    let ids = guide_ids(&scratch);
    assert!(!ids.is_empty());
    let index = scratch.read("site/index.html");
    for id in &ids {
        let page = scratch.read(&format!("site/{id}.html"));
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\""), "{id}");
        assert!(
            index.contains(&format!("<a href=\"{id}.html\">")),
            "the index lacks {id}"
        );
    }
    for asset in ["style.css", "site.js", "search-index.js"] {
        assert!(
            !scratch.read(&format!("site/{asset}")).is_empty(),
            "{asset}"
        );
    }
    // Every picture a page shows is a copy of the file in the content root, beside the page.
    let mut shown = 0;
    for id in &ids {
        let page = scratch.read(&format!("site/{id}.html"));
        for (at, _) in page.match_indices("<img src=\"") {
            let src = &page[at + 10..];
            let src = &src[..src.find('"').unwrap_or(0)];
            let relative = src
                .strip_prefix("images/")
                .unwrap_or_else(|| panic!("{src}"));
            let copied = std::fs::read(scratch.root.join("site").join(src)).unwrap_or_default();
            let original =
                std::fs::read(scratch.root.join("content").join(relative)).unwrap_or_default();
            assert!(!copied.is_empty() && copied == original, "{src}");
            shown += 1;
        }
    }
    assert!(shown > 0, "the project's guides show pictures");
    assert!(
        run.stderr
            .contains("wrote 3 pages, index.html and 2 pictures to site")
            || ids.len() != 3,
        "{}",
        run.stderr
    );
}

#[test]
fn build_writes_the_site_into_out_html_and_two_builds_are_identical() {
    let scratch = Scratch::new("html-build");
    scratch.copy_from_repo("content", "content");
    scratch.remedy(&["build", "--out", "first"]).assert_code(0);
    scratch.remedy(&["build", "--out", "second"]).assert_code(0);
    let mut files = vec![
        "index.html".to_owned(),
        "style.css".to_owned(),
        "site.js".to_owned(),
        "search-index.js".to_owned(),
    ];
    files.extend(guide_ids(&scratch).iter().map(|id| format!("{id}.html")));
    for file in &files {
        let first = std::fs::read(scratch.root.join("first/html").join(file)).unwrap_or_default();
        let second = std::fs::read(scratch.root.join("second/html").join(file)).unwrap_or_default();
        assert!(!first.is_empty(), "{file}");
        assert!(first == second, "{file} differs between two builds");
    }
    let manifest = scratch.read("first/remedy-build.json");
    assert!(manifest.contains("\"html/index.html\""), "{manifest}");
}

#[test]
fn export_html_refuses_a_guide_with_lint_errors_unless_forced() {
    let scratch = Scratch::new("html-refuse");
    scratch.copy_from_repo("tests/browser/hostile/content", "content");
    let refused = scratch.remedy(&["export", "html", "-o", "site"]);
    refused.assert_code(1);
    assert!(
        refused.stderr.contains("error[unsupported-markup]"),
        "{}",
        refused.stderr
    );
    assert!(
        !scratch.root.join("site").exists(),
        "a refused export left a folder"
    );
    let forced = scratch.remedy(&["export", "html", "--force", "-o", "site"]);
    forced.assert_code(0);
    let page = scratch.read("site/hostile-guide.html");
    assert!(page.contains("<h1>Fix &lt;script&gt;window.__pwned = true&lt;/script&gt; &amp; &quot;quotes&quot; &#39;here&#39;</h1>"));
}

#[test]
fn export_html_for_a_platform_shows_what_its_reader_sees() {
    let scratch = Scratch::new("html-platform");
    scratch.copy_from_repo("tests/fixtures/export/content", "content");
    // The fixtures hold one lint error on purpose: exported past it.
    scratch
        .remedy(&[
            "export",
            "html",
            "--force",
            "--platform",
            "macos",
            "-o",
            "mac",
        ])
        .assert_code(0);
    scratch
        .remedy(&[
            "export",
            "html",
            "--force",
            "--platform",
            "ios",
            "-o",
            "ios",
        ])
        .assert_code(0);
    let mac = scratch.read("mac/mac-wifi-v2.html");
    let ios = scratch.read("ios/mac-wifi-v2.html");
    assert!(mac.contains("Renew the address from Terminal:"));
    assert!(!mac.contains("On the iPhone, tap"));
    assert!(ios.contains("On the iPhone, tap"));
    assert!(!ios.contains("Renew the address from Terminal:"));
    // The Mac-only method is left out for an iPhone reader, its prompt and link with it.
    assert!(mac.contains("id=\"restart-mac\""));
    assert!(!ios.contains("restart-mac"));
}
