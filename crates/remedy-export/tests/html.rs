//! The static site's HTML itself, without a browser: real guide files in, the exact markup a
//! reader's browser and screen reader get out. `tests/browser/` runs the same pages in
//! Chromium with axe-core.

mod export_support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use export_support::{exports, fixture_root, load_guides, repo_root, temp_dir};
use remedy_core::rich_text::plain;
use remedy_core::{Guide, LoadOptions, load_file};
use remedy_export::ExportGuide;
use remedy_export::html::{HtmlOptions, escape, export_html, render_site};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A one-pixel PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn options(root: &Path) -> HtmlOptions {
    HtmlOptions {
        content_root: root.to_path_buf(),
        platform_names: BTreeMap::new(),
    }
}

/// The pages of the export fixtures, by file name.
fn fixture_site() -> Result<BTreeMap<String, String>, Box<dyn std::error::Error>> {
    let guides = load_guides()?;
    let site = render_site(&exports(&guides), &options(&fixture_root().join("content")));
    let mut pages = BTreeMap::new();
    for (name, bytes) in site.files {
        pages.insert(name, String::from_utf8(bytes)?);
    }
    Ok(pages)
}

fn load(path: &Path) -> Result<Guide, Box<dyn std::error::Error>> {
    let file = load_file(path, &LoadOptions::default())?;
    assert!(file.violations.is_empty(), "{:?}", file.violations);
    Ok(file.guide.ok_or("the guide did not load")?)
}

/// Where `needle` is in `haystack`, after `from`; a failure names what is missing.
fn find(haystack: &str, needle: &str, from: usize) -> usize {
    match haystack.get(from..).and_then(|rest| rest.find(needle)) {
        Some(at) => from + at,
        None => panic!("`{needle}` is not in the page after byte {from}"),
    }
}

