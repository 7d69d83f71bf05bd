import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LabelStore } from '../../engine/labels/labelStore';
import { readReviewPosition, restoreIndex, resumeIndex, saveReviewPosition } from '../../engine/labels/reviewPosition';
import type { CriticResult } from '../../shared/result';
import { parseFromReviewMessage, type FromReviewMessage, type ReviewItemView, type ToReviewMessage } from '../../shared/reviewMessages';
import type { ReviewSource } from '../../shared/reviewState';
import { isCriticResult, type PlaybackView } from '../../shared/webviewMessages';
import { outputLog } from '../outputLog';
import { preparePlayback } from '../playbackSource';
import { proxyFolder } from '../playerPanel';
import { errorMessage } from '../requestErrors';
import { resultsDirLabel } from '../results/resultsDir';
import type { Services } from '../services';
import { renderWebviewPage } from '../webviewHtml';
import { labelKeyOf, type ReviewEntry } from './reviewOrder';

export const REVIEW_VIEW_TYPE = 'cosmosCritic.review';
export const LABELS_FILE_NAME = 'labels.jsonl';

const CHECKING: PlaybackView = { videoUri: null, proxy: false, note: 'Checking whether this video plays here…', progress: null, failed: false };

function reviewer(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

async function readResult(file: string | null): Promise<CriticResult | null> {
  if (!file) return null;
  try {
    const data: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isCriticResult(data) ? data : null;
  } catch {
    return null;
  }
}

/**
 * Review mode over a results folder: one video after another in the browser's order, labelled from the keyboard.
 * Each change of a label is written to `labels.jsonl` in the results folder at once (merged with what other windows
 * wrote); the video shown last is kept beside it, so reopening resumes there.
 */
export class ReviewPanel {
  private static readonly panels = new Map<string, ReviewPanel>();

  static async open(host: Services, source: ReviewSource, entries: ReviewEntry[]): Promise<ReviewPanel | undefined> {
    const { dir } = source;
    if (entries.length === 0) {
      void vscode.window.showWarningMessage(`No videos with results in ${resultsDirLabel(dir)} to review: critique some videos first.`);
      return undefined;
    }
    const labelsFile = path.join(dir, LABELS_FILE_NAME);
    const existing = ReviewPanel.panels.get(path.resolve(dir));
    if (existing) {
      existing.entries = entries;
      existing.keys = existing.labelKeys(entries);
      existing.source = source;
      existing.post({ type: 'source', source });
      existing.panel.reveal();
      await existing.go(existing.resume(await readReviewPosition(labelsFile)));
      return existing;
    }
    const store = await LabelStore.open(labelsFile, { user: reviewer() });
    const panel = vscode.window.createWebviewPanel(REVIEW_VIEW_TYPE, `Review · ${resultsDirLabel(dir)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      // The view keeps each video's decisions and undo history while the review goes on, hidden or not.
      retainContextWhenHidden: true,
      localResourceRoots: ReviewPanel.roots(host, entries),
    });
    const review = new ReviewPanel(panel, host, source, store, entries);
    review.index = review.resume(await readReviewPosition(labelsFile));
    return review;
  }

  /** Whether a review of `dir` is open in this window. */
  static isOpen(dir: string): boolean {
    return ReviewPanel.panels.has(path.resolve(dir));
  }

  /**
   * Takes over a panel VS Code kept through a window reload: the same review (`entries`, chosen again from `source`)
   * at the video it showed, `shown`, when that is still in it, else where a new review would resume.
   */
  static async restore(host: Services, panel: vscode.WebviewPanel, source: ReviewSource, entries: ReviewEntry[], shown: string | null): Promise<ReviewPanel> {
    const labelsFile = path.join(source.dir, LABELS_FILE_NAME);
    const store = await LabelStore.open(labelsFile, { user: reviewer() });
    // A panel restored after a reload comes without its options; a new one is created with them.
    panel.webview.options = { enableScripts: true, localResourceRoots: ReviewPanel.roots(host, entries) };
    const review = new ReviewPanel(panel, host, source, store, entries);
    const folders = ReviewPanel.workspaceFolders();
    const last = await readReviewPosition(labelsFile);
    review.index = restoreIndex(review.keys, (key) => store.get(key) !== undefined, shown === null ? null : labelKeyOf(shown, folders), last?.video ?? null);
    return review;
  }

  private static workspaceFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  /** The webview reads its script and style, the videos' folders and the playable copies: nothing else. */
  private static roots(host: Services, entries: readonly ReviewEntry[]): vscode.Uri[] {
    const folders = [...new Set(entries.map((e) => path.dirname(e.video)))];
    return [vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(host.extensionUri, 'media'), proxyFolder(host), ...folders.map((f) => vscode.Uri.file(f))];
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly dir: string;
  private keys: string[];
  private index = 0;
  private item: ReviewItemView | undefined;
  private playback: vscode.CancellationTokenSource | undefined;
  private disposed = false;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly host: Services,
    private source: ReviewSource,
    private readonly store: LabelStore,
    private entries: ReviewEntry[],
  ) {
    this.dir = source.dir;
    ReviewPanel.panels.set(path.resolve(this.dir), this);
    this.keys = this.labelKeys(entries);
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'icon.svg');
    panel.webview.html = renderWebviewPage(panel.webview, {
      title: panel.title,
      scriptUri: vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview', 'review.js'),
      styleUris: [vscode.Uri.joinPath(host.extensionUri, 'media', 'player.css'), vscode.Uri.joinPath(host.extensionUri, 'media', 'review.css')],
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private labelKeys(entries: readonly ReviewEntry[]): string[] {
    const folders = ReviewPanel.workspaceFolders();
    return entries.map((e) => labelKeyOf(e.video, folders));
  }

  private resume(position: { video: string } | null): number {
    return Math.max(0, resumeIndex(this.keys, (key) => this.store.get(key) !== undefined, position?.video ?? null));
  }

  private labelled(): number {
    return this.keys.filter((key) => this.store.get(key) !== undefined).length;
  }

  private async go(index: number): Promise<void> {
    const entry = this.entries[index];
    if (!entry) return;
    this.index = index;
    const key = this.keys[index]!;
    await this.store.reload().catch((error: unknown) => outputLog().warn(`review: ${errorMessage(error)}`));
    void saveReviewPosition(this.store.file, key).catch((error: unknown) => outputLog().warn(`review: could not keep the position: ${errorMessage(error)}`));
    const saved = this.store.get(key);
    const result = await readResult(entry.resultFile);
    if (this.disposed || this.index !== index) return;
    this.item = {
      index,
      total: this.entries.length,
      video: entry.video,
      labelKey: key,
      playback: CHECKING,
      result,
      saved: saved ? { label: saved.label, violations: saved.violations, rejected_violations: saved.rejected_violations, labeled_by: saved.labeled_by, labeled_at: saved.labeled_at } : null,
      labelled: this.labelled(),
      labelsFile: this.store.file,
    };
    this.panel.title = `Review ${index + 1}/${this.entries.length} · ${path.basename(entry.video)}`;
    this.post({ type: 'show', item: this.item });
    this.startPlayback(index, false);
  }

  private startPlayback(index: number, force: boolean): void {
    this.playback?.cancel();
    const cancel = new vscode.CancellationTokenSource();
    this.playback = cancel;
    const entry = this.entries[index]!;
    if (!existsSync(entry.video)) {
      this.setPlayback(index, { videoUri: null, proxy: false, note: `${path.basename(entry.video)} is no longer at ${entry.video}.`, progress: null, failed: true });
      return;
    }
    void preparePlayback(this.host, vscode.Uri.file(entry.video), force, (update) => {
      if (this.playback !== cancel || this.disposed) return;
      const videoUri = update.file ? this.panel.webview.asWebviewUri(update.file).toString() : null;
      this.setPlayback(index, { videoUri, proxy: update.proxy, note: update.note, progress: update.file ? null : update.progress, failed: update.file ? false : update.failed });
    }, cancel.token);
  }

  private setPlayback(index: number, playback: PlaybackView): void {
    if (this.item?.index === index) this.item = { ...this.item, playback };
    this.post({ type: 'playback', index, playback });
  }

  private post(message: ToReviewMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const message = parseFromReviewMessage(raw);
    if (!message) {
      outputLog().warn(`Dropped an unexpected message from the review: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    void this.handle(message).catch((error: unknown) => outputLog().error(`review: ${errorMessage(error)}`));
  }

  private async handle(message: FromReviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // The view keeps the source in its state, so that a window reload can reopen this review.
        this.post({ type: 'source', source: this.source });
        if (this.item && this.item.index === this.index) this.post({ type: 'show', item: this.item });
        else await this.go(this.index);
        return;
      case 'go':
        if (message.index < this.entries.length) await this.go(message.index);
        return;
      case 'save': {
        const key = this.keys[message.index];
        if (key === undefined) return;
        let error: string | null = null;
        try {
          if (message.label) await this.store.set(key, message.label.label, message.label.violations, message.label.rejected);
          else await this.store.remove(key);
        } catch (failure) {
          error = `Could not save the label of ${path.basename(this.entries[message.index]!.video)} to ${this.store.file}: ${errorMessage(failure)}`;
          outputLog().error(error);
        }
        this.post({ type: 'saved', index: message.index, labelled: this.labelled(), error });
        return;
      }
      case 'playbackError': {
        if (message.index !== this.index || !this.item) return;
        const { playback } = this.item;
        outputLog().warn(`The review cannot play ${this.entries[this.index]!.video}: ${message.message} (media error ${message.code ?? 'unknown'}).`);
        if (!playback.proxy && playback.videoUri) this.startPlayback(this.index, true);
        else this.setPlayback(this.index, { videoUri: null, proxy: false, note: message.message, progress: null, failed: true });
        return;
      }
    }
  }

  private dispose(): void {
    this.disposed = true;
    this.playback?.cancel();
    void this.store.flush().catch(() => undefined);
    if (ReviewPanel.panels.get(path.resolve(this.dir)) === this) ReviewPanel.panels.delete(path.resolve(this.dir));
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
