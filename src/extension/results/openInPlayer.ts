import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CriticResult } from '../../shared/result';
import { isCriticResult } from '../../shared/webviewMessages';
import { outputLog } from '../outputLog';
import { PlayerPanel } from '../playerPanel';
import { probeVideos } from '../probeVideo';
import type { Services } from '../services';

async function readResult(file: string): Promise<CriticResult | undefined> {
  try {
    const data: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isCriticResult(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens the player on a video and shows a stored result in it (no model run): the video's panel is opened as
 * `Show Sampling Plan` opens it, then given the result, as a finished job would give it.
 */
export async function openInPlayer(host: Services, videoPath: string, resultFile: string | null): Promise<void> {
  const name = path.basename(videoPath);
  if (!existsSync(videoPath)) {
    void vscode.window.showErrorMessage(`${name} is no longer at ${videoPath}; its result stays in the results folder.`);
    return;
  }
  const video = vscode.Uri.file(videoPath);
  const result = resultFile ? await readResult(resultFile) : undefined;
  if (resultFile && !result) outputLog().warn(`${resultFile} is not a readable Cosmos Critic result; opening ${videoPath} without it.`);
  if (!PlayerPanel.forVideo(video)) await probeVideos(host, [video], vscode.ViewColumn.Beside);
  const panel = PlayerPanel.forVideo(video);
  if (!panel) return;
  panel.reveal();
  // A job running in the panel will show its own result; do not replace it under the user.
  if (!result || panel.isRunning) return;
  panel.setResult(result, resultFile);
  host.videoJobs.requestThumbnails(video, result);
}
