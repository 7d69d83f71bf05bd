import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readMetricsFile } from '../../engine/eval/extraMetrics';
import { joinReportMetrics, reportCsvWithMetrics, reportHtmlWithMetrics } from '../../engine/eval/reportMetrics';
import { videosRootOf } from '../../engine/eval/resultsSource';
import { buildReport, reportCsv, reportHtml } from '../../engine/store/runReport';
import { calibratedBands } from './calibration';
import { outputLog } from '../outputLog';
import type { Config } from '../config';
import type { Services } from '../services';
import { errorMessage } from '../requestErrors';
import { resultsDirLabel } from './resultsDir';
import { ResultsPanel } from './resultsPanel';

const isFolder = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** A folder given to a command (Explorer, or the results browser): the results folder itself, or its `results/`. */
export function resultsDirFromUri(value: unknown): string | undefined {
  if (!(value instanceof vscode.Uri) || value.scheme !== 'file') return undefined;
  const dir = value.fsPath;
  return path.basename(dir) === 'results' && !isFolder(path.join(dir, 'results')) ? path.dirname(dir) : dir;
}

/** The workspace's results folders that exist (else all of them); the user picks when there are several. */
export async function chooseResultsDir(services: Pick<Services, 'config'>, action: string): Promise<string | undefined> {
  const all = services.config.workspaceStoreRoots();
  const existing = all.filter((dir) => isFolder(path.join(dir, 'results')) || existsSync(path.join(dir, 'summary.jsonl')));
  const candidates = existing.length ? existing : all;
  if (candidates.length <= 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((dir) => ({ label: resultsDirLabel(dir), detail: dir, dir })),
    { title: action, placeHolder: 'Which results folder?' },
  );
  return picked?.dir;
}

const FORMATS: Record<string, 'html' | 'csv' | 'json'> = { '.html': 'html', '.htm': 'html', '.csv': 'csv', '.json': 'json' };

/** What the results browser passes along: the metrics file it joined into its table. */
function exportOptions(value: unknown): { metricsFile?: string } {
  const file = typeof value === 'object' && value !== null ? (value as { metricsFile?: unknown }).metricsFile : undefined;
  return typeof file === 'string' && path.isAbsolute(file) ? { metricsFile: file } : {};
}

/** The report as `cosmos-critic report --bands … --metrics …` writes it: the bands in force, the browser's metrics. */
async function exportReport(config: Config, dir: string, metricsFile?: string): Promise<void> {
  const target = await vscode.window.showSaveDialog({
    title: `Export the report of ${resultsDirLabel(dir)}`,
    saveLabel: 'Export Report',
    defaultUri: vscode.Uri.file(path.join(dir, 'report.html')),
    filters: { 'HTML report (single file)': ['html'], 'CSV (one row per result)': ['csv'], JSON: ['json'] },
  });
  if (!target) return;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage('Reports can be saved to files on disk only.');
    return;
  }
  const format = FORMATS[path.extname(target.fsPath).toLowerCase()];
  if (!format) {
    void vscode.window.showErrorMessage(`Save the report as .html, .csv or .json (not ${path.basename(target.fsPath)}).`);
    return;
  }
  const written = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Building the report of ${resultsDirLabel(dir)}…` }, async () => {
    const report = await buildReport(dir, await calibratedBands(config));
    if (report.rows.length === 0) return undefined;
    const table = metricsFile ? await readMetricsFile(metricsFile) : undefined;
    const metrics = table ? joinReportMetrics(report, table, await videosRootOf(dir, report.rows.map((r) => r.video))) : undefined;
    const text =
      format === 'json'
        ? JSON.stringify({ ...report, ...(metrics ? { metrics } : {}) }, null, 2) + '\n'
        : format === 'csv'
          ? metrics ? reportCsvWithMetrics(report, metrics) : reportCsv(report)
          : metrics ? reportHtmlWithMetrics(reportHtml(report, target.fsPath), report, metrics) : reportHtml(report, target.fsPath);
    await writeFile(target.fsPath, text);
    return report;
  });
  if (!written) {
    void vscode.window.showWarningMessage(`No results in ${dir} yet: critique some videos first.`);
    return;
  }
  outputLog().info(`report (${format}) of ${written.rows.length} results in ${dir} → ${target.fsPath}`);
  const open = format === 'html' ? 'Open in Browser' : 'Open';
  const choice = await vscode.window.showInformationMessage(`Report of ${written.totals.results} results (${written.totals.unparsed} unparsed, ${written.totals.failed} failed${written.totals.unreadable ? `, ${written.totals.unreadable} result files unreadable: listed in the report` : ''}) saved to ${path.basename(target.fsPath)}.`, open, 'Reveal in File Explorer');
  if (choice === 'Open in Browser') await vscode.env.openExternal(target);
  else if (choice === 'Open') await vscode.window.showTextDocument(target);
  else if (choice) await vscode.commands.executeCommand('revealFileInOS', target);
}

function report(error: unknown): void {
  outputLog().error(errorMessage(error));
  void vscode.window.showErrorMessage(errorMessage(error));
}

/** `cosmosCritic.openResults`: the results browser of a folder clicked in the Explorer, else of the workspace's store. */
export async function openResults(services: Services, clicked: unknown): Promise<void> {
  try {
    const dir = resultsDirFromUri(clicked) ?? (await chooseResultsDir(services, 'Open Results'));
    if (dir) ResultsPanel.show(services, dir);
  } catch (error) {
    report(error);
  }
}

/** `cosmosCritic.exportReport`: a results folder's report as HTML, CSV or JSON. */
export async function exportReportCommand(services: Services, clicked: unknown, options?: unknown): Promise<void> {
  try {
    const dir = resultsDirFromUri(clicked) ?? (await chooseResultsDir(services, 'Export Report'));
    if (dir) await exportReport(services.config, dir, exportOptions(options).metricsFile);
  } catch (error) {
    report(error);
  }
}
