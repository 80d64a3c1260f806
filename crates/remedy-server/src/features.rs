//! What the server answers about a place in a guide: hover, go to definition, completion and
//! rename, all from the workspace's outlines (no parse per request).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse,
    CompletionTextEdit, DocumentChangeOperation, DocumentChanges, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location, MarkupContent, MarkupKind,
    OneOf, OptionalVersionedTextDocumentIdentifier, PrepareRenameResponse, Range, RenameFile,
    RenameParams, ResourceOp, TextDocumentEdit, TextDocumentPositionParams, TextEdit,
    WorkspaceEdit,
};
use remedy_core::{Expected, IdKind, Position, Risk, Span};
use remedy_lint::workspace::{DeclaredId, Outline, ReferenceAt};

use crate::text::{Lines, contains};
use crate::{Server, path_of, uri_of};

/// What is under the cursor.
enum Target<'w> {
    Reference(&'w ReferenceAt),
    /// An internal link in a text, `[…](#id)` or `[…](guide#id)`, read from the line.
    Link(ReferenceAt),
    Declaration(&'w DeclaredId),
}

impl Target<'_> {
    fn reference(&self) -> Option<&ReferenceAt> {
        match self {
            Target::Reference(reference) => Some(reference),
            Target::Link(link) => Some(link),
            Target::Declaration(_) => None,
        }
    }
}

/// The internal link whose target the cursor is on: `id` for `(#id)`, `guide#id` for
/// `(guide#id)`, with the span of what is written between the parentheses.
fn link_at(lines: &Lines<'_>, position: Position) -> Option<ReferenceAt> {
    let line = lines.line(position.line.checked_sub(1)? as usize)?;
    let column = |byte: usize| u32::try_from(line.get(..byte)?.chars().count() + 1).ok();
    for (at, _) in line.match_indices("](") {
        let start = at + 2;
        let length = line.get(start..)?.find(')')?;
        let written = line.get(start..start + length)?;
        let is_reference = written.contains('#')
            && written
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '#');
        let span = Span::new(
            Position::new(position.line, column(start)?),
            Position::new(position.line, column(start + length)?),
        );
        if is_reference && contains(span, position) {
            return Some(ReferenceAt {
                text: written.strip_prefix('#').unwrap_or(written).to_owned(),
                expected: Expected::MethodOrStep,
                pointer: String::new(),
                span,
                in_text: true,
            });
        }
    }
    None
}

fn target_at<'o>(
    outline: &'o Outline,
    lines: &Lines<'_>,
    position: Position,
) -> Option<Target<'o>> {
    // A link's span is its whole text, which says nothing of where the link is: links are
    // read from the line instead.
    let mut references = outline.references.iter().filter(|r| !r.in_text);
    if let Some(reference) = references.find(|r| contains(r.span, position)) {
        return Some(Target::Reference(reference));
    }
    if let Some(link) = link_at(lines, position) {
        return Some(Target::Link(link));
    }
    outline
        .declarations
        .iter()
        .find(|d| contains(d.span, position))
        .map(Target::Declaration)
}

/// What a reference names: its guide's outline and, unless it names the guide itself, the
/// declaration.
fn resolve<'w>(
    server: &'w Server<'_>,
    from: &'w Outline,
    reference: &ReferenceAt,
) -> Option<(&'w Outline, Option<&'w DeclaredId>)> {
    let guide = match reference.target_guide() {
        Some(guide) if Some(guide) != from.guide_id.as_deref() => server.workspace.guide(guide)?,
        _ => from,
    };
    match reference.target_id() {
        None => Some((guide, None)),
        Some(id) => Some((guide, Some(guide.declaration(id)?))),
    }
}

fn kind_name(kind: IdKind) -> &'static str {
    match kind {
        IdKind::Cause => "cause",
        IdKind::Method => "method",
        IdKind::Step => "step",
    }
}

