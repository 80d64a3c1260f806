//! One guide as a page: the handout's content in semantic HTML that reads and works without the
//! script. Element ids of the guide's causes, methods and steps are the guide's own ids (which
//! match `[a-z0-9-]+`, so references become `#id` links); the page's own ids all hold an `_`,
//! which no guide id can, so the two never collide.

use std::collections::BTreeMap;

use remedy_core::rich_text::{Inline, Paragraphs, parse, plain};
use remedy_core::{Guide, Image, Method, Reference, Step};

use super::escape::{escape, push_escaped, safe_url, url_path};
use super::images::Images;
use super::index::page_name;
use super::{Library, long_date, platform_list};

/// Everything one page needs while it is written.
pub(super) struct Page<'a> {
    pub guide: &'a Guide,
    pub library: &'a Library<'a>,
    pub platform_names: &'a BTreeMap<String, String>,
    pub images: &'a mut Images,
    /// The guide file's folder, relative to the content root (`icloud`), for image paths.
    pub folder: &'a str,
    pub out: String,
}

impl Page<'_> {
    fn push(&mut self, html: &str) {
        self.out.push_str(html);
    }

    fn text(&mut self, text: &str) {
        push_escaped(&mut self.out, text);
    }

    /// Rich text as inline HTML: paragraphs of a one-paragraph field joined by a space.
    fn inline(&mut self, text: &str) {
        let (rich, _) = parse(text, Paragraphs::Many, true);
        for (i, paragraph) in rich.paragraphs.iter().enumerate() {
            if i > 0 {
                self.push(" ");
            }
            self.inlines(paragraph);
        }
    }

    /// Rich text as `<p>` elements, each with `class` when given.
    fn paragraphs(&mut self, text: &str, class: Option<&str>) {
        let (rich, _) = parse(text, Paragraphs::Many, true);
        for paragraph in &rich.paragraphs {
            match class {
                Some(class) => {
                    self.push("<p class=\"");
                    self.push(class);
                    self.push("\">");
                }
                None => self.push("<p>"),
            }
            self.inlines(paragraph);
            self.push("</p>\n");
        }
    }

    /// Inlines, without recursion: emphasis and link texts nest as deep as the writer wrote them.
    fn inlines(&mut self, inlines: &[Inline]) {
        enum Work<'i> {
            Inline(&'i Inline),
            Close(&'static str),
        }
        let mut work: Vec<Work<'_>> = inlines.iter().rev().map(Work::Inline).collect();
        while let Some(item) = work.pop() {
            let inline = match item {
                Work::Close(tag) => {
                    self.push(tag);
                    continue;
                }
                Work::Inline(inline) => inline,
            };
            let (open, close, inner): (String, &'static str, &[Inline]) = match inline {
                Inline::Text(text) => {
                    self.text(text);
                    continue;
                }
                Inline::Label(text) => {
                    self.push("<b class=\"ui\">");
                    self.text(text);
                    self.push("</b>");
                    continue;
                }
                Inline::MenuPath(labels) => {
                    self.push("<b class=\"ui\">");
                    for (i, label) in labels.iter().enumerate() {
                        if i > 0 {
                            self.push(" <span class=\"sep\">\u{203a}</span> ");
                        }
                        self.text(label);
                    }
                    self.push("</b>");
                    continue;
                }
                Inline::Code(text) => {
                    self.push("<code>");
                    self.text(text);
                    self.push("</code>");
                    continue;
                }
                Inline::Emphasis(inner) => ("<em>".into(), "</em>", inner),
                Inline::Link { text, url } => match safe_url(url) {
                    Some(url) => (format!("<a href=\"{}\">", escape(url)), "</a>", text),
                    None => (String::new(), "", text),
                },
                Inline::Reference { text, target } => match self.href(target) {
                    Some(href) => (format!("<a href=\"{}\">", escape(&href)), "</a>", text),
                    None => (String::new(), "", text),
                },
            };
            self.push(&open);
            work.push(Work::Close(close));
            work.extend(inner.iter().rev().map(Work::Inline));
        }
    }

    /// Where a reference leads: `#id` here, `other.html#id` in another exported guide; `None`
    /// for a guide that is not part of this site.
    fn href(&self, reference: &Reference) -> Option<String> {
        match reference.guide() {
            None => Some(format!("#{}", reference.target())),
            Some(other) if other == self.guide.id.as_str() => {
                Some(format!("#{}", reference.target()))
            }
            Some(other) => {
                let guide = self.library.get(other)?;
                Some(if has_id(guide, reference.target()) {
                    format!("{}#{}", page_name(other), reference.target())
                } else {
                    page_name(other)
                })
            }
        }
    }

    /// The words for a reference: a method's title, "step 2.1 of …", a cause's title; in
    /// another guide with that guide's title after it.
    fn describe(&self, reference: &Reference) -> String {
        let guide_id = reference.guide().unwrap_or(self.guide.id.as_str());
        let Some(guide) = self.library.get(guide_id) else {
            return reference.as_str().to_owned();
        };
        let suffix = if guide_id == self.guide.id.as_str() {
            String::new()
        } else {
            format!(" (in \u{201c}{}\u{201d})", guide.title)
        };
        let target = reference.target();
        if let Some(method) = guide.method(target) {
            return format!("{}{suffix}", method.title);
        }
        for method in &guide.methods {
            let step = method.walk_steps().into_iter().find(|visit| {
                visit
                    .step
                    .id
                    .as_ref()
                    .is_some_and(|id| id.as_str() == target)
            });
            if let Some(visit) = step {
                return format!("step {} of {}{suffix}", visit.number(), method.title);
            }
        }
        if let Some(cause) = guide.causes.iter().find(|c| c.id.as_str() == target) {
            return format!("{}{suffix}", cause.title);
        }
        if suffix.is_empty() {
            reference.as_str().to_owned()
        } else {
            guide.title.clone()
        }
    }

    /// "Label A, B": a list of references as links.
    fn references(&mut self, label: &str, references: &[Reference], class: &str) {
        if references.is_empty() {
            return;
        }
        self.push("<p class=\"");
        self.push(class);
        self.push("\"><span class=\"lead\">");
        self.text(label);
        self.push("</span> ");
        for (i, reference) in references.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            let text = self.describe(reference);
            match self.href(reference) {
                Some(href) => {
                    self.push("<a href=\"");
                    self.text(&href);
                    self.push("\">");
                    self.text(&text);
                    self.push("</a>");
                }
                None => self.text(&text),
            }
        }
        self.push("</p>\n");
    }

    fn callout(&mut self, class: &str, label: &str, text: &str) {
        self.push("<div class=\"");
        self.push(class);
        self.push("\" role=\"note\"><p><strong>");
        self.text(label);
        self.push("</strong> ");
        self.inline(text);
        self.push("</p></div>\n");
    }

    fn figure(&mut self, image: &Image) {
        match self.images.place(self.folder, &image.src) {
            Some(path) => {
                self.push("<figure><img src=\"");
                self.text(&url_path(&path));
                self.push("\" alt=\"");
                self.text(&image.alt);
                self.push("\" loading=\"lazy\">");
                if let Some(caption) = &image.caption {
                    self.push("<figcaption>");
                    self.inline(caption);
                    self.push("</figcaption>");
                }
                self.push("</figure>\n");
            }
            // Only past lint errors (`--force`): the picture is not there, its text is.
            None => {
                self.push("<p class=\"missing-image\">");
                self.text(&image.alt);
                self.push("</p>\n");
            }
        }
    }
}

