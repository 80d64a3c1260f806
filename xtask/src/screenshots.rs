//! `cargo xtask screenshots`: the README's pictures of what a writer gets, made from a real
//! build of the project's own guides.
//!
//! - `docs/images/handout-page.png`: the first page of a handout, rendered by `pdftoppm`
//!   (poppler-utils) at a fixed resolution;
//! - `docs/images/site-guide.png`, `site-index.png`: a guide's page and the front page with a
//!   search typed in (`index.html?q=restart`), by headless Chromium in a fixed window.
//!
//! The build is `remedy build` of the release binary into `target/screenshots/out`, with the
//! project's `remedy.toml`, so the pictures show exactly what `cargo run --release -- build`
//! writes. Nothing is downloaded; a missing tool is an error that says how to install it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The handout's resolution: 100 dots per inch makes an A4 page 827 × 1170 pixels, sharp
/// enough to read on a README and small enough to keep in git.
const DPI: &str = "100";

/// Chromium's window, in CSS pixels at a device scale of 1.
const WINDOW: &str = "1000,1100";

/// The word typed into the front page's search.
const SEARCH: &str = "restart";

pub fn screenshots(root: &Path) -> Result<(), String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let work = target.join("screenshots");
    let out = work.join("out");
    let images = root.join("docs").join("images");
    // Before the build: a missing tool should not cost a release build first.
    let pdftoppm = tool(
        "pdftoppm",
        &["-v"],
        "pdftoppm (poppler-utils) renders the handout page; install it, e.g. `apt-get install poppler-utils`",
    )?;
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| tool(name, &["--version"], "").ok())
        .ok_or(
            "headless Chromium takes the site's pictures and none was found (chromium, chromium-browser, google-chrome); install it, e.g. `apt-get install chromium`",
        )?;

    eprintln!("screenshots: building the release binary (cargo build --release -p remedy)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(
        Command::new(cargo)
            .args(["build", "--release", "--quiet", "-p", "remedy"])
            .current_dir(root),
        "cargo build --release -p remedy",
    )?;
    let remedy = target.join("release").join("remedy");
    eprintln!("screenshots: remedy build --out {}", out.display());
    run(
        Command::new(&remedy)
            .args(["build", "-q", "--out"])
            .arg(&out)
            .current_dir(root),
        "remedy build",
    )?;

    let guide = first_handout(&out.join("pdf"))?;
    std::fs::create_dir_all(&images)
        .map_err(|e| format!("cannot create {}: {e}", images.display()))?;

    // `-singlefile` names the picture `<prefix>.png`, without a page number.
    let handout = out.join("pdf").join(format!("{guide}.pdf"));
    run(
        Command::new(&pdftoppm)
            .args(["-png", "-r", DPI, "-f", "1", "-l", "1", "-singlefile"])
            .arg(&handout)
            .arg(images.join("handout-page")),
        "pdftoppm",
    )?;
    eprintln!("wrote docs/images/handout-page.png (page 1 of {guide}.pdf)");

    let site = out.join("html");
    let profile = work.join("chromium-profile");
    let pages = [
        (format!("{guide}.html"), "site-guide.png"),
        (format!("index.html?q={SEARCH}"), "site-index.png"),
    ];
    for (page, picture) in pages {
        let url = format!("file://{}/{page}", site.display());
        let shot = images.join(picture);
        run(
            Command::new(&chromium)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--hide-scrollbars",
                    "--no-first-run",
                    "--force-device-scale-factor=1",
                    "--force-color-profile=srgb",
                    // Time for the page's script (the search) to run before the picture.
                    "--virtual-time-budget=3000",
                ])
                .arg(format!("--window-size={WINDOW}"))
                .arg(format!("--user-data-dir={}", profile.display()))
                .arg(format!("--screenshot={}", shot.display()))
                .arg(&url),
            "chromium --headless --screenshot",
        )?;
        if !shot.is_file() {
            return Err(format!("chromium wrote no {}", shot.display()));
        }
        eprintln!("wrote docs/images/{picture} ({page})");
    }
    Ok(())
}

/// The program `name` when `name ARGS` runs; else `missing` as the error.
fn tool(name: &str, args: &[&str], missing: &str) -> Result<String, String> {
    match Command::new(name).args(args).output() {
        Ok(_) => Ok(name.to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(missing.to_owned()),
        Err(e) => Err(format!("cannot run {name}: {e}")),
    }
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        ))
    }
}

/// The id of the first handout of a build by name (the book left aside), so that the three
/// pictures show one guide.
fn first_handout(pdf: &Path) -> Result<String, String> {
    let entries =
        std::fs::read_dir(pdf).map_err(|e| format!("cannot read {}: {e}", pdf.display()))?;
    let mut ids: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let id = name.strip_suffix(".pdf")?;
            (id != "handbook").then(|| id.to_owned())
        })
        .collect();
    ids.sort();
    ids.into_iter()
        .next()
        .ok_or_else(|| format!("the build wrote no handout into {}", pdf.display()))
}
