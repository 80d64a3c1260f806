//! `remedy server`: the linter in the editor, as a language server (LSP 3.17 over stdio).
//!
//! The server indexes every guide under the content root once ([`remedy_lint::Workspace`]),
//! then lints each open document from the editor's text as the writer types (debounced), with
//! the findings, rule codes, messages and positions of `remedy lint`, in the position encoding
//! the client negotiated. A change to one guide's ids re-checks the open guides that refer to
//! it. On top: hover, go to definition, completion, quick fixes and rename
//! ([`features`], [`fixes`]). The server never writes a file: every change goes to the client
//! as a workspace edit.

mod features;
mod fixes;
pub mod text;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentDiagnosticRequest, GotoDefinition, HoverRequest,
    PrepareRenameRequest, RegisterCapability, Rename, Request as _,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, Diagnostic,
    DiagnosticSeverity, DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, InitializeParams, MessageType, NumberOrString, OneOf,
    PublishDiagnosticsParams, Registration, RegistrationParams, RenameOptions,
    ResourceOperationKind, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, Url,
};
use remedy_lint::{Config, Finding, Severity, Workspace};
use thiserror::Error;

use crate::text::{Encoding, Lines};

/// How long the server waits after a change before it lints, so that a burst of keystrokes is
/// linted once.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// Why the server stopped other than by the protocol's shutdown and exit.
#[derive(Debug, Error)]
pub enum ServerError {
    /// The client broke the protocol, or the connection failed.
    #[error("language server protocol error: {0}")]
    Protocol(String),
    /// Reading standard input or writing standard output failed.
    #[error("language server input/output error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<lsp_server::ProtocolError> for ServerError {
    fn from(error: lsp_server::ProtocolError) -> Self {
        ServerError::Protocol(error.to_string())
    }
}

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `shutdown` then `exit`, as the protocol asks: exit code 0.
    Clean,
    /// `exit` without `shutdown`, or the client went away: exit code 1.
    WithoutShutdown,
}

/// What the server starts from.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// `--config FILE`, relative to `cwd`; otherwise `remedy.toml` is looked for in the
    /// workspace folder the client names, then in `cwd`.
    pub config: Option<PathBuf>,
    /// The working directory.
    pub cwd: PathBuf,
}

/// Serves one client over standard input and output until it exits.
pub fn run_stdio(options: ServerOptions) -> Result<Ended, ServerError> {
    let (connection, io_threads) = Connection::stdio();
    let ended = serve(&connection, options)?;
    drop(connection);
    io_threads.join()?;
    Ok(ended)
}

/// Serves one client over a connection until it exits.
pub fn serve(connection: &Connection, options: ServerOptions) -> Result<Ended, ServerError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|error| ServerError::Protocol(format!("bad initialize parameters: {error}")))?;
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_deref()),
    );
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": ServerInfo {
            name: "remedy".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    connection.initialize_finish(id, result)?;

    let root = workspace_root(&params).unwrap_or_else(|| options.cwd.clone());
    let explicit = options.config.as_ref().map(|path| options.cwd.join(path));
    let (mut config, problem) = match Config::load(explicit.as_deref(), &root) {
        Ok(config) => (config, None),
        Err(error) => (
            Config {
                content: root.join("content"),
                ..Config::default()
            },
            Some(error.to_string()),
        ),
    };
    // A folder of guides without remedy.toml or content/: the folder is the content root.
    if config.file.is_none() && !root.join(&config.content).is_dir() {
        config.content = root.clone();
    }
    let edits = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|workspace| workspace.workspace_edit.as_ref());
    let can_rename_files = edits.is_some_and(|edits| {
        edits.document_changes == Some(true)
            && edits
                .resource_operations
                .as_ref()
                .is_some_and(|kinds| kinds.contains(&ResourceOperationKind::Rename))
    });
    let mut server = Server {
        connection,
        can_rename_files,
        workspace: Workspace::load(config, &root),
        encoding,
        findings: HashMap::new(),
        versions: HashMap::new(),
        due: HashMap::new(),
        changed_guides: HashSet::new(),
        next_request: 0,
    };
    if let Some(problem) = problem {
        server.notify::<ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message: format!("remedy: {problem}; linting with the default settings"),
        })?;
    }
    let watches = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|workspace| workspace.did_change_watched_files.as_ref())
        .and_then(|watched| watched.dynamic_registration)
        .unwrap_or(false);
    if watches {
        server.watch_guide_files()?;
    }
    server.main_loop()
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![
                "#".into(),
                " ".into(),
                "[".into(),
                "(".into(),
                "-".into(),
            ]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        ..ServerCapabilities::default()
    }
}

/// The first workspace folder, or the root URI, when it is a local folder.
#[allow(deprecated)] // `root_uri` is how clients before workspace folders name the root.
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| &folder.uri);
    folder
        .or(params.root_uri.as_ref())
        .and_then(|uri| uri.to_file_path().ok())
}

