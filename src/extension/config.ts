import * as vscode from 'vscode';
import type { CriticServerOptions, StoreTarget } from '../shared/requests';
import {
  CONFIG_SECTION,
  criticServerOptionsOf,
  rawSetting,
  SETTINGS,
  storeRootOf,
  type SettingKey,
  type SettingValue,
} from './configSchema';

/**
 * The one place that reads `cosmosCritic.*` settings: typed, trust-aware (see `SETTINGS`), and read afresh on every
 * call so that a changed setting counts from the next use on.
 */
export class Config {
  /** `globalStorage`: where results go without a workspace folder on disk. */
  constructor(private readonly globalStorage: vscode.Uri) {}

  get<K extends SettingKey>(key: K): SettingValue<K> {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const raw = rawSetting(key, vscode.workspace.isTrusted, () => config.get(key), () => config.inspect(key));
    return SETTINGS[key].parse(raw) as SettingValue<K>;
  }

  /** Where a setting's values are: to write one where it takes effect. */
  inspect(key: SettingKey): ReturnType<vscode.WorkspaceConfiguration['inspect']> {
    return vscode.workspace.getConfiguration(CONFIG_SECTION).inspect(key);
  }

  async update(key: SettingKey, value: unknown, target: vscode.ConfigurationTarget): Promise<void> {
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update(key, value, target);
  }

  criticServerOptions(): CriticServerOptions {
    return criticServerOptionsOf((key) => this.get(key));
  }

  /** The results store of a workspace folder (see `storeRootOf`); one root for jobs, batches and the results browser. */
  storeRoot(folder: vscode.WorkspaceFolder | undefined): string {
    return storeRootOf(this.get('resultsDir'), folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined, this.globalStorage.fsPath);
  }

  /**
   * Where a job on `video` records its result: the store of the video's workspace folder (else the first folder's),
   * result files named by the video's path under that folder.
   */
  storeFor(video: vscode.Uri): StoreTarget {
    const folder = vscode.workspace.getWorkspaceFolder(video) ?? vscode.workspace.workspaceFolders?.[0];
    const onDisk = folder?.uri.scheme === 'file' ? folder : undefined;
    return { root: this.storeRoot(onDisk), ...(onDisk ? { videosRoot: onDisk.uri.fsPath } : {}) };
  }

  /** The store of every workspace folder on disk, without repeats (an absolute `resultsDir` gives one). */
  workspaceStoreRoots(): string[] {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const roots = folders.length ? folders.map((f) => this.storeRoot(f)) : [this.storeRoot(undefined)];
    return [...new Set(roots)];
  }
}
