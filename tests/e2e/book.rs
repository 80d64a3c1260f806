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

/// A guide of `steps` steps (a few pages) that lists `related` among its related guides.
fn long_guide(id: &str, related: &str, steps: usize) -> String {
    let mut text = format!(
        "id: {id}
title: Guide {id}
summary: A longer guide used by the tests.
updated: 2026-11-21
related: [{related}]
causes:
  - id: stale-cache
    title: A stale cache
methods:
  - id: restart
    title: Restart the device
    addresses: [stale-cache]
    risk: very-low
    steps:
"
    );
    for step in 1..=steps {
        text.push_str(&format!(
            "      - text: Step {step} of {id}, written long enough to take two lines of the page so that the guide runs over a few pages.\n"
        ));
        if step % 10 == 0 {
            text.push_str("        warning: This one warns before the step it guards.\n");
        }
    }
    text.push_str("    pros: [Quick]\n    cons: [Rarely enough on its own]\n");
    text
}

/// Every heading of the structure tree in reading order, `(level, title)`, and how many
/// elements sit at its top.
fn headings(pdf: &Pdf) -> (Vec<(u8, String)>, Vec<String>) {
    use lopdf::Object;
    let doc = &pdf.doc;
    let resolve = |object: &Object| -> Object {
        match object {
            Object::Reference(id) => doc
                .get_object(*id)
                .cloned()
                .unwrap_or_else(|e| panic!("{e}")),
            other => other.clone(),
        }
    };
    let catalog = doc.catalog().unwrap_or_else(|e| panic!("{e}"));
    let root = resolve(
        catalog
            .get(b"StructTreeRoot")
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let root = root.as_dict().unwrap_or_else(|e| panic!("{e}"));
    let tops = match resolve(root.get(b"K").unwrap_or_else(|e| panic!("{e}"))) {
        Object::Array(items) => items,
        other => vec![other],
    };
    let top_tags: Vec<String> = tops
        .iter()
        .map(|top| {
            let top = resolve(top);
            let tag = top
                .as_dict()
                .and_then(|dict| dict.get(b"S"))
                .and_then(Object::as_name);
            String::from_utf8_lossy(tag.unwrap_or(b"?")).into_owned()
        })
        .collect();
    let mut found = Vec::new();
    let mut stack: Vec<Object> = tops.into_iter().rev().collect();
    while let Some(object) = stack.pop() {
        match resolve(&object) {
            Object::Array(items) => stack.extend(items.into_iter().rev()),
            Object::Dictionary(dict) => {
                let Ok(tag) = dict.get(b"S").and_then(Object::as_name) else {
                    continue;
                };
                if let [b'H', level @ b'1'..=b'6'] = tag {
                    let title = dict
                        .get(b"T")
                        .and_then(Object::as_str)
                        .map(pdf_support::decode_text_string)
                        .unwrap_or_default();
                    found.push((level - b'0', title));
                }
                if let Ok(kids) = dict.get(b"K") {
                    stack.push(kids.clone());
                }
            }
            _ => {}
        }
    }
    (found, top_tags)
}

/// Checks that the parent tree leads from every page's marked content, and from every link
/// annotation, to the structure element that holds it, and that each id of the ID tree names
/// one element that carries it. Returns how many marked-content ids it checked and how many
/// ids the tree has.
fn parent_tree_and_ids(pdf: &Pdf) -> (usize, usize) {
    use lopdf::{Dictionary, Object};
    let doc = &pdf.doc;
    let fail = |e: lopdf::Error| -> ! { panic!("{e}") };
    let dict = |object: &Object| -> Dictionary {
        match object {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap_or_else(|e| fail(e)).clone(),
            other => other.as_dict().unwrap_or_else(|e| fail(e)).clone(),
        }
    };
    let array = |object: &Object| -> Vec<Object> {
        match object {
            Object::Reference(id) => doc
                .get_object(*id)
                .and_then(Object::as_array)
                .unwrap_or_else(|e| fail(e))
                .clone(),
            other => other.as_array().unwrap_or_else(|e| fail(e)).clone(),
        }
    };
    let catalog = doc.catalog().unwrap_or_else(|e| fail(e));
    let root = dict(catalog.get(b"StructTreeRoot").unwrap_or_else(|e| fail(e)));
    let tree = dict(root.get(b"ParentTree").unwrap_or_else(|e| fail(e)));
    let nums = array(tree.get(b"Nums").unwrap_or_else(|e| fail(e)));
    let entries: std::collections::BTreeMap<i64, Object> = nums
        .chunks(2)
        .map(|pair| {
            (
                pair[0].as_i64().unwrap_or_else(|e| fail(e)),
                pair[1].clone(),
            )
        })
        .collect();
    assert_eq!(entries.len() * 2, nums.len(), "a parent tree key twice");
    // Whether element `elem`'s kids hold `wanted` (an MCID on `page`, or an annotation).
    let holds = |elem: &Dictionary, wanted: &dyn Fn(&Object, Option<lopdf::ObjectId>) -> bool| {
        let own_page = elem.get(b"Pg").and_then(Object::as_reference).ok();
        let kids = match elem.get(b"K") {
            Ok(Object::Array(kids)) => kids.clone(),
            Ok(other) => vec![other.clone()],
            Err(_) => Vec::new(),
        };
        kids.iter().any(|kid| wanted(kid, own_page))
    };
    let mut checked = 0;
    for (index, page) in doc.get_pages().into_values().enumerate() {
        let page_dict = doc.get_dictionary(page).unwrap_or_else(|e| fail(e));
        if let Ok(key) = page_dict.get(b"StructParents").and_then(Object::as_i64) {
            let parents = array(
                entries
                    .get(&key)
                    .unwrap_or_else(|| panic!("page {index}: no key {key}")),
            );
            for (mcid, parent) in parents.iter().enumerate() {
                let elem = dict(parent);
                let found = holds(&elem, &|kid, own_page| match kid {
                    Object::Integer(id) => *id == mcid as i64 && own_page == Some(page),
                    Object::Dictionary(mcr) => {
                        mcr.get(b"MCID").and_then(Object::as_i64).ok() == Some(mcid as i64)
                            && mcr
                                .get(b"Pg")
                                .and_then(Object::as_reference)
                                .ok()
                                .or(own_page)
                                == Some(page)
                    }
                    _ => false,
                });
                assert!(
                    found,
                    "page {index}, marked content {mcid}: its parent does not hold it"
                );
                checked += 1;
            }
        }
        let Ok(annots) = page_dict.get(b"Annots") else {
            continue;
        };
        for annot in array(annots) {
            let annot_id = annot.as_reference().unwrap_or_else(|e| fail(e));
            let key = dict(&annot)
                .get(b"StructParent")
                .and_then(Object::as_i64)
                .unwrap_or_else(|e| fail(e));
            let elem = dict(
                entries
                    .get(&key)
                    .unwrap_or_else(|| panic!("annotation: no key {key}")),
            );
            let found = holds(&elem, &|kid, _| {
                matches!(kid, Object::Dictionary(objr)
                    if objr.get(b"Obj").and_then(Object::as_reference).ok() == Some(annot_id))
            });
            assert!(found, "page {index}: a link whose parent does not hold it");
        }
    }
    let id_tree = dict(root.get(b"IDTree").unwrap_or_else(|e| fail(e)));
    let names = array(id_tree.get(b"Names").unwrap_or_else(|e| fail(e)));
    let mut seen = std::collections::BTreeSet::new();
    for pair in names.chunks(2) {
        let name = pair[0].as_str().unwrap_or_else(|e| fail(e)).to_vec();
        let elem = dict(&pair[1]);
        assert_eq!(
            elem.get(b"ID").and_then(Object::as_str).ok(),
            Some(&name[..])
        );
        assert!(seen.insert(name), "an id twice in the ID tree");
    }
    (checked, seen.len())
}

#[test]
fn a_book_made_in_parts_reads_back_as_one_document() {
    // Thirty guides of three pages or so: about a hundred pages, so the book is made in
    // several parts (at least 64 pages each) and merged; each guide's related guide is the
    // next (in another part for some), and the last's is the first.
    let scratch = Scratch::new("book-parts");
    scratch.write(
        "remedy.toml",
        "content = \"content\"\n[book]\ntitle = \"Parts handbook\"\n",
    );
    let ids: Vec<String> = (0..30).map(|n| format!("g{n:02}")).collect();
    for (n, id) in ids.iter().enumerate() {
        let related = &ids[(n + 1) % ids.len()];
        scratch.write(&format!("content/{id}.yaml"), &long_guide(id, related, 30));
    }
    let export = ["export", "pdf", "-o", "out", "--book", "book.pdf", "-q"];
    scratch.remedy(&export).assert_code(0);
    let bytes = std::fs::read(scratch.root.join("book.pdf")).unwrap_or_else(|e| panic!("{e}"));
    scratch.remedy(&export).assert_code(0);
    let again = std::fs::read(scratch.root.join("book.pdf")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        bytes == again,
        "the book's bytes changed from one run to the next"
    );
    let pdf = Pdf::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let pages = pdf.page_count();
    // More than one part of at least 64 pages, after the title page and contents.
    assert!(pages > 80, "{pages} pages: too few for several parts");
    // The footers count the book's pages, which are all there.
    let first_page = page_words(&pdf, 0);
    assert!(
        first_page.contains(&format!("Page 1 of {pages}")),
        "{first_page:?}"
    );

    // One bookmark a guide, in order, each on the page where its guide's title is printed.
    let outline = pdf.outline().unwrap_or_else(|e| panic!("{e}"));
    let titles: Vec<&str> = outline.iter().map(|entry| entry.title.as_str()).collect();
    let mut expected = vec!["Contents".to_owned()];
    expected.extend(ids.iter().map(|id| format!("Guide {id}")));
    assert_eq!(titles, expected);
    for pair in outline.windows(2) {
        assert!(
            pair[0].page < pair[1].page,
            "{} {}",
            pair[0].title,
            pair[1].title
        );
    }
    for entry in &outline[1..] {
        let words = page_words(&pdf, entry.page);
        assert!(
            words.contains(&entry.title),
            "{} not on page {}",
            entry.title,
            entry.page
        );
        assert!(
            !entry.children.is_empty(),
            "{} has no sections",
            entry.title
        );
        for child in &entry.children {
            assert!(
                child.page >= entry.page && child.page < pages,
                "{}",
                child.title
            );
        }
    }

    // The contents' links land on each guide's first page, in the book's order; each guide's
    // related-guide link lands on the next guide's first page.
    let links = pdf.links().unwrap_or_else(|e| panic!("{e}"));
    let first_of = |n: usize| outline[n + 1].page;
    let mut contents_targets: Vec<usize> = Vec::new();
    for link in links.iter().filter(|link| link.page < first_of(0)) {
        let (target, _) = link
            .goto
            .unwrap_or_else(|| panic!("a contents link to no page"));
        if contents_targets.last() != Some(&target) {
            contents_targets.push(target);
        }
    }
    let starts: Vec<usize> = (0..ids.len()).map(first_of).collect();
    assert_eq!(contents_targets, starts);
    for n in 0..ids.len() {
        let end = if n + 1 < ids.len() {
            first_of(n + 1)
        } else {
            pages
        };
        let next = first_of((n + 1) % ids.len());
        assert!(
            links
                .iter()
                .any(|link| (first_of(n)..end).contains(&link.page)
                    && link.goto.map(|(target, _)| target) == Some(next)),
            "guide {} has no link to the first page of the next",
            ids[n]
        );
    }

    // One structure tree: one Document at its top holding every guide's title heading in order.
    let (headings, tops) = headings(&pdf);
    assert_eq!(tops, ["Document"]);
    let top_titles: Vec<String> = headings
        .iter()
        .filter(|(level, _)| *level == 1)
        .map(|(_, title)| title.clone())
        .collect();
    let mut expected = vec!["Parts handbook".to_owned(), "Contents".to_owned()];
    expected.extend(ids.iter().map(|id| format!("Guide {id}")));
    assert_eq!(top_titles, expected);
    // Every page's marked content is reached from the tree, each once.
    let marked = pdf_support::marked_content_in_tree_order(&pdf).unwrap_or_else(|e| panic!("{e}"));
    let distinct: std::collections::BTreeSet<_> = marked.iter().collect();
    assert_eq!(distinct.len(), marked.len(), "marked content reached twice");
    let pages_reached: std::collections::BTreeSet<_> =
        marked.iter().map(|(page, _)| *page).collect();
    assert_eq!(pages_reached.len(), pages);

    // The parent tree leads from each page's marked content and each link back to the
    // elements that hold them, and the notes' ids are one each.
    let (checked, notes) = parent_tree_and_ids(&pdf);
    assert_eq!(
        checked,
        marked.len(),
        "marked content the parent tree leads to"
    );
    assert_eq!(notes, ids.len() * 3, "note ids");

    // The catalog's language, and one XMP packet for the whole book, counting its pages.
    let catalog = pdf.doc.catalog().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        catalog.get(b"Lang").and_then(lopdf::Object::as_str).ok(),
        Some(&b"en"[..])
    );
    let packets: Vec<&lopdf::Stream> = pdf
        .doc
        .objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .filter(|stream| {
            stream
                .dict
                .get(b"Type")
                .and_then(lopdf::Object::as_name)
                .ok()
                == Some(b"Metadata")
        })
        .collect();
    assert_eq!(packets.len(), 1, "one XMP packet");
    let xmp = String::from_utf8_lossy(&packets[0].content);
    assert!(
        xmp.contains(&format!("<xmpTPg:NPages>{pages}</xmpTPg:NPages>")),
        "{xmp}"
    );
    assert!(xmp.contains("Parts handbook"), "{xmp}");
}