#[test]
fn every_step_text_is_in_the_page_in_order_inside_ordered_lists() -> TestResult {
    let guides = load_guides()?;
    let pages = fixture_site()?;
    for (guide, _) in &guides {
        let page = &pages[&format!("{}.html", guide.id.as_str())];
        for method in &guide.methods {
            let section = find(
                page,
                &format!("<section class=\"method\" id=\"{}\"", method.id.as_str()),
                0,
            );
            let mut at = find(page, "<ol class=\"steps\"", section);
            for visit in method.walk_steps() {
                // A menu path shows `›` between its labels; markup between the words (labels,
                // code) is the only other difference.
                let text = escape(&plain(&visit.step.text));
                let first_word = text.split(' ').next().unwrap_or_default();
                at = find(page, "<li id=\"", at);
                at = find(page, first_word, at);
                let li_end = page[at..].find("</p>").map_or(page.len(), |end| at + end);
                let shown = strip_tags(&page[at..li_end]).replace(" \u{203a} ", " &gt; ");
                assert!(
                    shown == text,
                    "{}: step {} shows `{shown}`, not `{text}`",
                    guide.id.as_str(),
                    visit.number()
                );
            }
        }
    }
    Ok(())
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn sub_steps_are_ordered_lists_inside_their_step() -> TestResult {
    let dir = temp_dir("html", "nested")?;
    let content = dir.join("content");
    fs::create_dir_all(&content)?;
    let guide_path = content.join("nested.yaml");
    fs::write(
        &guide_path,
        "id: nested\ntitle: Nested steps\nsummary: Steps in steps.\nupdated: 2026-11-20\ncauses:\n  - id: c\n    title: A cause\nmethods:\n  - id: m\n    title: The method\n    risk: very-low\n    addresses: [c]\n    steps:\n      - text: \"Open the menu:\"\n        steps:\n          - text: Choose one.\n            steps:\n              - text: Deepest.\n          - text: Choose two.\n      - text: Close the menu.\n    pros: [Quick.]\n    cons: [Slow.]\n",
    )?;
    let guide = load(&guide_path)?;
    let site = render_site(
        &[ExportGuide {
            guide: &guide,
            source: "nested.yaml",
        }],
        &options(&content),
    );
    let page = String::from_utf8(site.files["nested.html"].clone())?;
    let steps = &page[find(&page, "<ol class=\"steps\"", 0)..find(&page, "<h4>Pros</h4>", 0)];
    let shape: Vec<&str> = steps
        .split(['<', '>'])
        .filter(|part| {
            ["ol class", "/ol", "li id", "/li"]
                .iter()
                .any(|tag| part.starts_with(tag))
                || [
                    "Open the menu:",
                    "Choose one.",
                    "Deepest.",
                    "Choose two.",
                    "Close the menu.",
                ]
                .contains(part)
        })
        .map(|part| part.split(' ').next().unwrap_or(part))
        .collect();
    assert_eq!(
        shape,
        [
            "ol", "li", "Open", "ol", "li", "Choose", "ol", "li", "Deepest.", "/li", "/ol", "/li",
            "li", "Choose", "/li", "/ol", "/li", "li", "Close", "/li", "/ol"
        ]
    );
    // The numbers a reader sees are the handout's: 1.1.1, from the list markers.
    let style = String::from_utf8(site.files["style.css"].clone())?;
    assert!(style.contains("ol.steps > li::marker { content: counters(list-item, \".\") \". \";"));
    fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn the_comparison_is_a_table_with_header_cells() -> TestResult {
    let pages = fixture_site()?;
    let page = &pages["mac-wifi-v2.html"];
    let table = &page[find(page, "<table>", 0)..find(page, "</table>", 0)];
    assert!(table.contains("<thead><tr><th scope=\"col\">Method</th><th scope=\"col\">Best for</th><th scope=\"col\">Ease</th><th scope=\"col\">Effectiveness</th><th scope=\"col\">Time</th><th scope=\"col\">Data risk</th></tr></thead>"));
    assert!(table.contains("<tr><th scope=\"row\"><a href=\"#forget-network\">Forget the network and join again</a></th><td>A network whose password changed</td><td><span class=\"stars\" aria-hidden=\"true\">★★★★★</span><span class=\"vh\">5 of 5</span></td>"));
    assert!(
        table.contains("<td>2–5 min</td><td><span class=\"risk risk-low\">Low</span></td></tr>")
    );
    assert!(table.contains("<th scope=\"row\"><a href=\"#restart-mac\">Restart the Mac</a></th>"));
    Ok(())
}

#[test]
fn warnings_come_before_the_steps_and_methods_they_guard() -> TestResult {
    let pages = fixture_site()?;
    let page = &pages["mac-wifi-v2.html"];
    let step_warning = find(
        page,
        "Do not type the password of a <em>different</em> network.",
        0,
    );
    let step_text = find(page, "Join the network again and type the password.", 0);
    assert!(
        step_warning < step_text,
        "the step's warning comes after its text"
    );
    let li = page[..step_warning]
        .rfind("<li id=")
        .ok_or("no step element")?;
    assert!(
        !page[li..step_warning].contains("<div class=\"step-text\">"),
        "the warning is not the first thing in its step"
    );
    assert!(
        page[li..step_warning]
            .contains("<div class=\"warning\" role=\"note\"><p><strong>Warning:</strong> ")
    );
    let method_warning = find(page, "forget the network too.", 0);
    let first_step = find(
        page,
        "<ol class=\"steps\"",
        find(page, "id=\"forget-network\"", 0),
    );
    assert!(method_warning < first_step);
    Ok(())
}

#[test]
fn code_is_in_pre_code_exactly_as_written() -> TestResult {
    let pages = fixture_site()?;
    let page = &pages["mac-wifi-v2.html"];
    assert!(page.contains("<div class=\"code\"><p class=\"code-language\">terminal</p><pre tabindex=\"0\"><code>sudo ipconfig set en0 DHCP\nnetworksetup -setairportpower en0 on</code></pre></div>"));
    assert!(page.contains("<pre tabindex=\"0\"><code>your-network-name</code></pre>"));
    Ok(())
}

#[test]
fn the_page_has_the_guide_language_links_between_guides_and_a_prompt_per_method() -> TestResult {
    let pages = fixture_site()?;
    let page = &pages["mac-wifi-v2.html"];
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">\n"));
    assert!(page.contains("<a class=\"skip\" href=\"#main_content\">Skip to the content</a>"));
    assert_eq!(page.matches(">Did this fix it?</h4>").count(), 2);
    assert!(
        page.contains("If not, try the next method: <a href=\"#restart-mac\">Restart the Mac</a>.")
    );
    // Where to start: the answers are links to the methods.
    assert!(page.contains("<span class=\"lead\">Try first:</span> <a href=\"#restart-mac\">Restart the Mac</a>, <a href=\"#forget-network\">Forget the network and join again</a></p>"));
    // Rich-text references within the guide, and external links as written.
    assert!(page.contains("<a href=\"#forget-mac\">the Mac step</a>"));
    assert!(page.contains(
        "<a href=\"https://www.apple.com/support/systemstatus/\">Apple&#39;s status page</a>"
    ));
    assert!(
        page.contains("<b class=\"ui\">System Settings <span class=\"sep\">›</span> Wi-Fi</b>")
    );
    Ok(())
}

#[test]
fn references_into_another_guide_link_to_its_page() -> TestResult {
    let pages = fixture_site()?;
    let page = &pages["wifi-drops.html"];
    assert!(
        page.contains("<a href=\"printer-offline.html#restart-printer\">"),
        "no link to the other guide's step"
    );
    Ok(())
}

