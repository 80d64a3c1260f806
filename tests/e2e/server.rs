//! `remedy server` as an editor drives it: the built binary, LSP over its stdin and stdout,
//! through a small Content-Length framed JSON-RPC client. Every read has a timeout, so a server
//! that hangs or dies fails the test instead of stopping the suite.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::Scratch;

/// How long any answer may take; generous for a loaded two-core machine.
const TIMEOUT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else, in order.
    stash: Vec<Value>,
    next_id: i64,
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// Starts `remedy server` in the scratch folder and initializes it with the scratch root as
    /// the workspace folder; `general` is the client's `capabilities.general`.
    fn start(scratch: &Scratch, general: Value) -> Self {
        Self::start_command(scratch, &["server"], json!({ "general": general }))
    }

    /// Starts the server with these client capabilities, and `--stdio` as many editors'
    /// clients pass it.
    fn start_with(scratch: &Scratch, capabilities: Value) -> Self {
        Self::start_command(scratch, &["server", "--stdio"], capabilities)
    }

    fn start_command(scratch: &Scratch, args: &[&str], capabilities: Value) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
            .args(args)
            .current_dir(&scratch.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start remedy server: {e}"));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
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
            stash: Vec::new(),
            next_id: 0,
        };
        let root = uri(&scratch.root);
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "guides"}],
                "capabilities": capabilities,
            }),
        );
        assert!(
            result["capabilities"]["hoverProvider"].as_bool() == Some(true),
            "initialize result: {result}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self
            .stdin
            .as_mut()
            .unwrap_or_else(|| panic!("stdin closed"));
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("cannot write to the server: {e}"));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message that satisfies `wanted`, from the stash first.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.stash.iter().position(&wanted) {
            return self.stash.remove(at);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.stash.push(message),
                Err(RecvTimeoutError::Timeout) => panic!("no {what} within {TIMEOUT:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed before {what}"),
            }
        }
    }

    /// Sends a request and returns its whole response.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("answer to {method}"), |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        })
    }

    /// Sends a request and returns its result; an error response fails the test.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The next diagnostics published for a file.
    fn diagnostics(&mut self, path: &Path) -> Vec<Value> {
        let uri = uri(path);
        let message = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, path: &Path) -> Vec<Value> {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "yaml", "version": 1, "text": text}}),
        );
        self.diagnostics(path)
    }

    /// Replaces a document's whole text.
    fn change(&mut self, path: &Path, version: i32, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(path), "version": version},
                "contentChanges": [{"text": text}],
            }),
        );
        self.diagnostics(path)
    }

    fn at(path: &Path, line: u32, character: u32) -> Value {
        json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}})
    }

    /// Waits for the server to end on its own and returns its exit code.
    fn exit_code(mut self) -> i32 {
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.code().unwrap_or(-1),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => {
                    let _ = self.child.kill();
                    panic!("the server did not exit within {TIMEOUT:?}");
                }
            }
        }
    }

    fn shutdown_and_exit(mut self) -> i32 {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.exit_code()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// (line, character, code, message) of each diagnostic, in order.
fn summary(diagnostics: &[Value]) -> Vec<(u64, u64, String, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
                d["range"]["start"]["character"]
                    .as_u64()
                    .unwrap_or(u64::MAX),
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    summary(diagnostics).into_iter().map(|d| d.2).collect()
}

/// `guide-a`: a cause and a method that `guide-b` refers to.
const GUIDE_A: &str = "id: guide-a
title: Wi-Fi drops on the Mac
summary: The Mac loses its Wi-Fi connection.
updated: 2026-11-21
causes:
  - id: stale-lease
    title: A stale DHCP lease
  - id: weak-signal
    title: A weak signal
methods:
  - id: renew-lease
    title: Renew the DHCP lease
    addresses: [stale-lease, weak-signal]
    risk: very-low
    steps:
      - text: Open Network settings.
      - text: Click Renew DHCP Lease.
    pros: [Quick]
    cons: [Rarely enough on its own]
scenarios:
  - when: The Wi-Fi icon shows an exclamation mark.
    try: [renew-lease]
";

/// `guide-b`: a step that points at `guide-a#renew-lease`, on line 15 (0-based 14), and a link
/// to it in the next step's text.
const GUIDE_B: &str = "id: guide-b
title: Printer offline
summary: The printer shows as offline.
updated: 2026-11-21
causes:
  - id: no-network
    title: The computer is not on the network
methods:
  - id: rejoin
    title: Rejoin the network
    addresses: [no-network]
    risk: very-low
    steps:
      - text: Fix the computer's Wi-Fi first.
        see: guide-a#renew-lease
      - text: Print a test page, as in [renewing](guide-a#renew-lease).
    pros: [Quick]
    cons: [Needs the network]
";

fn two_guides(name: &str) -> (Scratch, std::path::PathBuf, std::path::PathBuf) {
    let scratch = Scratch::new(name);
    let a = scratch.write("content/mac/guide-a.yaml", GUIDE_A);
    let b = scratch.write("content/printers/guide-b.yaml", GUIDE_B);
    (scratch, a, b)
}

#[test]
fn open_reports_what_remedy_lint_reports_and_a_fix_clears_it() {
    let scratch = Scratch::new("server-open");
    // A step that reads as destructive, a dangling local reference and a misspelt key.
    let defective = GUIDE_A
        .replace(
            "      - text: Click Renew DHCP Lease.",
            "      - text: Delete the Wi-Fi network from the list.\n        notte: It comes back after a restart.",
        )
        .replace("try: [renew-lease]", "try: [renew-leese]");
    let path = scratch.write("content/guide-a.yaml", &defective);
    let lint = scratch.remedy(&["lint", "--format", "json", "content/guide-a.yaml"]);
    let report: Value = serde_json::from_str(&lint.stdout).unwrap_or_else(|e| panic!("{e}"));
    let expected: Vec<(u64, u64, String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or_default() - 1,
                // Every line here is ASCII: characters and UTF-16 units agree.
                f["column"].as_u64().unwrap_or_default() - 1,
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let rules: Vec<&str> = expected.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(
        rules,
        ["undeclared-destructive", "schema", "dangling-reference"]
    );

    let mut client = Client::start(&scratch, json!({}));
    let opened = client.open(&path);
    assert_eq!(summary(&opened), expected);
    assert_eq!(opened[0]["severity"], 2, "a warning");
    assert_eq!(opened[1]["severity"], 1, "an error");
    assert_eq!(opened[0]["source"], "remedy");
    let pulled = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri(&path)}}),
    );
    assert_eq!(pulled["kind"], "full");
    assert_eq!(pulled["items"], Value::Array(opened.clone()));

    // One defect fixed: the others stay where they were.
    let partly = defective.replace("try: [renew-leese]", "try: [renew-lease]");
    let changed = client.change(&path, 2, &partly);
    assert_eq!(codes(&changed), ["undeclared-destructive", "schema"]);

    let changed = client.change(&path, 3, GUIDE_A);
    assert_eq!(changed, Vec::<Value>::new());
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn a_method_id_change_in_one_guide_flags_then_clears_a_reference_in_another() {
    let (scratch, a, b) = two_guides("server-cross");
    let mut client = Client::start(&scratch, json!({}));
    assert_eq!(client.open(&a), Vec::<Value>::new());
    assert_eq!(client.open(&b), Vec::<Value>::new());

    let renamed = GUIDE_A.replace("id: renew-lease", "id: renew-the-lease");
    // guide-a's own `try: [renew-lease]` now dangles too.
    assert_eq!(
        codes(&client.change(&a, 2, &renamed)),
        ["dangling-reference"]
    );
    let flagged = client.diagnostics(&b);
    assert_eq!(
        summary(&flagged),
        [(
            14,
            13,
            "dangling-reference".to_owned(),
            "`see` refers to `guide-a#renew-lease`, but the guide `guide-a` has no method or step `renew-lease`; fix the id".to_owned()
        ), (
            15,
            50,
            "dangling-reference".to_owned(),
            "the link refers to `guide-a#renew-lease`, but the guide `guide-a` has no method or step `renew-lease`; fix the id".to_owned()
        )]
    );
    assert_eq!(
        flagged[0]["range"]["end"],
        json!({"line": 14, "character": 32})
    );

    assert_eq!(client.change(&a, 3, GUIDE_A), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&b), Vec::<Value>::new());
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn hover_shows_the_target_and_the_rule_and_definition_jumps_across_guides() {
    let (scratch, a, b) = two_guides("server-hover");
    let mut client = Client::start(&scratch, json!({}));
    client.open(&a);
    client.open(&b);

    // On `guide-a#renew-lease` in guide-b.
    let hover = client.request("textDocument/hover", Client::at(&b, 14, 20));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("**Renew the DHCP lease**"), "{text}");
    assert!(
        text.contains("method `renew-lease` in the guide *Wi-Fi drops on the Mac*"),
        "{text}"
    );
    assert!(
        text.contains("content/mac/guide-a.yaml`, line 11"),
        "{text}"
    );

    let definition = client.request("textDocument/definition", Client::at(&b, 14, 20));
    assert_eq!(definition["uri"], uri(&a));
    assert_eq!(
        definition["range"],
        json!({"start": {"line": 10, "character": 8}, "end": {"line": 10, "character": 19}})
    );

    // On the internal link `[renewing](guide-a#renew-lease)` in a text.
    let hover = client.request("textDocument/hover", Client::at(&b, 15, 60));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("**Renew the DHCP lease**"), "{text}");
    let definition = client.request("textDocument/definition", Client::at(&b, 15, 60));
    assert_eq!(definition["uri"], uri(&a));
    assert_eq!(
        definition["range"]["start"],
        json!({"line": 10, "character": 8})
    );

    // On a finding: its rule's explanation.
    let broken = GUIDE_B.replace("see: guide-a#renew-lease", "see: guide-a#nope");
    assert_eq!(
        codes(&client.change(&b, 2, &broken)),
        ["dangling-reference"]
    );
    let hover = client.request("textDocument/hover", Client::at(&b, 14, 18));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("error[dangling-reference]"), "{text}");
    assert!(text.contains("## What it finds"), "{text}");

    // Nothing to say on a title.
    let hover = client.request("textDocument/hover", Client::at(&b, 1, 10));
    assert_eq!(hover, Value::Null);
    assert_eq!(client.shutdown_and_exit(), 0);
}

