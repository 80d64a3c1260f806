//! The site's front page (every guide, with search) and the search index it loads.

use std::collections::BTreeMap;

use remedy_core::Guide;
use remedy_core::rich_text::plain;
use serde::Serialize;

use super::escape::{push_escaped, script_safe_json};
use super::page::{page_end, page_start};
use super::{ExportGuide, platform_list};

/// The title of the front page.
pub const INDEX_TITLE: &str = "Troubleshooting guides";

/// The language of the front page: the guides' own when they all share one, else English.
fn site_lang<'g>(guides: &[ExportGuide<'g>]) -> &'g str {
    let mut langs = guides
        .iter()
        .map(|export| export.guide.lang.as_deref().unwrap_or("en"));
    match langs.next() {
        Some(first) if langs.all(|lang| lang == first) => first,
        _ => "en",
    }
}

pub(super) fn render_index(
    guides: &[ExportGuide<'_>],
    platform_names: &BTreeMap<String, String>,
) -> String {
    let lang = site_lang(guides);
    let mut out = String::new();
    page_start(
        &mut out,
        lang,
        INDEX_TITLE,
        "Every troubleshooting guide, with search.",
        &["search-index.js", "site.js"],
    );
    out.push_str("<main id=\"main_content\" tabindex=\"-1\">\n<h1>");
    out.push_str(INDEX_TITLE);
    out.push_str("</h1>\n<form class=\"search\" role=\"search\" hidden action=\"#\">\n<label for=\"search_input\">Search every guide: titles, causes and steps</label>\n<input type=\"search\" id=\"search_input\" name=\"q\" autocomplete=\"off\" spellcheck=\"false\">\n<p id=\"search_status\" class=\"search-status\" role=\"status\"></p>\n<ol id=\"search_results\" class=\"search-results\"></ol>\n</form>\n<section aria-labelledby=\"all_heading\">\n<h2 id=\"all_heading\">All guides</h2>\n<ul class=\"guide-list\">\n");
    for export in guides {
        let guide = export.guide;
        let own_lang = guide.lang.as_deref().unwrap_or("en");
        out.push_str("<li");
        if own_lang != lang {
            out.push_str(" lang=\"");
            push_escaped(&mut out, own_lang);
            out.push('"');
        }
        out.push_str("><a href=\"");
        push_escaped(&mut out, &page_file(guide));
        out.push_str("\">");
        push_escaped(&mut out, &guide.title);
        out.push_str("</a>\n<p>");
        push_escaped(&mut out, &plain(&guide.summary));
        out.push_str("</p>\n");
        if !guide.platforms.is_empty() {
            out.push_str("<p class=\"facts\">For ");
            push_escaped(&mut out, &platform_list(&guide.platforms, platform_names));
            out.push_str("</p>\n");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</section>\n</main>\n");
    page_end(&mut out);
    out
}

/// A guide's page file: `<id>.html`.
pub(super) fn page_file(guide: &Guide) -> String {
    page_name(guide.id.as_str())
}

/// The page file of the guide `id`: `<id>.html`, except that a guide named `index` cannot take
/// the front page's name and gets `index_.html` (no guide id holds an `_`).
pub(super) fn page_name(id: &str) -> String {
    if id == "index" {
        "index_.html".into()
    } else {
        format!("{id}.html")
    }
}

/// The search index: `search-index.js`, a script rather than JSON so that a site opened from
/// the file system (where `fetch` of a local file is refused) can still search.
#[derive(Serialize)]
struct SearchIndex<'a> {
    version: u32,
    guides: Vec<SearchGuide<'a>>,
}

#[derive(Serialize)]
struct SearchGuide<'a> {
    url: String,
    title: &'a str,
    summary: String,
    /// Causes and tags: what the guide is about beyond its methods.
    about: String,
    sections: Vec<SearchSection<'a>>,
}

/// A method: its title and every text of its steps, found by a word from any of them.
#[derive(Serialize)]
struct SearchSection<'a> {
    anchor: &'a str,
    title: &'a str,
    text: String,
}

fn push_text(out: &mut String, text: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(&plain(text));
}

pub(super) fn render_search_index(guides: &[ExportGuide<'_>]) -> String {
    let mut index = SearchIndex {
        version: 1,
        guides: Vec::with_capacity(guides.len()),
    };
    for export in guides {
        let guide = export.guide;
        let mut about = String::new();
        for tag in &guide.tags {
            push_text(&mut about, tag.as_str());
        }
        for cause in &guide.causes {
            push_text(&mut about, &cause.title);
            if let Some(description) = &cause.description {
                push_text(&mut about, description);
            }
        }
        if let Some(overview) = &guide.overview {
            push_text(&mut about, overview);
        }
        let sections = guide
            .methods
            .iter()
            .map(|method| {
                let mut text = String::new();
                for field in [&method.summary, &method.best_for, &method.warning]
                    .into_iter()
                    .flatten()
                {
                    push_text(&mut text, field);
                }
                method.for_each_step(|step, _| {
                    push_text(&mut text, &step.text);
                    for field in [&step.warning, &step.note, &step.result]
                        .into_iter()
                        .flatten()
                    {
                        push_text(&mut text, field);
                    }
                    if let Some(code) = &step.code {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        text.push_str(code.text());
                    }
                });
                SearchSection {
                    anchor: method.id.as_str(),
                    title: &method.title,
                    text,
                }
            })
            .collect();
        index.guides.push(SearchGuide {
            url: page_file(guide),
            title: &guide.title,
            summary: plain(&guide.summary),
            about,
            sections,
        });
    }
    // Serializing strings and numbers cannot fail; an empty index is still a working one.
    let json =
        serde_json::to_string(&index).unwrap_or_else(|_| "{\"version\":1,\"guides\":[]}".into());
    format!(
        "// The search index of this site, written by remedy.\nself.remedySearchIndex = {};\n",
        script_safe_json(&json)
    )
}
