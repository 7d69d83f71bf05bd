import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readPromptHeader, type PromptHeader } from '../promptHeader';
import type { Config } from '../config';
import { expandHome } from '../configSchema';

const LAST_PICK_KEY = 'cosmosCritic.batch.lastPrompts';
const FALLBACK_PROMPT = 'reward';

interface PromptItem extends vscode.QuickPickItem {
  /** The prompt file's path, as the server is told. */
  file?: string;
}

async function header(file: string): Promise<PromptHeader | undefined> {
  try {
    return readPromptHeader(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function item(file: string, detail: string): Promise<PromptItem | undefined> {
  const h = await header(file);
  if (!h) return undefined;
  const mode = h.mode ?? 'critic';
  return {
    label: `$(${mode === 'reward' ? 'dashboard' : 'comment-discussion'}) ${h.id ?? path.basename(file, '.prompt.md')}`,
    description: [h.version ? `v${h.version}` : null, mode, h.domain].filter(Boolean).join(' · '),
    detail,
    file,
  };
}

async function shippedPrompts(extensionUri: vscode.Uri): Promise<PromptItem[]> {
  const folder = vscode.Uri.joinPath(extensionUri, 'prompts').fsPath;
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.prompt.md')).sort();
  const items = await Promise.all(names.map((name) => item(path.join(folder, name), 'Shipped with Cosmos Critic')));
  return items.filter((i): i is PromptItem => i !== undefined);
}

async function workspacePrompts(): Promise<PromptItem[]> {
  // Prompt files of an untrusted workspace are not run.
  if (!vscode.workspace.isTrusted || !vscode.workspace.workspaceFolders?.length) return [];
  const files = await vscode.workspace.findFiles('**/*.prompt.md', '{**/node_modules/**,**/.git/**}', 500);
  const sorted = files.filter((f) => f.scheme === 'file').sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  const items = await Promise.all(sorted.map((file) => item(file.fsPath, vscode.workspace.asRelativePath(file))));
  return items.filter((i): i is PromptItem => i !== undefined);
}

/** The file `cosmosCritic.defaultPrompt` names (a shipped prompt's name or a path), else the shipped reward prompt. */
function defaultPromptFile(extensionUri: vscode.Uri, config: Config): string {
  const value = config.get('defaultPrompt') ?? FALLBACK_PROMPT;
  if (!/[\\/]/.test(value) && !value.endsWith('.md')) return vscode.Uri.joinPath(extensionUri, 'prompts', `${value}.prompt.md`).fsPath;
  const file = expandHome(value);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return path.isAbsolute(file) || folder?.scheme !== 'file' ? file : path.join(folder.fsPath, file);
}

/**
 * A multi-select quick pick of the shipped prompts and the workspace's `*.prompt.md` files. The last choice in this
 * workspace is picked again; the first time, `cosmosCritic.defaultPrompt`. Returns prompt file paths, or undefined
 * when dismissed.
 */
export async function pickBatchPrompts(extensionUri: vscode.Uri, config: Config, state: vscode.Memento, what: string): Promise<string[] | undefined> {
  const [shipped, workspace] = await Promise.all([shippedPrompts(extensionUri), workspacePrompts()]);
  const all = [...shipped, ...workspace];
  const last = state.get<unknown>(LAST_PICK_KEY);
  const remembered = Array.isArray(last) ? last.filter((f): f is string => typeof f === 'string' && all.some((i) => i.file === f)) : [];
  const preferred = remembered.length ? remembered : [defaultPromptFile(extensionUri, config)];
  const pick = vscode.window.createQuickPick<PromptItem>();
  pick.title = `Critique ${what}: choose prompts`;
  pick.placeholder = 'Every video runs with each chosen prompt (reward prompts score, critic prompts critique)';
  pick.canSelectMany = true;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = [
    { label: 'Shipped', kind: vscode.QuickPickItemKind.Separator },
    ...shipped,
    ...(workspace.length ? [{ label: 'Workspace', kind: vscode.QuickPickItemKind.Separator }, ...workspace] : []),
  ];
  pick.selectedItems = all.filter((i) => i.file && preferred.some((p) => path.resolve(p) === path.resolve(i.file!)));
  const chosen = await new Promise<string[] | undefined>((resolve) => {
    pick.onDidAccept(() => {
      // Enter on an item with nothing ticked means that item.
      const items = pick.selectedItems.length ? pick.selectedItems : pick.activeItems;
      resolve(items.flatMap((i) => (i.file ? [i.file] : [])));
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (chosen?.length) await state.update(LAST_PICK_KEY, chosen);
  return chosen?.length ? chosen : undefined;
}
