import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CriticMode } from '../shared/result';
import { outputLog } from './outputLog';
import { readPromptHeader, type PromptHeader } from './promptHeader';
import { expandHome } from './configSchema';
import type { Services } from './services';

/** A prompt to run: what the server is told (a shipped prompt's name or a file path), and how the user knows it. */
export interface PromptChoice {
  ref: string;
  label: string;
  mode: CriticMode;
}

export const SHIPPED_DEFAULT: Record<CriticMode, string> = { reward: 'reward', critic: 'critic-detailed' };

async function headerOf(file: string): Promise<PromptHeader | undefined> {
  try {
    return readPromptHeader(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function shippedFolder(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'prompts').fsPath;
}

interface PromptItem extends vscode.QuickPickItem {
  choice?: PromptChoice;
}

async function promptItem(file: string, header: PromptHeader, detail: string): Promise<PromptItem> {
  const label = header.id ?? path.basename(file, '.prompt.md');
  const mode = header.mode ?? 'critic';
  return {
    label: `$(${mode === 'reward' ? 'dashboard' : 'comment-discussion'}) ${label}`,
    description: [header.version ? `v${header.version}` : null, mode, header.domain].filter(Boolean).join(' · '),
    detail,
    choice: { ref: file, label, mode },
  };
}

async function shippedItems(extensionUri: vscode.Uri): Promise<PromptItem[]> {
  const folder = shippedFolder(extensionUri);
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.prompt.md')).sort();
  const items: PromptItem[] = [];
  for (const name of names) {
    const file = path.join(folder, name);
    const header = await headerOf(file);
    if (header) items.push(await promptItem(file, header, 'Shipped with Cosmos Critic'));
  }
  return items;
}

async function workspaceItems(): Promise<PromptItem[]> {
  // Prompt files of an untrusted workspace are not run.
  if (!vscode.workspace.isTrusted || !vscode.workspace.workspaceFolders?.length) return [];
  const files = await vscode.workspace.findFiles('**/*.prompt.md', '{**/node_modules/**,**/.git/**}', 500);
  const items: PromptItem[] = [];
  for (const file of files.filter((f) => f.scheme === 'file').sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const header = await headerOf(file.fsPath);
    if (header) items.push(await promptItem(file.fsPath, header, vscode.workspace.asRelativePath(file)));
  }
  return items;
}

/** A quick pick of the shipped prompts and the workspace's `*.prompt.md` files; the prompt's mode decides score or critique. */
export async function pickPrompt(extensionUri: vscode.Uri, videoName: string): Promise<PromptChoice | undefined> {
  const [shipped, workspace] = await Promise.all([shippedItems(extensionUri), workspaceItems()]);
  const items: PromptItem[] = [
    { label: 'Shipped', kind: vscode.QuickPickItemKind.Separator },
    ...shipped,
    ...(workspace.length ? [{ label: 'Workspace', kind: vscode.QuickPickItemKind.Separator }, ...workspace] : []),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Run a prompt on ${videoName}`,
    placeHolder: 'Choose a prompt file (reward prompts score, critic prompts critique)',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.choice;
}

/**
 * The prompt a command runs: `cosmosCritic.defaultPrompt` (a shipped prompt's name, or a file path, relative to the
 * first workspace folder) when it is a prompt of the command's mode, else the shipped default for the mode.
 */
export async function defaultPrompt({ extensionUri, config }: Pick<Services, 'extensionUri' | 'config'>, mode: CriticMode): Promise<PromptChoice> {
  // A chosen Reason 2 / Cosmos 3 profile critiques with its own shipped prompt.
  const profile = config.get('modelProfile');
  const shipped = mode === 'critic' && (profile === 'reason2' || profile === 'cosmos3-reasoner') ? 'reason2-critic' : SHIPPED_DEFAULT[mode];
  const fallback: PromptChoice = { ref: shipped, label: shipped, mode };
  const value = config.get('defaultPrompt');
  if (!value) return fallback;
  const isName = !/[\\/]/.test(value) && !value.endsWith('.md');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const file = isName
    ? path.join(shippedFolder(extensionUri), `${value}.prompt.md`)
    : path.isAbsolute(expandHome(value)) ? expandHome(value) : folder?.scheme === 'file' ? path.join(folder.fsPath, value) : undefined;
  const header = file ? await headerOf(file) : undefined;
  if (!file || !header) {
    outputLog().warn(`cosmosCritic.defaultPrompt "${value}" was not found; using the shipped ${fallback.label} prompt.`);
    return fallback;
  }
  if (header.mode !== mode) return fallback;
  return { ref: file, label: header.id ?? path.basename(file, '.prompt.md'), mode };
}
