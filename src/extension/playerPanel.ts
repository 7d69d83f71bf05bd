import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VideoProbe } from '../shared/video';
import {
  parseFromPlayerMessage,
  parsePlayerState,
  type FromPlayerMessage,
  type ToPlayerMessage,
} from '../shared/webviewMessages';
import { outputLog } from './outputLog';
import { renderWebviewPage } from './webviewHtml';

export const PLAYER_VIEW_TYPE = 'cosmosCritic.player';

function webviewOptions(extensionUri: vscode.Uri, video: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
      vscode.Uri.joinPath(video, '..'),
    ],
  };
}

function panelTitle(video: vscode.Uri): string {
  return `${path.posix.basename(video.path)} · Sampling Plan`;
}

/** One panel per video: the video, its metadata and the frames the model will see. */
export class PlayerPanel {
  private static readonly panels = new Map<string, PlayerPanel>();

  static show(extensionUri: vscode.Uri, video: vscode.Uri, probe: VideoProbe, column: vscode.ViewColumn): void {
    const existing = PlayerPanel.panels.get(video.toString());
    if (existing) {
      existing.update(probe);
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(PLAYER_VIEW_TYPE, panelTitle(video), column, {
      ...webviewOptions(extensionUri, video),
      retainContextWhenHidden: false,
    });
    new PlayerPanel(panel, extensionUri, video, probe);
  }

  /** The video of the focused player panel, if one is focused. */
  static activeVideo(): vscode.Uri | undefined {
    for (const player of PlayerPanel.panels.values()) {
      if (player.panel.active) return player.video;
    }
    return undefined;
  }

  /** Restores panels after a window reload from the state the webview saved; needs no server. */
  static registerSerializer(extensionUri: vscode.Uri): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(PLAYER_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const restored = parsePlayerState(state);
        const videoPath = restored?.probe.video.path;
        if (!restored || !videoPath || !path.isAbsolute(videoPath) || !fs.existsSync(videoPath)) {
          panel.dispose();
          return;
        }
        const video = vscode.Uri.file(videoPath);
        const existing = PlayerPanel.panels.get(video.toString());
        if (existing) {
          panel.dispose();
          return;
        }
        new PlayerPanel(panel, extensionUri, video, restored.probe);
      },
    });
  }

  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly video: vscode.Uri,
    private probe: VideoProbe,
  ) {
    PlayerPanel.panels.set(video.toString(), this);
    panel.title = panelTitle(video);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.options = webviewOptions(extensionUri, video);
    panel.webview.html = renderWebviewPage(panel.webview, {
      title: panelTitle(video),
      scriptUri: vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'player.js'),
      styleUris: [vscode.Uri.joinPath(extensionUri, 'media', 'player.css')],
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Seeks the player to a time on the video (used by later features such as violation lists). */
  seek(time_s: number): void {
    this.post({ type: 'seek', time_s });
  }

  private update(probe: VideoProbe): void {
    this.probe = probe;
    this.postShow();
  }

  // A hidden webview (retainContextWhenHidden: false) drops messages; it sends `ready` again when shown.
  private postShow(): void {
    this.post({ type: 'show', probe: this.probe, videoUri: this.panel.webview.asWebviewUri(this.video).toString() });
  }

  private post(message: ToPlayerMessage): void {
    void this.panel.webview.postMessage(message);
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
      case 'playbackError':
        outputLog().warn(`The player cannot play ${this.video.fsPath}: ${message.message} (media error ${message.code ?? 'unknown'}).`);
        return;
      case 'openExternally':
        outputLog().info(`Opening ${this.video.fsPath} with the system's default application.`);
        void vscode.env.openExternal(this.video);
        return;
    }
  }

  private dispose(): void {
    if (PlayerPanel.panels.get(this.video.toString()) === this) PlayerPanel.panels.delete(this.video.toString());
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
