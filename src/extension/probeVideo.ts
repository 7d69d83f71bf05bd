import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProbeRequest, type ProbeResponse } from '../shared/requests';
import type { FileError, VideoProbe } from '../shared/video';
import { outputLog } from './outputLog';
import { PlayerPanel } from './playerPanel';
import { isCancellation, requestFailure, settingFix } from './requestErrors';
import type { Services } from './services';

function describePlan({ video, plan }: VideoProbe): string {
  return `${video.duration_s.toFixed(3)} s, ${video.fps.toFixed(3)} fps, ${video.width}×${video.height} → ` +
    `${plan.frames} frames at ${plan.width}×${plan.height} (${plan.rule} rule)`;
}

async function showFileError(error: FileError): Promise<void> {
  const name = path.basename(error.file);
  const message = error.message.includes(name) ? error.message : `${name}: ${error.message}`;
  const fix = settingFix(error.code);
  outputLog().error(message);
  const choice = await vscode.window.showErrorMessage(message, ...(fix ? [fix.label] : []), 'Show Log');
  if (choice === 'Show Log') outputLog().show(true);
  else if (fix && choice === fix.label) await vscode.commands.executeCommand('workbench.action.openSettings', fix.setting);
}

/** Probes the videos in the critic server, then opens a player panel for each one that worked. */
export async function probeVideos(
  host: Services,
  videos: vscode.Uri[],
  column: vscode.ViewColumn,
): Promise<void> {
  const log = outputLog();
  const onDisk = videos.filter((uri) => uri.scheme === 'file');
  for (const uri of videos.filter((uri) => uri.scheme !== 'file')) {
    log.warn(`Skipped ${uri.toString()}: only files on disk can be probed.`);
    void vscode.window.showErrorMessage(`${path.posix.basename(uri.path)} is not a file on disk, so it cannot be probed.`);
  }
  if (onDisk.length === 0) return;

  const paths = onDisk.map((uri) => uri.fsPath);
  const label = onDisk.length === 1 ? path.basename(paths[0]) : `${onDisk.length} videos`;
  const started = Date.now();
  log.info(`probe ${paths.join(', ')}: started`);

  let response: ProbeResponse;
  let cancelled = false;
  try {
    response = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Probing ${label}…`, cancellable: true },
      (_progress, token) => {
        token.onCancellationRequested(() => (cancelled = true));
        return host.client.request(ProbeRequest, { paths }, token);
      },
    );
  } catch (error) {
    if (cancelled || isCancellation(error)) {
      log.info(`probe ${label}: cancelled after ${Date.now() - started} ms`);
      return;
    }
    const message = requestFailure(error, `probing ${label}`);
    log.error(`probe ${label}: failed after ${Date.now() - started} ms: ${message}`);
    void vscode.window.showErrorMessage(message);
    return;
  }
  if (cancelled) {
    log.info(`probe ${label}: cancelled after ${Date.now() - started} ms`);
    return;
  }

  log.info(`probe ${label}: answered in ${Date.now() - started} ms`);
  if (response.results.length !== onDisk.length) {
    log.error(`probe ${label}: expected ${onDisk.length} results, got ${response.results.length}`);
  }
  response.results.forEach((outcome, index) => {
    const video = onDisk[index];
    if (!video) return;
    if (outcome.ok) {
      log.info(`  ${video.fsPath}: ${describePlan(outcome.probe)}`);
      PlayerPanel.show(host, video, outcome.probe, column);
    } else {
      log.error(`  ${outcome.error.file}: ${outcome.error.message}`);
      void showFileError(outcome.error);
    }
  });
}
