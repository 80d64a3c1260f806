//! One guide's handout as a page: its sections, in the handout's order, in semantic HTML that
//! reads and works without the script. Element ids of the guide's causes, methods and steps are
//! the guide's own ids (which match `[a-z0-9-]+`, so a reference becomes `#id`); the page's own
//! ids all hold an `_`, which no guide id can, so the two never collide.

use remedy_core::Risk;

use super::escape::{escape, push_escaped, safe_url, url_path};
use super::images::Images;
use super::index::page_name;
use crate::handout::{
    Cause, ComparisonRow, CrossRef, Handout, Image, Method, Question, RelatedItem, Scenario,
    Section, Span, Step, Target, Text,
};

/// One page being written.
pub(super) struct Page<'a> {
    pub handout: &'a Handout,
    pub images: &'a mut Images,
    pub out: String,
}

/// The address of a place in the exported set, from the page of guide `here`.
pub(super) fn href(here: &str, target: &Target) -> String {
    let (guide, fragment) = match target {
        Target::Guide { guide } => (guide, None),
        Target::Section { guide, section } => (guide, Some(format!("{section}_heading"))),
        Target::Method { guide, method } => (guide, Some(method.clone())),
        Target::Step { guide, step } => (guide, Some(step.clone())),
    };
    match fragment {
        Some(fragment) if guide == here => format!("#{fragment}"),
        Some(fragment) => format!("{}#{fragment}", page_name(guide)),
        None if guide == here => "#main_content".into(),
        None => page_name(guide),
    }
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

fn risk_badge(risk: Risk) -> String {
    format!(
        "<span class=\"risk risk-{}\">{}</span>",
        risk.as_str(),
        risk.label()
    )
}

/// "iOS, iPadOS and macOS".
pub(super) fn and_list(names: &[String]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The head of every page and the skip link.
pub(super) fn page_start(
    out: &mut String,
    lang: &str,
    title: &str,
    description: &str,
    scripts: &[&str],
) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    push_escaped(out, lang);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    push_escaped(out, title);
    out.push_str("</title>\n<meta name=\"description\" content=\"");
    push_escaped(out, description);
    out.push_str("\">\n<meta name=\"generator\" content=\"remedy\">\n<link rel=\"stylesheet\" href=\"style.css\">\n");
    for src in scripts {
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

impl Page<'_> {
    fn push(&mut self, html: &str) {
        self.out.push_str(html);
    }

    fn text(&mut self, text: &str) {
        push_escaped(&mut self.out, text);
    }

    fn here(&self) -> &str {
        &self.handout.id
    }

    /// Rich text as inline HTML: the paragraphs of a one-paragraph field joined by a space.
    fn inline(&mut self, text: &Text) {
        for (i, paragraph) in text.paragraphs.iter().enumerate() {
            if i > 0 {
                self.push(" ");
            }
            self.spans(paragraph);
        }
    }

    /// Rich text as `<p>` elements, each with `class` when given.
    fn paragraphs(&mut self, text: &Text, class: Option<&str>) {
        for paragraph in &text.paragraphs {
            match class {
                Some(class) => {
                    self.push("<p class=\"");
                    self.push(class);
                    self.push("\">");
                }
                None => self.push("<p>"),
            }
            self.spans(paragraph);
            self.push("</p>\n");
        }
    }

    /// Spans, without recursion: emphasis and link texts nest as deep as the writer wrote them.
    fn spans(&mut self, spans: &[Span]) {
        enum Work<'s> {
            Span(&'s Span),
            Close(&'static str),
        }
        let mut work: Vec<Work<'_>> = spans.iter().rev().map(Work::Span).collect();
        while let Some(item) = work.pop() {
            let span = match item {
                Work::Close(tag) => {
                    self.push(tag);
                    continue;
                }
                Work::Span(span) => span,
            };
            let (open, close, inner): (String, &'static str, &[Span]) = match span {
                Span::Text(text) => {
                    self.text(text);
                    continue;
                }
                Span::Label(text) => {
                    self.push("<b class=\"ui\">");
                    self.text(text);
                    self.push("</b>");
                    continue;
                }
                Span::MenuPath(labels) => {
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
                Span::Code(text) => {
                    self.push("<code>");
                    self.text(text);
                    self.push("</code>");
                    continue;
                }
                Span::Emphasis(inner) => ("<em>".into(), "</em>", inner),
                Span::Link { text, url } => match safe_url(url) {
                    Some(url) => (format!("<a href=\"{}\">", escape(url)), "</a>", text),
                    None => (String::new(), "", text),
                },
                Span::Reference { text, target } => match target {
                    Some(target) => (
                        format!("<a href=\"{}\">", escape(&href(self.here(), target))),
                        "</a>",
                        text,
                    ),
                    None => (String::new(), "", text),
                },
            };
            self.push(&open);
            work.push(Work::Close(close));
            work.extend(inner.iter().rev().map(Work::Span));
        }
    }

    fn cross_ref(&mut self, reference: &CrossRef) {
        match &reference.target {
            Some(target) => {
                let address = href(self.here(), target);
                self.push("<a href=\"");
                self.text(&address);
                self.push("\">");
                self.text(&reference.text);
                self.push("</a>");
            }
            None => self.text(&reference.text),
        }
    }

    /// "Label A, B": cross-references as links.
    fn cross_refs(&mut self, label: &str, references: &[CrossRef], class: &str) {
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
            self.cross_ref(reference);
        }
        self.push("</p>\n");
    }

    fn callout(&mut self, class: &str, label: &str, text: &Text) {
        self.push("<div class=\"");
        self.push(class);
        self.push("\" role=\"note\"><p><strong>");
        self.text(label);
        self.push("</strong> ");
        self.inline(text);
        self.push("</p></div>\n");
    }

    fn figure(&mut self, image: &Image) {
        // The picture is found from the guide's folder by its `src` as written, with the
        // checks of `images` (the handout's `path` is only named, never checked).
        let folder = self
            .handout
            .source
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        match self.images.place(folder, &image.src) {
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

    pub(super) fn render(mut self) -> String {
        let handout = self.handout;
        let mut head = String::new();
        page_start(
            &mut head,
            &handout.lang,
            &handout.title,
            &handout.summary.plain_paragraphs().join(" "),
            &["site.js"],
        );
        self.out = head;
        self.push(
            "<header class=\"site-header\"><nav aria-label=\"Site\"><a href=\"index.html\">All guides</a></nav></header>\n",
        );
        self.push(
            "<main id=\"main_content\" tabindex=\"-1\">\n<article class=\"guide\" data-guide=\"",
        );
        self.text(&handout.id);
        self.push("\">\n<header class=\"guide-header\">\n<h1>");
        self.text(&handout.title);
        self.push("</h1>\n");
        self.paragraphs(&handout.summary, Some("summary"));
        self.push("<p class=\"facts\">");
        if !handout.platforms.is_empty() {
            self.push("<span>For ");
            self.text(&and_list(&handout.platforms));
            self.push("</span> <span aria-hidden=\"true\">\u{b7}</span> ");
        }
        self.push("<span>Reviewed <time datetime=\"");
        self.text(&handout.reviewed.iso);
        self.push("\">");
        self.text(&handout.reviewed.long);
        self.push("</time></span></p>\n</header>\n");
        self.contents();
        for section in &handout.sections {
            self.section_start(section.key(), section.title());
            match section {
                Section::Overview(text) => self.paragraphs(text, None),
                Section::AtAGlance(rows) => self.glance(rows),
                Section::Causes(causes) => self.causes(causes),
                Section::Methods(methods) => {
                    for index in 0..methods.len() {
                        self.method(methods, index);
                    }
                }
                Section::Questions(questions) => self.questions(questions),
                Section::WhereToStart(scenarios) => self.scenarios(scenarios),
                Section::Related(items) => self.related(items),
            }
            self.push("</section>\n");
        }
        self.push("</article>\n</main>\n");
        page_end(&mut self.out);
        self.out
    }

    fn section_start(&mut self, key: &str, title: &str) {
        self.push("<section class=\"");
        self.push(key);
        self.push("\" aria-labelledby=\"");
        self.push(key);
        self.push("_heading\">\n<h2 id=\"");
        self.push(key);
        self.push("_heading\">");
        self.text(title);
        self.push("</h2>\n");
    }

    fn contents(&mut self) {
        let handout = self.handout;
        self.push("<nav class=\"toc\" aria-labelledby=\"toc_heading\">\n<h2 id=\"toc_heading\">Methods, in the order to try them</h2>\n<ol>\n");
        for method in handout.methods() {
            self.push("<li><a href=\"#");
            self.text(&method.id);
            self.push("\">");
            self.text(&method.title);
            self.push("</a></li>\n");
        }
        self.push("</ol>\n</nav>\n");
    }

    fn glance(&mut self, rows: &[ComparisonRow]) {
        self.push("<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"glance_heading\" tabindex=\"0\">\n<table>\n<thead><tr><th scope=\"col\">Method</th><th scope=\"col\">Best for</th><th scope=\"col\">Ease</th><th scope=\"col\">Effectiveness</th><th scope=\"col\">Time</th><th scope=\"col\">Data risk</th></tr></thead>\n<tbody>\n");
        for row in rows {
            self.push("<tr><th scope=\"row\">");
            self.cross_ref(&row.method);
            self.push("</th><td>");
            match &row.best_for {
                Some(best_for) => self.inline(best_for),
                None => self.push("\u{2013}"),
            }
            self.push("</td><td>");
            self.push(&rating(row.ease));
            self.push("</td><td>");
            self.push(&rating(row.effectiveness));
            self.push("</td><td>");
            match &row.time {
                Some(time) => self.text(time),
                None => self.push("\u{2013}"),
            }
            self.push("</td><td>");
            self.push(&risk_badge(row.risk));
            self.push("</td></tr>\n");
        }
        self.push("</tbody>\n</table>\n</div>\n");
    }

    fn scenarios(&mut self, scenarios: &[Scenario]) {
        self.push("<ul class=\"scenario-list\">\n");
        for scenario in scenarios {
            self.push("<li><p class=\"when\">");
            self.inline(&scenario.when);
            self.push("</p>");
            self.cross_refs("Try first:", &scenario.try_methods, "try");
            self.push("</li>\n");
        }
        self.push("</ul>\n");
    }

    fn causes(&mut self, causes: &[Cause]) {
        self.push("<ul class=\"cause-list\">\n");
        for cause in causes {
            self.push("<li id=\"");
            self.text(&cause.id);
            self.push("\"><p class=\"cause-title\"><strong>");
            self.text(&cause.title);
            self.push("</strong></p>\n");
            if let Some(description) = &cause.description {
                self.paragraphs(description, None);
            }
            self.cross_refs("Fixed by:", &cause.fixed_by, "fixed-by");
            self.push("</li>\n");
        }
        self.push("</ul>\n");
    }

    fn method(&mut self, methods: &[Method], index: usize) {
        let Some(method) = methods.get(index) else {
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
        self.text(&method.number.to_string());
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
        if let Some(time) = &method.time {
            self.push("<div><dt>Time</dt><dd>");
            self.text(time);
            self.push("</dd></div>\n");
        }
        self.push("<div><dt>Data risk</dt><dd>");
        self.push(&risk_badge(method.risk));
        self.push("</dd></div>\n");
        if !method.platforms.is_empty() {
            self.push("<div><dt>Applies to</dt><dd>");
            self.text(&and_list(&method.platforms));
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
        self.fix_prompt(method, methods.get(index + 1));
        self.push("</section>\n");
    }

    /// The steps as nested ordered lists, walked with an explicit stack.
    fn steps(&mut self, method: &Method) {
        // Each frame: the steps of one list and how many of them were written.
        let mut stack: Vec<(&[Step], usize)> = vec![(&method.steps, 0)];
        self.push("<ol class=\"steps\" aria-labelledby=\"");
        self.text(&method.id);
        self.push("_steps\">\n");
        while let Some((steps, written)) = stack.last_mut() {
            let steps: &[Step] = steps;
            match steps.get(*written) {
                Some(step) => {
                    *written += 1;
                    self.step(method, step);
                    if step.steps.is_empty() {
                        self.push("</li>\n");
                    } else {
                        self.push("<ol class=\"steps\">\n");
                        stack.push((&step.steps, 0));
                    }
                }
                None => {
                    stack.pop();
                    self.push("</ol>\n");
                    if !stack.is_empty() {
                        self.push("</li>\n");
                    }
                }
            }
        }
    }

    /// A step's element up to its sub-steps: the warning first, since the reader must meet it
    /// before the instruction it guards.
    fn step(&mut self, method: &Method, step: &Step) {
        let element = match &step.id {
            Some(id) => id.clone(),
            None => format!("{}_step-{}", method.id, step.number.replace('.', "-")),
        };
        let mut classes = vec!["step"];
        if step.data_loss {
            classes.push("destructive");
        } else if step.settings_reset {
            classes.push("resets");
        }
        if step.backup {
            classes.push("backup");
        }
        self.push("<li id=\"");
        self.text(&element);
        self.push("\" class=\"");
        self.push(&classes.join(" "));
        self.push("\">\n");
        if let Some(warning) = &step.warning {
            self.callout("warning", "Warning:", warning);
        }
        self.push("<div class=\"step-text\"><input type=\"checkbox\" class=\"done\" id=\"");
        self.text(&element);
        self.push("_done\" aria-label=\"Step ");
        self.text(&step.number);
        self.push(" done\"><p>");
        if step.data_loss {
            self.push("<strong class=\"tag tag-data-loss\">Data loss</strong> ");
        } else if step.settings_reset {
            self.push("<strong class=\"tag tag-resets\">Resets settings</strong> ");
        }
        if step.backup {
            self.push("<strong class=\"tag tag-backup\">Backup</strong> ");
        }
        self.inline(&step.text);
        self.push("</p></div>\n");
        if let Some(code) = &step.code {
            self.push("<div class=\"code\">");
            if let Some(language) = &code.language {
                self.push("<p class=\"code-language\">");
                self.text(language);
                self.push("</p>");
            }
            self.push("<pre tabindex=\"0\"><code>");
            self.text(&code.lines.join("\n"));
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
        self.cross_refs("See:", &step.see, "see");
    }

    /// "Did this fix it?": without the script a sentence with a link to the next method; the
    /// script shows the two answers instead.
    fn fix_prompt(&mut self, method: &Method, next: Option<&Method>) {
        let id = method.id.as_str();
        self.push("<div class=\"fix-prompt\" role=\"group\" aria-labelledby=\"");
        self.text(id);
        self.push("_fixed\"");
        if let Some(next) = next {
            self.push(" data-next=\"");
            self.text(&next.id);
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
                self.text(&next.id);
                self.push("\">");
                self.text(&next.title);
                self.push("</a>.");
            }
            None => {
                let advice = self.last_method_advice();
                self.push(advice);
            }
        }
        self.push("</p>\n<p class=\"fix-answers\" hidden><button type=\"button\" data-answer=\"yes\">Yes, it is fixed</button> <button type=\"button\" data-answer=\"no\">");
        self.push(if next.is_some() {
            "No, try the next method"
        } else {
            "No, it is not fixed"
        });
        self.push("</button></p>\n<p class=\"fix-result\" role=\"status\"></p>\n</div>\n");
    }

    /// What the last method's prompt says when it did not help.
    fn last_method_advice(&self) -> &'static str {
        let has = |key: &str| self.handout.sections.iter().any(|s| s.key() == key);
        match (has("faq"), has("related")) {
            (true, _) => "If not, this was the last method: see the questions below.",
            (false, true) => "If not, this was the last method: see the related guides below.",
            (false, false) => "If not, this was the last method of this guide.",
        }
    }

    fn questions(&mut self, questions: &[Question]) {
        for question in questions {
            self.push("<h3>");
            self.inline(&question.question);
            self.push("</h3>\n");
            self.paragraphs(&question.answer, None);
            self.cross_refs("See:", &question.see, "see");
        }
    }

    fn related(&mut self, items: &[RelatedItem]) {
        self.push("<ul class=\"related-list\">\n");
        for item in items {
            self.push("<li>");
            match item {
                RelatedItem::Guide { id, title } => {
                    self.push("<a href=\"");
                    self.text(&page_name(id));
                    self.push("\">");
                    self.text(title);
                    self.push("</a>");
                }
                RelatedItem::Missing { id } => self.text(id),
                RelatedItem::External { title, url } => match safe_url(url) {
                    Some(url) => {
                        self.push("<a href=\"");
                        self.text(url);
                        self.push("\">");
                        self.text(title);
                        self.push("</a>");
                    }
                    None => self.text(title),
                },
            }
            self.push("</li>\n");
        }
        self.push("</ul>\n");
    }
}
