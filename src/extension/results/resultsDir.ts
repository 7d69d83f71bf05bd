import * as path from 'node:path';
import * as vscode from 'vscode';
import { expandHome, trustedSetting } from '../serverSettings';

const DEFAULT_RESULTS_DIR = '.cosmos-critic';

/**
 * The results folder (the one holding `results/`, `runs/`, `summary.jsonl`) of a workspace folder: the
 * `cosmosCritic.resultsDir` setting, relative to the folder or absolute. Only the user's value counts in an untrusted
 * workspace. Without a workspace folder on disk, the extension's global storage.
 */
export function resultsDirOf(folder: vscode.WorkspaceFolder | undefined, storageUri: vscode.Uri): string {
  const setting = trustedSetting<string>('cosmosCritic', 'resultsDir');
  const base = expandHome(typeof setting === 'string' && setting.trim() ? setting.trim() : DEFAULT_RESULTS_DIR);
  if (path.isAbsolute(base)) return path.normalize(base);
  if (folder?.uri.scheme === 'file') return path.join(folder.uri.fsPath, base);
  return storageUri.fsPath;
}

/** The results folder of every workspace folder on disk, without repeats (an absolute setting gives one). */
export function workspaceResultsDirs(storageUri: vscode.Uri): string[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const dirs = folders.length ? folders.map((f) => resultsDirOf(f, storageUri)) : [resultsDirOf(undefined, storageUri)];
  return [...new Set(dirs)];
}

/** A short name for a results folder: its workspace-relative path, else its last two segments. */
export function resultsDirLabel(dir: string): string {
  const relative = vscode.workspace.asRelativePath(dir, true);
  return relative !== dir ? relative : dir.split(/[\\/]/).slice(-2).join('/');
}