#[test]
fn the_index_lists_every_guide_and_the_search_index_holds_their_steps() -> TestResult {
    let guides = load_guides()?;
    let pages = fixture_site()?;
    let index = &pages["index.html"];
    let search = &pages["search-index.js"];
    let prefix = "// The search index of this site, written by remedy.\nself.remedySearchIndex = ";
    let json = search
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(";\n"))
        .ok_or("not the search index script")?;
    let parsed: serde_json::Value = serde_json::from_str(json)?;
    let entries = parsed["guides"].as_array().ok_or("no guides")?;
    assert_eq!(entries.len(), guides.len());
    for ((guide, _), entry) in guides.iter().zip(entries) {
        let link = format!(
            "<a href=\"{}.html\">{}</a>",
            guide.id.as_str(),
            escape(&guide.title)
        );
        assert!(index.contains(&link), "the index lacks {link}");
        assert_eq!(entry["url"], format!("{}.html", guide.id.as_str()));
        assert_eq!(entry["title"], guide.title.as_str());
        let sections = entry["sections"].as_array().ok_or("no sections")?;
        assert_eq!(sections.len(), guide.methods.len());
        for (method, section) in guide.methods.iter().zip(sections) {
            assert_eq!(section["anchor"], method.id.as_str());
            let words: Vec<&str> = section["text"]
                .as_str()
                .unwrap_or_default()
                .split(' ')
                .collect();
            for visit in method.walk_steps() {
                for word in plain(&visit.step.text)
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|word| !word.is_empty())
                {
                    let word = word.to_lowercase();
                    assert!(
                        words.contains(&word.as_str()),
                        "{}: the search index lacks `{word}` of step {}",
                        method.id.as_str(),
                        visit.number()
                    );
                }
            }
        }
    }
    Ok(())
}

/// The hostile guide the browser test exports too.
fn hostile_site() -> Result<BTreeMap<String, String>, Box<dyn std::error::Error>> {
    let root = repo_root().join("tests/browser/hostile/content");
    let guide = load(&root.join("hostile-guide.yaml"))?;
    let site = render_site(
        &[ExportGuide {
            guide: &guide,
            source: "hostile-guide.yaml",
        }],
        &options(&root),
    );
    let mut pages = BTreeMap::new();
    for (name, bytes) in site.files {
        pages.insert(name, String::from_utf8(bytes)?);
    }
    Ok(pages)
}

#[test]
fn guide_text_with_script_quotes_and_ampersands_shows_as_text() -> TestResult {
    let pages = hostile_site()?;
    for name in ["hostile-guide.html", "index.html"] {
        let page = &pages[name];
        // The page's own two scripts, and no other element from the guide.
        let scripts: Vec<&str> = page
            .match_indices("<script")
            .map(|(at, _)| &page[at..at + 30])
            .collect();
        assert!(
            scripts
                .iter()
                .all(|s| s.starts_with("<script src=\"site.js\"")
                    || s.starts_with("<script src=\"search-index.js\"")),
            "{name}: {scripts:?}"
        );
        for tag in [
            "<img src=x",
            "<svg",
            "<iframe",
            "<b>",
            "<b onclick",
            "<marquee",
            "</p><script",
        ] {
            assert!(
                !page.contains(tag),
                "{name}: `{tag}` reached the page as markup"
            );
        }
        assert!(
            !page.to_lowercase().contains("href=\"javascript:"),
            "{name}: a javascript: link"
        );
        assert!(!page.contains("href=\"data:"), "{name}: a data: link");
        assert!(
            !page.contains(" onmouseover=\"") && !page.contains(" onfocus='"),
            "{name}: an event attribute"
        );
    }
    let page = &pages["hostile-guide.html"];
    assert!(page.contains("<h1>Fix &lt;script&gt;window.__pwned = true&lt;/script&gt; &amp; &quot;quotes&quot; &#39;here&#39;</h1>"));
    assert!(page.contains("<title>Fix &lt;script&gt;window.__pwned = true&lt;/script&gt; &amp; &quot;quotes&quot; &#39;here&#39;</title>"));
    assert!(page.contains("<pre tabindex=\"0\"><code>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;window.__pwned = true&lt;/script&gt;</code></pre>"));
    assert!(page.contains("<p class=\"code-language\">&quot;&gt;&lt;script&gt;window.__pwned = true&lt;/script&gt;</p>"));
    // A link that is not http, https or mailto is its text alone.
    assert!(page.contains("<li>A link &lt;script&gt;window.__pwned = true&lt;/script&gt;</li>"));
    assert!(page.contains("<li><a href=\"https://example.com/help\">A good link</a></li>"));
    let search = &pages["search-index.js"];
    assert!(
        !search.contains('<') && !search.contains('>'),
        "the search index can close a script"
    );
    Ok(())
}

