import * as path from 'node:path';
import * as vscode from 'vscode';
import { BatchRequest, type BatchOutcome } from '../../shared/requests';
import { outputLog } from '../outputLog';
import type { CodedError } from '../../shared/errorCodes';
import { errorMessage, settingFix } from '../requestErrors';
import { ResultsPanel } from '../results/resultsPanel';
import type { Services } from '../services';
import { addCounts, batchOutcomeMessage, escapeGlobPath, type BatchCounts, type BatchPlan } from './batchPlan';
import { batchSettings } from './batchSettings';
import { findBatchVideos } from './findBatchVideos';
import { pickBatchPrompts } from './promptPicker';
import { calibratedBands } from '../results/calibration';

/** Results folders a batch is writing to: a second batch into one of them waits for the user to cancel the first. */
const running = new Set<string>();

interface BatchRun {
  counts: BatchCounts;
  cancelled: boolean;
  errors: CodedError[];
}

function folderUris(clicked: unknown, selection: unknown): vscode.Uri[] | undefined {
  const selected = Array.isArray(selection) ? selection.filter((u): u is vscode.Uri => u instanceof vscode.Uri) : [];
  if (clicked instanceof vscode.Uri) return selected.some((u) => u.toString() === clicked.toString()) ? selected : [clicked];
  return undefined;
}

/** The errors in one message; the button is the fix of the first error that has one. */
async function showBatchError(errors: readonly CodedError[]): Promise<void> {
  const message = errors.map((e) => e.message).join(' ');
  const fix = errors.map((e) => settingFix(e.code)).find((f) => f !== undefined);
  const choice = await vscode.window.showErrorMessage(message, ...(fix ? [fix.label] : []), 'Show Log');
  if (choice === 'Show Log') outputLog().show(true);
  else if (fix && choice === fix.label) await vscode.commands.executeCommand('workbench.action.openSettings', fix.setting);
}

