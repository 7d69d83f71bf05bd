import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CriticResult } from '../shared/result';
import type { VideoProbe } from '../shared/video';
import {
  parseFromPlayerMessage,
  parsePlayerState,
  type FromPlayerMessage,
  type JobStatus,
  type JobView,
  type PlaybackView,
  type PlayerView,
  type ToPlayerMessage,
} from '../shared/webviewMessages';
import type { BandsView } from '../shared/bands';
import { outputLog } from './outputLog';
import { bandsInForce } from './results/calibration';
import { preparePlayback } from './playbackSource';
import type { Config } from './config';
import type { Services } from './services';
import { renderWebviewPage } from './webviewHtml';

export const PLAYER_VIEW_TYPE = 'cosmosCritic.player';

export function proxyFolder(services: Pick<Services, 'storageUri'>): vscode.Uri {
  return vscode.Uri.joinPath(services.storageUri, 'proxies');
}

export function thumbnailFolder(services: Pick<Services, 'storageUri'>): vscode.Uri {
  return vscode.Uri.joinPath(services.storageUri, 'thumbnails');
}

/** The panel loads its script and style, the video's folder, and the playable copies and thumbnails we make: nothing else. */
function webviewOptions(host: Services, video: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(host.extensionUri, 'media'),
      vscode.Uri.joinPath(video, '..'),
      proxyFolder(host),
      thumbnailFolder(host),
    ],
  };
}

function panelTitle(video: vscode.Uri, view: Pick<PlayerView, 'job' | 'result'>): string {
  const mode = view.job?.mode ?? view.result?.mode;
  const what = mode === 'critic' ? 'Critique' : mode === 'reward' ? 'Score' : 'Sampling Plan';
  return `${path.posix.basename(video.path)} · ${what}`;
}

const CHECKING: PlaybackView = { videoUri: null, proxy: false, note: 'Checking whether this video plays here…', progress: null, failed: false };

/**
 * One panel per video: the video with the violations on its timeline, the verdict, the frames the model saw and
 * the critique as it streams in. The extension host keeps everything the panel shows and sends it again whenever
 * the webview (re)loads, so a hidden-then-shown panel comes back as it was.
 */
export class PlayerPanel {
  private static readonly panels = new Map<string, PlayerPanel>();

