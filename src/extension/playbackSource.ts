import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProxyRequest } from '../shared/requests';
import type { CriticClient } from './criticClient';
import { outputLog } from './outputLog';
import { isCancellation, requestFailure } from './requestErrors';

export interface PlaybackHost {
  critic: CriticClient;
  /** The extension's global storage: playable copies and thumbnails are cached under it. */
  storageUri: vscode.Uri;
}

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
  host: PlaybackHost,
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
  let listening: vscode.Disposable | undefined;
  const workDoneToken = `proxy-${randomUUID()}`;
  const started = Date.now();
  let reason: string | null = null;
  try {
    listening = await host.critic.onWorkDoneProgress(workDoneToken, (value) => {
      if (value.kind === 'begin') {
        notification ??= openNotification(`Making a playable copy of ${name}`, () => {
          userCancelled = true;
          source.cancel();
        });
        reason = value.message ?? null;
        update({ file: null, proxy: false, note: reason, progress: 0, failed: false });
      } else if (value.kind === 'report' && value.percentage !== undefined) {
        notification?.report(value.percentage);
        update({ file: null, proxy: false, note: reason, progress: value.percentage / 100, failed: false });
      }
    });
    const outcome = await host.critic.request(
      ProxyRequest,
      { path: video.fsPath, force, outDir: vscode.Uri.joinPath(host.storageUri, 'proxies').fsPath, workDoneToken },
      source.token,
    );
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
  } catch (error) {
    if (token.isCancellationRequested) return;
    const message = userCancelled || isCancellation(error) ? 'making a playable copy was cancelled' : requestFailure(error, `making a playable copy of ${name}`);
    outputLog().warn(`playback ${video.fsPath}: ${message}`);
    update({ file: null, proxy: false, note: message, progress: null, failed: true });
  } finally {
    listening?.dispose();
    notification?.close();
    linked.dispose();
    source.dispose();
  }
}
