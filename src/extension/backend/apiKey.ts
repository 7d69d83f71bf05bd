import * as vscode from 'vscode';
import type { ForkOptions } from 'vscode-languageclient/node';
import { outputLog } from '../outputLog';

/** The SecretStorage key of the OpenAI-compatible servers' API key. */
export const API_KEY_SECRET = 'cosmosCritic.apiKey';
/** The critic server reads the key from this variable of its environment. */
export const API_KEY_VARIABLE = 'COSMOS_CRITIC_API_KEY';

let apiKey: string | undefined;
let revision = 0;

/**
 * Changes whenever the stored key does: the client restarts its server when this differs from what the
 * running server was started with. It says nothing about the key itself.
 */
export function apiKeyRevision(): string {
  return `key#${revision}`;
}

function setKey(value: string | undefined): void {
  const next = value || undefined;
  if (next === apiKey) return;
  apiKey = next;
  revision++;
}

/**
 * Options for the server process: its environment carries the stored key. A getter, because the language
 * client copies these options at every (re)start, so a restart after a crash gets the key stored by then.
 * Without a stored key the variable is left as the editor's environment has it.
 */
export function serverProcessOptions(extra: Omit<ForkOptions, 'env'> = {}): ForkOptions {
  return {
    ...extra,
    get env(): NodeJS.ProcessEnv {
      return apiKey === undefined ? { ...process.env } : { ...process.env, [API_KEY_VARIABLE]: apiKey };
    },
  };
}

/** Reads the key from SecretStorage now and again whenever it changes there (in this window or another). */
export function trackApiKey(secrets: vscode.SecretStorage): vscode.Disposable {
  const load = (): void => {
    secrets.get(API_KEY_SECRET).then(setKey, (error: unknown) => {
      outputLog().warn(`Could not read the API key from the secret storage: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  load();
  return secrets.onDidChange((event) => {
    if (event.key === API_KEY_SECRET) load();
  });
}

export async function storeApiKey(secrets: vscode.SecretStorage, value: string | undefined): Promise<void> {
  if (value) await secrets.store(API_KEY_SECRET, value);
  else await secrets.delete(API_KEY_SECRET);
  setKey(value);
}

export async function hasStoredApiKey(secrets: vscode.SecretStorage): Promise<boolean> {
  return Boolean(await secrets.get(API_KEY_SECRET));
}
