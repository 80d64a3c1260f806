// The remedy language client: starts `remedy server` and lets it check the YAML guides of the
// workspace. Plain CommonJS, no build step: `npm install` in this folder is all it needs.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("remedy");
  const args = ["server"];
  const config = settings.get("config", "");
  if (config) {
    args.unshift("--config", config);
  }
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const server = { command: settings.get("path", "remedy"), args, options: { cwd } };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "yaml" }],
    synchronize: {
      // Guides changed on disk (a checkout, another editor) are read again.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml}"),
    },
  };
  client = new LanguageClient("remedy", "remedy", server, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
