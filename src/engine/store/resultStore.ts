// The results store: where results and failure records go, how they are named, written, listed and read. Every
// writer (batch, `score`/`critique --out`, the critic server's single-video requests) and every reader of a results
// folder goes through it.
//
//   <root>/results/<video path under the videos root, with its extension>.<prompt id>-v<version>.<model>.json
//   <root>/results/….<model>.failed.json       a job that failed: { video, prompt, model, error, created_at }
//   <root>/runs/<run id>/manifest.json         one per batch run
//   <root>/summary.jsonl, <root>/summary.csv   the last batch run's rows
import { readdir, rm } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { CriticResult } from '../../shared/result';
import { redactSecrets } from '../../shared/redactSecrets';
import { commonRoot, modelLabelOf, slug } from '../jobs/batchFiles';
import { writeFileAtomic } from './atomicWrite';
import {
  FAILURE_SUFFIX,
  listResultFiles,
  readEachStoredFile,
  readStoredFile,
  readStoredFileSync,
  walkResultFiles,
  type FailureRecord,
  type StoredFile,
} from './storedFiles';

export const RESULTS_FOLDER = 'results';
export const RUNS_FOLDER = 'runs';

/** What one stored file is about: a video × prompt × model (`model` as modelLabelOf names it). */
export interface ResultKey {
  video: string;
  promptId: string;
  promptVersion: string | number;
  model: string;
}

/** Whether `file` lies inside `folder` (not the folder itself). */
export function isInside(file: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The error line of a failure record: secrets masked, the video named. */
export function failureMessage(video: string, err: unknown): string {
  const message = redactSecrets((err as Error)?.message ?? String(err));
  return message.includes(video) ? message : `${video}: ${message}`;
}

export const resultKeyOf = (result: CriticResult, model = modelLabelOf(result.model)): ResultKey => ({
  video: result.video.path,
  promptId: result.prompt.id,
  promptVersion: result.prompt.version,
  model,
});

export class ResultStore {
  readonly root: string;
  /** `<root>/results`. */
  readonly resultsDir: string;
  /** Result names are the video's path under this folder; a video outside it is named by its file name alone. */
  readonly videosRoot: string | undefined;

  constructor(root: string, options: { videosRoot?: string } = {}) {
    this.root = root;
    this.resultsDir = join(this.root, RESULTS_FOLDER);
    this.videosRoot = options.videosRoot === undefined ? undefined : resolve(options.videosRoot);
  }

  /** A store for a set of videos (a batch, `score --out`): named under `videosRoot` when it holds every video, else
   *  under the videos' common folder, so that the names of one run never collide and never leave `results/`. */
  static forVideos(root: string, videos: readonly string[], videosRoot?: string): ResultStore {
    const all = videos.map((v) => resolve(v));
    const named = videosRoot && all.every((v) => isInside(v, videosRoot)) ? resolve(videosRoot) : commonRoot(all);
    return new ResultStore(root, { videosRoot: named });
  }

  /** The video's name in `results/`: its path under the videos root, extension kept ("clips/a.mp4"). */
  videoName(video: string): string {
    if (this.videosRoot !== undefined && isInside(video, this.videosRoot)) return relative(this.videosRoot, resolve(video));
    return basename(video);
  }

  /** `results/<video name>.<prompt>-v<version>.<model>.json` (`.failed.json` for the failure record). */
  fileFor(key: ResultKey, kind: 'result' | 'failure' = 'result'): string {
    const name = `${this.videoName(key.video)}.${slug(key.promptId)}-v${slug(String(key.promptVersion))}.${slug(key.model)}`;
    return join(this.resultsDir, name + (kind === 'failure' ? FAILURE_SUFFIX : '.json'));
  }

  /** Writes the result atomically and removes the failure record of an earlier try; gives the file. `model`: the label
   *  the file is named by (default: the result's own, modelLabelOf). */
  async writeResult(result: CriticResult, model = modelLabelOf(result.model)): Promise<string> {
    const key = resultKeyOf(result, model);
    const file = this.fileFor(key);
    await writeFileAtomic(file, JSON.stringify(result, null, 2) + '\n');
    await rm(this.fileFor(key, 'failure'), { force: true });
    return file;
  }

  /** Records a failed job atomically; a result of an earlier run stays. Gives the file and the record. */
  async writeFailure(key: ResultKey, error: string, createdAt = new Date()): Promise<{ file: string; record: FailureRecord }> {
    const record: FailureRecord = { video: key.video, prompt: { id: key.promptId, version: key.promptVersion }, model: key.model, error, created_at: createdAt.toISOString() };
    const file = this.fileFor(key, 'failure');
    await writeFileAtomic(file, JSON.stringify(record, null, 2) + '\n');
    return { file, record };
  }

  /** Every result file (and failure record, unless `failures: false`) under `results/`, as the folders are read. */
  files(options: { failures?: boolean } = {}): AsyncGenerator<string> {
    return walkResultFiles(this.resultsDir, options);
  }

  /** `files()`, sorted. */
  listFiles(options: { failures?: boolean } = {}): Promise<string[]> {
    return listResultFiles(this.resultsDir, options);
  }

  /** A stored file: its result, its failure record, or what is wrong with it; undefined for another schema. */
  read(file: string): Promise<StoredFile | undefined> {
    return readStoredFile(file);
  }

  readSync(file: string): StoredFile | undefined {
    return readStoredFileSync(file);
  }

  /** Reads many files (from `listFiles`) in order, handing each to `visit`; fast, and lets the event loop run. */
  readEach(files: readonly string[], visit: (read: StoredFile | undefined, file: string, index: number) => void): Promise<void> {
    return readEachStoredFile(files, visit);
  }

  /** The result stored for a key, when there is a readable one. */
  async resultFor(key: ResultKey): Promise<CriticResult | undefined> {
    const read = await readStoredFile(this.fileFor(key));
    return read?.kind === 'result' ? read.result : undefined;
  }

  manifestFile(runId: string): string {
    return join(this.root, RUNS_FOLDER, runId, 'manifest.json');
  }

  /** The run manifests, oldest run first (run ids start with their start time). */
  async manifestFiles(): Promise<string[]> {
    const ids: string[] = [];
    for (const entry of await readdir(join(this.root, RUNS_FOLDER), { withFileTypes: true }).catch(() => [])) if (entry.isDirectory()) ids.push(entry.name);
    return ids.sort().map((id) => this.manifestFile(id));
  }

  summaryFile(format: 'jsonl' | 'csv'): string {
    return join(this.root, `summary.${format}`);
  }
}

export type { FailureRecord, StoredFile } from './storedFiles';
