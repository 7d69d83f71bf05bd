import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { PROMPT_LANGUAGE_ID } from '../../shared/requests';
import type { Config } from '../config';
import { outputLog } from '../outputLog';
import type { PromptRunner } from './promptRunner';

function isPromptFile(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && (document.languageId === PROMPT_LANGUAGE_ID || document.fileName.endsWith('.prompt.md'));
}

/** Whether the saved text pins anything (a top-level `pin:` key), checked before asking the server which videos. */
async function mayPin(file: string): Promise<boolean> {
  try {
    return /^pin[ \t]*:/m.test(await readFile(file, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Re-runs a prompt file on its pinned videos when its text on disk changes.
 * - `onSave`: at once on every save.
 * - `whileTyping`: `liveRerunDelayMs` after the last save, postponed while typing goes on; with `files.autoSave`
 *   set to `afterDelay` that follows the typing. Unsaved text is never run: nothing is written to disk for it.
 * - `off`: only the code lens and the command run it.
 */
export function registerLiveRerun(runner: PromptRunner, config: Config): vscode.Disposable {
  const timers = new Map<string, { timer: ReturnType<typeof setTimeout>; document: vscode.TextDocument }>();

  const start = (document: vscode.TextDocument): void => {
    mayPin(document.uri.fsPath)
      .then((pins) => (pins ? runner.run(document.uri, 'live') : undefined))
      .catch((error: unknown) => outputLog().error(`Live re-run of ${document.uri.fsPath} failed: ${error instanceof Error ? error.message : String(error)}`));
  };

  const schedule = (document: vscode.TextDocument): void => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key)?.timer);
    const timer = setTimeout(() => {
      timers.delete(key);
      // Typing since the save: wait for the next save.
      if (!document.isDirty && !document.isClosed) start(document);
    }, config.get('liveRerunDelayMs'));
    timers.set(key, { timer, document });
  };

  const saved = vscode.workspace.onDidSaveTextDocument((document) => {
    if (!isPromptFile(document) || runner.consumeOwnSave(document.uri)) return;
    if (!vscode.workspace.isTrusted) return;
    const mode = config.get('liveRerun');
    if (mode === 'onSave') start(document);
    else if (mode === 'whileTyping') schedule(document);
  });

  const changed = vscode.workspace.onDidChangeTextDocument((event) => {
    const pending = timers.get(event.document.uri.toString());
    if (pending && event.contentChanges.length > 0) schedule(pending.document);
  });

  return new vscode.Disposable(() => {
    saved.dispose();
    changed.dispose();
    for (const { timer } of timers.values()) clearTimeout(timer);
    timers.clear();
  });
}
