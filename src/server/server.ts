// The critic server: an ordinary Node program speaking LSP (stdio, IPC or socket, chosen by argv as vscode-languageserver does).
import { createConnection, ProposedFeatures, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { CriticServerOptions } from '../shared/requests';
import { errorCodeOf } from '../engine/errorCode';
import { BackendInfoRequest, BatchRequest, CritiqueRequest, ProbeRequest, ProxyRequest, ScoreRequest, ThumbnailsRequest } from '../shared/requests';
import { createBatchHandler } from './batchHandler';
import { EngineHost } from './engineHost';
import { createEvaluateHandler } from './evaluateHandler';
import { createProbeHandler } from './probeHandler';
import { registerPromptLanguage } from './promptfile/registerPromptLanguage';
import { createProxyHandler } from './proxyHandler';
import { createThumbnailsHandler } from './thumbnailsHandler';

const connection = createConnection(ProposedFeatures.all);
let options: CriticServerOptions = {};

connection.onInitialize((params) => {
  options = (params.initializationOptions as CriticServerOptions | undefined) ?? {};
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'cosmos-critic-server', version: '0.1.0' },
  };
});

const engines = new EngineHost(() => options, undefined, (line) => connection.console.log(line));

connection.onRequest(ProbeRequest, createProbeHandler(() => options));
connection.onRequest(ScoreRequest, createEvaluateHandler(connection, engines, 'reward'));
connection.onRequest(CritiqueRequest, createEvaluateHandler(connection, engines, 'critic'));
connection.onRequest(BatchRequest, createBatchHandler(connection, engines));
connection.onRequest(ProxyRequest, createProxyHandler(connection, () => options));
connection.onRequest(ThumbnailsRequest, createThumbnailsHandler(() => options));
connection.onRequest(BackendInfoRequest, async () => {
  const backend = options.backend ?? 'onnx';
  if (backend === 'onnx' && !options.modelPath) return { backend, modelPath: null, device: null, error: 'no model configured', errorCode: 'model-missing' };
  try {
    const { modelPath, device } = (await engines.backend()).info();
    return { backend, modelPath, device, error: null, errorCode: null };
  } catch (err) {
    return { backend, modelPath: options.modelPath ?? null, device: null, error: (err as Error).message, errorCode: errorCodeOf(err) };
  }
});

registerPromptLanguage(connection);

connection.listen();