#[test]
fn pictures_inside_the_content_root_are_copied_beside_the_pages_and_none_from_outside() -> TestResult
{
    let dir = temp_dir("html", "pictures")?;
    let content = dir.join("content");
    fs::create_dir_all(content.join("wifi/images"))?;
    fs::write(content.join("wifi/images/menu.png"), PNG)?;
    fs::write(dir.join("secret.png"), PNG)?;
    fs::write(content.join("wifi/not-a-picture.png"), b"not a PNG")?;
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("secret.png"), content.join("wifi/link.png"))?;
    let steps = [
        ("images/menu.png", "The Wi-Fi menu with the network list"),
        ("../../secret.png", "A file outside the content root"),
        ("link.png", "A link that leads outside the content root"),
        ("not-a-picture.png", "A file that is not a picture"),
    ]
    .iter()
    .map(|(src, alt)| format!("      - text: Look.\n        image:\n          src: {src}\n          alt: {alt}\n          caption: The **Wi-Fi** menu\n"))
    .collect::<String>();
    let guide_path = content.join("wifi/pictures.yaml");
    fs::write(
        &guide_path,
        format!(
            "id: pictures\ntitle: Pictures\nsummary: Pictures.\nupdated: 2026-11-20\ncauses:\n  - id: c\n    title: A cause\nmethods:\n  - id: m\n    title: The method\n    risk: very-low\n    addresses: [c]\n    steps:\n{steps}    pros: [Quick.]\n    cons: [Slow.]\n"
        ),
    )?;
    let guide = load(&guide_path)?;
    let out = dir.join("site");
    let summary = export_html(
        &[ExportGuide {
            guide: &guide,
            source: "wifi/pictures.yaml",
        }],
        &out,
        &options(&content),
    )?;
    assert_eq!(summary.images, 1);
    assert_eq!(fs::read(out.join("images/wifi/images/menu.png"))?, PNG);
    let page = fs::read_to_string(out.join("pictures.html"))?;
    assert!(page.contains("<figure><img src=\"images/wifi/images/menu.png\" alt=\"The Wi-Fi menu with the network list\" loading=\"lazy\"><figcaption>The <b class=\"ui\">Wi-Fi</b> menu</figcaption></figure>"));
    // What could not be copied shows its text, never a link out of the site.
    for alt in [
        "A file outside the content root",
        "A link that leads outside the content root",
        "A file that is not a picture",
    ] {
        assert!(
            page.contains(&format!("<p class=\"missing-image\">{alt}</p>")),
            "{alt}"
        );
    }
    let files = all_files(&out);
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "images/wifi/images/menu.png",
            "index.html",
            "pictures.html",
            "search-index.js",
            "site.js",
            "style.css"
        ]
    );
    fs::remove_dir_all(dir)?;
    Ok(())
}

fn all_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if let (Ok(relative), Ok(bytes)) = (path.strip_prefix(root), fs::read(&path)) {
                files.insert(relative.to_string_lossy().replace('\\', "/"), bytes);
            }
        }
    }
    files
}

#[test]
fn two_exports_are_byte_identical() -> TestResult {
    let guides = load_guides()?;
    let dir = temp_dir("html", "twice")?;
    let root = repo_root().join("content");
    for run in ["a", "b"] {
        export_html(&exports(&guides), &dir.join(run), &options(&root))?;
    }
    let a = all_files(&dir.join("a"));
    assert_eq!(a.len(), guides.len() + 4);
    assert_eq!(a, all_files(&dir.join("b")));
    fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn a_guide_named_index_does_not_replace_the_front_page() -> TestResult {
    let dir = temp_dir("html", "index")?;
    let path = dir.join("index.yaml");
    fs::write(
        &path,
        "id: index\ntitle: A guide called index\nsummary: Named index.\nupdated: 2026-11-20\ncauses:\n  - id: c\n    title: A cause\nmethods:\n  - id: m\n    title: The method\n    risk: very-low\n    addresses: [c]\n    steps:\n      - text: Look.\n    pros: [Quick.]\n    cons: [Slow.]\n",
    )?;
    let guide = load(&path)?;
    let site = render_site(
        &[ExportGuide {
            guide: &guide,
            source: "index.yaml",
        }],
        &options(&dir),
    );
    let index = String::from_utf8(site.files["index.html"].clone())?;
    assert!(index.contains("<a href=\"index_.html\">A guide called index</a>"));
    assert!(site.files.contains_key("index_.html"));
    fs::remove_dir_all(dir)?;
    Ok(())
}
