import * as vscode from 'vscode';
import { selectBackend } from './backend/selectBackend';
import { critiqueFolder, critiqueWorkspace } from './batch/batchCommands';
import { COMMANDS, type CommandName } from './commandIds';
import { importPrompt } from './importPromptFile';
import { newPromptFile } from './newPromptFile';
import { PlayerPanel } from './playerPanel';
import { probeVideos } from './probeVideo';
import { comparePromptVersions } from './prompts/compareVersions';
import { pinToPrompt } from './prompts/pinToPrompt';
import { exportReportCommand, openResults } from './results/resultsCommands';
import { reviewFolder } from './review/reviewCommands';
import type { Services } from './services';
import { activeEditorUri, resolveVideoUris } from './videoTarget';

/** A command's handler: the services, then the arguments VS Code passes (the clicked resource, the selection, …). */
type Handler = (services: Services, first?: unknown, second?: unknown) => unknown;

/** `Show Sampling Plan`: probes the videos and opens the player on each. */
async function probeVideo(services: Services, clicked: unknown, selection: unknown): Promise<void> {
  const videos = await resolveVideoUris(clicked, selection, () => PlayerPanel.activeVideo());
  if (videos.length === 0) return;
  // Invoked on an open editor of the video: show the plan beside it rather than over it.
  const editor = activeEditorUri()?.toString();
  const column = videos.some((video) => video.toString() === editor) ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
  await probeVideos(services, videos, column);
}

/** Every command of the extension and what runs it. */
const HANDLERS: Record<CommandName, Handler> = {
  probeVideo,
  critiqueVideo: (services, clicked, selection) => services.videoJobs.command('critic', clicked, selection),
  scoreVideo: (services, clicked, selection) => services.videoJobs.command('reward', clicked, selection),
  runPromptOnPins: (services, argument) => services.prompts.runCommand(argument),
  comparePromptVersions: (services) => comparePromptVersions(services),
  pinToPrompt: (services, clicked, selection) => pinToPrompt(services.config, clicked, selection),
  selectBackend: (services) => selectBackend(services),
  critiqueWorkspace: (services) => critiqueWorkspace(services),
  critiqueFolder: (services, clicked, selection) => critiqueFolder(services, clicked, selection),
  openResults: (services, clicked) => openResults(services, clicked),
  reviewFolder: (services, clicked, order) => reviewFolder(services, clicked, order),
  exportReport: (services, clicked, options) => exportReportCommand(services, clicked, options),
  newPromptFile: (services) => newPromptFile(services.extensionUri),
  importPrompt: (_services, given) => importPrompt(given instanceof vscode.Uri ? given : undefined),
  showLog: (services) => services.log().show(true),
};

/** Registers every command of the table, disposed with the extension. */
export function registerCommands(context: vscode.ExtensionContext, services: Services): void {
  for (const name of Object.keys(HANDLERS) as CommandName[]) {
    const handler = HANDLERS[name];
    context.subscriptions.push(vscode.commands.registerCommand(COMMANDS[name], (first?: unknown, second?: unknown) => handler(services, first, second)));
  }
}
