//! A minimal LSP client over a child process's stdio, for the protocol tests and
//! `examples/lsp_bench.rs` (which includes this file by path).
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde_json::{Value, json};

/// Long enough for a debug build to load the corpus on a busy machine; a guard against a
/// hang, not a timing assertion.
const PATIENCE: Duration = Duration::from_secs(120);

/// A minimal LSP client: the server's messages are read on a thread of their own, and
/// notifications that arrive while a response is awaited are kept for later.
pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications received and not yet looked at.
    pending: Vec<Value>,
    next_id: i64,
    pub root: PathBuf,
}

impl Client {
    /// Starts `binary server` and initializes it with `root` as the workspace: the client
    /// and the initialize result.
    pub fn start(binary: &Path, root: &Path) -> (Client, Value) {
        let root = root.canonicalize().unwrap();
        // The server runs in the root: a relative path to it would no longer resolve.
        let binary = binary.canonicalize().unwrap();
        let mut child = Command::new(binary)
            .arg("server")
            .current_dir(&root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            pending: Vec::new(),
            next_id: 1,
            root,
        };
        let uri = client.uri("");
        let result = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri.trim_end_matches('/'), "capabilities": {}}),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    pub fn uri(&self, relative: &str) -> String {
        let path = self.root.join(relative);
        let mut uri = "file://".to_owned();
        for byte in path.to_str().unwrap().bytes() {
            if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
                uri.push(byte as char);
            } else {
                uri.push_str(&format!("%{byte:02X}"));
            }
        }
        uri
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn next_message(&mut self) -> Value {
        match self.incoming.recv_timeout(PATIENCE) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Sends a request and returns its result (failing on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next_message();
            if message["id"] == id {
                assert!(
                    message["error"].is_null(),
                    "{method} failed: {}",
                    message["error"]
                );
                return message["result"].clone();
            }
            self.pending.push(message);
        }
    }

    /// The next diagnostics published for `relative` (kept ones first).
    pub fn diagnostics(&mut self, relative: &str) -> Vec<Value> {
        let params = self.publication(relative);
        params["diagnostics"].as_array().unwrap().clone()
    }

    /// The parameters of the next `publishDiagnostics` for `relative` (kept ones first):
    /// its diagnostics and the buffer version they are for.
    pub fn publication(&mut self, relative: &str) -> Value {
        let uri = self.uri(relative);
        let is_ours = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
        };
        if let Some(at) = self.pending.iter().position(is_ours) {
            return self.pending.remove(at)["params"].take();
        }
        loop {
            let mut message = self.next_message();
            if is_ours(&message) {
                return message["params"].take();
            }
            self.pending.push(message);
        }
    }

    /// Every file that diagnostics were published for since the last look, emptying the
    /// kept notifications.
    pub fn published_files(&mut self) -> BTreeSet<String> {
        std::mem::take(&mut self.pending)
            .into_iter()
            .filter(|m| m["method"] == "textDocument/publishDiagnostics")
            .map(|m| m["params"]["uri"].as_str().unwrap().to_owned())
            .collect()
    }

    pub fn open(&mut self, relative: &str, text: &str) {
        let uri = self.uri(relative);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    /// Replaces the text between two positions, as an editor sends a keystroke.
    pub fn edit(&mut self, relative: &str, version: i64, range: Value, text: &str) {
        let uri = self.uri(relative);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": range, "text": text}]}),
        );
    }

    pub fn at(&mut self, method: &str, relative: &str, position: Value) -> Value {
        let uri = self.uri(relative);
        let mut params = json!({"textDocument": {"uri": uri}, "position": position});
        if method == "textDocument/references" {
            params["context"] = json!({"includeDeclaration": false});
        }
        self.request(method, params)
    }

    /// shutdown, exit, and the server's exit status.
    pub fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert!(result.is_null());
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "server exited with {status}");
    }
}

/// One `Content-Length` framed message; `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
