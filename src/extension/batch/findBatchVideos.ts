import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import * as vscode from 'vscode';
import type { Config } from '../config';
import { isExcluded, isInside, planBatches, searchExcludeGlob, type BatchPlan } from './batchPlan';
import type { BatchSettings } from './batchSettings';

const toPosix = (p: string) => p.split(path.sep).join('/');

/** Files under a folder outside the workspace that match the globs (relative to that folder); dot folders and node_modules are skipped. */
async function walkFolder(folder: string, settings: BatchSettings, token: vscode.CancellationToken): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    if (token.isCancellationRequested) return;
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const file = path.join(dir, entry.name);
      const rel = toPosix(path.relative(folder, file));
      if (entry.isDirectory()) await visit(file);
      else if (entry.isFile() && settings.include.some((g) => minimatch(rel, g, { dot: true })) && !isExcluded(rel, settings.exclude)) out.push(file);
    }
  };
  await visit(folder);
  return out;
}

/** Files of a workspace folder that match the include globs (relative to it) and none of the excludes. */
async function searchWorkspaceFolder(folder: vscode.WorkspaceFolder, settings: BatchSettings, token: vscode.CancellationToken): Promise<string[]> {
  const exclude = searchExcludeGlob(settings.exclude);
  const found = await Promise.all(settings.include.map((glob) => vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), exclude, undefined, token)));
  return found
    .flat()
    .filter((uri) => uri.scheme === 'file')
    .map((uri) => uri.fsPath)
    .filter((file) => !isExcluded(toPosix(path.relative(folder.uri.fsPath, file)), settings.exclude));
}

/**
 * The batches for the workspace (no `folders`) or for some folders: the videos the `cosmosCritic.batch` globs take,
 * grouped by the results folder of their workspace folder. Globs are relative to the workspace folder, so a folder's
 * run takes exactly the videos of the workspace's run that lie inside it.
 */
export async function findBatchVideos(folders: readonly vscode.Uri[] | undefined, settings: BatchSettings, config: Config, token: vscode.CancellationToken): Promise<BatchPlan[]> {
  const workspaceFolders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const found: Array<{ video: string; root: string; outDir: string }> = [];
  const searched = new Map<string, Promise<string[]>>();
  const search = (folder: vscode.WorkspaceFolder) => {
    const key = folder.uri.toString();
    if (!searched.has(key)) searched.set(key, searchWorkspaceFolder(folder, settings, token));
    return searched.get(key)!;
  };
  if (!folders) {
    for (const folder of workspaceFolders) {
      const outDir = config.storeRoot(folder);
      for (const video of await search(folder)) found.push({ video, root: folder.uri.fsPath, outDir });
    }
    return planBatches(found);
  }
  for (const scope of folders) {
    const folder = vscode.workspace.getWorkspaceFolder(scope);
    if (folder && folder.uri.scheme === 'file') {
      const outDir = config.storeRoot(folder);
      const videos = await search(folder);
      const inScope = scope.fsPath === folder.uri.fsPath ? videos : videos.filter((v) => isInside(v, scope.fsPath));
      for (const video of inScope) found.push({ video, root: folder.uri.fsPath, outDir });
    } else {
      // A folder outside the workspace: its results go with the first workspace folder's (or the extension's storage).
      const outDir = config.storeRoot(workspaceFolders[0]);
      for (const video of await walkFolder(scope.fsPath, settings, token)) found.push({ video, root: scope.fsPath, outDir });
    }
  }
  return planBatches(found);
}