fn labels(completion: &Value) -> Vec<String> {
    completion["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["label"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn completion_offers_cause_ids_in_addresses_and_ids_of_other_guides() {
    let (scratch, a, b) = two_guides("server-complete");
    let mut client = Client::start(&scratch, json!({}));
    client.open(&a);
    client.open(&b);

    // `addresses: [stale-lease, ` on line 12 of guide-a: the causes, not the methods.
    let typing = GUIDE_A.replace(
        "addresses: [stale-lease, weak-signal]",
        "addresses: [stale-lease, ]",
    );
    client.change(&a, 2, &typing);
    let completion = client.request("textDocument/completion", Client::at(&a, 12, 29));
    let offered = labels(&completion);
    assert!(offered.contains(&"stale-lease".to_owned()), "{offered:?}");
    assert!(offered.contains(&"weak-signal".to_owned()), "{offered:?}");
    assert!(!offered.contains(&"renew-lease".to_owned()), "{offered:?}");
    assert!(offered.contains(&"guide-b#".to_owned()), "{offered:?}");

    // `see: guide-a#` in guide-b: guide-a's methods and steps.
    let typing = GUIDE_B.replace("see: guide-a#renew-lease", "see: guide-a#");
    client.change(&b, 2, &typing);
    let completion = client.request("textDocument/completion", Client::at(&b, 14, 21));
    assert_eq!(labels(&completion), ["guide-a#renew-lease"]);
    let edit = &completion["items"][0]["textEdit"];
    assert_eq!(
        edit["range"],
        json!({"start": {"line": 14, "character": 13}, "end": {"line": 14, "character": 21}})
    );

    // `risk: ` offers the levels.
    let completion = client.request("textDocument/completion", Client::at(&a, 13, 10));
    assert_eq!(
        labels(&completion),
        ["very-low", "low", "moderate", "high", "very-high"]
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}

/// The edits of a workspace edit for one file: (line, start, end, new text), sorted.
fn edits_for(edit: &Value, path: &Path) -> Vec<(u64, u64, u64, String)> {
    let mut edits: Vec<_> = edit["changes"][uri(path)]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["range"]["start"]["line"].as_u64().unwrap_or_default(),
                e["range"]["start"]["character"]
                    .as_u64()
                    .unwrap_or_default(),
                e["range"]["end"]["character"].as_u64().unwrap_or_default(),
                e["newText"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    edits.sort();
    edits
}

#[test]
fn rename_reaches_every_reference_in_both_files() {
    let (scratch, a, b) = two_guides("server-rename");
    let mut client = Client::start(&scratch, json!({}));
    client.open(&a);
    // guide-b is not open: its reference is found from the index.

    // On the method's id in guide-a (line 11, `  - id: renew-lease`).
    let prepared = client.request("textDocument/prepareRename", Client::at(&a, 10, 12));
    assert_eq!(prepared["placeholder"], "renew-lease");
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&a)}, "position": {"line": 10, "character": 12}, "newName": "renew-the-lease"}),
    );
    let new = "renew-the-lease".to_owned();
    assert_eq!(
        edits_for(&edit, &a),
        [(10, 8, 19, new.clone()), (21, 10, 21, new.clone())]
    );
    // The `see`, and the internal link in a text.
    assert_eq!(
        edits_for(&edit, &b),
        [(14, 21, 32, new.clone()), (15, 58, 69, new.clone())]
    );

    // From a reference, the same edits.
    client.open(&b);
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&b)}, "position": {"line": 14, "character": 25}, "newName": "renew-the-lease"}),
    );
    assert_eq!(edits_for(&edit, &a).len(), 2);
    assert_eq!(edits_for(&edit, &b).len(), 2);

    let refused = client.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&a)}, "position": {"line": 10, "character": 12}, "newName": "Not An Id"}),
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("is not an id")
    );
    // The server wrote nothing itself.
    assert_eq!(scratch.read("content/mac/guide-a.yaml"), GUIDE_A);
    assert_eq!(client.shutdown_and_exit(), 0);
}

