// The files of a results store: walking a results folder and reading what is in it. The one place either is done;
// src/engine/store/resultStore.ts names and writes them.
import { readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isObject } from '../../shared/guards';
import { MAX_RESULT_FILE_BYTES } from '../../shared/limits';
import type { CriticResult } from '../../shared/result';

/** Ends the name of a failure record: `<name>.<prompt>-v<version>.<model>.failed.json`. */
export const FAILURE_SUFFIX = '.failed.json';

/** What a store records of a job that failed. */
export interface FailureRecord {
  video: string;
  prompt: { id: string; version: string | number };
  model: string;
  /** One line naming the video and what went wrong (secrets redacted). */
  error: string;
  created_at: string;
}

/** One file of a results folder as read: a result, a failure record, or what is wrong with it. */
export type StoredFile =
  | { kind: 'result'; file: string; result: CriticResult }
  | { kind: 'failure'; file: string; failure: FailureRecord }
  | { kind: 'problem'; file: string; problem: string };

export interface WalkOptions {
  /** List failure records (`*.failed.json`) too; default true. */
  failures?: boolean;
  /** Folders directly under the walked one to leave out (a flat folder's `runs`). */
  skipTopFolders?: readonly string[];
  /** Leave out hidden entries (`.git`, `.cache`) and node_modules at any depth. */
  skipHidden?: boolean;
}

export const isFailureFile = (file: string): boolean => file.endsWith(FAILURE_SUFFIX);

/**
 * Every `*.json` file under a folder, at any depth, one folder at a time (memory holds a folder's listing, never the
 * tree's, and a reader may stop early). Files being written are never listed: the atomic writer's temporary files end in
 * `.tmp`. A missing or unreadable folder lists nothing.
 */
export async function* walkResultFiles(folder: string, options: WalkOptions = {}): AsyncGenerator<string> {
  const failures = options.failures ?? true;
  const pending: Array<{ dir: string; top: boolean }> = [{ dir: folder, top: true }];
  while (pending.length > 0) {
    const { dir, top } = pending.pop()!;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const folders: string[] = [];
    for (const entry of entries) {
      if (options.skipHidden && (entry.name.startsWith('.') || entry.name === 'node_modules')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(top && options.skipTopFolders?.includes(entry.name))) folders.push(path);
      } else if (entry.name.endsWith('.json') && (failures || !isFailureFile(entry.name))) yield path;
    }
    // Depth first, in reverse so that the folders come off the stack in the order they were read.
    for (let i = folders.length - 1; i >= 0; i--) pending.push({ dir: folders[i]!, top: false });
  }
}

/** `walkResultFiles`, gathered and sorted. */
export async function listResultFiles(folder: string, options: WalkOptions = {}): Promise<string[]> {
  const files: string[] = [];
  for await (const file of walkResultFiles(folder, options)) files.push(file);
  return files.sort();
}

const isFiniteOrNull = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isFinite(v));

/** What a result file lacks to be counted, or null when it is a complete result. */
export function resultShapeProblem(data: Record<string, unknown>): string | null {
  const video = data.video;
  const prompt = data.prompt;
  const model = data.model;
  if (!isObject(video) || typeof video.path !== 'string') return 'no "video.path"';
  if (!isFiniteOrNull(video.duration_s)) return '"video.duration_s" is not a number';
  if (!isObject(prompt) || typeof prompt.id !== 'string' || !(typeof prompt.version === 'string' || typeof prompt.version === 'number')) return 'no "prompt.id" and "prompt.version"';
  if (!isObject(model) || typeof model.backend !== 'string' || typeof model.id !== 'string') return 'no "model.backend" and "model.id"';
  if (data.mode !== 'reward' && data.mode !== 'critic') return '"mode" is neither "reward" nor "critic"';
  if (!Array.isArray(data.violations) || !data.violations.every((v) => isObject(v) && typeof v.category === 'string')) return 'no "violations" list';
  const verdict = data.mode === 'reward' ? data.reward : data.critic;
  // A critique whose trials did not parse has no score (null): unparsed, not damaged.
  const scoreOk = (score: unknown) => (typeof score === 'number' && Number.isFinite(score)) || (data.mode === 'critic' && score === null);
  if (verdict !== undefined && (!isObject(verdict) || !scoreOk(verdict.score))) return `"${String(data.mode)}.score" is not a number`;
  return null;
}

