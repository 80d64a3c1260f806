//! The book from `[book]` in remedy.toml: its title page, document title and author, and the
//! order of its guides, read back from what `remedy build` and `remedy export pdf --book`
//! write; and the configuration mistakes, as the exact messages a writer reads.

#[path = "../../crates/remedy-export/tests/pdf_support/mod.rs"]
mod pdf_support;

use pdf_support::Pdf;

use crate::support::{Scratch, clean_guide};

const BOOK: &str = "content = \"content\"
[book]
title = \"Home network handbook\"
subtitle = \"Fixes for common problems\"
author = \"Example Support Team\"
order = [\"three\", \"one\"]
";

/// Three clean guides, `one`, `two` and `three` (that order by path), and `config`.
fn project(name: &str, config: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.write("remedy.toml", config);
    for id in ["one", "two", "three"] {
        scratch.write(&format!("content/{id}.yaml"), &clean_guide(id));
    }
    scratch
}

fn read_pdf(scratch: &Scratch, relative: &str) -> Pdf {
    let bytes = std::fs::read(scratch.root.join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"));
    Pdf::parse(&bytes).unwrap_or_else(|e| panic!("{relative} is no PDF: {e}"))
}

/// The words drawn on a page, run by run.
fn page_words(pdf: &Pdf, page: usize) -> Vec<String> {
    pdf.runs(page)
        .unwrap_or_else(|e| panic!("page {page}: {e}"))
        .into_iter()
        .map(|run| run.text)
        .collect()
}

#[test]
fn the_book_takes_its_title_author_and_order_from_remedy_toml() {
    let scratch = project("book-config", BOOK);
    scratch.remedy(&["build", "-q"]).assert_code(0);
    let pdf = read_pdf(&scratch, "out/pdf/handbook.pdf");
    assert_eq!(
        pdf.info("Title").ok().as_deref(),
        Some("Home network handbook")
    );
    assert_eq!(
        pdf.info("Author").ok().as_deref(),
        Some("Example Support Team")
    );
    assert_eq!(
        page_words(&pdf, 0),
        [
            "TROUBLESHOOTING HANDBOOK",
            "Home network handbook",
            "Fixes for common problems",
            "3 guides · reviewed up to 21 November 2026",
            "Example Support Team",
            // The footer: the page number alone (the title page is no recurring chapter).
            "Page 1 of 5",
        ]
    );
    // `order` first, as listed; the rest by path.
    let outline = pdf.outline().unwrap_or_else(|e| panic!("{e}"));
    let titles: Vec<&str> = outline.iter().map(|entry| entry.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Contents", "Guide three", "Guide one", "Guide two"]
    );
    let sections: Vec<&str> = outline[1]
        .children
        .iter()
        .map(|entry| entry.title.as_str())
        .collect();
    // Each guide's bookmarks hold its sections, and its methods under "Methods".
    let methods = outline[1]
        .children
        .iter()
        .find(|entry| entry.title == "Methods")
        .unwrap_or_else(|| panic!("no Methods bookmark in {sections:?}"));
    let method_titles: Vec<&str> = methods
        .children
        .iter()
        .map(|entry| entry.title.as_str())
        .collect();
    assert_eq!(method_titles.len(), 1, "{method_titles:?}");
    assert!(
        method_titles[0].contains("Restart the device"),
        "{method_titles:?}"
    );
    let lang = pdf
        .doc
        .catalog()
        .and_then(|catalog| catalog.get(b"Lang").cloned())
        .ok()
        .and_then(|lang| lang.as_str().map(<[u8]>::to_vec).ok());
    assert_eq!(lang.as_deref(), Some(&b"en"[..]));
    // The contents list the guides in that order, each with the page it starts on.
    let contents = page_words(&pdf, outline[0].page);
    let listed: Vec<&str> = contents
        .iter()
        .map(String::as_str)
        .filter(|words| words.starts_with("Guide "))
        .collect();
    assert_eq!(listed, ["Guide three", "Guide one", "Guide two"]);
    for entry in &outline[1..] {
        let number = (entry.page + 1).to_string();
        assert!(
            contents.contains(&number),
            "no page {number} for {} in {contents:?}",
            entry.title
        );
        assert!(outline[0].page < entry.page);
    }
    assert!(outline[1].page < outline[2].page && outline[2].page < outline[3].page);
}

#[test]
fn an_export_of_some_guides_keeps_the_order_of_those_it_has() {
    // `three` is a guide of the content root, only not in this export: no error.
    let scratch = project("book-some", BOOK);
    scratch
        .remedy(&[
            "export",
            "pdf",
            "content/two.yaml",
            "content/one.yaml",
            "-o",
            "out",
            "--book",
            "book.pdf",
            "-q",
        ])
        .assert_code(0);
    let pdf = read_pdf(&scratch, "book.pdf");
    let outline = pdf.outline().unwrap_or_else(|e| panic!("{e}"));
    let titles: Vec<&str> = outline.iter().map(|entry| entry.title.as_str()).collect();
    assert_eq!(titles, ["Contents", "Guide one", "Guide two"]);
}

#[test]
fn without_a_book_table_the_book_keeps_its_default_title_and_path_order() {
    let scratch = project("book-default", "content = \"content\"\n");
    scratch.remedy(&["build", "-q"]).assert_code(0);
    let pdf = read_pdf(&scratch, "out/pdf/handbook.pdf");
    assert_eq!(
        pdf.info("Title").ok().as_deref(),
        Some("Troubleshooting handbook")
    );
    assert_eq!(pdf.info("Author").ok().as_deref(), Some("remedy"));
    let outline = pdf.outline().unwrap_or_else(|e| panic!("{e}"));
    let titles: Vec<&str> = outline.iter().map(|entry| entry.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Contents", "Guide one", "Guide three", "Guide two"]
    );
}

#[test]
fn book_mistakes_are_configuration_errors_naming_the_line_and_the_nearest_id() {
    let cases: [(&str, &[&str], &str); 5] = [
        (
            "content = \"content\"\n[book]\norder = [\n  \"one\",\n  \"thre\",\n]\n",
            &["build", "-q"],
            "remedy: error: remedy.toml:5:3: `book.order` lists `thre`, but no guide has that id; did you mean `three`? list guide ids (a guide's file name without .yaml)\n",
        ),
        // `remedy lint` checks it too, so that CI finds it before a build.
        (
            "content = \"content\"\n[book]\norder = [\"thre\"]\n",
            &["lint"],
            "remedy: error: remedy.toml:3:10: `book.order` lists `thre`, but no guide has that id; did you mean `three`? list guide ids (a guide's file name without .yaml)\n",
        ),
        (
            "content = \"content\"\n[book]\norder = [\"one\", \"one\"]\n",
            &["build", "-q"],
            "remedy: error: remedy.toml:3:17: `book.order` lists `one` twice (first on line 3); list each guide once\n",
        ),
        (
            "content = \"content\"\n[book]\nauthors = \"Support\"\n",
            &["lint"],
            "remedy: error: remedy.toml: unknown key `authors` in [book]; did you mean `author`? valid keys: title, subtitle, author, order\n",
        ),
        (
            "content = \"content\"\n[book]\norder = [\"nothing-like-it\"]\n",
            &["export", "pdf", "-o", "out", "--book", "book.pdf", "-q"],
            "remedy: error: remedy.toml:3:10: `book.order` lists `nothing-like-it`, but no guide has that id; list guide ids (a guide's file name without .yaml)\n",
        ),
    ];
    for (config, args, expected) in cases {
        let scratch = project("book-mistake", config);
        let run = scratch.remedy(args);
        run.assert_code(2);
        assert_eq!(run.stderr, expected, "{config}");
        // Refused before anything was written.
        assert!(!scratch.root.join("out").exists(), "{config}");
        assert!(!scratch.root.join("book.pdf").exists(), "{config}");
    }
}
