import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  WorkDoneProgress,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type RequestParam,
  type RequestType,
  type ServerOptions,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressParams,
  type WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { BackendInfoRequest, TextDeltaNotification, type BackendInfo, type TextDeltaParams } from '../shared/requests';
import { apiKeyRevision, serverProcessOptions } from './backend/apiKey';
import type { Config } from './config';
import { outputLog } from './outputLog';
import { runJob, type JobCallbacks, type JobConnection, type JobParams, type RunningJob } from './jobRunner';

const RESTART_WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS_IN_WINDOW = 4;

async function showErrorWithLog(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Show Log');
  if (choice) outputLog().show(true);
}

/**
 * Tells the user every time the server process dies, and lets the language client restart it
 * unless it keeps dying. Requests that were in flight are rejected by the client, so their jobs
 * report a failure rather than hang.
 */
class CrashReporter implements ErrorHandler {
  private crashes: number[] = [];

  error(error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    outputLog().error(`Connection to the critic server failed: ${error.message}`);
    return count !== undefined && count <= 3 ? { action: ErrorAction.Continue } : { action: ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes = this.crashes.filter((time) => now - time < RESTART_WINDOW_MS);
    this.crashes.push(now);
    const restart = this.crashes.length <= MAX_RESTARTS_IN_WINDOW;
    const message = restart
      ? 'The Cosmos Critic server stopped unexpectedly and is restarting. Jobs that were running have failed; run them again.'
      : `The Cosmos Critic server stopped unexpectedly ${this.crashes.length} times in 3 minutes and was not restarted. ` +
        'It starts again with the next job.';
    outputLog().error(message);
    void showErrorWithLog(message);
    return { action: restart ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true };
  }
}

/**
 * The one connection to the critic server. Nothing starts until the first request (or
 * `start()`); the server is restarted before the next request when its settings changed.
 */
export class CriticClient {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  /** JSON of the initialization options the running server got. */
  private startedWith: string | undefined;
  private inFlight = 0;
  private readonly textListeners = new Set<(params: TextDeltaParams) => void>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly config: Config,
  ) {}

  /** Whether a server process has been started (the status bar asks it questions only then). */
  get running(): boolean {
    return this.client?.isRunning() ?? false;
  }

  /** Runs one job (see `runJob`): every long request of the extension goes through here. */
  runJob<P extends WorkDoneProgressParams & { jobId?: string }, R>(type: RequestType<P, R, void>, params: JobParams<P>, callbacks: JobCallbacks): RunningJob<R> {
    return runJob(this.jobConnection, type, params, callbacks);
  }

  private readonly jobConnection: JobConnection = {
    onWorkDoneProgress: (token, handler) => this.onWorkDoneProgress(token, handler),
    onTextDelta: (listener) => this.onTextDelta(listener),
    request: (type, params, token) => this.request(type, params as RequestParam<typeof params>, token),
  };

  /** Streamed critique text from every job; listeners pick theirs by job id. */
  private onTextDelta(listener: (params: TextDeltaParams) => void): vscode.Disposable {
    this.textListeners.add(listener);
    return new vscode.Disposable(() => this.textListeners.delete(listener));
  }

  /** Work-done progress the server reports under a token the client chose (sent as `workDoneToken`). */
  private async onWorkDoneProgress(
    token: string,
    handler: (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => void,
  ): Promise<vscode.Disposable> {
    // Restart first if needed, so that the listener is on the server the request that follows goes to.
    await this.restartIfSettingsChanged();
    const client = await this.start();
    const listening = client.onProgress(WorkDoneProgress.type, token, handler);
    return new vscode.Disposable(() => listening.dispose());
  }

  /** The backend and device of the running server; undefined when no server runs (it is not started for this). */
  async backendInfo(): Promise<BackendInfo | undefined> {
    const client = this.client;
    if (!client?.isRunning()) return undefined;
    return client.sendRequest(BackendInfoRequest);
  }

  start(): Promise<LanguageClient> {
    // A client that gave up restarting after repeated crashes is replaced by a fresh one.
    if (this.client && this.client.state === State.Stopped) {
      const dead = this.client;
      this.client = undefined;
      this.starting = undefined;
      dead.dispose().catch(() => undefined);
    }
    this.starting ??= this.createAndStart().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  async request<P, R>(type: RequestType<P, R, void>, params: RequestParam<P>, token: vscode.CancellationToken): Promise<R> {
    await this.restartIfSettingsChanged();
    this.inFlight++;
    try {
      const client = await this.start();
      return await client.sendRequest(type, params, token);
    } finally {
      this.inFlight--;
    }
  }

  /** A server started with other settings is restarted before the next job, never under a running one. */
  private async restartIfSettingsChanged(): Promise<void> {
    if (this.inFlight === 0 && this.settingsChanged()) {
      outputLog().info('Critic server settings changed; restarting the server.');
      await this.stop();
    }
  }

  async stop(): Promise<void> {
    const starting = this.starting;
    this.starting = undefined;
    this.client = undefined;
    this.startedWith = undefined;
    if (!starting) return;
    const client = await starting.catch(() => undefined);
    await client?.dispose().catch((error: unknown) => {
      outputLog().warn(`Stopping the critic server failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private settingsChanged(): boolean {
    return this.startedWith !== undefined && this.startedWith !== JSON.stringify(this.config.criticServerOptions()) + apiKeyRevision();
  }

  private async createAndStart(): Promise<LanguageClient> {
    const module = vscode.Uri.joinPath(this.extensionUri, 'dist', 'server.js').fsPath;
    if (!fs.existsSync(module)) {
      throw new Error(`The Cosmos Critic server is missing (${module}). Reinstall the extension, or run "npm run build" in its folder.`);
    }
    const serverOptions: ServerOptions = {
      // The API key reaches the server in COSMOS_CRITIC_API_KEY of its environment, never in settings or logs.
      run: { module, transport: TransportKind.ipc, options: serverProcessOptions() },
      debug: { module, transport: TransportKind.ipc, options: serverProcessOptions({ execArgv: ['--nolazy', '--inspect=6009'] }) },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'critic-prompt' }],
      // A function, so that each automatic restart reads the settings afresh.
      initializationOptions: () => {
        const options = this.config.criticServerOptions();
        this.startedWith = JSON.stringify(options) + apiKeyRevision();
        outputLog().info(`Starting the critic server (ffmpeg: ${options.ffmpegPath ?? 'from PATH'}).`);
        return options;
      },
      outputChannel: outputLog(),
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler: new CrashReporter(),
    };
    const client = new LanguageClient('cosmosCritic', 'Cosmos Critic Server', serverOptions, clientOptions);
    client.onNotification(TextDeltaNotification, (params) => {
      for (const listener of this.textListeners) listener(params);
    });
    try {
      await client.start();
    } catch (error) {
      client.dispose().catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Could not start the Cosmos Critic server: ${reason}`);
    }
    this.client = client;
    return client;
  }
}
