import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CriticMode } from '../shared/result';
import { evaluateInPanel, requestThumbnails, type JobHost } from './evaluationJob';
import { PlayerPanel } from './playerPanel';
import { defaultPrompt, pickPrompt, SHIPPED_DEFAULT, type PromptChoice } from './promptChoice';
import { activeEditorUri, resolveVideoUris } from './videoTarget';

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export const CRITIQUE_COMMAND = 'cosmosCritic.critiqueVideo';
export const SCORE_COMMAND = 'cosmosCritic.scoreVideo';

/** What a panel re-runs: the prompt it ran last in that mode, else the default prompt of the mode. */
export class VideoJobs {
  private readonly lastPrompt = new Map<string, PromptChoice>();
  /** The host the player panels act through. */
  readonly jobHost: JobHost;

  constructor(private readonly host: Omit<JobHost, 'run' | 'choosePrompt' | 'requestThumbnails'>) {
    this.jobHost = {
      ...host,
      run: (video, mode, force) => void this.runFromPanel(video, mode, force),
      choosePrompt: (video) => void this.choosePrompt(video),
      requestThumbnails: (video, result) => requestThumbnails(this.jobHost, video, result),
    };
  }

  async command(mode: CriticMode, clicked: unknown, selection: unknown): Promise<void> {
    const action = mode === 'reward' ? 'Score Video' : 'Critique Video';
    const videos = await resolveVideoUris(clicked, selection, () => PlayerPanel.activeVideo(), action);
    if (videos.length === 0) return;
    // Invoked on an open editor of the video: show the panel beside it rather than over it.
    const editor = activeEditorUri()?.toString();
    const column = videos.some((video) => video.toString() === editor) ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const prompt = await defaultPrompt(this.host.extensionUri, mode);
    for (const video of videos) await this.run(video, prompt, false, column);
  }

  private async run(video: vscode.Uri, prompt: PromptChoice, force: boolean, column: vscode.ViewColumn): Promise<void> {
    this.lastPrompt.set(`${video.toString()}|${prompt.mode}`, prompt);
    await evaluateInPanel(this.jobHost, video, prompt, force, column);
  }

  private async runFromPanel(video: vscode.Uri, mode: CriticMode, force: boolean): Promise<void> {
    const result = PlayerPanel.forVideo(video)?.result;
    const promptPath = result?.prompt.path ?? null;
    // A panel restored in an untrusted workspace may show a result of a workspace prompt: that one is not run.
    const usable = promptPath === null || vscode.workspace.isTrusted || isInside(promptPath, vscode.Uri.joinPath(this.host.extensionUri, 'prompts').fsPath);
    const fromResult: PromptChoice | undefined = result?.mode === mode && usable
      ? { ref: promptPath ?? SHIPPED_DEFAULT[mode], label: result.prompt.id, mode }
      : undefined;
    const prompt = this.lastPrompt.get(`${video.toString()}|${mode}`) ?? fromResult ?? (await defaultPrompt(this.host.extensionUri, mode));
    await this.run(video, prompt, force, vscode.ViewColumn.Active);
  }

  private async choosePrompt(video: vscode.Uri): Promise<void> {
    const name = video.path.split('/').pop() ?? video.path;
    const prompt = await pickPrompt(this.host.extensionUri, name);
    if (prompt) await this.run(video, prompt, false, vscode.ViewColumn.Active);
  }
}

export function registerVideoCommands(jobs: VideoJobs): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CRITIQUE_COMMAND, (clicked?: unknown, selection?: unknown) => jobs.command('critic', clicked, selection)),
    vscode.commands.registerCommand(SCORE_COMMAND, (clicked?: unknown, selection?: unknown) => jobs.command('reward', clicked, selection)),
  ];
}
