import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isReviewOrder, parseReviewState, reviewOrderRows, type ReviewOrderRow, type ReviewSource } from '../../shared/reviewState';
import { outputLog } from '../outputLog';
import { errorMessage } from '../requestErrors';
import { chooseResultsDir, resultsDirFromUri } from '../results/resultsCommands';
import { ResultRowsIndex } from '../results/resultRows';
import type { Services } from '../services';
import { resultsDirLabel } from '../results/resultsDir';
import { REVIEW_VIEW_TYPE, ReviewPanel } from './reviewPanel';
import { entriesOf, type ReviewEntry } from './reviewOrder';

/** The order the results browser shows: its rows' videos and result files (relative to the results folder). */
export type ReviewOrderArg = ReviewOrderRow;

const isResultsDir = (dir: string) => {
  try {
    return statSync(path.join(dir, 'results')).isDirectory() || existsSync(path.join(dir, 'summary.jsonl'));
  } catch {
    return existsSync(path.join(dir, 'summary.jsonl'));
  }
};

/** The videos a review goes through, chosen again from the folder's rows. */
async function entriesFor(source: ReviewSource): Promise<ReviewEntry[]> {
  const rows = await new ResultRowsIndex(source.dir).refresh();
  return entriesOf(rows, (file) => ResultRowsIndex.resolve(source.dir, file), source);
}

/**
 * Review Folder: on a results folder, its videos; on any other folder (Explorer), the videos under it that the
 * workspace's results folder has results for; from the results browser, its rows in its order.
 */
async function review(host: Services, clicked: unknown, order: unknown): Promise<void> {
  let dir = resultsDirFromUri(clicked);
  let under: string | undefined;
  if (dir && !isResultsDir(dir)) {
    under = dir;
    dir = host.config.storeRoot(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(under)));
  }
  dir ??= await chooseResultsDir(host, 'Review Folder');
  if (!dir) return;
  const source: ReviewSource = { dir, under: under ?? null, order: isReviewOrder(order) ? reviewOrderRows(order) : null };
  const entries = await entriesFor(source);
  outputLog().info(`review: ${entries.length} videos of ${dir}${under ? ` under ${under}` : ''}`);
  await ReviewPanel.open(host, source, entries);
}

/** `cosmosCritic.reviewFolder`: `order`, from the results browser, is its rows in its order. */
export async function reviewFolder(host: Services, clicked: unknown, order: unknown): Promise<void> {
  try {
    await review(host, clicked, order);
  } catch (error) {
    outputLog().error(errorMessage(error));
    void vscode.window.showErrorMessage(errorMessage(error));
  }
}

const REOPEN_HINT = 'Open it again with "Cosmos Critic: Review and Label Folder".';

/** Closes a panel that cannot be restored, with one message that says why. */
function closeRestored(panel: vscode.WebviewPanel, why: string): void {
  outputLog().warn(`review: ${why}`);
  void vscode.window.showWarningMessage(`${why} ${REOPEN_HINT}`);
  panel.dispose();
}

/**
 * Reopens a review after a window reload from what its view kept: the same folder, the videos chosen the same way,
 * at the video it showed. A state that names no folder (an older version, or damaged) closes the panel with one
 * message; a damaged choice of videos reopens the review of the whole folder.
 */
async function restoreReview(host: Services, panel: vscode.WebviewPanel, saved: unknown): Promise<void> {
  const { state, problem } = parseReviewState(saved);
  const { source } = state;
  if (!source) {
    closeRestored(panel, `The review could not be reopened after the window reload: ${problem ?? 'its saved state names no results folder'}.`);
    return;
  }
  if (problem) outputLog().warn(`review: restoring ${source.dir}: ${problem}; reviewing the whole folder.`);
  if (ReviewPanel.isOpen(source.dir)) {
    panel.dispose();
    return;
  }
  if (!existsSync(source.dir)) {
    closeRestored(panel, `The review of ${source.dir} could not be reopened after the window reload: the results folder is no longer there.`);
    return;
  }
  const entries = await entriesFor(source);
  if (entries.length === 0) {
    closeRestored(panel, `The review of ${resultsDirLabel(source.dir)} could not be reopened after the window reload: it has no videos with results now.`);
    return;
  }
  outputLog().info(`review: restored ${entries.length} videos of ${source.dir}`);
  await ReviewPanel.restore(host, panel, source, entries, state.video);
}

/** Restores review panels after a window reload. */
export function registerReviewSerializer(host: Services): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(REVIEW_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      try {
        await restoreReview(host, panel, state);
      } catch (error) {
        closeRestored(panel, `The review could not be reopened after the window reload: ${errorMessage(error)}.`);
      }
    },
  });
}