/// Whether `id` names a cause, method or step of `guide`.
fn has_id(guide: &Guide, id: &str) -> bool {
    guide.causes.iter().any(|c| c.id.as_str() == id)
        || guide.methods.iter().any(|method| {
            method.id.as_str() == id
                || method
                    .walk_steps()
                    .iter()
                    .any(|visit| visit.step.id.as_ref().is_some_and(|s| s.as_str() == id))
        })
}

/// `★★★☆☆` for the eye, "3 of 5" for a screen reader; a dash when absent.
fn rating(value: Option<u8>) -> String {
    match value {
        Some(value) => {
            let value = value.min(5);
            let filled = "\u{2605}".repeat(usize::from(value));
            let empty = "\u{2606}".repeat(usize::from(5 - value));
            format!(
                "<span class=\"stars\" aria-hidden=\"true\">{filled}{empty}</span><span class=\"vh\">{value} of 5</span>"
            )
        }
        None => {
            "<span aria-hidden=\"true\">\u{2013}</span><span class=\"vh\">not rated</span>".into()
        }
    }
}

fn risk_badge(risk: remedy_core::Risk) -> String {
    format!(
        "<span class=\"risk risk-{}\">{}</span>",
        risk.as_str(),
        risk.label()
    )
}

/// The head of every page and the skip link.
pub(super) fn page_start(
    out: &mut String,
    lang: &str,
    title: &str,
    description: &str,
    script: &[&str],
) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    push_escaped(out, lang);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    push_escaped(out, title);
    out.push_str("</title>\n<meta name=\"description\" content=\"");
    push_escaped(out, description);
    out.push_str("\">\n<meta name=\"generator\" content=\"remedy\">\n<link rel=\"stylesheet\" href=\"style.css\">\n");
    for src in script {
        out.push_str("<script src=\"");
        out.push_str(src);
        out.push_str("\" defer></script>\n");
    }
    out.push_str(
        "</head>\n<body>\n<a class=\"skip\" href=\"#main_content\">Skip to the content</a>\n",
    );
}

