import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { readPromptHeader } from '../promptHeader';
import { resolveVideoUris } from '../videoTarget';
import type { Config } from '../config';
import { applyTextEdit, pinInsertion } from './pinInsert';

interface PromptItem extends vscode.QuickPickItem {
  uri: vscode.Uri;
}

/** The folder pins of a prompt are relative to, as the server resolves them: its workspace folder, else the first, else its own folder. */
function pinRoot(prompt: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(prompt) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : path.dirname(prompt.fsPath);
}

/** The video as a pin: relative to the root, with forward slashes; null when it is outside the root. */
export function pinPath(root: string, video: string): string | null {
  const relative = path.relative(root, video);
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return relative.split(path.sep).join('/');
}

async function promptItems(): Promise<PromptItem[]> {
  const files = await vscode.workspace.findFiles('**/*.prompt.md', '{**/node_modules/**,**/.git/**}', 500);
  const items: PromptItem[] = [];
  for (const uri of files.filter((file) => file.scheme === 'file').sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    const text = open?.getText() ?? (await readFile(uri.fsPath, 'utf8').catch(() => ''));
    const header = readPromptHeader(text);
    items.push({
      uri,
      label: header.id ?? path.basename(uri.fsPath, '.prompt.md'),
      description: [header.version ? `v${header.version}` : null, header.mode].filter(Boolean).join(' · '),
      detail: vscode.workspace.asRelativePath(uri),
    });
  }
  return items;
}

/** The smallest single replacement that turns `before` into `after`, so the edit touches only what changed. */
function minimalReplacement(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < before.length - start && tail < after.length - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

/**
 * `cosmosCritic.pinToPrompt`: adds the chosen videos under `pin:` of a workspace prompt file, as one undoable
 * edit of the (possibly unsaved) document. Saving the prompt runs it live on its pins.
 */
export async function pinToPrompt(config: Config, clicked: unknown, selection: unknown): Promise<void> {
  const videos = await resolveVideoUris(clicked, selection, () => undefined, 'Pin to Prompt');
  if (videos.length === 0) return;
  const items = await promptItems();
  if (items.length === 0) {
    void vscode.window.showInformationMessage('This workspace has no prompt files (*.prompt.md) to pin videos to.');
    return;
  }
  const names = videos.map((video) => path.posix.basename(video.path));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Pin ${names.length === 1 ? names[0] : `${names.length} videos`} to a Prompt`,
    placeHolder: 'The prompt file re-runs on its pinned videos when it is saved',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return;

  const document = await vscode.workspace.openTextDocument(picked.uri);
  const root = pinRoot(picked.uri);
  const original = document.getText();
  let text = original;
  const pinned: string[] = [];
  const skipped: string[] = [];
  for (const video of videos) {
    const pin = video.scheme === 'file' ? pinPath(root, video.fsPath) : null;
    if (pin === null) {
      skipped.push(`${path.posix.basename(video.path)} is outside ${root}; pins are relative to the prompt's workspace folder`);
      continue;
    }
    const insertion = pinInsertion(text, pin);
    if (insertion.kind === 'already') skipped.push(`${pin} is pinned already`);
    else if (insertion.kind === 'error') skipped.push(`${picked.detail}: ${insertion.message}`);
    else {
      text = applyTextEdit(text, insertion.edit);
      pinned.push(pin);
    }
  }
  if (skipped.length > 0) void vscode.window.showWarningMessage(`Not pinned: ${skipped.join('; ')}.`);
  if (pinned.length === 0) return;

  const change = minimalReplacement(original, text);
  const range = new vscode.Range(document.positionAt(change.start), document.positionAt(change.end));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(picked.uri, range, change.text);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`Could not edit ${picked.detail}.`);
    return;
  }
  const start = document.positionAt(change.start);
  const end = document.positionAt(change.start + change.text.length);
  await vscode.window.showTextDocument(document, { preview: false, selection: new vscode.Range(start, end) });
  // Where files save themselves (files.autoSave, the default in a browser), the save has run it live already.
  const message = `Pinned ${pinned.join(', ')} to ${picked.label}.`;
  const action = document.isDirty ? 'Save and Run' : config.get('liveRerun') === 'off' ? 'Run on Pins' : undefined;
  const choice = await vscode.window.showInformationMessage(message, ...(action ? [action] : []));
  if (choice && choice === action) await vscode.commands.executeCommand(COMMANDS.runPromptOnPins, picked.uri.toString());
}
