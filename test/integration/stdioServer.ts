import { spawn } from 'node:child_process';
import {
  createProtocolConnection,
  ExitNotification,
  InitializeRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { CriticServerOptions } from '../../src/shared/requests';
import { SERVER, requireBuilt } from './builtArtifacts';

export interface StdioServer {
  connection: ProtocolConnection;
  /** Shutdown + exit, waiting for the process to end. */
  stop(): Promise<void>;
}

/**
 * The built critic server as a user starts it (`node dist/server.js --stdio`), initialised with `options`.
 * `beforeListen` registers handlers (progress, notifications) before any message can arrive.
 */
export async function startStdioServer(options: CriticServerOptions, beforeListen?: (connection: ProtocolConnection) => void): Promise<StdioServer> {
  const child = spawn(process.execPath, [requireBuilt(SERVER), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  beforeListen?.(connection);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true } },
    initializationOptions: options,
  });
  return {
    connection,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      await exited;
      connection.dispose();
    },
  };
}
