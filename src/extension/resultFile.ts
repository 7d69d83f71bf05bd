import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CriticResult } from '../shared/result';
import { resultFileName } from './resultFileName';
import { expandHome, trustedSetting } from './serverSettings';

const DEFAULT_RESULTS_DIR = '.cosmos-critic';

/**
 * `<resultsDir>/results/` of the workspace folder that holds the video (else the first folder); without a
 * workspace, the extension's global storage. `cosmosCritic.resultsDir` may be absolute; in an untrusted workspace
 * only its user value counts, so that a cloned repository cannot choose where files are written.
 */
export function resultsFolder(video: vscode.Uri, storageUri: vscode.Uri): vscode.Uri {
  const setting = trustedSetting<string>('cosmosCritic', 'resultsDir');
  const base = expandHome(typeof setting === 'string' && setting.trim() ? setting.trim() : DEFAULT_RESULTS_DIR);
  if (path.isAbsolute(base)) return vscode.Uri.file(path.join(base, 'results'));
  const folder = vscode.workspace.getWorkspaceFolder(video) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder?.uri.scheme === 'file') return vscode.Uri.file(path.join(folder.uri.fsPath, base, 'results'));
  return vscode.Uri.joinPath(storageUri, 'results');
}

/** Writes the result through a temporary file in the same folder and a rename, so no reader sees half of it. */
export async function writeResultFile(folder: vscode.Uri, result: CriticResult): Promise<string> {
  const target = path.join(folder.fsPath, resultFileName(result));
  await mkdir(folder.fsPath, { recursive: true });
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(result, null, 2) + '\n');
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return target;
}
