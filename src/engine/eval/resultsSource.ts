// The one place evaluation reads results from disk. Everything else in eval works on `ScoredVideo`s, so the results
// store can change under this module alone.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { resultStatus, type CriticResult } from '../../shared/result';
import { commonRoot, modelLabelOf } from '../jobs/batchFiles';
import { ResultStore, RUNS_FOLDER, type FailureRecord } from '../store/resultStore';
import { listResultFiles } from '../store/storedFiles';

export interface TimedViolation {
  start_s: number;
  end_s: number | null;
  category: string;
}

/** One result (video × prompt × model) as evaluation needs it. */
export interface ScoredVideo {
  /** Absolute path of the video. */
  video: string;
  /** The result file, relative to the results folder ("/"-separated). */
  result_file: string;
  prompt_id: string;
  prompt_version: string;
  model: string;
  mode: string;
  /** 0–1, higher = more physically plausible; null when the result has no usable score. */
  score: number | null;
  /** Why there is no score: the failure, or that no trial's answer parsed. */
  unscored_reason: string | null;
  /** Violations with a time, as the critic reported them. */
  violations: TimedViolation[];
  /** Gap between the sampled frames (1 / sampling fps), for violations given at a single time. */
  frame_gap_s: number | null;
  created_at: string;
}

export interface ResultsRead {
  dir: string;
  /** The folder video paths in labels are relative to: the batch's `videos_root`, else the videos' common folder. */
  videos_root: string;
  results: ScoredVideo[];
  /** JSON files that are not results (or cannot be read): listed, never guessed. */
  skipped: string[];
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The score of a result, or why it has none. A critique whose trials all failed to parse has no score (not 0). */
export function usableScore(result: CriticResult & { error?: string }): { score: number | null; reason: string | null } {
  const status = resultStatus(result);
  if (status === 'failed') return { score: null, reason: `failed${result.error ? `: ${result.error}` : ''}` };
  if (result.mode === 'reward' || result.reward) {
    return finite(result.reward?.score) ? { score: result.reward.score, reason: null } : { score: null, reason: 'no reward score' };
  }
  // `unparsed` (recorded, or read from the trials of a result written before the status existed): no verdict.
  if (status === 'unparsed') return { score: null, reason: result.critic?.trials.length ? 'no trial answer parsed' : 'no trials' };
  return finite(result.critic?.score) ? { score: result.critic!.score, reason: null } : { score: null, reason: 'no critic score' };
}

function fromResult(result: CriticResult, file: string, dir: string): ScoredVideo {
  const { score, reason } = usableScore(result);
  const violations: TimedViolation[] = [];
  for (const v of result.violations ?? []) {
    if (!finite(v.start_s)) continue;
    violations.push({ start_s: v.start_s, end_s: finite(v.end_s) ? v.end_s : null, category: v.category ?? 'other' });
  }
  const fps = result.sampling?.fps;
  return {
    video: result.video.path,
    result_file: relative(dir, file).split(sep).join('/'),
    prompt_id: result.prompt?.id ?? '',
    prompt_version: String(result.prompt?.version ?? ''),
    model: result.model ? modelLabelOf(result.model) : '',
    mode: result.mode ?? '',
    score,
    unscored_reason: reason,
    violations,
    frame_gap_s: finite(fps) && fps > 0 ? 1 / fps : null,
    created_at: String(result.created_at ?? ''),
  };
}

/** A store's record of a video that failed (`*.failed.json`). */
function fromFailure(failure: FailureRecord, file: string, dir: string): ScoredVideo {
  return {
    video: failure.video,
    result_file: relative(dir, file).split(sep).join('/'),
    prompt_id: failure.prompt.id,
    prompt_version: String(failure.prompt.version),
    model: failure.model,
    mode: '',
    score: null,
    unscored_reason: `failed: ${failure.error}`,
    violations: [],
    frame_gap_s: null,
    created_at: failure.created_at,
  };
}

export async function videosRootOf(dir: string, videos: string[]): Promise<string> {
  // The newest batch run records the folder its result names are relative to.
  for (const file of (await new ResultStore(dir).manifestFiles()).reverse()) {
    try {
      const manifest = JSON.parse(await readFile(file, 'utf8')) as { videos_root?: unknown };
      if (typeof manifest.videos_root === 'string' && videos.every((v) => v.startsWith(manifest.videos_root + sep) || v.startsWith(`${manifest.videos_root}/`))) return manifest.videos_root;
    } catch {
      // An unreadable manifest says nothing about the root.
    }
  }
  return commonRoot(videos);
}

/**
 * Every result in a results folder: a batch's `--out` folder (its `results/`), or a folder `score --out` / `critique
 * --out` wrote result files into. Of several results for one video × prompt × model the newest counts.
 */
export async function readResults(dir: string): Promise<ResultsRead> {
  // A store (`results/`), or a flat folder of result files that `score --out` wrote before there was a store.
  const store = new ResultStore(dir);
  const files = existsSync(store.resultsDir) ? await store.listFiles() : await listResultFiles(dir, { skipTopFolders: [RUNS_FOLDER], skipHidden: true });
  const read = new Array<ScoredVideo | undefined>(files.length).fill(undefined);
  await store.readEach(files, (stored, file, i) => {
    read[i] = stored?.kind === 'result' ? fromResult(stored.result, file, dir) : stored?.kind === 'failure' ? fromFailure(stored.failure, file, dir) : undefined;
  });
  const newest = new Map<string, ScoredVideo>();
  const skipped: string[] = [];
  read.forEach((r, i) => {
    if (!r) {
      skipped.push(relative(dir, files[i]!).split(sep).join('/'));
      return;
    }
    const key = `${r.video}\u0000${r.prompt_id}\u0000${r.prompt_version}\u0000${r.model}`;
    const known = newest.get(key);
    if (!known || r.created_at >= known.created_at) newest.set(key, r);
  });
  const results = [...newest.values()];
  return { dir, videos_root: await videosRootOf(dir, results.map((r) => r.video)), results, skipped };
}
