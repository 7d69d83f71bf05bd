import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CriticServerOptions } from '../shared/requests';

/** Settings whose change means the critic server must be restarted to see them. */
export const SERVER_SETTINGS = ['cosmosCritic.ffmpegPath'] as const;

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

/** The initialization options the critic server is started with. */
export function criticServerOptions(): CriticServerOptions {
  const ffmpegPath = trustedSetting<string>('cosmosCritic', 'ffmpegPath');
  const trimmed = typeof ffmpegPath === 'string' ? ffmpegPath.trim() : '';
  return trimmed ? { ffmpegPath: expandHome(trimmed) } : {};
}
