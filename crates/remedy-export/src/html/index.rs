//! The site's front page (every guide, with search) and the search index it loads, both from
//! the guides' handouts.

use serde::Serialize;

use super::escape::{push_escaped, script_safe_json};
use super::page::{and_list, page_end, page_start};
use crate::handout::{Handout, Section, Step, Text};

/// The title of the front page.
pub const INDEX_TITLE: &str = "Troubleshooting guides";

/// The language of the front page: the guides' own when they all share one, else English.
fn site_lang(handouts: &[Handout]) -> &str {
    let mut langs = handouts.iter().map(|handout| handout.lang.as_str());
    match langs.next() {
        Some(first) if langs.all(|lang| lang == first) => first,
        _ => "en",
    }
}

pub(super) fn render_index(handouts: &[Handout]) -> String {
    let lang = site_lang(handouts);
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
    for handout in handouts {
        out.push_str("<li");
        if handout.lang != lang {
            out.push_str(" lang=\"");
            push_escaped(&mut out, &handout.lang);
            out.push('"');
        }
        out.push_str("><a href=\"");
        push_escaped(&mut out, &page_name(&handout.id));
        out.push_str("\">");
        push_escaped(&mut out, &handout.title);
        out.push_str("</a>\n<p>");
        push_escaped(&mut out, &handout.summary.plain_paragraphs().join(" "));
        out.push_str("</p>\n");
        if !handout.platforms.is_empty() {
            out.push_str("<p class=\"facts\">For ");
            push_escaped(&mut out, &and_list(&handout.platforms));
            out.push_str("</p>\n");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</section>\n</main>\n");
    page_end(&mut out);
    out
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
    /// Causes, tags and background: what the guide is about beyond its methods.
    about: String,
    sections: Vec<SearchSection<'a>>,
}

/// A method: its title and the words of every text of its steps, found by any of them.
#[derive(Serialize)]
struct SearchSection<'a> {
    anchor: &'a str,
    title: &'a str,
    text: String,
}

/// The distinct words of `text`, lowercase, in the order they first appear: all that search
/// matches against, at a fraction of the text's size (the script matches each word of a query
/// as a substring, so prefixes still find).
fn distinct_words(text: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        let word = word.to_lowercase();
        if seen.insert(word.clone()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word);
        }
    }
    out
}

fn push_words(out: &mut String, words: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(words);
}

fn push_text(out: &mut String, text: &Text) {
    push_words(out, &text.plain_paragraphs().join(" "));
}

/// Every text of a method's steps, in reading order, with an explicit stack.
fn push_steps(out: &mut String, steps: &[Step]) {
    let mut stack: Vec<&Step> = steps.iter().rev().collect();
    while let Some(step) = stack.pop() {
        push_text(out, &step.text);
        for text in [&step.warning, &step.note, &step.result]
            .into_iter()
            .flatten()
        {
            push_text(out, text);
        }
        if let Some(code) = &step.code {
            push_words(out, &code.lines.join(" "));
        }
        stack.extend(step.steps.iter().rev());
    }
}

pub(super) fn render_search_index(handouts: &[Handout]) -> String {
    let mut index = SearchIndex {
        version: 1,
        guides: Vec::with_capacity(handouts.len()),
    };
    for handout in handouts {
        let mut about = handout.tags.join(" ");
        for section in &handout.sections {
            match section {
                Section::Causes(causes) => {
                    for cause in causes {
                        push_words(&mut about, &cause.title);
                        if let Some(description) = &cause.description {
                            push_text(&mut about, description);
                        }
                    }
                }
                Section::Overview(text) => push_text(&mut about, text),
                _ => {}
            }
        }
        let sections = handout
            .methods()
            .iter()
            .map(|method| {
                let mut text = String::new();
                for field in [&method.summary, &method.best_for, &method.warning]
                    .into_iter()
                    .flatten()
                {
                    push_text(&mut text, field);
                }
                push_steps(&mut text, &method.steps);
                SearchSection {
                    anchor: &method.id,
                    title: &method.title,
                    text: distinct_words(&text),
                }
            })
            .collect();
        index.guides.push(SearchGuide {
            url: page_name(&handout.id),
            title: &handout.title,
            summary: handout.summary.plain_paragraphs().join(" "),
            about: distinct_words(&about),
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
