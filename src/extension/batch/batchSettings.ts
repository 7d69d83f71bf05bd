import * as vscode from 'vscode';
import type { Config } from '../config';
import { sortIntoFolder } from './batchPlan';

export interface BatchSettings {
  include: string[];
  exclude: string[];
  concurrency: number;
  batchSize: number;
  /** `batch.sortInto` (absolute) with `batch.sortMode`; undefined when off. */
  sortInto: { dir: string; mode: 'link' | 'copy' } | undefined;
}

/** `cosmosCritic.batch.*`: which files a batch takes, how many jobs run at once and where videos are sorted by band. */
export function batchSettings(config: Config): BatchSettings {
  return {
    include: config.get('batch.include'),
    exclude: config.get('batch.exclude'),
    concurrency: config.get('batch.concurrency'),
    batchSize: config.get('batch.batchSize'),
    sortInto: sortIntoFolder(
      config.get('batch.sortInto') ?? '',
      config.get('batch.sortMode'),
      vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath,
    ),
  };
}
