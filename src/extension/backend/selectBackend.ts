import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Config } from '../config';
import type { Services } from '../services';
import { hasStoredApiKey, storeApiKey } from './apiKey';

type Backend = 'onnx' | 'openai';

interface BackendItem extends vscode.QuickPickItem {
  backend: Backend;
}

/**
 * Writes a setting where it takes effect: the workspace when the (trusted) workspace sets it already, so that the
 * user's choice is not shadowed there; the user settings otherwise.
 */
async function writeSetting(config: Config, key: 'modelPath' | 'endpoints' | 'servedModelName' | 'backend', value: unknown): Promise<void> {
  const inspected = config.inspect(key);
  const target =
    vscode.workspace.isTrusted && inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}

/** Base URLs from one input line: separated by commas or white space. */
export function parseEndpoints(input: string): string[] {
  return input.split(/[\s,]+/).map((part) => part.trim().replace(/\/+$/, '')).filter(Boolean);
}

export function endpointProblem(input: string): string | undefined {
  const endpoints = parseEndpoints(input);
  if (endpoints.length === 0) return 'Enter at least one base URL, such as http://gpu-box:8000/v1';
  for (const endpoint of endpoints) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return `"${endpoint}" is not a URL`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${endpoint}" is not an http(s) URL`;
  }
  return undefined;
}

const MODEL_FILES = ['config.json', 'tokenizer.json', path.join('onnx', 'decoder_model_merged.onnx')];

async function chooseModelFolder(config: Config): Promise<void> {
  const current = config.criticServerOptions().modelPath;
  const choose = 'Choose Model Folder…';
  const keep = current ? `Keep ${current}` : undefined;
  const picked = await vscode.window.showQuickPick([choose, ...(keep ? [keep] : [])], {
    title: 'Cosmos Critic: Local Model Folder',
    placeHolder: current ? `Model folder: ${current}` : 'No model folder is set',
  });
  if (picked !== choose) return;
  const folders = await vscode.window.showOpenDialog({
    title: 'Converted Cosmos Reason model folder',
    openLabel: 'Use This Model',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    ...(current ? { defaultUri: vscode.Uri.file(current) } : {}),
  });
  const folder = folders?.[0];
  if (!folder) return;
  const missing = MODEL_FILES.filter((file) => !existsSync(path.join(folder.fsPath, file)));
  if (missing.length > 0) {
    const use = await vscode.window.showWarningMessage(
      `${folder.fsPath} lacks ${missing.join(', ')}: it does not look like a converted model (see the README, "Models").`,
      { modal: true },
      'Use Anyway',
    );
    if (use !== 'Use Anyway') return;
  }
  await writeSetting(config, 'modelPath', folder.fsPath);
}

/** Asks for the API key: keep the stored one, enter one, or use none. False when the user backed out. */
async function chooseApiKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const stored = await hasStoredApiKey(secrets);
  const enter = 'Enter API Key…';
  const keep = 'Keep the Stored API Key';
  const none = stored ? 'Remove the Stored API Key' : 'No API Key';
  const picked = await vscode.window.showQuickPick(stored ? [keep, enter, none] : [none, enter], {
    title: 'Cosmos Critic: API Key',
    placeHolder: 'The key is kept in the editor\'s secret storage, never in settings or logs',
  });
  if (picked === undefined) return false;
  if (picked === keep) return true;
  if (picked === none) {
    if (stored) await storeApiKey(secrets, undefined);
    return true;
  }
  const key = await vscode.window.showInputBox({
    title: 'Cosmos Critic: API Key',
    prompt: 'Sent as "Authorization: Bearer <key>" to the servers',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'Enter the key, or press Escape'),
  });
  if (key === undefined) return false;
  await storeApiKey(secrets, key.trim());
  return true;
}

async function chooseServers(config: Config, secrets: vscode.SecretStorage): Promise<boolean> {
  const current = config.criticServerOptions();
  const input = await vscode.window.showInputBox({
    title: 'Cosmos Critic: OpenAI-Compatible Servers',
    prompt: 'Base URLs of servers that serve Cosmos Reason (vLLM, NVIDIA NIM, cosmos-critic serve); several are separated by commas, and jobs are spread over them',
    placeHolder: 'http://gpu-box:8000/v1',
    value: (current.endpoints ?? []).join(', '),
    ignoreFocusOut: true,
    validateInput: endpointProblem,
  });
  if (input === undefined) return false;
  const model = await vscode.window.showInputBox({
    title: 'Cosmos Critic: Served Model Name',
    prompt: 'The model name the servers serve; leave empty to use the first model the first server lists',
    value: current.servedModelName ?? '',
    ignoreFocusOut: true,
  });
  if (model === undefined) return false;
  if (!(await chooseApiKey(secrets))) return false;
  await writeSetting(config, 'endpoints', parseEndpoints(input));
  await writeSetting(config, 'servedModelName', model.trim());
  await writeSetting(config, 'backend', 'openai');
  return true;
}

/** `cosmosCritic.selectBackend`: the local model (and its folder) or OpenAI-compatible servers (URLs and API key). */
export async function selectBackend({ config, secrets }: Pick<Services, 'config' | 'secrets'>): Promise<void> {
  const current = config.criticServerOptions();
  const backend = current.backend ?? 'onnx';
  const items: BackendItem[] = [
    {
      backend: 'onnx',
      label: '$(device-desktop) Local Model',
      description: backend === 'onnx' ? 'current' : 'ONNX Runtime in the critic server',
      detail: current.modelPath ? `Model folder: ${current.modelPath}` : 'No model folder is set yet',
    },
    {
      backend: 'openai',
      label: '$(cloud) OpenAI-Compatible Server',
      description: backend === 'openai' ? 'current' : 'vLLM, NVIDIA NIM, cosmos-critic serve',
      detail: current.endpoints?.length ? `Servers: ${current.endpoints.join(', ')}` : 'No servers are set yet',
    },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Cosmos Critic: Select Backend', placeHolder: `Now: ${backend}` });
  if (!picked) return;
  if (picked.backend === 'onnx') {
    await writeSetting(config, 'backend', 'onnx');
    await chooseModelFolder(config);
  } else if (!(await chooseServers(config, secrets))) {
    return;
  }
  const now = config.criticServerOptions();
  const where = now.backend === 'openai' ? (now.endpoints ?? []).join(', ') : now.modelPath ?? 'no model folder set';
  void vscode.window.showInformationMessage(`Cosmos Critic uses the ${now.backend === 'openai' ? 'OpenAI-compatible backend' : 'local model'} (${where}); the server restarts with the next job.`);
}