const REDO = 're-run the video (batch --resume rewrites it) or delete the file';

/** The parsed JSON of a stored file; a problem when it is too large, cut short or unreadable; undefined when it is gone. */
export type StoredJson = { data: unknown } | { problem: string } | undefined;

const tooLarge = (bytes: number) => `too large to be a result (${bytes} bytes, limit ${MAX_RESULT_FILE_BYTES}): move it out of results/`;

function unreadable(err: unknown): StoredJson {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return undefined; // removed while the folder was read
  const why = err instanceof SyntaxError ? `not valid JSON (${err.message}): the file is damaged or was cut short` : `cannot be read (${code ?? (err as Error).message})`;
  return { problem: `${why}; ${REDO}` };
}

/** Reads a stored file's JSON, refusing files larger than any result (MAX_RESULT_FILE_BYTES). */
export async function readStoredJson(file: string): Promise<StoredJson> {
  try {
    const bytes = (await stat(file)).size;
    if (bytes > MAX_RESULT_FILE_BYTES) return { problem: tooLarge(bytes) };
    return { data: JSON.parse(await readFile(file, 'utf8')) as unknown };
  } catch (err) {
    return unreadable(err);
  }
}

/** `readStoredJson` without a round trip through the thread pool per file: for reading many small files in slices. */
export function readStoredJsonSync(file: string): StoredJson {
  try {
    const bytes = statSync(file).size;
    if (bytes > MAX_RESULT_FILE_BYTES) return { problem: tooLarge(bytes) };
    return { data: JSON.parse(readFileSync(file, 'utf8')) as unknown };
  } catch (err) {
    return unreadable(err);
  }
}

/** What a stored file's JSON is: a result, a failure record (by its name), a problem; undefined for another schema. */
export function storedFileOf(file: string, json: StoredJson): StoredFile | undefined {
  if (!json) return undefined;
  if ('problem' in json) return { kind: 'problem', file, problem: json.problem };
  const data = json.data;
  if (!isObject(data)) return { kind: 'problem', file, problem: `holds ${data === null ? 'null' : Array.isArray(data) ? 'a list' : typeof data}, not a result; ${REDO}` };
  if (isFailureFile(file)) {
    if (typeof data.video !== 'string') return { kind: 'problem', file, problem: `a failure record without "video"; ${REDO}` };
    const prompt = isObject(data.prompt) ? data.prompt : {};
    return {
      kind: 'failure',
      file,
      failure: {
        video: data.video,
        prompt: { id: typeof prompt.id === 'string' ? prompt.id : '', version: typeof prompt.version === 'number' ? prompt.version : String(prompt.version ?? '') },
        model: String(data.model ?? ''),
        error: String(data.error ?? 'failed'),
        created_at: String(data.created_at ?? ''),
      },
    };
  }
  if (data.schema !== 'cosmos-critic/result@1') return undefined;
  const problem = resultShapeProblem(data);
  if (problem) return { kind: 'problem', file, problem: `an incomplete result (${problem}); ${REDO}` };
  return { kind: 'result', file, result: data as unknown as CriticResult };
}

/** One stored file read: a result, a failure record, or the problem that keeps it from being counted (named so the
 *  user can fix it); undefined for JSON of another schema, or a file removed while it was listed. */
export async function readStoredFile(file: string): Promise<StoredFile | undefined> {
  return storedFileOf(file, await readStoredJson(file));
}

export function readStoredFileSync(file: string): StoredFile | undefined {
  return storedFileOf(file, readStoredJsonSync(file));
}

const READ_SLICE = 256;

/**
 * Reads stored files in order and hands each to `visit`. Small files are read synchronously, in slices between which
 * the event loop runs: several times faster than one asynchronous read per file (each a round trip through the thread
 * pool), and an extension host stays responsive. Nothing read is kept.
 */
export async function readEachStoredFile(files: readonly string[], visit: (read: StoredFile | undefined, file: string, index: number) => void): Promise<void> {
  for (let start = 0; start < files.length; start += READ_SLICE) {
    if (start > 0) await new Promise((resolveSlice) => setImmediate(resolveSlice));
    for (let i = start; i < Math.min(files.length, start + READ_SLICE); i++) visit(readStoredFileSync(files[i]!), files[i]!, i);
  }
}
