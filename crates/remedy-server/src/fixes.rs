//! Quick fixes for findings: mark a step destructive or not, suppress a finding with a reason,
//! apply a "did you mean". Each is a workspace edit for the client to apply.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    Position as LspPosition, Range, TextEdit, Url, WorkspaceEdit,
};
use remedy_core::yaml::{self, Limits};
use remedy_core::{Position, SourceText, Span};
use remedy_lint::Finding;
use remedy_lint::rules::{UndeclaredDestructive, UnusedSuppression, YamlSyntax};

use crate::text::{Encoding, Lines};
use crate::{Server, diagnostic, path_of};

/// What a suppression's reason says until the writer replaces it.
const REASON: &str = "say why this finding does not apply here";

impl Server<'_> {
    pub(crate) fn code_actions(&self, params: CodeActionParams) -> Option<CodeActionResponse> {
        let uri = params.text_document.uri;
        let path = path_of(&uri)?;
        let text = self.workspace.text(&path)?;
        let lines = Lines::new(text);
        let wanted = Span::new(
            lines.from_lsp(params.range.start, self.encoding),
            lines.from_lsp(params.range.end, self.encoding),
        );
        let mut actions = Vec::new();
        for finding in self.findings.get(&path).into_iter().flatten() {
            // By lines: the editor asks for the cursor's place, which may be before the node
            // on its line.
            if finding.span.end.line < wanted.start.line
                || wanted.end.line < finding.span.start.line
            {
                continue;
            }
            let fix = Fix {
                uri: &uri,
                lines: &lines,
                encoding: self.encoding,
                finding,
            };
            if finding.rule == UndeclaredDestructive::NAME {
                actions.extend(fix.mark_destructive(true));
                actions.extend(fix.mark_destructive(false));
            }
            actions.extend(fix.did_you_mean());
            if finding.rule != UnusedSuppression::NAME && finding.rule != YamlSyntax::NAME {
                actions.extend(fix.suppress());
            }
        }
        Some(
            actions
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect(),
        )
    }
}

struct Fix<'a> {
    uri: &'a Url,
    lines: &'a Lines<'a>,
    encoding: Encoding,
    finding: &'a Finding,
}

impl Fix<'_> {
    fn action(&self, title: String, edit: TextEdit, preferred: bool) -> CodeAction {
        let changes = HashMap::from([(self.uri.clone(), vec![edit])]);
        CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic(self.finding, self.lines, self.encoding)]),
            edit: Some(WorkspaceEdit {
                changes: Some(changes),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(preferred),
            ..CodeAction::default()
        }
    }

    /// `destructive: true|false` on the step the finding names: the existing value replaced,
    /// or a line after the step's `text`.
    fn mark_destructive(&self, destructive: bool) -> Option<CodeAction> {
        let source = SourceText::new(self.lines.text().to_owned());
        let document = yaml::parse(&source, Limits::default()).ok()?;
        let map = &document.source_map;
        let step = &self.finding.pointer;
        let value = if destructive { "true" } else { "false" };
        let edit = match map.get(&format!("{step}/destructive")) {
            Some(existing) => TextEdit::new(
                self.lines.range(existing.value, self.encoding),
                value.into(),
            ),
            None => {
                let text = map.get(&format!("{step}/text"))?;
                let key = text.key?;
                let at = self.lines.to_lsp(text.value.end, self.encoding);
                // A step written as a flow mapping (`- {text: …}`) takes the key inline.
                let start = map.get(step)?.value.start;
                let flow = self
                    .lines
                    .line(start.line.checked_sub(1)? as usize)?
                    .chars()
                    .nth(start.column.checked_sub(1)? as usize)
                    == Some('{');
                let insert = if flow {
                    format!(", destructive: {value}")
                } else {
                    let indent = " ".repeat(key.start.column.saturating_sub(1) as usize);
                    format!("\n{indent}destructive: {value}")
                };
                TextEdit::new(Range::new(at, at), insert)
            }
        };
        let title = if destructive {
            "Mark this step destructive (`destructive: true`)"
        } else {
            "Mark this step as not destructive (`destructive: false`)"
        };
        Some(self.action(title.into(), edit, false))
    }

    /// `# remedy: ignore[rule] -- reason` on the line above the finding, at its indentation.
    fn suppress(&self) -> Option<CodeAction> {
        let line = self.finding.span.start.line.checked_sub(1)?;
        let text = self.lines.line(line as usize)?;
        let indent: String = text.chars().take_while(|c| *c == ' ').collect();
        let at = LspPosition::new(line, 0);
        let comment = format!(
            "{indent}# remedy: ignore[{}] -- {REASON}\n",
            self.finding.rule
        );
        Some(self.action(
            format!("Suppress `{}` here, with a reason", self.finding.rule),
            TextEdit::new(Range::new(at, at), comment),
            false,
        ))
    }

    /// The name a "did you mean `…`?" offers, in place of the finding's node.
    fn did_you_mean(&self) -> Option<CodeAction> {
        let (_, after) = self.finding.message.split_once("did you mean `")?;
        let (suggestion, _) = after.split_once('`')?;
        let span = self.finding.span;
        // Only a node on one line is replaced whole; anything longer is not a name.
        if span.start.line != span.end.line || span.end <= span.start {
            return None;
        }
        let written = self.written(span)?;
        let range = self.lines.range(span, self.encoding);
        let quote = written.chars().next().filter(|c| *c == '"' || *c == '\'');
        let replacement = match quote {
            Some(q) => format!("{q}{suggestion}{q}"),
            None => suggestion.to_owned(),
        };
        Some(self.action(
            format!(
                "Change `{}` to `{suggestion}`",
                written.trim_matches(['"', '\''])
            ),
            TextEdit::new(range, replacement),
            true,
        ))
    }

    fn written(&self, span: Span) -> Option<String> {
        let line = self.lines.line(span.start.line.checked_sub(1)? as usize)?;
        let Position { column: from, .. } = span.start;
        let length = span.end.column.checked_sub(from)?;
        Some(
            line.chars()
                .skip(from.saturating_sub(1) as usize)
                .take(length as usize)
                .collect(),
        )
    }
}
