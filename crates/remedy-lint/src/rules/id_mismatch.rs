//! `id-mismatch`: the guide's id differs from its file name.

use remedy_core::id::is_valid_id;
use serde_json::Value;

use super::{FileContext, RuleFinding};

declare_rule! {
    /// ## What it finds
    ///
    /// A guide whose `id` is not its file name without the extension: `id: reset-wifi` in
    /// `reset-network.yaml`. It works from the YAML itself, so it fires even when other schema
    /// errors keep the guide from being read.
    ///
    /// ## Why it matters
    ///
    /// Other guides refer to this one by its id, and readers and tools find it by its file name
    /// (`reset-wifi.pdf`, `source` in the JSON export). When the two differ, a reference that
    /// looks right points nowhere, or a renamed file silently breaks links.
    ///
    /// ## Example
    ///
    /// In `content/wifi/reset-network.yaml`:
    ///
    /// ```yaml
    /// id: reset-wifi
    /// title: Reset the network settings
    /// ```
    ///
    /// Fixed (or rename the file to `reset-wifi.yaml`):
    ///
    /// ```yaml
    /// id: reset-network
    /// title: Reset the network settings
    /// ```
    pub struct IdMismatch {
        name: "id-mismatch",
        severity: Error,
        summary: "the guide's id differs from its file stem",
    }
}

/// Compares `/id` with the file stem.
pub fn check(cx: &FileContext<'_>, out: &mut Vec<RuleFinding>) {
    // The typed guide's id when there is one (the engine may have given it the YAML value's
    // strings), else the id as written.
    let id: &str = match (&cx.file.guide, cx.file.document.value.get("id")) {
        (Some(guide), _) => guide.id.as_str(),
        (None, Some(Value::String(id))) => id,
        (None, _) => return,
    };
    let Some(stem) = cx.stem else {
        // A file name that is not UTF-8 can never equal an id: say so, rather than nothing.
        if let Some(name) = cx.file.path.file_name() {
            let extension = cx
                .file
                .path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_else(|| "yaml".into());
            let message = format!(
                "the file name `{}` is not valid UTF-8, so it cannot match the guide id `{id}`; rename the file to `{id}.{extension}`",
                name.to_string_lossy()
            );
            out.push(cx.at_value(IdMismatch::ID, "/id".into(), message));
        }
        return;
    };
    if id == stem {
        return;
    }
    let extension = cx
        .file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("yaml");
    let message = if is_valid_id(stem) {
        format!(
            "the guide id `{id}` differs from the file name `{stem}.{extension}`; change the id to `{stem}` or rename the file to `{id}.{extension}`"
        )
    } else {
        format!(
            "the guide id `{id}` differs from the file name `{stem}.{extension}`, which is not a valid id; rename the file to `{id}.{extension}`"
        )
    };
    out.push(cx.at_value(IdMismatch::ID, "/id".into(), message));
}
