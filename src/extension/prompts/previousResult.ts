// Which recorded result a new one is compared with, and the versions of a prompt that results recorded.
// No `vscode` import: the tests run these on plain lists.
import * as path from 'node:path';
import type { CriticMode, CriticResult } from '../../shared/result';
import type { PromptTextState } from '../../shared/promptCompareMessages';

/** What the index keeps of one result file (the file itself is read again when shown). */
export interface RecordedResult {
  file: string;
  mode: CriticMode;
  promptId: string;
  version: string;
  promptSha: string;
  promptPath: string | null;
  videoPath: string;
  videoSha: string;
  createdAt: string;
  mtimeMs: number;
}

export function recordedResult(file: string, result: CriticResult, mtimeMs: number): RecordedResult {
  return {
    file,
    mode: result.mode,
    promptId: result.prompt.id,
    version: String(result.prompt.version),
    promptSha: result.prompt.sha256,
    promptPath: result.prompt.path,
    videoPath: result.video.path,
    videoSha: result.video.sha256,
    createdAt: result.created_at,
    mtimeMs,
  };
}

/** The key videos are paired by: the absolute path. */
export function videoKey(videoPath: string): string {
  return path.resolve(videoPath);
}

/** Newer first: by `created_at`, then by the file's modification time. */
export function newerFirst(a: RecordedResult, b: RecordedResult): number {
  const byCreated = (Date.parse(b.createdAt) || 0) - (Date.parse(a.createdAt) || 0);
  return byCreated || b.mtimeMs - a.mtimeMs || a.file.localeCompare(b.file);
}

export interface CurrentRun {
  promptId: string;
  version: string | number;
  promptSha: string;
  videoPath: string;
  /** Known once the video was read; then a result of the same bytes under another path matches too. */
  videoSha?: string;
}

function isSameVideo(entry: RecordedResult, run: CurrentRun): boolean {
  if (videoKey(entry.videoPath) === videoKey(run.videoPath)) return true;
  return Boolean(run.videoSha) && entry.videoSha === run.videoSha;
}

/**
 * "Previous": the latest result of the same prompt id and video whose prompt version or text differs from this run's.
 */
export function findPrevious(entries: readonly RecordedResult[], run: CurrentRun): RecordedResult | undefined {
  const version = String(run.version);
  return entries
    .filter((entry) => entry.promptId === run.promptId && isSameVideo(entry, run) && (entry.version !== version || entry.promptSha !== run.promptSha))
    .sort(newerFirst)[0];
}

/** One recorded version of a prompt: a version number and the exact text (sha256) it ran with. */
export interface PromptVersion {
  version: string;
  promptSha: string;
  /** The prompt file of its latest result. */
  promptPath: string | null;
  mode: CriticMode;
  /** Its latest result per video, newest first. */
  results: RecordedResult[];
  latest: string;
}

export interface RecordedPrompt {
  id: string;
  versions: PromptVersion[];
  resultCount: number;
}

function latestPerVideo(entries: readonly RecordedResult[]): RecordedResult[] {
  const byVideo = new Map<string, RecordedResult>();
  for (const entry of [...entries].sort(newerFirst)) {
    const key = videoKey(entry.videoPath);
    if (!byVideo.has(key)) byVideo.set(key, entry);
  }
  return [...byVideo.values()];
}

/** The prompts results recorded, by id, each with its versions (newest first). */
export function recordedPrompts(entries: readonly RecordedResult[]): RecordedPrompt[] {
  const byId = new Map<string, RecordedResult[]>();
  for (const entry of entries) {
    const list = byId.get(entry.promptId) ?? [];
    list.push(entry);
    byId.set(entry.promptId, list);
  }
  const prompts: RecordedPrompt[] = [];
  for (const [id, list] of byId) {
    const byVersion = new Map<string, RecordedResult[]>();
    for (const entry of list) {
      const key = `${entry.version}\u0000${entry.promptSha}`;
      byVersion.set(key, [...(byVersion.get(key) ?? []), entry]);
    }
    const versions = [...byVersion.values()].map((group): PromptVersion => {
      const results = latestPerVideo(group);
      const newest = results[0]!;
      return { version: newest.version, promptSha: newest.promptSha, promptPath: newest.promptPath, mode: newest.mode, results, latest: newest.createdAt };
    });
    versions.sort((a, b) => newerFirst(a.results[0]!, b.results[0]!));
    prompts.push({ id, versions, resultCount: list.length });
  }
  return prompts.sort((a, b) => newerFirst(a.versions[0]!.results[0]!, b.versions[0]!.results[0]!));
}

/** Videos of two versions paired by path: [older version's result, newer version's result]; either may be missing. */
export function pairByVideo(before: PromptVersion, after: PromptVersion): { video: string; before: RecordedResult | null; after: RecordedResult | null }[] {
  const rows = new Map<string, { video: string; before: RecordedResult | null; after: RecordedResult | null }>();
  for (const entry of after.results) rows.set(videoKey(entry.videoPath), { video: entry.videoPath, before: null, after: entry });
  for (const entry of before.results) {
    const key = videoKey(entry.videoPath);
    const row = rows.get(key);
    if (row) row.before = entry;
    else rows.set(key, { video: entry.videoPath, before: entry, after: null });
  }
  return [...rows.values()].sort((a, b) => a.video.localeCompare(b.video));
}

/** How a result's prompt text relates to the prompt file now (`currentSha` null: the file is gone). */
export function promptTextState(recordedSha: string, currentSha: string | null): PromptTextState {
  if (currentSha === null) return 'missing';
  return recordedSha === currentSha ? 'current' : 'changed';
}
