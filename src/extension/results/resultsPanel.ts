import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFromResultsMessage, type FromResultsMessage, type ResultRowView, type ResultsSourceView, type ToResultsMessage } from '../../shared/resultsMessages';
import { COMMANDS } from '../commandIds';
import { outputLog } from '../outputLog';
import type { Services } from '../services';
import { errorMessage } from '../requestErrors';
import { renderWebviewPage } from '../webviewHtml';
import { trimmedForView, type EvalReport } from '../../engine/eval/evaluateLabels';
import type { MetricsTable } from '../../engine/eval/extraMetrics';
import { DEFAULT_BANDS_VIEW, type BandsView } from '../../shared/bands';
import { bandsInForce, calibratedBands, evaluateFolder, pickTableFile, readMetricsFile, saveSuggestedBands, withBands, withMetrics } from './calibration';
import { openInPlayer } from './openInPlayer';
import { ResultRowsIndex } from './resultRows';
import { resultsDirLabel } from './resultsDir';

export const RESULTS_VIEW_TYPE = 'cosmosCritic.results';

/** Files settle for this long before the folder is read again (a batch writes several per second). */
const REFRESH_DELAY_MS = 750;

interface Source {
  id: number;
  label: string;
  dir: string;
  index: ResultRowsIndex;
  rows: ResultRowView[];
  watcher: vscode.FileSystemWatcher;
  timer?: ReturnType<typeof setTimeout>;
}