pub(super) fn page_end(out: &mut String) {
    out.push_str("<footer class=\"site-footer\"><p>Made with remedy from the guides\u{2019} source files.</p></footer>\n</body>\n</html>\n");
}

/// The id of a step's element: its own id, else one made from its method and number.
fn step_element_id(method: &Method, step: &Step, number: &str) -> String {
    match &step.id {
        Some(id) => id.as_str().to_owned(),
        None => format!("{}_step-{}", method.id.as_str(), number.replace('.', "-")),
    }
}

impl Page<'_> {
    pub(super) fn render(mut self) -> String {
        let guide = self.guide;
        let lang = guide.lang.as_deref().unwrap_or("en");
        let mut head = String::new();
        page_start(
            &mut head,
            lang,
            &guide.title,
            &plain(&guide.summary),
            &["site.js"],
        );
        self.out = head;
        self.push(
            "<header class=\"site-header\"><nav aria-label=\"Site\"><a href=\"index.html\">All guides</a></nav></header>\n",
        );
        self.push(
            "<main id=\"main_content\" tabindex=\"-1\">\n<article class=\"guide\" data-guide=\"",
        );
        self.text(guide.id.as_str());
        self.push("\">\n<header class=\"guide-header\">\n<h1>");
        self.text(&guide.title);
        self.push("</h1>\n");
        self.paragraphs(&guide.summary, Some("summary"));
        self.push("<p class=\"facts\">");
        if !guide.platforms.is_empty() {
            self.push("<span>For ");
            let names = platform_list(&guide.platforms, self.platform_names);
            self.text(&names);
            self.push("</span> <span aria-hidden=\"true\">\u{b7}</span> ");
        }
        self.push("<span>Reviewed <time datetime=\"");
        self.text(guide.updated.as_str());
        self.push("\">");
        self.text(&long_date(&guide.updated));
        self.push("</time></span></p>\n</header>\n");
        self.contents();
        if let Some(overview) = &guide.overview {
            self.section_start("background", "Background");
            self.paragraphs(overview, None);
            self.push("</section>\n");
        }
        self.glance();
        self.scenarios();
        self.causes();
        self.section_start("methods", "Methods");
        for index in 0..guide.methods.len() {
            self.method(index);
        }
        self.push("</section>\n");
        self.faq();
        self.related();
        self.push("</article>\n</main>\n");
        page_end(&mut self.out);
        self.out
    }

    fn section_start(&mut self, name: &str, title: &str) {
        self.push("<section class=\"");
        self.push(name);
        self.push("\" aria-labelledby=\"");
        self.push(name);
        self.push("_heading\">\n<h2 id=\"");
        self.push(name);
        self.push("_heading\">");
        self.text(title);
        self.push("</h2>\n");
    }

    fn contents(&mut self) {
        let guide = self.guide;
        self.push("<nav class=\"toc\" aria-labelledby=\"toc_heading\">\n<h2 id=\"toc_heading\">Methods, in the order to try them</h2>\n<ol>\n");
        for method in &guide.methods {
            self.push("<li><a href=\"#");
            self.text(method.id.as_str());
            self.push("\">");
            self.text(&method.title);
            self.push("</a></li>\n");
        }
        self.push("</ol>\n</nav>\n");
    }

    fn glance(&mut self) {
        let guide = self.guide;
        self.section_start("glance", "At a glance");
        self.push("<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"glance_heading\" tabindex=\"0\">\n<table>\n<thead><tr><th scope=\"col\">Method</th><th scope=\"col\">Best for</th><th scope=\"col\">Ease</th><th scope=\"col\">Effectiveness</th><th scope=\"col\">Time</th><th scope=\"col\">Data risk</th></tr></thead>\n<tbody>\n");
        for row in guide.comparison() {
            self.push("<tr><th scope=\"row\"><a href=\"#");
            self.text(row.method.as_str());
            self.push("\">");
            self.text(&row.title);
            self.push("</a></th><td>");
            match &row.best_for {
                Some(best_for) => self.inline(best_for),
                None => self.push("\u{2013}"),
            }
            self.push("</td><td>");
            self.push(&rating(row.ease));
            self.push("</td><td>");
            self.push(&rating(row.effectiveness));
            self.push("</td><td>");
            match row.time {
                Some(time) => self.text(&time.to_string()),
                None => self.push("\u{2013}"),
            }
            self.push("</td><td>");
            self.push(&risk_badge(row.risk));
            self.push("</td></tr>\n");
        }
        self.push("</tbody>\n</table>\n</div>\n</section>\n");
    }

    fn scenarios(&mut self) {
        let guide = self.guide;
        if guide.scenarios.is_empty() {
            return;
        }
        self.section_start("start", "Where to start");
        self.push("<ul class=\"scenarios\">\n");
        for scenario in &guide.scenarios {
            self.push("<li><p class=\"when\">");
            self.inline(&scenario.when);
            self.push("</p>");
            self.references("Try first:", &scenario.try_methods, "try");
            self.push("</li>\n");
        }
        self.push("</ul>\n</section>\n");
    }

    fn causes(&mut self) {
        let guide = self.guide;
        self.section_start("causes", "Causes");
        self.push("<ul class=\"causes\">\n");
        for cause in &guide.causes {
            self.push("<li id=\"");
            self.text(cause.id.as_str());
            self.push("\"><p class=\"cause-title\"><strong>");
            self.text(&cause.title);
            self.push("</strong></p>\n");
            if let Some(description) = &cause.description {
                self.paragraphs(description, None);
            }
            let fixes: Vec<Reference> = guide
                .methods_addressing(cause.id.as_str())
                .map(|method| Reference(method.id.as_str().to_owned()))
                .collect();
            self.references("Fixed by:", &fixes, "fixed-by");
            self.push("</li>\n");
        }
        self.push("</ul>\n</section>\n");
    }

    fn method(&mut self, index: usize) {
        let guide = self.guide;
        let Some(method) = guide.methods.get(index) else {
            return;
        };
        let id = method.id.as_str();
        self.push("<section class=\"method\" id=\"");
        self.text(id);
        self.push("\" aria-labelledby=\"");
        self.text(id);
        self.push("_heading\">\n<h3 id=\"");
        self.text(id);
        self.push("_heading\" tabindex=\"-1\"><span class=\"method-number\">Method ");
        self.text(&(index + 1).to_string());
        self.push(":</span> ");
        self.text(&method.title);
        self.push("</h3>\n");
        if let Some(summary) = &method.summary {
            self.paragraphs(summary, Some("method-summary"));
        }
        self.push("<dl class=\"method-facts\">\n");
        if let Some(best_for) = &method.best_for {
            self.push("<div><dt>Best for</dt><dd>");
            self.inline(best_for);
            self.push("</dd></div>\n");
        }
        self.push("<div><dt>Ease</dt><dd>");
        self.push(&rating(method.ease));
        self.push("</dd></div>\n<div><dt>Effectiveness</dt><dd>");
        self.push(&rating(method.effectiveness));
        self.push("</dd></div>\n");
        if let Some(time) = method.time {
            self.push("<div><dt>Time</dt><dd>");
            self.text(&time.to_string());
            self.push("</dd></div>\n");
        }
        self.push("<div><dt>Data risk</dt><dd>");
        self.push(&risk_badge(method.risk));
        self.push("</dd></div>\n");
        if !method.platforms.is_empty() {
            self.push("<div><dt>Applies to</dt><dd>");
            let names = platform_list(&method.platforms, self.platform_names);
            self.text(&names);
            self.push("</dd></div>\n");
        }
        self.push("</dl>\n");
        if !method.before.is_empty() {
            self.push("<h4>What to have ready</h4>\n<ul class=\"before\">\n");
            for item in &method.before {
                self.push("<li>");
                self.inline(item);
                self.push("</li>\n");
            }
            self.push("</ul>\n");
        }
        if let Some(warning) = &method.warning {
            self.callout("warning", "Warning:", warning);
        }
        if let Some(image) = &method.image {
            self.figure(image);
        }
        self.push("<h4 id=\"");
        self.text(id);
        self.push("_steps\">Steps</h4>\n");
        self.steps(method);
        self.pros_cons(method);
        self.fix_prompt(index);
        self.push("</section>\n");
    }

    /// The steps as nested ordered lists, walked without recursion.
    fn steps(&mut self, method: &Method) {
        let mut open = 0usize;
        let id = method.id.as_str();
        method.for_each_step(|step, path| {
            let depth = path.len();
            while open > depth {
                self.push("</li>\n</ol>\n");
                open -= 1;
            }
            if open == depth {
                self.push("</li>\n");
            } else {
                if depth == 1 {
                    self.push("<ol class=\"steps\" aria-labelledby=\"");
                    self.text(id);
                    self.push("_steps\">\n");
                } else {
                    self.push("<ol class=\"steps\">\n");
                }
                open += 1;
            }
            let number: Vec<String> = path.iter().map(usize::to_string).collect();
            let number = number.join(".");
            self.step(method, step, &number);
        });
        while open > 0 {
            self.push("</li>\n</ol>\n");
            open -= 1;
        }
    }

    fn step(&mut self, method: &Method, step: &Step, number: &str) {
        let element = step_element_id(method, step, number);
        let mut classes = vec!["step"];
        if step.is_destructive() {
            classes.push("destructive");
        } else if step.is_reset() {
            classes.push("resets");
        }
        if step.is_backup() {
            classes.push("backup");
        }
        self.push("<li id=\"");
        self.text(&element);
        self.push("\" class=\"");
        self.push(&classes.join(" "));
        self.push("\">\n");
        // The caution comes first: the reader must meet it before the instruction it guards.
        if let Some(warning) = &step.warning {
            self.callout("warning", "Warning:", warning);
        }
        self.push("<div class=\"step-text\"><input type=\"checkbox\" class=\"done\" id=\"");
        self.text(&element);
        self.push("_done\" aria-label=\"Step ");
        self.text(number);
        self.push(" done\"><p>");
        if step.is_destructive() {
            self.push("<strong class=\"tag tag-data-loss\">Data loss</strong> ");
        } else if step.is_reset() {
            self.push("<strong class=\"tag tag-resets\">Resets settings</strong> ");
        }
        if step.is_backup() {
            self.push("<strong class=\"tag tag-backup\">Backup</strong> ");
        }
        self.inline(&step.text);
        self.push("</p></div>\n");
        if let Some(code) = &step.code {
            self.push("<div class=\"code\">");
            if let Some(language) = code.language() {
                self.push("<p class=\"code-language\">");
                self.text(language);
                self.push("</p>");
            }
            self.push("<pre tabindex=\"0\"><code>");
            self.text(code.text());
            self.push("</code></pre></div>\n");
        }
        if let Some(image) = &step.image {
            self.figure(image);
        }
        if let Some(note) = &step.note {
            self.push("<div class=\"note\"><p class=\"lead\"><strong>Note</strong></p>");
            self.paragraphs(note, None);
            self.push("</div>\n");
        }
        if let Some(result) = &step.result {
            self.push("<p class=\"result\"><strong>Result:</strong> ");
            self.inline(result);
            self.push("</p>\n");
        }
        self.references("See:", step.see(), "see");
    }

    fn pros_cons(&mut self, method: &Method) {
        for (title, items, class) in [
            ("Pros", &method.pros, "pros"),
            ("Cons", &method.cons, "cons"),
        ] {
            if items.is_empty() {
                continue;
            }
            self.push("<h4>");
            self.push(title);
            self.push("</h4>\n<ul class=\"");
            self.push(class);
            self.push("\">\n");
            for item in items {
                self.push("<li>");
                self.inline(item);
                self.push("</li>\n");
            }
            self.push("</ul>\n");
        }
    }

    /// "Did this fix it?": without the script a sentence with a link to the next method; the
    /// script shows the two answers instead.
    fn fix_prompt(&mut self, index: usize) {
        let guide = self.guide;
        let Some(method) = guide.methods.get(index) else {
            return;
        };
        let next = guide.methods.get(index + 1);
        let id = method.id.as_str();
        self.push("<div class=\"fix-prompt\" role=\"group\" aria-labelledby=\"");
        self.text(id);
        self.push("_fixed\"");
        if let Some(next) = next {
            self.push(" data-next=\"");
            self.text(next.id.as_str());
            self.push("\"");
        }
        self.push(">\n<h4 id=\"");
        self.text(id);
        self.push(
            "_fixed\">Did this fix it?</h4>\n<p class=\"fix-static\">If it did, you are done. ",
        );
        match next {
            Some(next) => {
                self.push("If not, try the next method: <a href=\"#");
                self.text(next.id.as_str());
                self.push("\">");
                self.text(&next.title);
                self.push("</a>.");
            }
            None => self.push(last_method_advice(guide)),
        }
        self.push("</p>\n<p class=\"fix-answers\" hidden><button type=\"button\" data-answer=\"yes\">Yes, it is fixed</button> <button type=\"button\" data-answer=\"no\">");
        self.push(if next.is_some() {
            "No, try the next method"
        } else {
            "No, it is not fixed"
        });
        self.push("</button></p>\n<p class=\"fix-result\" role=\"status\"></p>\n</div>\n");
    }

    fn faq(&mut self) {
        let guide = self.guide;
        if guide.faq.is_empty() {
            return;
        }
        self.section_start("faq", "Questions");
        for faq in &guide.faq {
            self.push("<h3>");
            self.inline(&faq.question);
            self.push("</h3>\n");
            self.paragraphs(&faq.answer, None);
            self.references("See:", &faq.see, "see");
        }
        self.push("</section>\n");
    }

    fn related(&mut self) {
        let guide = self.guide;
        if guide.related.is_empty() {
            return;
        }
        self.section_start("related", "Related guides");
        self.push("<ul class=\"related\">\n");
        for related in &guide.related {
            self.push("<li>");
            match related {
                remedy_core::Related::Guide(id) => match self.library.get(id.as_str()) {
                    Some(other) => {
                        self.push("<a href=\"");
                        self.text(&page_name(id.as_str()));
                        self.push("\">");
                        self.text(&other.title);
                        self.push("</a>");
                    }
                    None => self.text(id.as_str()),
                },
                remedy_core::Related::External(link) => match safe_url(&link.url) {
                    Some(url) => {
                        self.push("<a href=\"");
                        self.text(url);
                        self.push("\">");
                        self.text(&link.title);
                        self.push("</a>");
                    }
                    None => self.text(&link.title),
                },
            }
            self.push("</li>\n");
        }
        self.push("</ul>\n</section>\n");
    }
}

/// What the last method's prompt says when it did not help.
fn last_method_advice(guide: &Guide) -> &'static str {
    match (guide.faq.is_empty(), guide.related.is_empty()) {
        (false, _) => "If not, this was the last method: see the questions below.",
        (true, false) => "If not, this was the last method: see the related guides below.",
        (true, true) => "If not, this was the last method of this guide.",
    }
}
