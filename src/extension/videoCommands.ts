import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CriticMode, CriticResult } from '../shared/result';
import { evaluateInPanel, requestThumbnails } from './evaluationJob';
import { PlayerPanel } from './playerPanel';
import { defaultPrompt, pickPrompt, SHIPPED_DEFAULT, type PromptChoice } from './promptChoice';
import type { Services } from './services';
import { activeEditorUri, resolveVideoUris } from './videoTarget';

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** What a panel re-runs: the prompt it ran last in that mode, else the default prompt of the mode. */
export class VideoJobs {
  private readonly lastPrompt = new Map<string, PromptChoice>();

  constructor(private readonly host: Services) {}

  /** Asks for the thumbnails of the frames a result's model saw, for a panel shown with that result. */
  requestThumbnails(video: vscode.Uri, result: CriticResult): void {
    requestThumbnails(this.host, video, result);
  }

  async command(mode: CriticMode, clicked: unknown, selection: unknown): Promise<void> {
    const action = mode === 'reward' ? 'Score Video' : 'Critique Video';
    const videos = await resolveVideoUris(clicked, selection, () => PlayerPanel.activeVideo(), action);
    if (videos.length === 0) return;
    // Invoked on an open editor of the video: show the panel beside it rather than over it.
    const editor = activeEditorUri()?.toString();
    const column = videos.some((video) => video.toString() === editor) ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const prompt = await defaultPrompt(this.host, mode);
    for (const video of videos) await this.run(video, prompt, false, column);
  }

  private async run(video: vscode.Uri, prompt: PromptChoice, force: boolean, column: vscode.ViewColumn): Promise<void> {
    this.lastPrompt.set(`${video.toString()}|${prompt.mode}`, prompt);
    await evaluateInPanel(this.host, video, prompt, force, column);
  }

  /** The panel's Critique, Score and Re-run actions. */
  async runFromPanel(video: vscode.Uri, mode: CriticMode, force: boolean): Promise<void> {
    const result = PlayerPanel.forVideo(video)?.result;
    const promptPath = result?.prompt.path ?? null;
    // A panel restored in an untrusted workspace may show a result of a workspace prompt: that one is not run.
    const usable = promptPath === null || vscode.workspace.isTrusted || isInside(promptPath, vscode.Uri.joinPath(this.host.extensionUri, 'prompts').fsPath);
    const fromResult: PromptChoice | undefined = result?.mode === mode && usable
      ? { ref: promptPath ?? SHIPPED_DEFAULT[mode], label: result.prompt.id, mode }
      : undefined;
    const prompt = this.lastPrompt.get(`${video.toString()}|${mode}`) ?? fromResult ?? (await defaultPrompt(this.host, mode));
    await this.run(video, prompt, force, vscode.ViewColumn.Active);
  }

  /** Lets the user pick a prompt file, then runs it on the panel's video. */
  async choosePrompt(video: vscode.Uri): Promise<void> {
    const name = video.path.split('/').pop() ?? video.path;
    const prompt = await pickPrompt(this.host.extensionUri, name);
    if (prompt) await this.run(video, prompt, false, vscode.ViewColumn.Active);
  }
}
