import * as vscode from 'vscode';

interface ShippedPrompt extends vscode.QuickPickItem {
  uri: vscode.Uri;
  file: string;
}

async function shippedPrompts(extensionUri: vscode.Uri): Promise<ShippedPrompt[]> {
  const dir = vscode.Uri.joinPath(extensionUri, 'prompts');
  const entries = await vscode.workspace.fs.readDirectory(dir);
  const items: ShippedPrompt[] = [];
  for (const [file, type] of entries) {
    if (type !== vscode.FileType.File || !file.endsWith('.prompt.md')) continue;
    const uri = vscode.Uri.joinPath(dir, file);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const meta = (key: string) => new RegExp(`^${key}:\\s*(.+)$`, 'm').exec(text)?.[1]?.trim() ?? '';
    items.push({ uri, file, label: meta('id') || file, description: `${meta('mode')} · ${meta('domain') || 'general'}`, detail: `version ${meta('version')}` });
  }
  return items.sort((a, b) => a.label.localeCompare(b.label));
}

/** Whether a workspace file exists (any file system VS Code knows). */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** `Cosmos Critic: New Prompt File…`: copies a shipped prompt into the workspace's prompts/ folder and opens it. */
export async function newPromptFile(extensionUri: vscode.Uri): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('Open a folder first: prompt files live in the workspace.');
    return;
  }
  const choice = await vscode.window.showQuickPick(shippedPrompts(extensionUri), { title: 'New prompt file from…', matchOnDescription: true });
  if (!choice) return;
  const base = choice.file.replace(/\.prompt\.md$/, '');
  let target = vscode.Uri.joinPath(folder.uri, 'prompts', choice.file);
  for (let n = 2; await exists(target); n++) target = vscode.Uri.joinPath(folder.uri, 'prompts', `${base}-${n}.prompt.md`);
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, 'prompts'));
  await vscode.workspace.fs.copy(choice.uri, target, { overwrite: false });
  await vscode.window.showTextDocument(target);
}
