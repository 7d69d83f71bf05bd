import * as path from 'node:path';
import * as vscode from 'vscode';
import { bandWith, readBandsFile, writeBandsFile, type Bands } from '../../engine/eval/bands';
import { evaluateLabels, type EvalReport } from '../../engine/eval/evaluateLabels';
import { readMetricsFile, type MetricsTable } from '../../engine/eval/extraMetrics';
import { metricsByVideo } from '../../engine/eval/reportMetrics';
import { videosRootOf } from '../../engine/eval/resultsSource';
import { DEFAULT_BANDS_VIEW, type BandsView } from '../../shared/bands';
import { readLabels } from '../../engine/eval/labels';
import { readResults } from '../../engine/eval/resultsSource';
import type { ResultRowView } from '../../shared/resultsMessages';
import { outputLog } from '../outputLog';
import type { Config } from '../config';

/** `cosmosCritic.bandsFile`: absolute, or relative to the first workspace folder; undefined when unset. */
export function bandsFileSetting(config: Config): string | undefined {
  const trimmed = config.get('bandsFile');
  if (!trimmed) return undefined;
  if (path.isAbsolute(trimmed)) return trimmed;
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder ? path.join(folder.uri.fsPath, trimmed) : undefined;
}

/** The calibrated bands of the setting, or undefined (the prompt's 0.7 / 0.3); a bad file is logged and shown once. */
export async function calibratedBands(config: Config): Promise<Bands | undefined> {
  const file = bandsFileSetting(config);
  if (!file) return undefined;
  try {
    return await readBandsFile(file);
  } catch (error) {
    const message = `cosmosCritic.bandsFile: ${(error as Error).message}`;
    outputLog().warn(message);
    void vscode.window.showWarningMessage(`${message}. Using the bands 0.7 / 0.3.`);
    return undefined;
  }
}

/** The bands the views draw and count with, and the file they come from (null: the defaults). */
export async function bandsInForce(config: Config): Promise<BandsView> {
  const bands = await calibratedBands(config);
  return bands ? { high: bands.high, low: bands.low, file: bandsFileSetting(config) ?? null } : DEFAULT_BANDS_VIEW;
}

/** The rows with the metrics file's values of their video (rows of a video the file does not name have none). */
export async function withMetrics(rows: ResultRowView[], table: MetricsTable | undefined, dir: string): Promise<ResultRowView[]> {
  if (!table || rows.length === 0) return rows;
  const videos = rows.map((r) => r.video);
  const { values } = metricsByVideo(table, videos, await videosRootOf(dir, videos));
  return rows.map((row) => (values[row.video] ? { ...row, metrics: values[row.video] } : row));
}

export { readMetricsFile };

export function withBands(rows: ResultRowView[], bands: Bands | undefined): ResultRowView[] {
  return bands ? rows.map((row) => (row.score === null ? row : { ...row, band: bandWith(row.score, bands) })) : rows;
}

export async function pickTableFile(dir: string, kind: 'labels' | 'metrics'): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: kind === 'labels' ? 'Evaluate the critic against labels' : 'Other per-video metrics to set beside the critic',
    openLabel: kind === 'labels' ? 'Evaluate' : 'Add Metrics',
    canSelectMany: false,
    defaultUri: vscode.Uri.file(path.dirname(dir)),
    filters: { [kind === 'labels' ? 'Labels (CSV, JSONL, JSON)' : 'Metrics (CSV, JSONL, JSON)']: ['csv', 'jsonl', 'ndjson', 'json'] },
  });
  const file = picked?.[0];
  return file?.scheme === 'file' ? file.fsPath : undefined;
}

/** The results folder against a labels file, at the calibrated bands (the table's). */
export async function evaluateFolder(dir: string, labelsFile: string, metricsFile: string | undefined, bands: Bands | undefined): Promise<EvalReport> {
  const [results, labels, metrics] = await Promise.all([readResults(dir), readLabels(labelsFile), metricsFile ? readMetricsFile(metricsFile) : undefined]);
  return evaluateLabels(results, labels, { bands, metrics });
}

/** Saves a run's suggested bands and offers to use them in this workspace (`cosmosCritic.bandsFile`). */
export async function saveSuggestedBands(config: Config, report: EvalReport, runIndex: number, dir: string): Promise<void> {
  const run = report.runs[runIndex];
  if (!run) return;
  const s = run.suggested_bands;
  if (s.high === null || s.low === null) {
    void vscode.window.showWarningMessage(`No cut-off reaches precision ${s.target_precision} for ${run.prompt_id} v${run.prompt_version} · ${run.model}.`);
    return;
  }
  const target = await vscode.window.showSaveDialog({ title: 'Save the suggested bands', defaultUri: vscode.Uri.file(path.join(dir, 'bands.json')), filters: { 'Bands (JSON)': ['json'] } });
  if (!target || target.scheme !== 'file') return;
  await writeBandsFile(target.fsPath, { high: s.high, low: s.low }, { results_dir: dir, labels: report.labels_file, prompt_id: run.prompt_id, prompt_version: run.prompt_version, model: run.model, target_precision: s.target_precision, n: run.n, created_at: report.generated_at });
  outputLog().info(`bands high ≥ ${s.high}, low < ${s.low} → ${target.fsPath}`);
  const use = 'Use in This Workspace';
  const choice = await vscode.window.showInformationMessage(`Bands saved: high ≥ ${s.high}, low < ${s.low}. Use them for the bands of this workspace's results?`, use);
  if (choice !== use) return;
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  const relative = folder ? path.relative(folder.uri.fsPath, target.fsPath) : '';
  const value = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : target.fsPath;
  await config.update('bandsFile', value, folder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
}