/// A guide whose FAQ entry has an emoji before a dangling reference on the same line.
const EMOJI: &str = "id: emoji
title: Emoji
summary: A guide with an emoji.
updated: 2026-11-21
causes:
  - id: stale-cache
    title: A stale cache
methods:
  - id: restart
    title: Restart the device
    addresses: [stale-cache]
    risk: very-low
    steps:
      - text: Hold the side button.
    pros: [Quick]
    cons: [Rarely enough]
faq:
  - {question: \"Why 😀?\", answer: Because., see: [nope]}
";

#[test]
fn columns_after_an_emoji_are_counted_in_the_negotiated_encoding() {
    let scratch = Scratch::new("server-utf16");
    let path = scratch.write("content/emoji.yaml", EMOJI);
    let lint = scratch.remedy(&["lint", "--format", "json", "content/emoji.yaml"]);
    // remedy counts characters: `nope` is the 50th character of line 18.
    assert!(
        lint.stdout.contains("\"line\": 18") || lint.stdout.contains("\"line\":18"),
        "{}",
        lint.stdout
    );
    assert!(
        lint.stdout.contains("\"column\": 50") || lint.stdout.contains("\"column\":50"),
        "{}",
        lint.stdout
    );

    // UTF-16 by default: the emoji is two code units.
    let mut client = Client::start(&scratch, json!({}));
    let found = client.open(&path);
    assert_eq!(codes(&found), ["dangling-reference"]);
    assert_eq!(
        found[0]["range"],
        json!({"start": {"line": 17, "character": 50}, "end": {"line": 17, "character": 54}})
    );
    // Hover at the finding's UTF-16 column finds it.
    let hover = client.request("textDocument/hover", Client::at(&path, 17, 51));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("dangling-reference")
    );
    // An incremental change, in UTF-16 units, replaces exactly `nope`.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&path), "version": 2},
            "contentChanges": [{"range": found[0]["range"], "text": "restart"}],
        }),
    );
    assert_eq!(client.diagnostics(&path), Vec::<Value>::new());
    assert_eq!(client.shutdown_and_exit(), 0);

    // UTF-8 when the client offers it first: four bytes.
    let mut client = Client::start(&scratch, json!({"positionEncodings": ["utf-8", "utf-16"]}));
    let found = client.open(&path);
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": 17, "character": 52})
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn quick_fixes_mark_a_step_suppress_a_finding_and_apply_a_did_you_mean() {
    let scratch = Scratch::new("server-fixes");
    let text = GUIDE_A.replace(
        "      - text: Click Renew DHCP Lease.",
        "      - text: Delete the Wi-Fi network.\n        notte: It comes back.",
    );
    let path = scratch.write("content/guide-a.yaml", &text);
    let mut client = Client::start(&scratch, json!({}));
    assert_eq!(
        codes(&client.open(&path)),
        ["undeclared-destructive", "schema"]
    );

    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&path)},
            "range": {"start": {"line": 16, "character": 0}, "end": {"line": 17, "character": 20}},
            "context": {"diagnostics": []},
        }),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    let find = |title: &str| -> (u64, u64, u64, String) {
        let action = actions
            .iter()
            .find(|a| a["title"].as_str().unwrap_or_default().starts_with(title))
            .unwrap_or_else(|| panic!("no action `{title}` in {actions:?}"));
        let edits = edits_for(&action["edit"], &path);
        assert_eq!(edits.len(), 1, "{action}");
        edits[0].clone()
    };
    // After `Delete the Wi-Fi network.` (line 17, ends at character 39).
    assert_eq!(
        find("Mark this step destructive"),
        (16, 39, 39, "\n        destructive: true".to_owned())
    );
    assert_eq!(
        find("Mark this step as not destructive"),
        (16, 39, 39, "\n        destructive: false".to_owned())
    );
    let (line, start, end, comment) = find("Suppress `undeclared-destructive`");
    assert_eq!((line, start, end), (16, 0, 0));
    assert!(
        comment.starts_with("      # remedy: ignore[undeclared-destructive] -- "),
        "{comment}"
    );
    assert_eq!(
        find("Change `notte` to `note`"),
        (17, 8, 13, "note".to_owned())
    );

    // The fixes applied, as the editor would: clean.
    let fixed = text
        .replace("network.\n", "network.\n        destructive: false\n")
        .replace("notte:", "note:");
    assert_eq!(client.change(&path, 2, &fixed), Vec::<Value>::new());

    // A step written as a flow mapping takes the key inline.
    let flow = fixed.replace(
        "      - text: Open Network settings.",
        "      - {text: Delete the old profiles.}",
    );
    assert_eq!(
        codes(&client.change(&path, 3, &flow)),
        ["undeclared-destructive"]
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&path)},
            "range": {"start": {"line": 15, "character": 0}, "end": {"line": 15, "character": 0}},
            "context": {"diagnostics": []},
        }),
    );
    let marked = &actions[0];
    assert_eq!(
        marked["title"],
        "Mark this step destructive (`destructive: true`)"
    );
    assert_eq!(
        edits_for(&marked["edit"], &path),
        [(15, 39, 39, ", destructive: true".to_owned())]
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_one() {
    let scratch = Scratch::new("server-exit");
    let mut client = Client::start(&scratch, json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), 1);
}

