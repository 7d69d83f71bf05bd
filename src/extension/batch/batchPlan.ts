import * as path from 'node:path';
import { minimatch } from 'minimatch';

/** `cosmosCritic.batch.sortInto` (with `sortMode`): absolute, or under the workspace folder; undefined when empty, or relative with no folder. */
export function sortIntoFolder(value: string, mode: unknown, workspaceFolder: string | undefined): { dir: string; mode: 'link' | 'copy' } | undefined {
  if (!value) return undefined;
  const absolute = path.isAbsolute(value) ? value : workspaceFolder ? path.join(workspaceFolder, value) : undefined;
  return absolute ? { dir: path.normalize(absolute), mode: mode === 'copy' ? 'copy' : 'link' } : undefined;
}

/** The critic server reads an input with glob characters as a glob: such a path is sent with each one in a class. */
export function escapeGlobPath(file: string): string {
  return file.replace(/[*?[\]{}]/g, (c) => `[${c}]`);
}

export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Whether a path (relative to its workspace folder, "/"-separated) matches one of the exclude globs. */
export function isExcluded(relativePath: string, exclude: readonly string[]): boolean {
  return exclude.some((glob) => minimatch(relativePath, glob, { dot: true }));
}

/** One exclude glob for a file search: the patterns joined in braces, leaving out any that have braces themselves. */
export function searchExcludeGlob(exclude: readonly string[]): string | null {
  const simple = exclude.filter((glob) => !/[{}]/.test(glob));
  if (simple.length === 0) return null;
  return simple.length === 1 ? simple[0]! : `{${simple.join(',')}}`;
}

/** One batch: the videos whose results go to one results folder, named relative to one workspace folder. */
export interface BatchPlan {
  outDir: string;
  videosRoot: string;
  videos: string[];
}

/** Groups found videos by where their results go; videos inside a results folder are left out. */
export function planBatches(found: ReadonlyArray<{ video: string; root: string; outDir: string }>): BatchPlan[] {
  const outDirs = new Set(found.map((f) => f.outDir));
  const plans = new Map<string, BatchPlan>();
  for (const { video, root, outDir } of found) {
    if ([...outDirs].some((dir) => isInside(video, dir))) continue;
    const key = `${outDir}\u0000${root}`;
    let plan = plans.get(key);
    if (!plan) {
      plan = { outDir, videosRoot: root, videos: [] };
      plans.set(key, plan);
    }
    plan.videos.push(video);
  }
  for (const plan of plans.values()) plan.videos = [...new Set(plan.videos)].sort();
  return [...plans.values()];
}

export interface BatchCounts {
  total: number;
  done: number;
  failed: number;
  skipped: number;
}

export function addCounts(a: BatchCounts, b: BatchCounts): BatchCounts {
  return { total: a.total + b.total, done: a.done + b.done, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The line shown when a batch ends. */
export function batchOutcomeMessage(videos: number, prompts: number, counts: BatchCounts, cancelled: boolean): string {
  const finished = counts.done + counts.failed + counts.skipped;
  const parts = [`${counts.done} done`, `${counts.failed} failed`];
  if (counts.skipped) parts.push(`${counts.skipped} already done`);
  const jobs = `${plural(videos, 'video')} × ${plural(prompts, 'prompt')}`;
  return cancelled
    ? `Cosmos Critic: cancelled after ${finished} of ${counts.total} jobs (${jobs}): ${parts.join(', ')}. Results so far are kept; run the command again to go on.`
    : `Cosmos Critic: ${jobs} finished: ${parts.join(', ')}.`;
}
