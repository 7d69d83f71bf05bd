import * as vscode from 'vscode';

/** A short name for a results folder: its workspace-relative path, else its last two segments. */
export function resultsDirLabel(dir: string): string {
  const relative = vscode.workspace.asRelativePath(dir, true);
  return relative !== dir ? relative : dir.split(/[\\/]/).slice(-2).join('/');
}
