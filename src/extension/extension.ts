import * as vscode from 'vscode';
import { registerBatchFeatures } from './batch/registerBatchFeatures';
import { CriticClient } from './criticClient';
import { disposeOutputLog, outputLog } from './outputLog';
import { PlayerPanel } from './playerPanel';
import { registerImportPrompt } from './importPromptFile';
import { registerNewPromptFile } from './newPromptFile';
import { probeVideos } from './probeVideo';
import { registerPromptTools } from './promptTools';
import { BackendStatus, SHOW_LOG_COMMAND } from './statusBar';
import { registerVideoCommands, VideoJobs } from './videoCommands';
import { activeEditorUri, resolveVideoUris } from './videoTarget';
import { registerReviewCommands } from './review/reviewCommands';

const PROMPT_LANGUAGE = 'critic-prompt';

let critic: CriticClient | undefined;

/** Starts the server for prompt-file language features once a prompt file is open, and not before. */
function startWithPromptFiles(client: CriticClient): vscode.Disposable {
  const start = (): void => {
    client.start().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      outputLog().error(message);
      void vscode.window.showErrorMessage(message);
    });
  };
  if (vscode.workspace.textDocuments.some((document) => document.languageId === PROMPT_LANGUAGE)) {
    start();
    return new vscode.Disposable(() => undefined);
  }
  const listener = vscode.workspace.onDidOpenTextDocument((document) => {
    if (document.languageId !== PROMPT_LANGUAGE) return;
    listener.dispose();
    start();
  });
  return listener;
}

export function activate(context: vscode.ExtensionContext): void {
  const client = new CriticClient(context.extensionUri);
  critic = client;
  const status = new BackendStatus(client);
  const jobs = new VideoJobs({
    extensionUri: context.extensionUri,
    storageUri: context.globalStorageUri,
    critic: client,
    afterJob: (error) => (error === null ? void status.refresh() : status.showJobError(error)),
  });
  context.subscriptions.push(
    vscode.commands.registerCommand('cosmosCritic.probeVideo', async (clicked?: unknown, selection?: unknown) => {
      const videos = await resolveVideoUris(clicked, selection, () => PlayerPanel.activeVideo());
      if (videos.length === 0) return;
      // Invoked on an open editor of the video: show the plan beside it rather than over it.
      const editor = activeEditorUri()?.toString();
      const column = videos.some((video) => video.toString() === editor) ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
      await probeVideos(client, jobs.jobHost, videos, column);
    }),
    ...registerVideoCommands(jobs),
    ...registerPromptTools(context, client),
    registerNewPromptFile(context.extensionUri),
    registerImportPrompt(),
    vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => outputLog().show(true)),
    PlayerPanel.registerSerializer(jobs.jobHost),
    startWithPromptFiles(client),
    status,
    new vscode.Disposable(disposeOutputLog),
  );
  registerBatchFeatures(context, jobs.jobHost);
  context.subscriptions.push(...registerReviewCommands(jobs.jobHost));
}

export async function deactivate(): Promise<void> {
  await critic?.stop();
  critic = undefined;
}
