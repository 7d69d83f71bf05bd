import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isObject, isString, isStringOrNull } from '../../shared/guards';
import { outputLog } from '../outputLog';
import { errorMessage } from '../requestErrors';
import { chooseResultsDir, resultsDirFromUri } from '../results/resultsCommands';
import { ResultRowsIndex } from '../results/resultRows';
import type { Services } from '../services';
import { ReviewPanel } from './reviewPanel';
import { reviewEntries } from './reviewOrder';

/** The order the results browser shows: its rows' videos and result files (relative to the results folder). */
export interface ReviewOrderArg {
  video: string;
  resultFile: string | null;
}

const isResultsDir = (dir: string) => {
  try {
    return statSync(path.join(dir, 'results')).isDirectory() || existsSync(path.join(dir, 'summary.jsonl'));
  } catch {
    return existsSync(path.join(dir, 'summary.jsonl'));
  }
};

function isOrder(value: unknown): value is ReviewOrderArg[] {
  return Array.isArray(value) && value.every((r) => isObject(r) && isString(r.video) && isStringOrNull(r.resultFile));
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
  const rows = await new ResultRowsIndex(dir).refresh();
  const ordered = isOrder(order);
  const byKey = new Map(rows.map((r) => [`${r.video}\u0000${r.result_file ?? ''}`, r]));
  // Only rows of the folder count: the order names them, it cannot add files.
  const chosen = ordered ? order.flatMap((o) => byKey.get(`${o.video}\u0000${o.resultFile ?? ''}`) ?? []) : rows;
  const entries = reviewEntries(chosen, (file) => ResultRowsIndex.resolve(dir, file), { under, ordered });
  outputLog().info(`review: ${entries.length} videos of ${dir}${under ? ` under ${under}` : ''}`);
  await ReviewPanel.open(host, dir, entries);
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
