import * as vscode from 'vscode';
import { exists } from './newPromptFile';
import { guessMode, idFromFileName, importedPromptFile, importedTexts, PromptImportError } from '../promptfile/importPrompt';

/**
 * `Cosmos Critic: Import Prompt…`: one of NVIDIA's prompt files (critic YAML, reward script, plain text) into the
 * workspace's prompts/ folder as a *.prompt.md with the texts byte for byte, then opened.
 */
export async function importPrompt(given?: vscode.Uri): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('Open a folder first: prompt files live in the workspace.');
    return;
  }
  const source =
    given ??
    (
      await vscode.window.showOpenDialog({
        title: 'Import a prompt file (NVIDIA critic YAML, reward script .py, or text)',
        canSelectMany: false,
        filters: { 'Prompt files': ['yaml', 'yml', 'py', 'txt', 'md'], 'All files': ['*'] },
      })
    )?.[0];
  if (!source) return;
  const name = source.path.split('/').pop() ?? 'imported';
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await vscode.workspace.fs.readFile(source));
    const texts = importedTexts(text, name);
    const id = idFromFileName(name);
    const mode = guessMode(texts);
    let target = vscode.Uri.joinPath(folder.uri, 'prompts', `${id}.prompt.md`);
    for (let n = 2; await exists(target); n++) target = vscode.Uri.joinPath(folder.uri, 'prompts', `${id}-${n}.prompt.md`);
    const file = importedPromptFile(texts, { id, mode, source: name, sourceText: text });
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, 'prompts'));
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(file));
    await vscode.window.showTextDocument(target);
    void vscode.window.showInformationMessage(`Imported ${name} as a ${mode} prompt (texts byte for byte from ${texts.from.system} and ${texts.from.user}).`);
  } catch (err) {
    const message = err instanceof PromptImportError ? err.message : `${name}: ${(err as Error).message}`;
    void vscode.window.showErrorMessage(`${message}. Import a critic YAML (system_prompt, user_prompt), a Python file with SYSTEM_PROMPT, or a text file.`);
  }
}
