// The splforge extension: starts `splforge server` for a content repository (the
// workspace folder is the content root) and hands it the YAML files of the content
// directories. Everything else (diagnostics, hover, definitions, references, completion,
// quick fixes) is the server's.
const { workspace } = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

const CONTENT_DIRECTORIES =
  '{detections,stories,macros,lookups,data_sources,deployments,baselines,investigations,dashboards}';

let client;

function activate() {
  const command = workspace.getConfiguration('splforge').get('path') || 'splforge';
  client = new LanguageClient(
    'splforge',
    'splforge',
    { command, args: ['server'] },
    {
      documentSelector: [
        { scheme: 'file', language: 'yaml', pattern: `**/${CONTENT_DIRECTORIES}/**/*.{yml,yaml}` },
      ],
      // Files changed outside the editor (a git checkout) are read again.
      synchronize: {
        fileEvents: workspace.createFileSystemWatcher(`**/${CONTENT_DIRECTORIES}/**/*.{yml,yaml}`),
      },
    },
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
