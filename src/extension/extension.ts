import * as vscode from 'vscode';
import { trackApiKey } from './backend/apiKey';
import { registerCommands } from './commands';
import type { CriticClient } from './criticClient';
import { disposeOutputLog, outputLog } from './outputLog';
import { PlayerPanel } from './playerPanel';
import { registerLiveRerun } from './prompts/liveRerun';
import { ResultsPanel } from './results/resultsPanel';
import { registerReviewSerializer } from './review/reviewCommands';
import { createServices } from './services';
import { BackendStatus } from './statusBar';

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
  let status: BackendStatus | undefined;
  const services = createServices(context, (error) => {
    if (!status) return;
    if (error === null) void status.refresh();
    else status.showJobError(error);
  });
  critic = services.client;
  status = new BackendStatus(services.client, services.config);
  registerCommands(context, services);
  context.subscriptions.push(
    trackApiKey(context.secrets),
    registerLiveRerun(services.prompts, services.config),
    services.prompts,
    PlayerPanel.registerSerializer(services),
    ResultsPanel.registerSerializer(services),
    registerReviewSerializer(services),
    startWithPromptFiles(services.client),
    status,
    new vscode.Disposable(disposeOutputLog),
  );
}

export async function deactivate(): Promise<void> {
  await critic?.stop();
  critic = undefined;
}
