import * as vscode from 'vscode';
import { sortIntoFolder } from './batchPlan';
import { expandHome, trustedSetting } from '../serverSettings';
import { LIMITS, withinLimit, type Limit } from '../../shared/limits';
import { VIDEO_EXTENSIONS } from '../../shared/video';

export interface BatchSettings {
  include: string[];
  exclude: string[];
  concurrency: number;
  batchSize: number;
  /** `batch.sortInto` (absolute) with `batch.sortMode`; undefined when off. */
  sortInto: { dir: string; mode: 'link' | 'copy' } | undefined;
}



export const DEFAULT_INCLUDE = [`**/*.{${VIDEO_EXTENSIONS.join(',')}}`];
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.cosmos-critic/**'];

function globs(value: unknown, fallback: string[]): string[] {
  if (!Array.isArray(value)) return fallback;
  return value.filter((glob): glob is string => typeof glob === 'string' && glob.trim() !== '').map((glob) => glob.trim());
}

/** A setting's number when it is within its limit (VS Code does not enforce `minimum`/`maximum` on hand-edited JSON). */
function count(value: unknown, fallback: number, limit: Limit): number {
  return typeof value === 'number' && withinLimit(value, limit) ? value : fallback;
}

/** `cosmosCritic.batch.*`: which files a batch takes and how many jobs run at once. */
export function batchSettings(): BatchSettings {
  const config = vscode.workspace.getConfiguration('cosmosCritic.batch');
  const include = globs(config.get('include'), DEFAULT_INCLUDE);
  return {
    include: include.length ? include : DEFAULT_INCLUDE,
    exclude: globs(config.get('exclude'), DEFAULT_EXCLUDE),
    concurrency: count(config.get('concurrency'), 2, LIMITS.concurrency),
    batchSize: count(config.get('batchSize'), 4, LIMITS.batchSize),
    sortInto: sortIntoFolder(expandHome(String(trustedSetting<string>('cosmosCritic.batch', 'sortInto') ?? '').trim()), config.get('sortMode'), vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath),
  };
}