/// The server's state between messages.
pub(crate) struct Server<'c> {
    connection: &'c Connection,
    pub(crate) workspace: Workspace,
    pub(crate) encoding: Encoding,
    /// Whether the client applies file renames in workspace edits (a guide id's rename).
    can_rename_files: bool,
    /// The findings last published for each open document.
    pub(crate) findings: HashMap<PathBuf, Vec<Finding>>,
    /// Each open document's URI and version.
    versions: HashMap<PathBuf, (Url, i32)>,
    /// Documents changed but not linted yet, and when to lint them.
    due: HashMap<PathBuf, Instant>,
    /// Guide ids whose ids changed since the open documents that refer to them were linted.
    changed_guides: HashSet<String>,
    next_request: i32,
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<Ended, ServerError> {
        let mut shutdown = false;
        loop {
            let next = self.due.values().min().copied();
            let message = match next {
                Some(deadline) => match self.connection.receiver.recv_deadline(deadline) {
                    Ok(message) => Some(message),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Ok(Ended::WithoutShutdown),
                },
                None => match self.connection.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return Ok(Ended::WithoutShutdown),
                },
            };
            match message {
                None => self.lint_due()?,
                Some(Message::Request(request)) => {
                    if shutdown {
                        self.respond(Response::new_err(
                            request.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".into(),
                        ))?;
                    } else if request.method == lsp_types::request::Shutdown::METHOD {
                        shutdown = true;
                        self.due.clear();
                        self.respond(Response::new_ok(request.id, ()))?;
                    } else {
                        self.request(request)?;
                    }
                }
                Some(Message::Notification(notification)) => {
                    if notification.method == lsp_types::notification::Exit::METHOD {
                        return Ok(if shutdown {
                            Ended::Clean
                        } else {
                            Ended::WithoutShutdown
                        });
                    }
                    if !shutdown {
                        self.notification(notification)?;
                    }
                }
                // Answers to the server's own requests (registrations) need nothing.
                Some(Message::Response(_)) => {}
            }
        }
    }

    fn send(&self, message: Message) -> Result<(), ServerError> {
        self.connection
            .sender
            .send(message)
            .map_err(|_| ServerError::Protocol("the client's connection closed".into()))
    }

    fn respond(&self, response: Response) -> Result<(), ServerError> {
        self.send(response.into())
    }

    fn notify<N: lsp_types::notification::Notification>(
        &self,
        params: N::Params,
    ) -> Result<(), ServerError> {
        self.send(Notification::new(N::METHOD.into(), params).into())
    }

    fn watch_guide_files(&mut self) -> Result<(), ServerError> {
        let watchers = ["**/*.yaml", "**/*.yml"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.into()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "remedy-guides".into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_request += 1;
        let id = RequestId::from(self.next_request);
        self.send(Request::new(id, RegisterCapability::METHOD.into(), params).into())
    }

    fn request(&mut self, request: Request) -> Result<(), ServerError> {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => parse(request).map(|p| to_json(self.hover(p))),
            GotoDefinition::METHOD => parse(request).map(|p| to_json(self.definition(p))),
            Completion::METHOD => parse(request).map(|p| to_json(self.completion(p))),
            CodeActionRequest::METHOD => parse(request).map(|p| to_json(self.code_actions(p))),
            // Pull diagnostics (LSP 3.17), for a client that asks instead of listening: not
            // advertised, as the server publishes them anyway.
            DocumentDiagnosticRequest::METHOD => match parse(request) {
                Ok(params) => self.pull_diagnostics(params),
                Err(error) => Err(error),
            },
            PrepareRenameRequest::METHOD => parse(request).map(|p| to_json(self.prepare_rename(p))),
            Rename::METHOD => match parse(request) {
                Ok(params) => match self.rename(params) {
                    Ok(edit) => Ok(to_json(edit)),
                    Err(message) => {
                        return self.respond(Response::new_err(
                            id,
                            ErrorCode::InvalidRequest as i32,
                            message,
                        ));
                    }
                },
                Err(error) => Err(error),
            },
            other => {
                return self.respond(Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("remedy does not handle `{other}`"),
                ));
            }
        };
        match result {
            Ok(value) => self.respond(Response::new_ok(id, value)),
            Err(message) => self.respond(Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                message,
            )),
        }
    }

    fn notification(&mut self, notification: Notification) -> Result<(), ServerError> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = notification
                    .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return Ok(());
                };
                let document = params.text_document;
                let Some(path) = path_of(&document.uri) else {
                    return Ok(());
                };
                self.versions
                    .insert(path.clone(), (document.uri, document.version));
                let changed = self.workspace.set_text(&path, document.text);
                self.changed_guides.extend(changed);
                // Opened: linted at once, not after the debounce.
                self.due.insert(path, Instant::now());
                self.lint_due()?;
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) else {
                    return Ok(());
                };
                let Some(path) = path_of(&params.text_document.uri) else {
                    return Ok(());
                };
                let Some(mut text) = self.workspace.text(&path).map(str::to_owned) else {
                    return Ok(());
                };
                text::apply_changes(&mut text, params.content_changes, self.encoding);
                self.versions.insert(
                    path.clone(),
                    (params.text_document.uri, params.text_document.version),
                );
                let changed = self.workspace.set_text(&path, text);
                self.changed_guides.extend(changed);
                self.due.insert(path, Instant::now() + DEBOUNCE);
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = notification
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return Ok(());
                };
                let Some(path) = path_of(&params.text_document.uri) else {
                    return Ok(());
                };
                self.due.remove(&path);
                self.findings.remove(&path);
                self.versions.remove(&path);
                let changed = self.workspace.close(&path);
                self.changed_guides.extend(changed);
                self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                    uri: params.text_document.uri,
                    diagnostics: Vec::new(),
                    version: None,
                })?;
                self.lint_due()?;
            }
            DidChangeWatchedFiles::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidChangeWatchedFilesParams>(
                    DidChangeWatchedFiles::METHOD,
                ) else {
                    return Ok(());
                };
                for change in params.changes {
                    if let Some(path) = path_of(&change.uri) {
                        let changed = self.workspace.reload(&path);
                        self.changed_guides.extend(changed);
                    }
                }
                self.lint_due()?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Lints the documents whose debounce is over, then the open documents that refer to a
    /// guide whose ids changed.
    fn lint_due(&mut self) -> Result<(), ServerError> {
        let now = Instant::now();
        let mut ready: Vec<PathBuf> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(path, _)| path.clone())
            .collect();
        for path in &ready {
            self.due.remove(path);
        }
        // The guides a change touched are re-checked once no change waits for its debounce.
        if self.due.is_empty() && !self.changed_guides.is_empty() {
            let changed: Vec<String> = self.changed_guides.drain().collect();
            let dependents: Vec<PathBuf> = self
                .workspace
                .open_paths()
                .filter(|path| !ready.iter().any(|r| r == path))
                .filter(|path| self.workspace.depends_on(path, &changed))
                .map(Path::to_path_buf)
                .collect();
            ready.extend(dependents);
        }
        ready.sort();
        for path in &ready {
            self.lint_and_publish(path)?;
        }
        Ok(())
    }

    fn lint_and_publish(&mut self, path: &Path) -> Result<(), ServerError> {
        let Some((uri, version)) = self.versions.get(path).cloned() else {
            return Ok(());
        };
        // Other YAML (CI workflows, configuration) is not a guide: nothing to say about it. A
        // file with a top-level `id` is taken for one wherever it is.
        let guide = path.starts_with(self.workspace.content_root())
            || self
                .workspace
                .outline(path)
                .is_some_and(|outline| outline.guide_id.is_some());
        let linted = if guide {
            self.workspace.lint(path)
        } else {
            Ok(Vec::new())
        };
        let findings = match linted {
            Ok(findings) => findings,
            Err(error) => {
                return self.notify::<ShowMessage>(ShowMessageParams {
                    typ: MessageType::ERROR,
                    message: format!("remedy: {error}"),
                });
            }
        };
        let text = self.workspace.text(path).unwrap_or_default();
        let lines = Lines::new(text);
        let diagnostics = findings
            .iter()
            .map(|finding| diagnostic(finding, &lines, self.encoding))
            .collect();
        self.findings.insert(path.to_path_buf(), findings);
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: Some(version),
        })
    }

    /// The current findings of an open document, linted now when a change is waiting.
    fn pull_diagnostics(
        &mut self,
        params: lsp_types::DocumentDiagnosticParams,
    ) -> Result<serde_json::Value, String> {
        let path = path_of(&params.text_document.uri).ok_or("not a file: URI")?;
        if self.due.remove(&path).is_some() || !self.findings.contains_key(&path) {
            self.lint_and_publish(&path).map_err(|e| e.to_string())?;
        }
        let text = self.workspace.text(&path).unwrap_or_default();
        let lines = Lines::new(text);
        let items: Vec<Diagnostic> = self
            .findings
            .get(&path)
            .into_iter()
            .flatten()
            .map(|finding| diagnostic(finding, &lines, self.encoding))
            .collect();
        Ok(serde_json::json!({ "kind": "full", "items": items }))
    }

    /// An open document's text, or the file's on disk.
    pub(crate) fn text_of(&self, path: &Path) -> Option<String> {
        match self.workspace.text(path) {
            Some(text) => Some(text.to_owned()),
            None => std::fs::read_to_string(path).ok(),
        }
    }
}

/// A finding as an LSP diagnostic: the rule as its code, `remedy` as its source.
fn diagnostic(finding: &Finding, lines: &Lines<'_>, encoding: Encoding) -> Diagnostic {
    Diagnostic {
        range: lines.range(finding.span, encoding),
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(finding.rule.into())),
        source: Some("remedy".into()),
        message: finding.message.clone(),
        data: Some(serde_json::json!({ "pointer": finding.pointer })),
        ..Diagnostic::default()
    }
}

fn parse<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, String> {
    serde_json::from_value(request.params).map_err(|error| format!("bad parameters: {error}"))
}

fn to_json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// The local path of a `file:` URI.
pub(crate) fn path_of(uri: &Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}

/// The `file:` URI of a path.
pub(crate) fn uri_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}
