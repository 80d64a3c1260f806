//! `cargo xtask check-pdf DIR CONTENT`: the exported handouts, read by real PDF tools.
//!
//! - `qpdf --check` finds no structural problem;
//! - `pdffonts` lists only embedded, subset fonts (`ABCDEF+Name`, emb = yes);
//! - `pdftotext` returns the text of every step of the guide, in order.

use std::path::{Path, PathBuf};
use std::process::Command;

use remedy_core::corpus::discover;
use remedy_core::{LoadOptions, load_file};

fn run(program: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program).args(args).output().map_err(|e| {
        format!("cannot run {program} (install it: apt-get install qpdf poppler-utils): {e}")
    })?;
    if !output.status.success() {
        return Err(format!(
            "{program} {} failed:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Text with every white space and soft hyphen removed: line breaks (a word hyphenated at a
/// line's end is printed with a soft hyphen) and justification must not matter.
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{ad}')
        .collect()
}

fn check_fonts(pdf: &str) -> Result<(), String> {
    let listing = run("pdffonts", &[pdf])?;
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    if rows.is_empty() {
        return Err(format!("{pdf}: pdffonts lists no font"));
    }
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let name = columns.first().copied().unwrap_or_default();
        // name type encoding emb sub uni object ID: emb and sub sit 5th and 4th from the end.
        let n = columns.len();
        let (emb, sub) = if n >= 5 {
            (columns[n - 5], columns[n - 4])
        } else {
            ("?", "?")
        };
        let tagged = name.len() > 7
            && name.as_bytes()[6] == b'+'
            && name[..6].bytes().all(|b| b.is_ascii_uppercase());
        if emb != "yes" || sub != "yes" || !tagged {
            return Err(format!("{pdf}: font is not an embedded subset: {row}"));
        }
    }
    Ok(())
}

fn check_steps(pdf: &str, guide: &remedy_core::Guide) -> Result<usize, String> {
    // A menu path is printed with `›` between its labels where the guide writes `>`.
    let text = squeeze(&run("pdftotext", &["-enc", "UTF-8", pdf, "-"])?).replace('\u{203a}', ">");
    let mut from = 0;
    let mut count = 0;
    for method in &guide.methods {
        for visit in method.walk_steps() {
            // The handout prints rich text without its markup.
            let wanted = squeeze(&remedy_core::rich_text::plain(&visit.step.text));
            match text[from..].find(&wanted) {
                Some(at) => from += at + wanted.len(),
                None => {
                    return Err(format!(
                        "{pdf}: step {} of method `{}` is missing or out of order: {:?}",
                        visit.number(),
                        method.id,
                        visit.step.text
                    ));
                }
            }
            count += 1;
        }
    }
    Ok(count)
}

pub fn check_pdf(dir: &Path, content: &Path) -> Result<(), String> {
    let discovery = discover(&[content.to_path_buf()]).map_err(|e| e.to_string())?;
    let mut checked = 0;
    for path in &discovery.files {
        let file = load_file(path, &LoadOptions::default()).map_err(|e| e.to_string())?;
        let Some(guide) = file.guide else {
            return Err(format!("{}: not a valid guide", path.display()));
        };
        let pdf: PathBuf = dir.join(format!("{}.pdf", guide.id));
        let pdf = pdf.to_string_lossy().into_owned();
        run("qpdf", &["--check", &pdf])?;
        check_fonts(&pdf)?;
        let steps = check_steps(&pdf, &guide)?;
        println!("{pdf}: qpdf ok, fonts embedded and subset, {steps} steps in order");
        checked += 1;
    }
    let book = dir.join("handbook.pdf");
    if book.exists() {
        let book = book.to_string_lossy().into_owned();
        run("qpdf", &["--check", &book])?;
        check_fonts(&book)?;
        println!("{book}: qpdf ok, fonts embedded and subset");
    }
    if checked == 0 {
        return Err(format!("no guide found under {}", content.display()));
    }
    Ok(())
}
