import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CriticServerOptions } from '../shared/requests';
import { LIMITS, withinLimit } from '../shared/limits';

/**
 * Reads a setting, ignoring workspace and folder values in an untrusted workspace: a cloned
 * repository must not be able to choose which binary the critic server runs.
 */
export function trustedSetting<T>(section: string, key: string): T | undefined {
  const config = vscode.workspace.getConfiguration(section);
  if (vscode.workspace.isTrusted) return config.get<T>(key);
  const inspected = config.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

export function expandHome(value: string): string {
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
  const timeRule = trustedSetting<string>('cosmosCritic', 'timeRule');
  if (timeRule === 'float' || timeRule === 'truncate') options.timeRule = timeRule;
  const cudaDeviceId = trustedSetting<number>('cosmosCritic', 'cudaDeviceId');
  if (typeof cudaDeviceId === 'number' && withinLimit(cudaDeviceId, LIMITS.cudaDevice)) options.cudaDeviceId = cudaDeviceId;
  const cudaDevices = trustedSetting<unknown>('cosmosCritic', 'cudaDevices');
  const devices = Array.isArray(cudaDevices) ? [...new Set(cudaDevices.filter((id): id is number => typeof id === 'number' && withinLimit(id, LIMITS.cudaDevice)))] : [];
  if (devices.length > 0) options.cudaDevices = devices;
  const workers = trustedSetting<number>('cosmosCritic', 'workers');
  if (typeof workers === 'number' && workers > 1 && withinLimit(workers, LIMITS.workers)) options.workers = workers;
  if (trustedSetting<boolean>('cosmosCritic', 'lowMemory') === true) options.lowMemory = true;
  const backend = trustedSetting<string>('cosmosCritic', 'backend');
  if (backend === 'onnx' || backend === 'openai') options.backend = backend;
  // The remote settings only with the remote backend, so that editing them does not restart a local server.
  if (options.backend === 'openai') {
    // Where videos are sent: like the paths above, a workspace value counts only in a trusted workspace.
    const endpoints = trustedSetting<unknown>('cosmosCritic', 'endpoints');
    const urls = Array.isArray(endpoints) ? endpoints.filter((url): url is string => typeof url === 'string').map((url) => url.trim()).filter(Boolean) : [];
    if (urls.length > 0) options.endpoints = urls;
    const servedModelName = trustedSetting<string>('cosmosCritic', 'servedModelName');
    if (typeof servedModelName === 'string' && servedModelName.trim()) options.servedModelName = servedModelName.trim();
    const videoInput = trustedSetting<string>('cosmosCritic', 'videoInput');
    if (videoInput === 'frames' || videoInput === 'frames-png' || videoInput === 'url' || videoInput === 'file') options.videoInput = videoInput;
    const modelProfile = trustedSetting<string>('cosmosCritic', 'modelProfile');
    if (typeof modelProfile === 'string' && modelProfile.trim() && modelProfile !== 'auto') options.modelProfile = modelProfile.trim();
  }
  return options;
}