impl Server<'_> {
    fn position_in(
        &self,
        params: &TextDocumentPositionParams,
    ) -> Option<(std::path::PathBuf, Position)> {
        let path = path_of(&params.text_document.uri)?;
        let text = self.workspace.text(&path)?;
        let position = Lines::new(text).from_lsp(params.position, self.encoding);
        Some((path, position))
    }

    /// A file's remedy span as an LSP range, from its current text.
    fn range_in(&self, path: &Path, span: Span) -> Option<Range> {
        let text = self.text_of(path)?;
        Some(Lines::new(&text).range(span, self.encoding))
    }

    pub(crate) fn hover(&self, params: HoverParams) -> Option<Hover> {
        let (path, position) = self.position_in(&params.text_document_position_params)?;
        let outline = self.workspace.outline(&path)?;
        let lines = Lines::new(self.workspace.text(&path)?);
        let mut sections = Vec::new();
        let target = target_at(outline, &lines, position);
        match &target {
            Some(target @ (Target::Reference(_) | Target::Link(_))) => {
                let reference = target.reference()?;
                if let Some((guide, declaration)) = resolve(self, outline, reference) {
                    let guide_title = guide.title.as_deref().unwrap_or_default();
                    let guide_id = guide.guide_id.as_deref().unwrap_or_default();
                    let place = guide.display.display();
                    sections.push(match declaration {
                        Some(d) => format!(
                            "**{}**\n\n{} `{}` in the guide *{}* (`{}`, line {})",
                            d.title,
                            kind_name(d.kind),
                            d.id,
                            guide_title,
                            place,
                            d.span.start.line
                        ),
                        None => format!("**{guide_title}**\n\nthe guide `{guide_id}` (`{place}`)"),
                    });
                }
            }
            Some(Target::Declaration(declaration)) => {
                let uses = self
                    .references_to(outline.guide_id.as_deref(), &declaration.id)
                    .len();
                sections.push(format!(
                    "**{}**\n\n{} `{}`, referred to {} time{}",
                    declaration.title,
                    kind_name(declaration.kind),
                    declaration.id,
                    uses,
                    if uses == 1 { "" } else { "s" }
                ));
            }
            None => {}
        }
        for finding in self.findings.get(&path).into_iter().flatten() {
            if !contains(finding.span, position) {
                continue;
            }
            let doc = remedy_lint::rules::find(finding.rule)
                .map(|info| info.doc)
                .unwrap_or_default();
            sections.push(format!(
                "**{}[{}]**: {}\n\n---\n\n{}",
                finding.severity, finding.rule, finding.message, doc
            ));
        }
        if sections.is_empty() {
            return None;
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: sections.join("\n\n---\n\n"),
            }),
            range: None,
        })
    }

    pub(crate) fn definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Option<GotoDefinitionResponse> {
        let (path, position) = self.position_in(&params.text_document_position_params)?;
        let outline = self.workspace.outline(&path)?;
        let lines = Lines::new(self.workspace.text(&path)?);
        let target = target_at(outline, &lines, position)?;
        let (guide, declaration) = resolve(self, outline, target.reference()?)?;
        let span = match declaration {
            Some(declaration) => declaration.span,
            None => guide.guide_id_span?,
        };
        Some(GotoDefinitionResponse::Scalar(Location {
            uri: uri_of(&guide.path)?,
            range: self.range_in(&guide.path, span)?,
        }))
    }

    pub(crate) fn completion(&self, params: CompletionParams) -> Option<CompletionResponse> {
        let at = &params.text_document_position;
        let path = path_of(&at.text_document.uri)?;
        let text = self.workspace.text(&path)?;
        let lines = Lines::new(text);
        let position = lines.from_lsp(at.position, self.encoding);
        let line_index = position.line.saturating_sub(1) as usize;
        let line = lines.line(line_index)?;
        let prefix: String = line
            .chars()
            .take(position.column.saturating_sub(1) as usize)
            .collect();
        let context = completion_context(&lines, line_index, &prefix)?;
        let partial_chars = context.partial.chars().count() as u32;
        let start = Position::new(position.line, position.column.saturating_sub(partial_chars));
        let range = Range::new(lines.to_lsp(start, self.encoding), at.position);
        let own = self.workspace.outline(&path);
        let mut items = Vec::new();
        let mut push = |label: String, detail: String, kind, sort: &str| {
            items.push(CompletionItem {
                label: label.clone(),
                kind: Some(kind),
                detail: Some(detail),
                sort_text: Some(format!("{sort}{label}")),
                filter_text: Some(label.clone()),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, label))),
                ..CompletionItem::default()
            });
        };
        match context.wants {
            Wants::Values(values) => {
                for value in values {
                    push(
                        value.clone(),
                        "value".into(),
                        CompletionItemKind::ENUM_MEMBER,
                        "0",
                    );
                }
            }
            Wants::Ids { expected, link } => {
                let accepts = |kind| expected.is_none_or(|e: Expected| e.accepts(kind));
                let own_id = own.and_then(|o| o.guide_id.as_deref());
                match context.partial.split_once('#') {
                    Some((guide, _)) if !guide.is_empty() => {
                        if let Some(target) = self.workspace.guide(guide) {
                            for d in target.declarations.iter().filter(|d| accepts(d.kind)) {
                                push(
                                    format!("{guide}#{}", d.id),
                                    format!("{}: {}", kind_name(d.kind), d.title),
                                    CompletionItemKind::REFERENCE,
                                    "1",
                                );
                            }
                        }
                    }
                    _ => {
                        let local_prefix = if link { "#" } else { "" };
                        for d in own.iter().flat_map(|o| &o.declarations) {
                            if accepts(d.kind) {
                                push(
                                    format!("{local_prefix}{}", d.id),
                                    format!("{}: {}", kind_name(d.kind), d.title),
                                    CompletionItemKind::REFERENCE,
                                    "0",
                                );
                            }
                        }
                        if !context.partial.starts_with('#') {
                            let guide_itself = expected == Some(Expected::Guide);
                            for outline in self.workspace.outlines() {
                                let Some(id) = outline.guide_id.as_deref() else {
                                    continue;
                                };
                                if Some(id) == own_id && !link {
                                    continue;
                                }
                                let label = if guide_itself {
                                    id.to_owned()
                                } else {
                                    format!("{id}#")
                                };
                                let title = outline.title.clone().unwrap_or_default();
                                push(
                                    label,
                                    format!("guide: {title}"),
                                    CompletionItemKind::MODULE,
                                    "2",
                                );
                            }
                        }
                    }
                }
            }
        }
        Some(CompletionResponse::List(CompletionList {
            is_incomplete: true,
            items,
        }))
    }

    /// Every reference, in every guide, to `id` of the guide `guide`: (file, reference).
    fn references_to(&self, guide: Option<&str>, id: &str) -> Vec<(&Outline, &ReferenceAt)> {
        let Some(guide) = guide else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for outline in self.workspace.outlines() {
            for reference in outline.references.iter().filter(|r| !r.in_text) {
                let into = reference
                    .target_guide()
                    .or(outline.guide_id.as_deref())
                    .filter(|_| reference.expected != Expected::Guide);
                if into == Some(guide) && reference.target_id() == Some(id) {
                    found.push((outline, reference));
                }
            }
        }
        found
    }

    /// What a rename at the cursor renames, and where its name is written.
    fn rename_target(&self, params: &TextDocumentPositionParams) -> Option<(Renamed, Range)> {
        let (path, position) = self.position_in(params)?;
        let outline = self.workspace.outline(&path)?;
        let text = self.workspace.text(&path)?;
        let lines = Lines::new(text);
        let own = outline.guide_id.clone();
        let range = |span| lines.range(span, self.encoding);
        if let (Some(guide), Some(span)) = (&own, outline.guide_id_span)
            && contains(span, position)
        {
            let span = written_id(&lines, span, guide, 0, guide)?;
            return Some((Renamed::Guide(guide.clone()), range(span)));
        }
        let target = target_at(outline, &lines, position)?;
        match &target {
            Target::Declaration(d) => {
                let span = written_id(&lines, d.span, &d.id, 0, &d.id)?;
                Some((Renamed::Id(own?, d.id.clone()), range(span)))
            }
            Target::Reference(_) | Target::Link(_) => {
                let r = target.reference()?;
                if let Some(guide) = r.target_guide() {
                    // `related: guide`, or the cursor on the guide part of `guide#id`.
                    let span = written_id(&lines, r.span, &r.text, 0, guide)?;
                    if r.target_id().is_none() || position <= span.end {
                        return Some((Renamed::Guide(guide.to_owned()), range(span)));
                    }
                }
                let id = r.target_id()?;
                let guide = r.target_guide().map(str::to_owned).or(own)?;
                let skip = r.text.len() - id.len();
                let span = written_id(&lines, r.span, &r.text, skip, id)?;
                Some((Renamed::Id(guide, id.to_owned()), range(span)))
            }
        }
    }

    pub(crate) fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Option<PrepareRenameResponse> {
        let (renamed, range) = self.rename_target(&params)?;
        let placeholder = match renamed {
            Renamed::Guide(guide) => guide,
            Renamed::Id(_, id) => id,
        };
        Some(PrepareRenameResponse::RangeWithPlaceholder { range, placeholder })
    }

    pub(crate) fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>, String> {
        let new = params.new_name.trim();
        if !is_id(new) {
            return Err(format!(
                "`{new}` is not an id: use lower-case letters, digits and single hyphens, at most 64 characters"
            ));
        }
        let Some((renamed, _)) = self.rename_target(&params.text_document_position) else {
            return Ok(None);
        };
        let guide = match &renamed {
            Renamed::Guide(guide) | Renamed::Id(guide, _) => guide.as_str(),
        };
        let Some(holder) = self.workspace.guide(guide) else {
            return Err(format!(
                "no guide under the content root has the id `{guide}`"
            ));
        };
        // (file, node, text written there, where the name starts in it, the name)
        let mut sites: Vec<(&Path, Span, &str, usize, &str)> = Vec::new();
        match &renamed {
            Renamed::Id(_, old) => {
                if new != old && holder.declaration(new).is_some() {
                    return Err(format!("the guide `{guide}` already has an id `{new}`"));
                }
                if let Some(d) = holder.declaration(old) {
                    sites.push((&holder.path, d.span, &d.id, 0, old));
                }
                for (outline, r) in self.references_to(Some(guide), old) {
                    sites.push((
                        &outline.path,
                        r.span,
                        &r.text,
                        r.text.len() - old.len(),
                        old,
                    ));
                }
            }
            Renamed::Guide(old) => {
                if new != old && self.workspace.guide(new).is_some() {
                    return Err(format!("another guide already has the id `{new}`"));
                }
                if !self.can_rename_files {
                    return Err(format!(
                        "a guide's id is its file's name, and this editor cannot rename files through a language server; rename `{}` and its `id` by hand",
                        holder.display.display()
                    ));
                }
                if let Some(span) = holder.guide_id_span {
                    sites.push((&holder.path, span, old, 0, old));
                }
                for outline in self.workspace.outlines() {
                    for r in outline.references.iter().filter(|r| !r.in_text) {
                        if r.target_guide() == Some(old.as_str()) {
                            sites.push((&outline.path, r.span, &r.text, 0, old));
                        }
                    }
                }
            }
        }
        // Internal links in texts, `[…](#id)` and `[…](guide#id)`, found in the source text.
        let mut links: Vec<(&Path, String, usize, usize)> = Vec::new();
        for outline in self.workspace.outlines() {
            let path = outline.path.as_path();
            match &renamed {
                Renamed::Id(_, old) => {
                    if outline.guide_id.as_deref() == Some(guide) {
                        links.push((path, format!("](#{old})"), 3, old.len()));
                    }
                    let offset = 3 + guide.len();
                    links.push((path, format!("]({guide}#{old})"), offset, old.len()));
                }
                Renamed::Guide(old) => links.push((path, format!("]({old}#"), 2, old.len())),
            }
        }
        let mut texts: HashMap<&Path, Option<String>> = HashMap::new();
        let mut edits: BTreeMap<&Path, Vec<TextEdit>> = BTreeMap::new();
        for (path, pattern, offset, length) in links {
            let Some(text) = texts.entry(path).or_insert_with(|| self.text_of(path)) else {
                continue;
            };
            if !text.contains(&pattern) {
                continue;
            }
            let lines = Lines::new(text);
            for span in link_spans(&lines, &pattern, offset, length) {
                let edit = TextEdit::new(lines.range(span, self.encoding), new.to_owned());
                edits.entry(path).or_default().push(edit);
            }
        }
        for (path, node, written, skip, name) in sites {
            let Some(text) = texts.entry(path).or_insert_with(|| self.text_of(path)) else {
                continue;
            };
            let lines = Lines::new(text);
            let Some(span) = written_id(&lines, node, written, skip, name) else {
                continue;
            };
            let edit = TextEdit::new(lines.range(span, self.encoding), new.to_owned());
            edits.entry(path).or_default().push(edit);
        }
        for edits in edits.values_mut() {
            edits.sort_by_key(|edit| (edit.range.start.line, edit.range.start.character));
        }
        let Renamed::Guide(_) = renamed else {
            let changes = edits
                .into_iter()
                .filter_map(|(path, edits)| Some((uri_of(path)?, edits)))
                .collect();
            return Ok(Some(WorkspaceEdit {
                changes: Some(changes),
                ..WorkspaceEdit::default()
            }));
        };
        // The file takes the new id as its name, after its text is edited.
        let mut operations: Vec<DocumentChangeOperation> = edits
            .into_iter()
            .filter_map(|(path, edits)| {
                let version = self.versions.get(path).map(|(_, version)| *version);
                Some(DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: uri_of(path)?,
                        version,
                    },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                }))
            })
            .collect();
        let extension = holder
            .path
            .extension()
            .map_or("yaml".into(), |e| e.to_string_lossy().into_owned());
        let moved = holder.path.with_file_name(format!("{new}.{extension}"));
        if let (Some(old_uri), Some(new_uri)) = (uri_of(&holder.path), uri_of(&moved)) {
            operations.push(DocumentChangeOperation::Op(ResourceOp::Rename(
                RenameFile {
                    old_uri,
                    new_uri,
                    options: None,
                    annotation_id: None,
                },
            )));
        }
        Ok(Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(operations)),
            ..WorkspaceEdit::default()
        }))
    }
}

