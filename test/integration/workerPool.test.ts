import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Backend } from '../../src/engine/evaluate/backend';
import { localBackend } from '../../src/engine/evaluate/localBackend';
import { workerBackend } from '../../src/engine/jobs/workerBackend';
import { localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { runBatch } from '../../src/engine/jobs/batchRunner';
import { WorkerPool, type WorkerPoolOptions } from '../../src/engine/jobs/workerPool';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel } from '../../src/engine/model/localModel';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';

const prompt = parsePromptFile(
  `---\nid: workers-reward\nversion: 1\nmode: reward\nvideo: { fps: 2, max_pixels: 50176 }\ngeneration: { temperature: 0, max_new_tokens: 1 }\n---\n## system\nYou are a helpful video analyzer.\n\n## user\nDoes the video contain any anomalies?\n`,
  null,
);

let modelDir: string;
let scratch: string;
let videos: string[];
const pools: WorkerPool[] = [];

async function pool(workers: number, extra: Partial<WorkerPoolOptions> = {}): Promise<WorkerPool> {
  const p = await WorkerPool.start({
    modelDir,
    load: { precision: 'fp32' },
    slots: Array.from({ length: workers }, () => ({ device: 'cpu' as const })),
    cacheDir: mkdtempSync(join(scratch, 'cache-')),
    ...extra,
  });
  pools.push(p);
  return p;
}

async function scores(backend: Backend): Promise<Map<string, number | null>> {
  const outDir = mkdtempSync(join(scratch, 'out-'));
  const manifest = await runBatch(videos, [prompt], { backend, outDir, concurrency: 2, prefetch: 0, resume: false });
  assert.equal(manifest.status, 'done');
  const rows = readFileSync(join(outDir, 'summary.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { video: string; score: number | null; status: string; error?: string });
  for (const r of rows) assert.equal(r.status, 'ok', `${r.video}: ${r.error}`);
  return new Map(rows.map((r) => [r.video, r.score]));
}

before(async () => {
  ensureVideoFixtures(['short', 'h264Mp4', 'vp9Webm']);
  modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-workers-'));
  videos = [videoPath('short'), videoPath('h264Mp4'), videoPath('vp9Webm')];
});
after(async () => {
  for (const p of pools) await p.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('engine workers (CPU)', () => {
  it('one worker, two workers and the in-process engine give the same scores', async () => {
    const model = await LocalModel.load(modelDir, { device: 'cpu' });
    const inProcess = await scores(localBackend(localEngine(model, locateFfmpeg(), new CacheStore(mkdtempSync(join(scratch, 'cache-'))))));
    const started: number[] = [];
    const one = await scores(workerBackend(await pool(1)));
    const twoPool = await pool(2, { onJobStarted: (info) => started.push(info.worker) });
    const two = await scores(workerBackend(twoPool));
    assert.equal(inProcess.size, 3);
    assert.ok([...inProcess.values()].every((s) => typeof s === 'number'));
    assert.deepEqual(one, inProcess);
    assert.deepEqual(two, inProcess);
    assert.deepEqual([...new Set(started)].sort(), [0, 1], 'both workers took jobs');
    assert.deepEqual(twoPool.devices, ['cpu#0', 'cpu#1']);
  });

  it('a worker that dies mid-job is restarted and the job runs again', async () => {
    let killed = 0;
    const p = await pool(1, {
      onJobStarted: ({ pid, video, attempt }) => {
        if (video === videos[1] && attempt === 1) {
          killed++;
          process.kill(pid, 'SIGKILL');
        }
      },
    });
    const firstPid = p.pids[0];
    const result = await p.evaluate(videos[1]!, prompt);
    assert.equal(killed, 1);
    assert.notEqual(p.pids[0], firstPid, 'a new worker process');
    assert.equal(typeof result.reward!.score, 'number');
  });

  it('a critique whose worker dies while it streams is run again, and its text reaches the listener once', async () => {
    const critique = parsePromptFile(
      `---\nid: workers-critic\nversion: 1\nmode: critic\nvideo: { fps: 2, max_pixels: 50176 }\ngeneration: { temperature: 0, max_new_tokens: 24 }\ntrials: 1\n---\n## system\nYou are a helpful video analyzer.\n\n## user\nDoes the video contain any anomalies?\n`,
      null,
    );
    let attempt = 0;
    let deltasInFirstTry = 0;
    let killed = 0;
    const p = await pool(1, { onJobStarted: (info) => (attempt = info.attempt) });
    let streamed = '';
    const result = await p.evaluate(videos[0]!, critique, {
      onText: (trial, delta) => {
        assert.equal(trial, 0);
        streamed += delta;
        if (attempt === 1 && ++deltasInFirstTry === 5 && killed === 0) {
          killed++;
          process.kill(p.pids[0]!, 'SIGKILL');
        }
      },
    });
    assert.equal(killed, 1, 'the worker was killed while the critique streamed');
    assert.equal(attempt, 2, 'the job ran a second time');
    assert.equal(streamed, result.critic!.trials[0]!.raw, 'the streamed text is the answer, once');
  });

  it('a job whose worker dies on both tries is recorded as failed; the others finish', async () => {
    const p = await pool(2, { onJobStarted: ({ pid, video }) => video === videos[2] && process.kill(pid, 'SIGKILL') });
    const outDir = mkdtempSync(join(scratch, 'out-'));
    const manifest = await runBatch(videos, [prompt], { backend: workerBackend(p), outDir, concurrency: 2, prefetch: 0, resume: false });
    assert.deepEqual(manifest.counts, { total: 3, done: 2, failed: 1, skipped: 0 });
    assert.equal(manifest.backend, 'onnx');
    const failed = readFileSync(join(outDir, 'summary.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { video: string; status: string; error: string }).find((r) => r.status === 'failed')!;
    assert.equal(failed.video, videos[2]);
    assert.match(failed.error, /engine worker on cpu#\d stopped \(SIGKILL\) while running this video, on both tries/);
  });

  it('a model folder that cannot load fails the start with its own message', async () => {
    await assert.rejects(WorkerPool.start({ modelDir: join(scratch, 'no-such-model'), load: {}, slots: [{ device: 'cpu' }], cacheDir: scratch }), /model folder .*no-such-model does not exist/);
  });
});
