//! `cargo xtask fonts [--check]`: the DejaVu faces the handouts embed
//! (`crates/remedy-export/assets/fonts/`), made from the `dejavu` crate's by dropping their
//! TrueType hinting with fontTools (`dehint.py`, which also proves that nothing else changed:
//! the same glyphs, outlines, bounds, metrics, character map and `name` table).
//!
//! Hinting only steers rasterizing at small pixel sizes on screen; a PDF viewer scales outlines.
//! It was about half of each handout's font subsets (ARCHITECTURE.md, "Session 27, handouts").
//! The licence (`LICENSE` beside the fonts) allows modified fonts under any name without
//! "Bitstream", "Vera" or "Arev"; the faces keep their DejaVu names and their copyright and
//! licence records. `--check` makes the faces again and fails when a committed one differs.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The fontTools release the committed faces were made with: another may write other bytes.
const FONTTOOLS: &str = "4.68.0";

/// A face's file name (as in the `dejavu` crate) and its bytes there.
type Source = (&'static str, fn() -> &'static [u8]);

const FACES: [Source; 5] = [
    ("DejaVuSans.ttf", dejavu::sans::regular),
    ("DejaVuSans-Bold.ttf", dejavu::sans::bold),
    ("DejaVuSans-Oblique.ttf", dejavu::sans::oblique),
    ("DejaVuSans-BoldOblique.ttf", dejavu::sans::bold_oblique),
    ("DejaVuSansMono.ttf", dejavu::sans_mono::regular),
];

pub fn fonts(root: &Path, check: bool) -> Result<(), String> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let version = Command::new(&python)
        .args(["-c", "import fontTools; print(fontTools.version)"])
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    if version != FONTTOOLS {
        return Err(format!(
            "the faces are made with fontTools {FONTTOOLS}, and {python} has {}; install it, e.g. `{python} -m pip install fonttools=={FONTTOOLS}`, or name another interpreter in PYTHON",
            if version.is_empty() {
                "none".to_owned()
            } else {
                version
            }
        ));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("fonts");
    std::fs::create_dir_all(&target)
        .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
    let script = root.join("xtask/src/dehint.py");
    let assets = root.join("crates/remedy-export/assets/fonts");
    let mut stale = Vec::new();
    for (name, bytes) in FACES {
        let source = target.join(format!("source-{name}"));
        let made = target.join(name);
        std::fs::write(&source, bytes())
            .map_err(|e| format!("cannot write {}: {e}", source.display()))?;
        let status = Command::new(&python)
            .arg(&script)
            .arg(&source)
            .arg(&made)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if !status.success() {
            return Err(format!("{} failed on {name}", script.display()));
        }
        let made_bytes =
            std::fs::read(&made).map_err(|e| format!("cannot read {}: {e}", made.display()))?;
        let committed = assets.join(name);
        if std::fs::read(&committed).ok().as_deref() == Some(made_bytes.as_slice()) {
            continue;
        }
        if check {
            stale.push(name);
        } else {
            std::fs::write(&committed, &made_bytes)
                .map_err(|e| format!("cannot write {}: {e}", committed.display()))?;
            println!(
                "wrote {} ({} bytes, {} before dehinting)",
                committed.display(),
                made_bytes.len(),
                bytes().len()
            );
        }
    }
    if stale.is_empty() {
        println!("the {} faces are up to date", FACES.len());
        Ok(())
    } else {
        Err(format!(
            "{} in {} differ from what `cargo xtask fonts` makes; run it and commit the result",
            stale.join(", "),
            assets.display()
        ))
    }
}