#[test]
fn requests_after_shutdown_are_refused_and_a_closed_input_ends_the_server() {
    let scratch = Scratch::new("server-closed");
    let mut client = Client::start(&scratch, json!({}));
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    let refused = client.call(
        "textDocument/hover",
        Client::at(&scratch.root.join("x.yaml"), 0, 0),
    );
    assert_eq!(refused["error"]["code"], -32600);
    // The editor went away without `exit`.
    assert_eq!(client.exit_code(), 1);
}

#[test]
fn yaml_outside_the_content_root_is_not_linted_as_a_guide() {
    let scratch = Scratch::new("server-other-yaml");
    scratch.write("content/guide-a.yaml", GUIDE_A);
    let workflow = scratch.write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
    let mut client = Client::start(&scratch, json!({}));
    assert_eq!(client.open(&workflow), Vec::<Value>::new());
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn a_folder_of_guides_without_remedy_toml_is_its_own_content_root() {
    let scratch = Scratch::new("server-bare-folder");
    let a = scratch.write("guide-a.yaml", GUIDE_A);
    let b = scratch.write(
        "guide-b.yaml",
        &GUIDE_B.replace("guide-a#renew-lease", "guide-a#nope"),
    );
    let mut client = Client::start(&scratch, json!({}));
    // guide-a is not open: the reference (`see`, and the link in the text) is checked
    // against the folder's index.
    assert_eq!(
        codes(&client.open(&b)),
        ["dangling-reference", "dangling-reference"]
    );
    let definition = client.request("textDocument/definition", Client::at(&b, 14, 16));
    assert_eq!(definition, Value::Null, "guide-a has no `nope`");
    let fixed = client.change(&b, 2, GUIDE_B);
    assert_eq!(fixed, Vec::<Value>::new());
    let definition = client.request("textDocument/definition", Client::at(&b, 14, 16));
    assert_eq!(definition["uri"], uri(&a));
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn a_guide_changed_on_disk_is_read_again_when_the_editor_says_so() {
    let (scratch, a, b) = two_guides("server-watched");
    let mut client = Client::start(&scratch, json!({}));
    assert_eq!(client.open(&b), Vec::<Value>::new());
    // A checkout renames the method in guide-a, which is not open.
    scratch.write(
        "content/mac/guide-a.yaml",
        &GUIDE_A.replace("renew-lease", "renew-the-lease"),
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&a), "type": 2}]}),
    );
    // The `see` and the link in the text.
    assert_eq!(
        codes(&client.diagnostics(&b)),
        ["dangling-reference", "dangling-reference"]
    );
    // And removed: references into a guide that is gone dangle too.
    std::fs::remove_file(&a).unwrap_or_else(|e| panic!("{e}"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&a), "type": 3}]}),
    );
    let gone = client.diagnostics(&b);
    assert!(
        summary(&gone)[0]
            .3
            .contains("no guide under the content root has the id `guide-a`"),
        "{gone:?}"
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn renaming_a_guide_id_renames_its_file_and_every_reference_to_it() {
    let (scratch, a, b) = two_guides("server-rename-guide");
    let capabilities = json!({"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename", "delete"]}}});
    let mut client = Client::start_with(&scratch, capabilities);
    client.open(&b);
    // On `guide-a` in `see: guide-a#renew-lease`.
    let at = json!({"textDocument": {"uri": uri(&b)}, "position": {"line": 14, "character": 15}, "newName": "mac-wifi"});
    let prepared = client.request("textDocument/prepareRename", Client::at(&b, 14, 15));
    assert_eq!(prepared["placeholder"], "guide-a");
    let edit = client.request("textDocument/rename", at.clone());
    let changes = edit["documentChanges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let moved = a.with_file_name("mac-wifi.yaml");
    let mut seen: Vec<(String, Value, Value)> = changes
        .iter()
        .filter_map(|c| {
            let uri = c["textDocument"]["uri"].as_str()?.to_owned();
            Some((
                uri,
                c["textDocument"]["version"].clone(),
                c["edits"].clone(),
            ))
        })
        .collect();
    seen.sort_by(|x, y| x.0.cmp(&y.0));
    let edit_at = |line: u32, from: u32, to: u32| json!([{"range": {"start": {"line": line, "character": from}, "end": {"line": line, "character": to}}, "newText": "mac-wifi"}]);
    assert_eq!(
        seen,
        [
            (uri(&a), Value::Null, edit_at(0, 4, 11)),
            (
                uri(&b),
                json!(1),
                json!([edit_at(14, 13, 20)[0], edit_at(15, 50, 57)[0]])
            ),
        ]
    );
    // The file's rename comes after the edits to it.
    let last = changes.last().cloned().unwrap_or_default();
    assert_eq!(
        last,
        json!({"kind": "rename", "oldUri": uri(&a), "newUri": uri(&moved)})
    );
    assert_eq!(client.shutdown_and_exit(), 0);

    // A client that cannot rename files is told so.
    let mut client = Client::start(&scratch, json!({}));
    client.open(&b);
    let refused = client.call("textDocument/rename", at);
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("cannot rename files"), "{refused}");
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn broken_messages_are_answered_or_end_the_server_without_a_panic() {
    let scratch = Scratch::new("server-garbage");
    let mut client = Client::start(&scratch, json!({}));
    // Parameters of the wrong shape: an error answer, and the server goes on.
    let answer = client.call("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    let answer = client.call("textDocument/frobnicate", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    // A frame that is not JSON: the connection cannot go on, and the server says so.
    let stdin = client
        .stdin
        .as_mut()
        .unwrap_or_else(|| panic!("stdin closed"));
    let _ = stdin.write_all(b"Content-Length: 5\r\n\r\n{bad}");
    let _ = stdin.flush();
    assert_eq!(client.exit_code(), 2);
}

#[test]
fn with_a_content_root_that_does_not_exist_references_into_other_guides_are_not_dangling() {
    // remedy.toml names a folder that is not there: the index holds only the open document,
    // as `remedy lint` of one file without a content root, which says the references were
    // not checked rather than calling them dangling.
    let scratch = Scratch::new("server-missing-root");
    scratch.write("remedy.toml", "content = \"guides\"\n");
    let b = scratch.write("printers/guide-b.yaml", GUIDE_B);
    let mut client = Client::start(&scratch, json!({}));
    assert_eq!(client.open(&b), Vec::<Value>::new());
    // A reference into the open guide itself is still checked.
    let own = GUIDE_B.replace("see: guide-a#renew-lease", "see: guide-b#nope");
    assert_eq!(codes(&client.change(&b, 2, &own)), ["dangling-reference"]);
    assert_eq!(client.shutdown_and_exit(), 0);
}