  /** Opens (or reveals) the panel of a video with a probe of it. */
  static show(host: Services, video: vscode.Uri, probe: VideoProbe, column: vscode.ViewColumn, preserveFocus = false): PlayerPanel {
    const existing = PlayerPanel.panels.get(video.toString());
    if (existing) {
      existing.setProbe(probe);
      existing.panel.reveal(undefined, preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PLAYER_VIEW_TYPE, path.posix.basename(video.path), { viewColumn: column, preserveFocus }, {
      ...webviewOptions(host, video),
      retainContextWhenHidden: false,
    });
    return new PlayerPanel(panel, host, video, { probe, playback: CHECKING, job: null, result: null, resultFile: null, thumbnails: [] });
  }

  static forVideo(video: vscode.Uri): PlayerPanel | undefined {
    return PlayerPanel.panels.get(video.toString());
  }

  /** The video of the focused player panel, if one is focused. */
  static activeVideo(): vscode.Uri | undefined {
    for (const player of PlayerPanel.panels.values()) {
      if (player.panel.active) return player.video;
    }
    return undefined;
  }

  /** Restores panels after a window reload from the state the webview saved. */
  static registerSerializer(host: Services): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(PLAYER_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const restored = parsePlayerState(state);
        const videoPath = restored?.probe.video.path;
        if (!restored || !videoPath || !path.isAbsolute(videoPath) || !fs.existsSync(videoPath)) {
          panel.dispose();
          return;
        }
        const video = vscode.Uri.file(videoPath);
        if (PlayerPanel.panels.has(video.toString())) {
          panel.dispose();
          return;
        }
        // A job that was running died with the window; the result, if any, is still on disk.
        const job = restored.job?.status === 'running' ? { ...restored.job, status: 'cancelled' as const, stage: null, error: 'interrupted by a window reload' } : restored.job;
        const result = restored.result && path.resolve(restored.result.video.path) === path.resolve(videoPath) ? restored.result : null;
        new PlayerPanel(panel, host, video, {
          probe: restored.probe,
          playback: CHECKING,
          job,
          result,
          resultFile: result && restored.resultFile && fs.existsSync(restored.resultFile) ? restored.resultFile : null,
          thumbnails: [],
        });
      },
    });
  }

  private readonly disposables: vscode.Disposable[] = [];
  private cancelJob: (() => void) | undefined;
  private playback: vscode.CancellationTokenSource | undefined;
  /** Thumbnail files as the server gave them; turned into webview URIs when sent. */
  private thumbnailFiles: { time_s: number; path: string }[] = [];
  private disposed = false;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly host: Services,
    readonly video: vscode.Uri,
    private view: PlayerView,
  ) {
    PlayerPanel.panels.set(video.toString(), this);
    panel.title = panelTitle(video, view);
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'icon.svg');
    panel.webview.options = webviewOptions(host, video);
    panel.webview.html = renderWebviewPage(panel.webview, {
      title: panel.title,
      scriptUri: vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview', 'player.js'),
      styleUris: [vscode.Uri.joinPath(host.extensionUri, 'media', 'player.css')],
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    if (view.result) this.host.videoJobs.requestThumbnails(this.video, view.result);
    this.startPlayback(false);
  }

  get result(): CriticResult | null {
    return this.view.result;
  }

  get resultFile(): string | null {
    return this.view.resultFile;
  }

  get isRunning(): boolean {
    return this.view.job?.status === 'running';
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  /** Seeks the player to a time on the video. */
  seek(time_s: number): void {
    this.post({ type: 'seek', time_s });
  }

  setProbe(probe: VideoProbe): void {
    if (JSON.stringify(probe) === JSON.stringify(this.view.probe)) return;
    this.view = { ...this.view, probe };
    this.postShow();
  }

  startJob(job: Omit<JobView, 'status' | 'stage' | 'error' | 'text'>, cancel: () => void): void {
    this.cancelJob = cancel;
    this.view = { ...this.view, job: { ...job, status: 'running', stage: null, error: null, text: [] } };
    this.panel.title = panelTitle(this.video, this.view);
    this.post({ type: 'job', job: this.view.job! });
  }

  jobStage(jobId: string, stage: string): void {
    const job = this.view.job;
    if (job?.id !== jobId || job.status !== 'running') return;
    job.stage = stage;
    this.post({ type: 'stage', jobId, stage });
  }

  jobText(jobId: string, trial: number, delta: string): void {
    const job = this.view.job;
    if (job?.id !== jobId || job.status !== 'running') return;
    while (job.text.length <= trial) job.text.push('');
    job.text[trial] += delta;
    this.post({ type: 'text', jobId, trial, delta });
  }

  finishJob(jobId: string, status: Exclude<JobStatus, 'running'>, error: string | null = null): void {
    const job = this.view.job;
    if (job?.id !== jobId) return;
    this.cancelJob = undefined;
    this.view = { ...this.view, job: { ...job, status, stage: null, error } };
    this.post({ type: 'job', job: this.view.job! });
  }

  setResult(result: CriticResult, resultFile: string | null): void {
    this.view = { ...this.view, result, resultFile, thumbnails: [] };
    this.thumbnailFiles = [];
    this.panel.title = panelTitle(this.video, this.view);
    this.post({ type: 'result', result, resultFile });
  }

  setThumbnails(forResult: CriticResult, thumbnails: { time_s: number; path: string }[]): void {
    if (this.view.result !== forResult) return;
    this.thumbnailFiles = thumbnails;
    this.view = { ...this.view, thumbnails: this.thumbnailViews() };
    this.post({ type: 'thumbnails', thumbnails: this.view.thumbnails });
  }

  private thumbnailViews(): PlayerView['thumbnails'] {
    return this.thumbnailFiles.map(({ time_s, path: file }) => ({ time_s, uri: this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString() }));
  }

  private setPlayback(playback: PlaybackView): void {
    this.view = { ...this.view, playback };
    this.post({ type: 'playback', playback });
  }

  /** Finds what the webview can play: the original, or a proxy made for it (`force`: the original failed to play). */
  private startPlayback(force: boolean): void {
    this.playback?.cancel();
    const cancel = new vscode.CancellationTokenSource();
    this.playback = cancel;
    if (force) this.setPlayback({ videoUri: null, proxy: false, note: 'The player could not play the original: making a playable copy…', progress: null, failed: false });
    void preparePlayback(this.host, this.video, force, (playback) => {
      if (this.playback !== cancel || this.disposed) return;
      if (playback.file) {
        const videoUri = this.panel.webview.asWebviewUri(playback.file).toString();
        this.setPlayback({ videoUri, proxy: playback.proxy, note: playback.note, progress: null, failed: false });
      } else {
        this.setPlayback({ videoUri: null, proxy: false, note: playback.note, progress: playback.progress, failed: playback.failed });
      }
    }, cancel.token);
  }

  /** The bands in force, read when a panel shows and again when cosmosCritic.bandsFile changes. */
  private static bands: Promise<BandsView> | undefined;

  private static bandsWatch: vscode.Disposable | undefined;

  private static bandsInForce(config: Config): Promise<BandsView> {
    PlayerPanel.bandsWatch ??= vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cosmosCritic.bandsFile')) PlayerPanel.bandsChanged();
    });
    PlayerPanel.bands ??= bandsInForce(config);
    return PlayerPanel.bands;
  }

  /** After cosmosCritic.bandsFile changed: every open player shows its score in the new bands. */
  static bandsChanged(): void {
    PlayerPanel.bands = undefined;
    for (const panel of PlayerPanel.panels.values()) panel.postShow();
  }

  private postShow(): void {
    void PlayerPanel.bandsInForce(this.host.config).then((bands) => {
      if (this.disposed) return;
      this.view = { ...this.view, bands, thumbnails: this.thumbnailViews() };
      this.post({ type: 'show', view: this.view });
    });
  }

  private post(message: ToPlayerMessage): void {
    // A hidden webview (retainContextWhenHidden: false) drops messages; it sends `ready` again when shown.
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const message = parseFromPlayerMessage(raw);
    if (!message) {
      outputLog().warn(`Dropped an unexpected message from the player: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    this.handle(message);
  }

  private handle(message: FromPlayerMessage): void {
    switch (message.type) {
      case 'ready':
        this.postShow();
        return;
      case 'playbackError': {
        const { playback } = this.view;
        outputLog().warn(`The player cannot play ${playback.proxy ? 'the playable copy of ' : ''}${this.video.fsPath}: ${message.message} (media error ${message.code ?? 'unknown'}).`);
        if (!playback.proxy && playback.videoUri) this.startPlayback(true);
        else if (playback.proxy) this.setPlayback({ videoUri: null, proxy: false, note: message.message, progress: null, failed: true });
        return;
      }
      case 'openExternally':
        outputLog().info(`Opening ${this.video.fsPath} with the system's default application.`);
        void vscode.env.openExternal(this.video);
        return;
      case 'run':
        if (!this.isRunning) void this.host.videoJobs.runFromPanel(this.video, message.mode, message.force);
        return;
      case 'choosePrompt':
        if (!this.isRunning) void this.host.videoJobs.choosePrompt(this.video);
        return;
      case 'cancelJob':
        this.cancelJob?.();
        return;
      case 'copyResult':
        if (this.view.result) {
          void vscode.env.clipboard.writeText(JSON.stringify(this.view.result, null, 2) + '\n').then(() =>
            vscode.window.setStatusBarMessage('Cosmos Critic: result JSON copied', 3000),
          );
        }
        return;
      case 'openResultFile':
        if (this.view.resultFile) void vscode.window.showTextDocument(vscode.Uri.file(this.view.resultFile), { viewColumn: vscode.ViewColumn.Beside, preview: true });
        return;
    }
  }

  private dispose(): void {
    // A running job goes on (its notification can cancel it): its result is still written and logged.
    this.disposed = true;
    this.playback?.cancel();
    if (PlayerPanel.panels.get(this.video.toString()) === this) PlayerPanel.panels.delete(this.video.toString());
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
