import * as vscode from 'vscode';
import { RUN_PROMPT_ON_PINS_COMMAND } from '../shared/requests';
import { trackApiKey } from './backend/apiKey';
import { SELECT_BACKEND_COMMAND, selectBackend } from './backend/selectBackend';
import type { CriticClient } from './criticClient';
import { COMPARE_VERSIONS_COMMAND, comparePromptVersions } from './prompts/compareVersions';
import { registerLiveRerun } from './prompts/liveRerun';
import { PIN_TO_PROMPT_COMMAND, pinToPrompt } from './prompts/pinToPrompt';
import { PromptRunner } from './prompts/promptRunner';
import { ResultIndex } from './prompts/resultIndex';

/**
 * Live prompt files (run on pins, live re-runs, the comparison view, pinning, version comparison) and the
 * backend choice (local model or OpenAI-compatible servers, with the API key in the secret storage).
 */
export function registerPromptTools(context: vscode.ExtensionContext, critic: CriticClient): vscode.Disposable[] {
  const index = new ResultIndex();
  const host = { extensionUri: context.extensionUri, storageUri: context.globalStorageUri, critic, index };
  const runner = new PromptRunner(host);
  return [
    trackApiKey(context.secrets),
    vscode.commands.registerCommand(RUN_PROMPT_ON_PINS_COMMAND, (argument?: unknown) => runner.runCommand(argument)),
    vscode.commands.registerCommand(COMPARE_VERSIONS_COMMAND, () => comparePromptVersions(host)),
    vscode.commands.registerCommand(PIN_TO_PROMPT_COMMAND, (clicked?: unknown, selection?: unknown) => pinToPrompt(clicked, selection)),
    vscode.commands.registerCommand(SELECT_BACKEND_COMMAND, () => selectBackend(context.secrets)),
    registerLiveRerun(runner),
    runner,
  ];
}