/** A folder the user picked to compare with: the results folder itself, or its `results/` subfolder. */
function asResultsDir(picked: string): string {
  return path.basename(picked) === 'results' && !existsSync(path.join(picked, 'results')) ? path.dirname(picked) : picked;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * The results browser of one results folder (plus folders added to compare with). The host reads the rows and
 * sends them whenever the webview (re)loads and after the files change; the webview sorts, filters and plots.
 */
export class ResultsPanel {
  private static readonly panels = new Map<string, ResultsPanel>();

  static show(host: Services, dir: string, column = vscode.ViewColumn.Active): ResultsPanel {
    const existing = ResultsPanel.panels.get(path.resolve(dir));
    if (existing) {
      existing.panel.reveal();
      existing.refreshAll();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, 'Cosmos Critic Results', column, { ...webviewOptions(host.extensionUri), retainContextWhenHidden: false });
    return new ResultsPanel(panel, host, dir);
  }

  /** Reads every open browser's folders again (after a batch, say). */
  static refreshAll(): void {
    for (const panel of ResultsPanel.panels.values()) panel.refreshAll();
  }

  /** Restores browsers after a window reload; the webview saved its folder in its state. */
  static registerSerializer(host: Services): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const dir = typeof state === 'object' && state !== null ? (state as { dir?: unknown }).dir : undefined;
        if (typeof dir !== 'string' || !path.isAbsolute(dir) || ResultsPanel.panels.has(path.resolve(dir))) {
          panel.dispose();
          return;
        }
        new ResultsPanel(panel, host, dir);
      },
    });
  }

  private readonly sources = new Map<number, Source>();
  private readonly disposables: vscode.Disposable[] = [];
  private nextSourceId = 0;
  private disposed = false;
  /** Reads run one after another, so two never update a folder's index at once. */
  private reading: Promise<void> = Promise.resolve();
  /** The labels file the Calibration tab evaluates against, once the user picked one. */
  private labelsFile: string | undefined;
  private metricsFile: string | undefined;
  /** The metrics file read, joined into the rows (table columns) until another is chosen. */
  private metricsTable: MetricsTable | undefined;
  private bands: BandsView = DEFAULT_BANDS_VIEW;
  private calibration: EvalReport | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly host: Services,
    private readonly dir: string,
  ) {
    ResultsPanel.panels.set(path.resolve(dir), this);
    panel.title = `Results · ${resultsDirLabel(dir)}`;
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'icon.svg');
    panel.webview.options = webviewOptions(host.extensionUri);
    panel.webview.html = renderWebviewPage(panel.webview, {
      title: 'Cosmos Critic Results',
      scriptUri: vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview', 'results.js'),
      styleUris: [vscode.Uri.joinPath(host.extensionUri, 'media', 'results.css')],
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cosmosCritic.bandsFile')) this.refreshAll();
      }),
    );
    this.addSource(dir);
  }

  private addSource(dir: string): Source {
    const id = this.nextSourceId++;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '**/*.{json,jsonl}'));
    const source: Source = { id, label: id === 0 ? resultsDirLabel(dir) : `${id}: ${resultsDirLabel(dir)}`, dir, index: new ResultRowsIndex(dir), rows: [], watcher };
    const changed = () => this.scheduleRefresh(source);
    watcher.onDidCreate(changed);
    watcher.onDidChange(changed);
    watcher.onDidDelete(changed);
    this.sources.set(id, source);
    return source;
  }

  private removeSource(id: number): void {
    const source = this.sources.get(id);
    if (!source || id === 0) return;
    clearTimeout(source.timer);
    source.watcher.dispose();
    this.sources.delete(id);
    this.postData();
  }

  private scheduleRefresh(source: Source): void {
    clearTimeout(source.timer);
    source.timer = setTimeout(() => void this.refresh([source]), REFRESH_DELAY_MS);
  }

  private readonly loggedProblems = new Set<string>();

  private refreshAll(): void {
    void this.refresh([...this.sources.values()]);
  }

  private refresh(sources: Source[]): Promise<void> {
    this.reading = this.reading.then(() => this.read(sources));
    return this.reading;
  }

  private async read(sources: Source[]): Promise<void> {
    sources = sources.filter((s) => this.sources.get(s.id) === s);
    const started = Date.now();
    try {
      this.bands = await bandsInForce(this.host.config);
      const bands = this.bands.file ? this.bands : undefined;
      await this.readMetrics();
      for (const source of sources) source.rows = await withMetrics(withBands(await source.index.refresh(), bands), this.metricsTable, source.dir);
      if (this.labelsFile && sources.some((s) => s.id === 0)) await this.evaluate();
    } catch (error) {
      this.post({ type: 'status', message: `Could not read the results: ${errorMessage(error)}`, busy: false });
      return;
    }
    if (this.disposed) return;
    const count = sources.reduce((n, s) => n + s.rows.length, 0);
    outputLog().debug(`results: read ${count} rows from ${sources.map((s) => s.dir).join(', ')} in ${Date.now() - started} ms`);
    const problems = [...this.sources.values()].flatMap((s) => s.index.problems());
    for (const p of problems) {
      const line = `results: ${p.file}: ${p.problem}`;
      if (!this.loggedProblems.has(line)) outputLog().warn(line);
      this.loggedProblems.add(line);
    }
    const unreadable = problems.length ? `${problems.length} result file${problems.length === 1 ? '' : 's'} could not be read (${problems[0]!.file}: ${problems[0]!.problem}${problems.length > 1 ? '; the others are in the Cosmos Critic output' : ''})` : null;
    this.post({ type: 'status', message: unreadable, busy: false });
    this.postData();
  }

  /** The metrics file again (it may have been edited); when it cannot be read now, the columns read before stay. */
  private async readMetrics(): Promise<void> {
    if (!this.metricsFile) return;
    try {
      this.metricsTable = await readMetricsFile(this.metricsFile);
    } catch (error) {
      const line = `results: metrics ${errorMessage(error)}`;
      if (!this.loggedProblems.has(line)) outputLog().warn(line);
      this.loggedProblems.add(line);
    }
  }

  private async evaluate(): Promise<void> {
    if (!this.labelsFile) return;
    try {
      this.calibration = await evaluateFolder(this.dir, this.labelsFile, this.metricsFile, await calibratedBands(this.host.config));
      const none = this.calibration.runs.length === 0 ? `None of the labels in ${path.basename(this.labelsFile)} names a video of these results (name videos by a path under the videos' folder, or by file name).` : null;
      this.post({ type: 'calibration', report: trimmedForView(this.calibration), message: none });
    } catch (error) {
      this.calibration = undefined;
      this.post({ type: 'calibration', report: null, message: errorMessage(error) });
    }
  }

  private postData(): void {
    const sources: ResultsSourceView[] = [...this.sources.values()].map(({ id, label, dir, rows }) => ({ id, label, dir, rows }));
    const metrics = this.metricsTable ? { file: this.metricsTable.file, columns: this.metricsTable.columns } : undefined;
    this.post({ type: 'data', sources, bands: this.bands, ...(metrics ? { metrics } : {}) });
  }

  private post(message: ToResultsMessage): void {
    // A hidden webview (retainContextWhenHidden: false) drops messages; it sends `ready` again when shown.
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const message = parseFromResultsMessage(raw);
    if (!message) {
      outputLog().warn(`Dropped an unexpected message from the results browser: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    void this.handle(message).catch((error: unknown) => {
      outputLog().error(`results browser: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(errorMessage(error));
    });
  }

  private async handle(message: FromResultsMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
      case 'refresh':
        this.post({ type: 'status', message: 'Reading results…', busy: true });
        this.refreshAll();
        return;
      case 'openVideo': {
        const source = this.sources.get(message.source);
        // Only rows this panel sent can be opened: the webview cannot name other files.
        const row = source?.rows.find((r) => r.video === message.video && r.result_file === message.resultFile);
        if (!source || !row) {
          outputLog().warn(`results browser: no such row: ${message.video}`);
          return;
        }
        const resultFile = row.result_file ? (ResultRowsIndex.resolve(source.dir, row.result_file) ?? null) : null;
        await openInPlayer(this.host, row.video, resultFile);
        return;
      }
      case 'addFolder': {
        const picked = await vscode.window.showOpenDialog({
          title: 'Compare with the results in a folder',
          openLabel: 'Compare',
          canSelectFiles: false,
          canSelectFolders: true,
          canSelectMany: false,
          defaultUri: vscode.Uri.file(path.dirname(this.dir)),
        });
        const folder = picked?.[0];
        if (!folder || folder.scheme !== 'file') return;
        const dir = asResultsDir(folder.fsPath);
        if ([...this.sources.values()].some((s) => path.resolve(s.dir) === path.resolve(dir))) return;
        void this.refresh([this.addSource(dir)]);
        return;
      }
      case 'removeFolder':
        this.removeSource(message.source);
        return;
      case 'exportReport':
        await vscode.commands.executeCommand(COMMANDS.exportReport, vscode.Uri.file(this.dir), { metricsFile: this.metricsFile });
        return;
      case 'critiqueWorkspace':
        await vscode.commands.executeCommand(COMMANDS.critiqueWorkspace);
        return;
      case 'chooseLabels':
      case 'chooseMetrics': {
        const file = await pickTableFile(this.dir, message.type === 'chooseLabels' ? 'labels' : 'metrics');
        if (!file) return;
        if (message.type === 'chooseLabels') this.labelsFile = file;
        else {
          // Read now, so that a bad file is one clear error and the table gets its columns.
          this.metricsTable = await readMetricsFile(file);
          this.metricsFile = file;
          await this.refresh([...this.sources.values()]);
        }
        if (!this.labelsFile) {
          this.post({ type: 'calibration', report: null, message: `Metrics from ${path.basename(file)} are columns of the Results table now; choose a labels file to correlate them with the score here.` });
          return;
        }
        this.post({ type: 'status', message: `Evaluating against ${path.basename(file)}…`, busy: true });
        await this.evaluate();
        this.post({ type: 'status', message: null, busy: false });
        return;
      }
      case 'review':
        await vscode.commands.executeCommand(COMMANDS.reviewFolder, vscode.Uri.file(this.dir), message.rows);
        return;
      case 'saveBands':
        if (this.calibration) await saveSuggestedBands(this.host.config, this.calibration, message.run, this.dir);
        return;
    }
  }

  private dispose(): void {
    this.disposed = true;
    if (ResultsPanel.panels.get(path.resolve(this.dir)) === this) ResultsPanel.panels.delete(path.resolve(this.dir));
    for (const source of this.sources.values()) {
      clearTimeout(source.timer);
      source.watcher.dispose();
    }
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