/** Sends the batches one after another under one cancellable notification that shows the server's done/total, rate and ETA. */
async function runPlans(host: Services, plans: BatchPlan[], prompts: string[], what: string): Promise<BatchRun> {
  const log = host.log();
  const settings = batchSettings(host.config);
  const run: BatchRun = { counts: { total: 0, done: 0, failed: 0, skipped: 0 }, cancelled: false, errors: [] };
  const totalJobs = plans.reduce((n, p) => n + p.videos.length * prompts.length, 0);
  const source = new vscode.CancellationTokenSource();
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Critiquing ${what}`, cancellable: true }, async (progress, token) => {
    const cancelled = token.onCancellationRequested(() => source.cancel());
    let reported = 0;
    let before = 0;
    try {
      for (const [i, plan] of plans.entries()) {
        if (source.token.isCancellationRequested) break;
        const weight = (plan.videos.length * prompts.length) / Math.max(1, totalJobs);
        const prefix = plans.length > 1 ? `${path.basename(plan.videosRoot)} (${i + 1}/${plans.length}): ` : '';
        progress.report({ message: `${prefix}starting…` });
        log.info(`batch of ${plan.videos.length} × ${prompts.length} jobs (videos × prompts) → ${plan.outDir}: started`);
        running.add(plan.outDir);
        let outcome: BatchOutcome | undefined;
        try {
          const job = host.client.runJob(
            BatchRequest,
            {
              inputs: plan.videos.map(escapeGlobPath),
              prompts,
              outDir: plan.outDir,
              videosRoot: plan.videosRoot,
              concurrency: settings.concurrency,
              batchSize: settings.batchSize,
              resume: true,
              bands: await calibratedBands(host.config),
              sortInto: settings.sortInto,
            },
            {
              token: source.token,
              doing: `critiquing ${what}`,
              onStage: (message, percentage) => {
                const overall = before + weight * (percentage ?? 0);
                progress.report({ message: `${prefix}${message}`, increment: Math.max(0, overall - reported) });
                reported = Math.max(reported, overall);
              },
            },
          );
          const answer = await job.result;
          if (answer.kind === 'done') outcome = answer.value;
          else if (answer.kind === 'cancelled') run.cancelled = true;
          else run.errors.push(answer.error);
        } finally {
          running.delete(plan.outDir);
        }
        before += weight * 100;
        if (outcome?.ok) {
          const { summary } = outcome;
          run.counts = addCounts(run.counts, summary.counts);
          if (summary.status === 'cancelled') run.cancelled = true;
          const c = summary.counts;
          log.info(`  ${summary.status}: ${c.done} done, ${c.failed} failed, ${c.skipped} already done of ${c.total}; manifest ${summary.manifestPath}`);
        } else if (outcome) {
          run.errors.push(outcome.error);
          log.error(`  ${outcome.error.file}: ${outcome.error.message}`);
        } else if (run.cancelled) {
          log.info('  cancelled');
        }
        if (run.cancelled) break;
        host.resultsChanged();
      }
    } finally {
      cancelled.dispose();
    }
  });
  source.dispose();
  host.resultsChanged();
  return run;
}

/** Picks prompts, finds the videos, runs the batch, then says how it went and offers the results. */
export async function critiqueVideos(host: Services, folders: vscode.Uri[] | undefined): Promise<void> {
  const what = folders ? (folders.length === 1 ? path.basename(folders[0]!.fsPath) : `${folders.length} folders`) : 'the workspace';
  const settings = batchSettings(host.config);
  const finding = new vscode.CancellationTokenSource();
  let plans: BatchPlan[];
  try {
    plans = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Finding videos in ${what}` }, () =>
      findBatchVideos(folders, settings, host.config, finding.token),
    );
  } finally {
    finding.dispose();
  }
  const videos = plans.reduce((n, p) => n + p.videos.length, 0);
  if (videos === 0) {
    const choice = await vscode.window.showInformationMessage(`No videos found in ${what} (settings cosmosCritic.batch.include and cosmosCritic.batch.exclude).`, 'Open Settings');
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'cosmosCritic.batch');
    return;
  }
  const busy = plans.find((p) => running.has(p.outDir));
  if (busy) {
    void vscode.window.showInformationMessage(`A batch is already writing to ${busy.outDir}; cancel it first, or wait for it to finish.`);
    return;
  }
  const prompts = await pickBatchPrompts(host.extensionUri, host.config, host.workspaceState, `${videos} video${videos === 1 ? '' : 's'} in ${what}`);
  if (!prompts) return;

  const run = await runPlans(host, plans, prompts, `${videos} video${videos === 1 ? '' : 's'} in ${what}`);
  const outDir = plans[0]!.outDir;
  if (run.errors.length) {
    await showBatchError(run.errors);
    return;
  }
  const message = batchOutcomeMessage(videos, prompts.length, run.counts, run.cancelled);
  const actions = run.counts.failed > 0 ? ['Open Results', 'Show Log'] : ['Open Results'];
  const choice = await (run.counts.failed > 0 ? vscode.window.showWarningMessage(message, ...actions) : vscode.window.showInformationMessage(message, ...actions));
  if (choice === 'Open Results') ResultsPanel.show(host, outDir);
  else if (choice === 'Show Log') outputLog().show(true);
}

async function askForFolders(): Promise<vscode.Uri[] | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Critique the videos in a folder',
    openLabel: 'Critique Folder',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: true,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.filter((u) => u.scheme === 'file');
}

/** Runs a batch command, showing what went wrong when something unexpected did. */
async function guarded(task: () => Promise<void>): Promise<void> {
  try {
    await task();
  } catch (error) {
    outputLog().error(`batch: ${errorMessage(error)}`);
    void showBatchError([{ code: 'internal', message: errorMessage(error) }]);
  }
}

/** `cosmosCritic.critiqueWorkspace`: every video of the workspace (asks for folders when no folder is open). */
export function critiqueWorkspace(host: Services): Promise<void> {
  return guarded(async () => {
    const hasFolder = vscode.workspace.workspaceFolders?.some((f) => f.uri.scheme === 'file');
    const folders = hasFolder ? undefined : await askForFolders();
    if (!hasFolder && !folders?.length) return;
    await critiqueVideos(host, folders);
  });
}

/** `cosmosCritic.critiqueFolder`: the videos of the folders clicked in the Explorer (or picked). */
export function critiqueFolder(host: Services, clicked: unknown, selection: unknown): Promise<void> {
  return guarded(async () => {
    const folders = folderUris(clicked, selection) ?? (await askForFolders());
    const onDisk = folders?.filter((u) => u.scheme === 'file');
    if (onDisk?.length) await critiqueVideos(host, onDisk);
  });
}