#[test]
fn the_export_that_reads_its_guides_again_writes_what_a_build_writes_from_guides_kept() {
    // `remedy export pdf` reads each guide again for the handouts and for the book instead of
    // keeping every guide; `remedy build` keeps them for the site and gives the PDF export
    // them all. Both must print the same handouts and book, with one thread or two.
    let scratch = project("book-read-again", BOOK);
    scratch
        .remedy(&["build", "--out", "built", "-q"])
        .assert_code(0);
    let built = |name: &str| std::fs::read(scratch.root.join("built/pdf").join(name));
    for jobs in ["1", "2"] {
        let out = format!("pdf-{jobs}");
        let book = format!("{out}/handbook.pdf");
        scratch
            .remedy(&[
                "-j", jobs, "export", "pdf", "-o", &out, "--book", &book, "-q",
            ])
            .assert_code(0);
        for name in ["one.pdf", "two.pdf", "three.pdf", "handbook.pdf"] {
            let exported = std::fs::read(scratch.root.join(&out).join(name));
            assert!(
                exported.is_ok() && exported.ok() == built(name).ok(),
                "{out}/{name} is not what the build wrote"
            );
        }
    }
    let pdf = read_pdf(&scratch, "pdf-2/handbook.pdf");
    let titles: Vec<String> = pdf
        .outline()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|entry| entry.title)
        .collect();
    assert_eq!(
        titles,
        ["Contents", "Guide three", "Guide one", "Guide two"]
    );
}