/// What a rename renames.
enum Renamed {
    /// A guide id: its `id`, every `related` entry and `guide#…` naming it, and its file.
    Guide(String),
    /// An id inside a guide (guide id, id): its declaration and every reference to it.
    Id(String, String),
}

/// Where the id part of a reference (or a declared id) is written: `written` is looked for
/// from the node's start on its first line, and the id is its part from `skip` bytes on.
fn written_id(lines: &Lines<'_>, node: Span, written: &str, skip: usize, id: &str) -> Option<Span> {
    let line = lines.line(node.start.line.checked_sub(1)? as usize)?;
    let from: usize = line
        .chars()
        .take(node.start.column.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    let at = from + line.get(from..)?.find(written)? + skip;
    let column =
        |byte: usize| -> Option<u32> { u32::try_from(line.get(..byte)?.chars().count() + 1).ok() };
    let start = column(at)?;
    let end = column(at + id.len())?;
    Some(Span::new(
        Position::new(node.start.line, start),
        Position::new(node.start.line, end),
    ))
}

/// Every place `pattern` is written, as the span of its `length` bytes from `offset` on.
fn link_spans(lines: &Lines<'_>, pattern: &str, offset: usize, length: usize) -> Vec<Span> {
    let mut spans = Vec::new();
    for (index, line) in lines.text().split('\n').enumerate() {
        let Ok(number) = u32::try_from(index + 1) else {
            break;
        };
        let column = |byte: usize| -> Option<u32> {
            u32::try_from(line.get(..byte)?.chars().count() + 1).ok()
        };
        for (at, _) in line.match_indices(pattern) {
            if let (Some(start), Some(end)) = (column(at + offset), column(at + offset + length)) {
                spans.push(Span::new(
                    Position::new(number, start),
                    Position::new(number, end),
                ));
            }
        }
    }
    spans
}

/// Whether a name is an id (SPEC §2: `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters).
fn is_id(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// What a completion at the cursor offers.
enum Wants {
    /// Ids: of this kind (any kind for links), `#id` for an internal link.
    Ids {
        expected: Option<Expected>,
        link: bool,
    },
    /// The values of an enum or a flag.
    Values(Vec<String>),
}

struct Context {
    wants: Wants,
    /// What is typed of the value so far, before the cursor.
    partial: String,
}

/// What the cursor is in: a link's target, the value of a reference or enum key, or an item
/// of a reference list.
fn completion_context(lines: &Lines<'_>, line_index: usize, prefix: &str) -> Option<Context> {
    if let Some(open) = prefix.rfind("](") {
        let partial = &prefix[open + 2..];
        if !partial.contains([')', ' ']) {
            return Some(Context {
                wants: Wants::Ids {
                    expected: None,
                    link: true,
                },
                partial: partial.to_owned(),
            });
        }
    }
    let trimmed = prefix.trim_start();
    let indent = prefix.len() - trimmed.len();
    let (item, rest) = match trimmed.strip_prefix("- ") {
        Some(rest) => (true, rest.trim_start()),
        // A dash just typed.
        None if trimmed == "-" => (true, ""),
        None => (false, trimmed),
    };
    if let Some((key, value)) = rest.split_once(':')
        && is_key(key)
    {
        let value = value.trim_start();
        let inside_flow = value.starts_with('[');
        let partial = value
            .rsplit([',', '['])
            .next()
            .unwrap_or_default()
            .trim_start();
        // A step's `see` is one reference; `addresses`, `try` and `related` are lists, inline
        // only in flow style.
        let wants = wants_for(key, inside_flow || key == "see" || !is_list_key(key))?;
        return Some(Context {
            wants,
            partial: unquote(partial).to_owned(),
        });
    }
    if !item {
        return None;
    }
    let key = parent_key(lines, line_index, indent)?;
    if !is_list_key(&key) {
        return None;
    }
    Some(Context {
        wants: wants_for(&key, true)?,
        partial: unquote(rest).to_owned(),
    })
}

fn is_key(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn is_list_key(key: &str) -> bool {
    matches!(key, "addresses" | "try" | "related") || key == "see"
}

fn unquote(text: &str) -> &str {
    text.trim_start_matches(['"', '\''])
}

fn wants_for(key: &str, value_here: bool) -> Option<Wants> {
    if !value_here {
        return None;
    }
    let ids = |expected| {
        Some(Wants::Ids {
            expected: Some(expected),
            link: false,
        })
    };
    match key {
        "addresses" => ids(Expected::Cause),
        "try" => ids(Expected::Method),
        "see" => ids(Expected::MethodOrStep),
        "related" => ids(Expected::Guide),
        "risk" => Some(Wants::Values(
            Risk::ALL
                .iter()
                .filter_map(|risk| serde_json::to_value(risk).ok())
                .filter_map(|value| value.as_str().map(str::to_owned))
                .collect(),
        )),
        "destructive" | "backup" | "resets" => {
            Some(Wants::Values(vec!["true".into(), "false".into()]))
        }
        _ => None,
    }
}

/// The key of the block sequence whose item starts at `indent` on line `line_index`.
fn parent_key(lines: &Lines<'_>, line_index: usize, indent: usize) -> Option<String> {
    for above in (0..line_index).rev() {
        let line = lines.line(above)?;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at = line.len() - trimmed.len();
        if at > indent || (at == indent && trimmed.starts_with("- ")) {
            continue;
        }
        let entry = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let key = entry.trim_end().strip_suffix(':')?;
        return is_key(key).then(|| key.to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wants(text: &str, line: usize, prefix: &str) -> Option<String> {
        let lines = Lines::new(text);
        let context = completion_context(&lines, line, prefix)?;
        Some(match context.wants {
            Wants::Ids { expected, link } => format!("{expected:?} {link} {}", context.partial),
            Wants::Values(values) => values.join(","),
        })
    }

    #[test]
    fn the_cursor_is_placed_in_reference_lists_keys_and_links() {
        let compact = "scenarios:\n  - when: x\n    try:\n    - a\n    - \n";
        assert_eq!(
            wants(compact, 4, "    - ").as_deref(),
            Some("Some(Method) false ")
        );
        let dash = "methods:\n  - id: a\n    addresses:\n      -\n";
        assert_eq!(
            wants(dash, 3, "      -").as_deref(),
            Some("Some(Cause) false ")
        );
        let text = "methods:\n  - id: a\n    addresses:\n      - no-\n";
        assert_eq!(
            wants(text, 3, "      - no-").as_deref(),
            Some("Some(Cause) false no-")
        );
        assert_eq!(
            wants("", 0, "    addresses: [x, y").as_deref(),
            Some("Some(Cause) false y")
        );
        assert_eq!(
            wants("", 0, "  - see: g#").as_deref(),
            Some("Some(MethodOrStep) false g#")
        );
        assert_eq!(
            wants("", 0, "    risk: ").as_deref(),
            Some("very-low,low,moderate,high,very-high")
        );
        assert_eq!(
            wants("", 0, "text: see [the reset](#re").as_deref(),
            Some("None true #re")
        );
        assert_eq!(wants("", 0, "    addresses: ").as_deref(), None);
        assert_eq!(wants("", 0, "    title: x").as_deref(), None);
    }

    #[test]
    fn links_are_found_in_texts_after_an_emoji() {
        let lines = Lines::new("a: x\noverview: \"😀 see [it](g#m) and [it](g#m).\"\n");
        let spans = link_spans(&lines, "](g#m)", 4, 1);
        let at = |column| Span::new(Position::new(2, column), Position::new(2, column + 1));
        assert_eq!(spans, [at(25), at(39)]);
    }

    #[test]
    fn ids_follow_the_spec_pattern() {
        assert!(is_id("reset-network-2"));
        assert!(!is_id("Reset"));
        assert!(!is_id("a--b"));
        assert!(!is_id("-a"));
        assert!(!is_id(""));
    }

    #[test]
    fn the_id_part_of_a_quoted_reference_is_found_after_an_emoji() {
        let lines = Lines::new("see: \"g#x-y\" # 😀\n");
        let node = Span::new(Position::new(1, 6), Position::new(1, 13));
        let span = written_id(&lines, node, "g#x-y", 2, "x-y");
        assert_eq!(
            span,
            Some(Span::new(Position::new(1, 9), Position::new(1, 12)))
        );
    }
}
