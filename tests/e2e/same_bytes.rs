//! `remedy build` writes exactly the bytes each `remedy export` writes for the same guides:
//! both run the same exporters, and nothing a build adds (its folders, its manifest) changes
//! what is inside the files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::Scratch;

/// The export fixtures (related guides, images, platforms, rich text) in the content root.
fn scratch(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.copy_from_repo("tests/fixtures/export/content", "content");
    scratch
}

/// Every file below `dir` with its bytes, by `/`-separated relative path.
fn files_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .unwrap_or_else(|e| panic!("{e}"))
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let bytes =
                std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {relative}: {e}"));
            files.insert(relative, bytes);
        }
    }
    files
}

/// Runs `remedy build --force` with `build_extra` and each of `exports` (with `--force`), and
/// compares every file byte for byte. The fixtures hold one lint error, so the build exits 1
/// (findings) and each export 0.
fn assert_build_is_every_export(name: &str, build_extra: &[&str], exports: &[&[&str]]) {
    let scratch = scratch(name);
    let mut build = vec!["build", "--force", "--out", "built"];
    build.extend_from_slice(build_extra);
    scratch.remedy(&build).assert_code(1);
    for export in exports {
        let mut export = export.to_vec();
        export.push("--force");
        scratch.remedy(&export).assert_code(0);
    }
    let mut built = files_below(&scratch.root.join("built"));
    let manifest = built
        .remove("remedy-build.json")
        .unwrap_or_else(|| panic!("the build wrote no manifest"));
    let exported = files_below(&scratch.root.join("exported"));
    let names = |files: &BTreeMap<String, Vec<u8>>| files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&built), names(&exported), "the files differ");
    for (file, bytes) in &built {
        assert!(
            exported.get(file) == Some(bytes),
            "{file}: `build` and `export` wrote different bytes"
        );
    }
    // Every file the build wrote is on its list, and only those.
    let manifest: serde_json::Value =
        serde_json::from_slice(&manifest).unwrap_or_else(|e| panic!("{e}"));
    let listed: Vec<String> = manifest["files"]
        .as_array()
        .unwrap_or_else(|| panic!("no files in the manifest: {manifest}"))
        .iter()
        .map(|file| file.as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(listed, names(&built));
    // One handout per guide, the book, and the other formats: nothing was left out.
    assert!(
        built.contains_key("pdf/wifi-drops.pdf"),
        "{:?}",
        names(&built)
    );
    assert!(built.contains_key("pdf/handbook.pdf"));
    assert!(built.contains_key("csv/related.csv"));
    assert!(built.contains_key("sqlite/guides.db"));
}

#[test]
fn build_writes_the_bytes_of_every_export() {
    assert_build_is_every_export(
        "same-bytes",
        &[],
        &[
            &["export", "json", "-o", "exported/json/guides.json"],
            &["export", "csv", "-o", "exported/csv"],
            &["export", "sqlite", "-o", "exported/sqlite/guides.db"],
            &[
                "export",
                "pdf",
                "-o",
                "exported/pdf",
                "--book",
                "exported/pdf/handbook.pdf",
            ],
        ],
    );
}

#[test]
fn build_for_a_platform_writes_the_bytes_of_every_export_for_it() {
    let platform = ["--platform", "macos"];
    let with = |args: &[&'static str]| -> Vec<&'static str> {
        args.iter().chain(&platform).copied().collect()
    };
    let json = with(&["export", "json", "-o", "exported/json/guides.json"]);
    let csv = with(&["export", "csv", "--text", "markdown", "-o", "exported/csv"]);
    let sqlite = with(&["export", "sqlite", "-o", "exported/sqlite/guides.db"]);
    let pdf = with(&[
        "export",
        "pdf",
        "--page-size",
        "letter",
        "-o",
        "exported/pdf",
        "--book",
        "exported/pdf/handbook.pdf",
    ]);
    assert_build_is_every_export(
        "same-bytes-platform",
        &with(&["--text", "markdown", "--page-size", "letter"]),
        &[&json, &csv, &sqlite, &pdf],
    );
}
