//! `splforge server`: a Language Server Protocol server over stdio for the YAML files of a
//! content repository (the workspace root is the content root; its splforge.toml and
//! format version apply).
//!
//! One thread owns the [`Workspace`] and answers messages in order (`lsp-server`'s
//! synchronous connection; the check itself runs on rayon's pool, as `lint` does). A
//! change is applied at once (the file parsed, its object read again), so requests see the
//! newest text. When no message is waiting, the changed files are checked as `lint FILE`
//! checks them (their findings are the whole repository's for them, at a fraction of the
//! cost) and their diagnostics published; a burst of keystrokes costs one check. Once the
//! editor has been quiet for [`SETTLE`] (or after [`FULL_EVERY`] such checks), the whole
//! repository is checked and every other file whose findings changed (a renamed story's
//! references) is republished.

mod actions;
mod completion;
mod diagnostics;
pub mod documents;
mod hover;
mod navigation;
mod symbols;
mod workspace;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crossbeam_channel::{RecvTimeoutError, TryRecvError};
use lsp_server::{Connection, ErrorCode, Message, Notification, ProtocolError, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionOrCommand, CodeActionProviderCapability, CompletionOptions, CompletionResponse,
    CompletionTextEdit, GotoDefinitionResponse, Hover, HoverContents, HoverProviderCapability,
    InitializeParams, Location, MarkupContent, MarkupKind, OneOf, Position, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri,
};

use crate::config::Config;
use documents::{LineMap, relative_path, uri_of};
pub use workspace::Workspace;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("language server protocol: {0}")]
    Protocol(#[from] ProtocolError),
    #[error("{0}")]
    Setup(String),
}

/// How long the editor must be quiet before the whole repository is checked again.
pub const SETTLE: Duration = Duration::from_millis(250);

/// Checks of changed files alone after which the whole repository is checked even while
/// the editor is busy, so other files' diagnostics are never many edits behind.
pub const FULL_EVERY: usize = 50;

/// What the server needs from the command line besides the connection.
pub struct ServerOptions {
    /// Today, `YYYY-MM-DD`, for "date in the future".
    pub today: String,
    /// Where rule documentation is published: `{rule_docs}SF201` is a diagnostic's link.
    pub rule_docs: String,
}

/// The root a client names: its root URI, or its first workspace folder.
fn client_root(params: &InitializeParams) -> Option<PathBuf> {
    #[allow(deprecated)]
    let uri = (params.workspace_folders.as_ref())
        .and_then(|folders| folders.first().map(|f| f.uri.clone()))
        .or_else(|| params.root_uri.clone())?;
    let path = uri.as_str().strip_prefix("file://")?;
    relative_path(Path::new("/"), &uri)
        .map(|p| Path::new("/").join(p))
        .or_else(|| (path == "/").then(|| PathBuf::from("/")))
}

/// Serves one client on `connection` until it shuts down. `setup` turns the root the
/// client names (if any) into the content root (absolute) and its configuration.
pub fn serve(
    connection: &Connection,
    options: &ServerOptions,
    setup: impl FnOnce(Option<PathBuf>) -> Result<(PathBuf, Config), String>,
) -> Result<(), ServerError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|e| ServerError::Setup(format!("invalid initialize parameters: {e}")))?;
    let (root, config) = match setup(client_root(&params)) {
        Ok(found) => found,
        Err(message) => {
            let response = Response::new_err(id, ErrorCode::RequestFailed as i32, message.clone());
            let _ = connection.sender.send(response.into());
            return Err(ServerError::Setup(message));
        }
    };
    let result = lsp_types::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "splforge".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    let result = serde_json::to_value(result)
        .map_err(|e| ServerError::Setup(format!("cannot write the capabilities: {e}")))?;
    connection.initialize_finish(id, result)?;
    crate::attack::prefetch(&config.attack_version);
    let mut server = Server {
        connection,
        options,
        workspace: Workspace::load(root, config, options.today.clone()),
        edited: BTreeSet::new(),
        stale: true,
        narrow_checks: 0,
    };
    server.run()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["`".to_owned(), "$".to_owned()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

struct Server<'a> {
    connection: &'a Connection,
    options: &'a ServerOptions,
    workspace: Workspace,
    /// Files changed since they were last checked: checked when no message waits, and
    /// their diagnostics published, changed or not, with the buffer's version.
    edited: BTreeSet<PathBuf>,
    /// Whether the workspace changed since the whole repository was last checked.
    stale: bool,
    /// Checks of changed files alone since the whole repository was last checked.
    narrow_checks: usize,
}

