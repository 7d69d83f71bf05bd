import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CriticServerOptions } from '../shared/requests';

/**
 * Reads a setting, ignoring workspace and folder values in an untrusted workspace: a cloned
 * repository must not be able to choose which binary the critic server runs.
 */
function trustedSetting<T>(section: string, key: string): T | undefined {
  const config = vscode.workspace.getConfiguration(section);
  if (vscode.workspace.isTrusted) return config.get<T>(key);
  const inspected = config.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

function expandHome(value: string): string {
  if (value === '~') return os.homedir();
  if (value.startsWith('~/') || value.startsWith('~\\')) return path.join(os.homedir(), value.slice(2));
  return value;
}

function pathSetting(key: string): string | undefined {
  const value = trustedSetting<string>('cosmosCritic', key);
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed ? expandHome(trimmed) : undefined;
}

/** The initialization options the critic server is started with. */
export function criticServerOptions(): CriticServerOptions {
  const options: CriticServerOptions = {};
  const ffmpegPath = pathSetting('ffmpegPath');
  const modelPath = pathSetting('modelPath');
  if (ffmpegPath) options.ffmpegPath = ffmpegPath;
  if (modelPath) options.modelPath = modelPath;
  const precision = trustedSetting<string>('cosmosCritic', 'precision');
  if (precision === 'fp32' || precision === 'fp16' || precision === 'q4') options.precision = precision;
  const device = trustedSetting<string>('cosmosCritic', 'device');
  if (device === 'auto' || device === 'cuda' || device === 'cpu') options.device = device;
  const cudaDeviceId = trustedSetting<number>('cosmosCritic', 'cudaDeviceId');
  if (typeof cudaDeviceId === 'number' && Number.isInteger(cudaDeviceId) && cudaDeviceId >= 0) options.cudaDeviceId = cudaDeviceId;
  return options;
}
