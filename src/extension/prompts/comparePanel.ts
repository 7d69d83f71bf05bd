import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  parseFromCompareMessage,
  type FromCompareMessage,
  type PromptCompareView,
  type ToCompareMessage,
  type VideoComparison,
} from '../../shared/promptCompareMessages';
import { outputLog } from '../outputLog';
import { renderWebviewPage } from '../webviewHtml';

export const COMPARE_VIEW_TYPE = 'cosmosCritic.promptCompare';

function panelTitle(view: PromptCompareView): string {
  return view.kind === 'live' ? `${view.promptId} · Compare` : `${view.promptId} · Versions`;
}

/** What the panel's Re-run and Cancel buttons do (live comparisons only). */
export interface CompareActions {
  rerun(): void;
  cancel(): void;
}

/**
 * A prompt version against another, per video, side by side. The extension host keeps the view and sends it
 * again whenever the webview (re)loads; the webview only renders it.
 */
export class ComparePanel {
  private static readonly panels = new Map<string, ComparePanel>();

  static forKey(key: string): ComparePanel | undefined {
    return ComparePanel.panels.get(key);
  }

  /** Shows the view in the panel of `key`, creating the panel (beside the editor) when there is none. */
  static show(extensionUri: vscode.Uri, key: string, view: PromptCompareView, preserveFocus: boolean, actions?: CompareActions): ComparePanel {
    const existing = ComparePanel.panels.get(key);
    if (existing) {
      existing.actions = actions;
      existing.setView(view);
      existing.panel.reveal(undefined, preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      COMPARE_VIEW_TYPE,
      panelTitle(view),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
      },
    );
    return new ComparePanel(panel, extensionUri, key, view, actions);
  }

  private readonly disposeListeners = new Set<() => void>();
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly key: string,
    private view: PromptCompareView,
    private actions: CompareActions | undefined,
  ) {
    ComparePanel.panels.set(key, this);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.html = renderWebviewPage(panel.webview, {
      title: panelTitle(view),
      scriptUri: vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'promptCompare.js'),
      styleUris: [vscode.Uri.joinPath(extensionUri, 'media', 'promptCompare.css')],
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromCompareMessage(raw);
        if (message) void this.handle(message);
        else outputLog().warn('The comparison view sent a message that is not understood; it was ignored.');
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get current(): PromptCompareView {
    return this.view;
  }

  onDidDispose(listener: () => void): vscode.Disposable {
    this.disposeListeners.add(listener);
    return new vscode.Disposable(() => this.disposeListeners.delete(listener));
  }

  setView(view: PromptCompareView): void {
    this.view = view;
    this.panel.title = panelTitle(view);
    this.post({ type: 'show', view });
  }

  setRow(row: VideoComparison): void {
    const index = this.view.rows.findIndex((existing) => existing.video === row.video);
    const rows = index < 0 ? [...this.view.rows, row] : this.view.rows.map((existing, i) => (i === index ? row : existing));
    this.view = { ...this.view, rows };
    this.post({ type: 'row', row });
  }

  setRunning(running: boolean, note: string | null): void {
    this.view = { ...this.view, running, note };
    this.post({ type: 'running', running, note });
  }

  private post(message: ToCompareMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async handle(message: FromCompareMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.post({ type: 'show', view: this.view });
        return;
      case 'rerun':
        this.actions?.rerun();
        return;
      case 'cancel':
        this.actions?.cancel();
        return;
      case 'openPrompt':
        if (this.view.promptPath) await this.open(vscode.Uri.file(this.view.promptPath), 'the prompt file');
        return;
      case 'openResult': {
        // Only files this view shows: the webview is not trusted to name arbitrary paths.
        const known = this.view.rows.some((row) => row.previous?.resultFile === message.file || row.current?.resultFile === message.file);
        if (known) await this.open(vscode.Uri.file(message.file), path.basename(message.file));
        return;
      }
      case 'openVideo':
        if (this.view.rows.some((row) => row.video === message.video)) {
          await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(message.video), vscode.ViewColumn.Active);
        }
        return;
    }
  }

  private async open(uri: vscode.Uri, what: string): Promise<void> {
    try {
      await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preview: true });
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not open ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private dispose(): void {
    if (ComparePanel.panels.get(this.key) === this) ComparePanel.panels.delete(this.key);
    for (const disposable of this.disposables) disposable.dispose();
    for (const listener of [...this.disposeListeners]) listener();
    this.disposeListeners.clear();
  }
}