#[test]
fn a_pdf_export_at_a_terminal_counts_its_handouts_and_the_book_then_clears_the_line() {
    // `remedy export pdf` makes its handouts once the lint is done, reading each guide again:
    // a writer at a terminal is shown how far they have come, and the bar's line is cleared
    // before the summary. `script` (util-linux) gives the run a terminal.
    let scratch = Scratch::new("pdf-progress");
    for i in 1..=9 {
        let id = format!("guide-{i}");
        scratch.write(&format!("content/{id}.yaml"), &clean_guide(&id));
    }
    let command = format!(
        "{} --color never export pdf -o out --book out/book.pdf",
        env!("CARGO_BIN_EXE_remedy")
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&scratch.root)
        .env_remove("CI")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run script (util-linux): {e}"));
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    // Nine handouts and the book: ten items, each counted once, in order.
    let counts: Vec<&str> = shown
        .split('\r')
        .filter_map(|draw| draw.strip_prefix("handouts ["))
        .filter_map(|draw| draw.rsplit_once("] ").map(|(_, count)| count))
        .collect();
    let wanted: Vec<String> = (1..10).map(|done| format!("{done}/10")).collect();
    assert_eq!(counts, wanted, "{shown:?}");
    assert!(
        shown.contains("\r\x1b[2Kwrote 9 handouts"),
        "the bar's line is not cleared before the summary: {shown:?}"
    );
}