impl Server<'_> {
    fn run(&mut self) -> Result<(), ServerError> {
        self.check_all();
        loop {
            let message = if !self.edited.is_empty() {
                match self.connection.receiver.try_recv() {
                    Ok(message) => message,
                    Err(TryRecvError::Empty) => {
                        self.check_edited();
                        continue;
                    }
                    Err(TryRecvError::Disconnected) => return Ok(()),
                }
            } else if self.stale {
                match self.connection.receiver.recv_timeout(SETTLE) {
                    Ok(message) => message,
                    Err(RecvTimeoutError::Timeout) => {
                        self.check_all();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                }
            } else {
                match self.connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return Ok(()),
                }
            };
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    let response = self.respond(request);
                    self.send(response.into());
                }
                Message::Notification(notification) => {
                    if notification.method == note::Exit::METHOD {
                        return Ok(());
                    }
                    self.notified(notification);
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) {
        // A closed connection ends the loop at the next receive.
        let _ = self.connection.sender.send(message);
    }

    fn publish(&self, files: impl IntoIterator<Item = PathBuf>) {
        for path in files {
            if let Some(params) =
                diagnostics::publish(&self.workspace, &path, &self.options.rule_docs)
            {
                self.send(
                    Notification::new(note::PublishDiagnostics::METHOD.to_owned(), params).into(),
                );
            }
        }
    }

    /// Checks the changed files and publishes their diagnostics.
    fn check_edited(&mut self) {
        let files: Vec<PathBuf> = std::mem::take(&mut self.edited).into_iter().collect();
        self.workspace.check_files(&files);
        self.publish(files);
        self.stale = true;
        self.narrow_checks += 1;
        if self.narrow_checks >= FULL_EVERY {
            self.check_all();
        }
    }

    /// Checks the whole repository and publishes every file whose findings changed.
    fn check_all(&mut self) {
        self.stale = false;
        self.narrow_checks = 0;
        let mut files: BTreeSet<PathBuf> = std::mem::take(&mut self.edited);
        files.extend(self.workspace.check());
        self.publish(files);
    }

    fn notified(&mut self, notification: Notification) {
        let root = self.workspace.root.clone();
        match notification.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                let document = params.text_document;
                if let Some(path) = relative_path(&root, &document.uri)
                    && self
                        .workspace
                        .set_buffer(&path, document.text, document.version)
                {
                    self.edited.insert(path);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                let document = params.text_document;
                let Some(path) = relative_path(&root, &document.uri) else {
                    return;
                };
                let Some(file) = self.workspace.file_id(&path) else {
                    return;
                };
                if !self.workspace.is_open(&path) {
                    return;
                }
                let mut text = self.workspace.file(file).source.text.clone();
                documents::apply_changes(&mut text, params.content_changes);
                if self.workspace.set_buffer(&path, text, document.version) {
                    self.edited.insert(path);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                if let Some(path) = relative_path(&root, &params.text_document.uri) {
                    self.workspace.close_buffer(&path);
                    self.edited.insert(path);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(
                    notification.params,
                ) else {
                    return;
                };
                for change in params.changes {
                    if let Some(path) = relative_path(&root, &change.uri) {
                        self.workspace.reload_from_disk(&path);
                        self.stale = true;
                    }
                }
            }
            _ => {}
        }
    }

    /// The response to a request; a handler that fails (a bug) answers with an internal
    /// error and the server goes on.
    fn respond(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let method = request.method.clone();
        // Code actions act on findings: they must be those of the newest text.
        if method == req::CodeActionRequest::METHOD && !self.edited.is_empty() {
            self.check_edited();
        }
        let handled =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.handle(&request)));
        match handled {
            Ok(Some(Ok(value))) => Response::new_ok(id, value),
            Ok(Some(Err(message))) => {
                Response::new_err(id, ErrorCode::InvalidParams as i32, message)
            }
            Ok(None) => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("splforge does not handle {method}"),
            ),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("splforge failed on {method}"),
            ),
        }
    }

    /// `None` for a method the server does not handle.
    fn handle(&self, request: &Request) -> Option<Result<serde_json::Value, String>> {
        fn answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
            request: &Request,
            handler: impl FnOnce(P) -> R,
        ) -> Option<Result<serde_json::Value, String>> {
            Some(
                serde_json::from_value::<P>(request.params.clone())
                    .map_err(|e| format!("invalid parameters: {e}"))
                    .and_then(|params| {
                        serde_json::to_value(handler(params)).map_err(|e| e.to_string())
                    }),
            )
        }
        match request.method.as_str() {
            req::HoverRequest::METHOD => answer(request, |p: lsp_types::HoverParams| {
                self.hover(&p.text_document_position_params)
            }),
            req::GotoDefinition::METHOD => answer(request, |p: lsp_types::GotoDefinitionParams| {
                self.definition(&p.text_document_position_params)
            }),
            req::References::METHOD => answer(request, |p: lsp_types::ReferenceParams| {
                self.references(&p.text_document_position, p.context.include_declaration)
            }),
            req::Completion::METHOD => answer(request, |p: lsp_types::CompletionParams| {
                self.completion(&p.text_document_position)
            }),
            req::CodeActionRequest::METHOD => answer(request, |p: lsp_types::CodeActionParams| {
                self.code_actions(&p)
            }),
            _ => None,
        }
    }

    /// The file and byte offset of a client position.
    fn locate(&self, uri: &Uri, position: Position) -> Option<(usize, usize)> {
        let path = relative_path(&self.workspace.root, uri)?;
        let file = self.workspace.file_id(&path)?;
        let text = &self.workspace.file(file).source.text;
        Some((file, LineMap::new(text).offset(text, position)))
    }

    fn location(&self, file: usize, span: crate::load::Span) -> Option<Location> {
        let source = &self.workspace.file(file).source;
        let uri = uri_of(&self.workspace.root, &source.path)?;
        Some(Location::new(
            uri,
            LineMap::new(&source.text).range(&source.text, span),
        ))
    }

    fn hover(&self, at: &lsp_types::TextDocumentPositionParams) -> Option<Hover> {
        let (file, offset) = self.locate(&at.text_document.uri, at.position)?;
        let target = symbols::at(&self.workspace, file, offset)?;
        let value = hover::hover_text(&self.workspace, &target)?;
        let text = &self.workspace.file(file).source.text;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(LineMap::new(text).range(text, target.span())),
        })
    }

    fn definition(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Option<GotoDefinitionResponse> {
        let (file, offset) = self.locate(&at.text_document.uri, at.position)?;
        let target = symbols::at(&self.workspace, file, offset)?;
        let (file, span) = navigation::definition(&self.workspace, file, &target)?;
        Some(GotoDefinitionResponse::Scalar(self.location(file, span)?))
    }

    fn references(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
        declaration: bool,
    ) -> Option<Vec<Location>> {
        let (file, offset) = self.locate(&at.text_document.uri, at.position)?;
        let target = symbols::at(&self.workspace, file, offset)?;
        let (kind, name) = target.object()?;
        Some(
            navigation::references(&self.workspace, kind, name, declaration)
                .into_iter()
                .filter_map(|(file, span)| self.location(file, span))
                .collect(),
        )
    }

    fn completion(&self, at: &lsp_types::TextDocumentPositionParams) -> Option<CompletionResponse> {
        let (file, offset) = self.locate(&at.text_document.uri, at.position)?;
        let (mut items, start) = completion::complete(&self.workspace, file, offset);
        let text = &self.workspace.file(file).source.text;
        let lines = LineMap::new(text);
        let range = lsp_types::Range::new(lines.position(text, start), at.position);
        for item in &mut items {
            item.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(
                range,
                item.label.clone(),
            )));
        }
        Some(CompletionResponse::Array(items))
    }

    fn code_actions(&self, params: &lsp_types::CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let (Some((file, start)), Some((_, end))) = (
            self.locate(uri, params.range.start),
            self.locate(uri, params.range.end),
        ) else {
            return Vec::new();
        };
        let text = &self.workspace.file(file).source.text;
        let lines = LineMap::new(text);
        let diagnostic_of = |finding: &crate::check::Finding| {
            diagnostics::diagnostic(
                &self.workspace,
                finding,
                text,
                &lines,
                &self.options.rule_docs,
            )
        };
        actions::actions(&self.workspace, file, uri, start..end, &diagnostic_of)
            .into_iter()
            .map(CodeActionOrCommand::CodeAction)
            .collect()
    }
}
