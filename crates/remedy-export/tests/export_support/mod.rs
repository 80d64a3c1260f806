//! The fixture guides the JSON and CSV export tests share (included with `mod export_support;`).

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use remedy_core::{Guide, LoadOptions, load_file};
use remedy_export::ExportGuide;

/// The fixture guide files, relative to the content root, in content (sorted path) order.
pub const FIXTURES: [&str; 3] = [
    "network/wifi-drops.yaml",
    "printer-offline.yaml",
    "rich/mac-wifi-v2.yaml",
];

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `tests/fixtures/export`.
pub fn fixture_root() -> PathBuf {
    repo_root().join("tests/fixtures/export")
}

/// The fixture guides with their `source`, each checked to be schema-clean.
pub fn load_guides() -> Result<Vec<(Guide, String)>, Box<dyn std::error::Error>> {
    let mut guides = Vec::new();
    for source in FIXTURES {
        let path = fixture_root().join("content").join(source);
        let file = load_file(&path, &LoadOptions::default())?;
        assert!(
            file.violations.is_empty(),
            "{source}: {:?}",
            file.violations
        );
        let guide = file.guide.ok_or_else(|| format!("{source} did not load"))?;
        guides.push((guide, source.to_owned()));
    }
    Ok(guides)
}

/// The guides as an exporter takes them.
pub fn exports(guides: &[(Guide, String)]) -> Vec<ExportGuide<'_>> {
    guides
        .iter()
        .map(|(guide, source)| ExportGuide { guide, source })
        .collect()
}

/// A fresh, empty folder for one test: `remedy-{prefix}-{name}-{pid}` in the temporary folder,
/// removed with everything in it when the value is dropped (each run has its own pid, so a
/// folder left behind would stay for good).
pub fn temp_dir(prefix: &str, name: &str) -> Result<TestDir, std::io::Error> {
    let dir = std::env::temp_dir().join(format!("remedy-{prefix}-{name}-{}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    Ok(TestDir {
        path: dir.clone(),
        root: dir,
    })
}

/// A test's folder from [`temp_dir`], standing for a path inside it ([`TestDir::within`]) or
/// the folder itself.
#[derive(Debug)]
pub struct TestDir {
    root: PathBuf,
    path: PathBuf,
}

impl TestDir {
    /// The same folder, standing for `relative` inside it (still removed as a whole).
    pub fn within(mut self, relative: &str) -> TestDir {
        self.path = self.root.join(relative);
        self
    }
}

impl std::ops::Deref for TestDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for TestDir {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        // Only the test that made it uses it; nothing to report if it is already gone.
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// Asserts `actual` byte for byte against the golden file `file_name` (`csv/guides.csv`) under
/// `tests/fixtures/export/golden/`, kept as an insta binary snapshot: the exact bytes in
/// `csv/guides-csv.snap.csv` (a real file any consumer can read), insta's metadata in
/// `csv/guides-csv.snap`. Binary rather than text snapshots because insta compares text
/// snapshots after trimming trailing newlines and turning CRLF into LF, and CSV's CRLF record
/// ends are part of the format. A mismatch leaves `*.snap.new*` for `cargo insta review`.
pub fn assert_golden(file_name: &str, actual: &[u8]) {
    let (folder, file_name) = file_name.rsplit_once('/').unwrap_or(("", file_name));
    let extension = file_name.rsplit_once('.').map_or("txt", |(_, ext)| ext);
    let stem = file_name.replace('.', "-");
    let name_and_extension = format!("{stem}.{extension}");
    let dir = fixture_root().join("golden").join(folder);
    report_first_difference(&dir.join(format!("{stem}.snap.{extension}")), actual);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_binary_snapshot!(name_and_extension.as_str(), actual.to_vec()));
}

/// Insta names the two files of a binary snapshot that differ but shows no diff: say on stderr
/// which line differs first, so a failing run says what changed.
fn report_first_difference(snapshot: &Path, actual: &[u8]) {
    let Ok(expected) = std::fs::read(snapshot) else {
        return;
    };
    if expected == actual {
        return;
    }
    let (expected, actual) = (
        String::from_utf8_lossy(&expected),
        String::from_utf8_lossy(actual),
    );
    let mut expected_lines = expected.split_inclusive('\n');
    let mut actual_lines = actual.split_inclusive('\n');
    for number in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (None, None) => break,
            (want, got) if want != got => {
                eprintln!(
                    "{}: line {number} differs\n  expected: {want:?}\n  actual:   {got:?}",
                    snapshot.display()
                );
                break;
            }
            _ => {}
        }
    }
}
