// The critic server: an ordinary Node program speaking LSP (stdio, IPC or socket, chosen by argv as vscode-languageserver does).
import { createConnection, ProposedFeatures, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { CriticServerOptions } from '../shared/requests';
import { ProbeRequest } from '../shared/requests';
import { createProbeHandler } from './probeHandler';

const connection = createConnection(ProposedFeatures.all);
let options: CriticServerOptions = {};

connection.onInitialize((params) => {
  options = (params.initializationOptions as CriticServerOptions | undefined) ?? {};
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'cosmos-critic-server', version: '0.1.0' },
  };
});

connection.onRequest(ProbeRequest, createProbeHandler(() => options));

connection.listen();
