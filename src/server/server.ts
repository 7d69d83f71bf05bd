// The critic server: an ordinary Node program speaking LSP (stdio, IPC or socket, chosen by argv as vscode-languageserver does).
import { createConnection, ProposedFeatures, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { CriticServerOptions } from '../shared/requests';
import { BackendInfoRequest, CritiqueRequest, ProbeRequest, ScoreRequest } from '../shared/requests';
import { EngineHost } from './engineHost';
import { createEvaluateHandler } from './evaluateHandler';
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

const engines = new EngineHost(() => options);

connection.onRequest(ProbeRequest, createProbeHandler(() => options));
connection.onRequest(ScoreRequest, createEvaluateHandler(connection, engines, 'reward'));
connection.onRequest(CritiqueRequest, createEvaluateHandler(connection, engines, 'critic'));
connection.onRequest(BackendInfoRequest, async () => {
  if (!options.modelPath) return { backend: 'onnx', modelPath: null, device: null, error: 'no model configured' };
  try {
    const engine = await engines.engine();
    return { backend: 'onnx', modelPath: engine.model.folder.dir, device: engine.model.device, error: null };
  } catch (err) {
    return { backend: 'onnx', modelPath: options.modelPath, device: null, error: (err as Error).message };
  }
});

connection.listen();
