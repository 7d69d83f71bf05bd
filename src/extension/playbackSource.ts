import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProxyRequest } from '../shared/requests';
import { outputLog } from './outputLog';
import type { Services } from './services';

/** Where playback stands: a file to play, or the progress of making one, or why there is none. */
export interface PlaybackUpdate {
  file: vscode.Uri | null;
  proxy: boolean;
  note: string | null;
  progress: number | null;
  failed: boolean;
}

interface ProgressNotification {
  report(percent: number): void;
  close(): void;
}

/** A cancellable notification that stays open until closed, fed by the server's work-done progress. */
function openNotification(title: string, onCancel: () => void): ProgressNotification {
  let close = (): void => undefined;
  let report = (_percent: number): void => undefined;
  let reported = 0;
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    token.onCancellationRequested(onCancel);
    report = (percent) => {
      progress.report({ increment: Math.max(0, percent - reported), message: `${percent}%` });
      reported = Math.max(reported, percent);
    };
    return new Promise<void>((resolve) => (close = resolve));
  });
  return { report: (percent) => report(percent), close: () => close() };
}

/**
 * Asks the critic server what the webview can play for `video`: the original when its container and codec play in
 * VS Code, else (or when `force`d, after the webview failed to play it) an H.264 proxy, made with a progress
 * notification and cached. `update` hears every step.
 */
export async function preparePlayback(
  services: Pick<Services, 'client' | 'storageUri'>,
  video: vscode.Uri,
  force: boolean,
  update: (playback: PlaybackUpdate) => void,
  token: vscode.CancellationToken,
): Promise<void> {
  const name = path.basename(video.fsPath);
  const source = new vscode.CancellationTokenSource();
  const linked = token.onCancellationRequested(() => source.cancel());
  let userCancelled = false;
  let notification: ProgressNotification | undefined;
  let began = false;
  const started = Date.now();
  let reason: string | null = null;
  try {
    const job = services.client.runJob(
      ProxyRequest,
      { path: video.fsPath, force, outDir: vscode.Uri.joinPath(services.storageUri, 'proxies').fsPath },
      {
        token: source.token,
        doing: `making a playable copy of ${name}`,
        // The first stage is the work-done begin: the reason a copy is made; then reports of the percentage.
        onStage: (message, percentage) => {
          if (!began) {
            began = true;
            notification ??= openNotification(`Making a playable copy of ${name}`, () => {
              userCancelled = true;
              source.cancel();
            });
            reason = message || null;
            update({ file: null, proxy: false, note: reason, progress: 0, failed: false });
          } else if (percentage !== undefined) {
            notification?.report(percentage);
            update({ file: null, proxy: false, note: reason, progress: percentage / 100, failed: false });
          }
        },
      },
    );
    const answer = await job.result;
    if (answer.kind !== 'done') {
      if (token.isCancellationRequested) return;
      const message = userCancelled || answer.kind === 'cancelled' ? 'making a playable copy was cancelled' : answer.error.message;
      outputLog().warn(`playback ${video.fsPath}: ${message}`);
      update({ file: null, proxy: false, note: message, progress: null, failed: true });
      return;
    }
    const outcome = answer.value;
    if (!outcome.ok) {
      outputLog().warn(`playback ${video.fsPath}: ${outcome.error.message}`);
      update({ file: null, proxy: false, note: outcome.error.message, progress: null, failed: true });
      return;
    }
    const { playback } = outcome;
    if (playback.proxy) {
      const how = playback.cached ? 'reused the playable copy' : `made a playable copy in ${Date.now() - started} ms`;
      outputLog().info(`playback ${video.fsPath}: ${playback.reason}; ${how} (${playback.path})`);
    }
    update({ file: vscode.Uri.file(playback.path), proxy: playback.proxy, note: playback.reason, progress: null, failed: false });
  } finally {
    notification?.close();
    linked.dispose();
    source.dispose();
  }
}
