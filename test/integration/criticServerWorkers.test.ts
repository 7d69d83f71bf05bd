import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackendInfoRequest, BatchRequest, CritiqueRequest, ScoreRequest, TextDeltaNotification } from '../../src/shared/requests';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { startStdioServer, type StdioServer } from './stdioServer';

const VIDEOS = ['short', 'h264Mov'] as const;
let scratch: string;
let rewardPrompt: string;
let criticPrompt: string;
let single: StdioServer;
let workers: StdioServer;

before(async () => {
  ensureVideoFixtures([...VIDEOS]);
  const modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-server-workers-'));
  // Few small frames: the tiny model's work stays small, so the test is about the workers.
  rewardPrompt = join(scratch, 'small-reward.prompt.md');
  writeFileSync(rewardPrompt, '---\nid: small-reward\nversion: 1\nmode: reward\nvideo: { fps: 2, max_pixels: 50176 }\ngeneration: { temperature: 0, max_new_tokens: 1 }\n---\n## system\nYou are a helpful video analyzer.\n\n## user\nDoes the video contain any anomalies?\n');
  criticPrompt = join(scratch, 'small-critic.prompt.md');
  writeFileSync(criticPrompt, '---\nid: small-critic\nversion: 1\nmode: critic\nvideo: { fps: 2, max_pixels: 50176 }\ngeneration: { temperature: 0.8, top_k: 20, top_p: 0.95, max_new_tokens: 8, seed: 3 }\n---\n## system\nYou are a critic.\n## user\nAny anomalies?\n');
  single = await startStdioServer({ modelPath: modelDir, device: 'cpu', cacheDir: join(scratch, 'single-cache') });
  workers = await startStdioServer({ modelPath: modelDir, workers: 2, cacheDir: join(scratch, 'workers-cache') });
});

after(async () => {
  await Promise.all([single?.stop(), workers?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

async function scores(server: StdioServer): Promise<number[]> {
  const outcomes = await Promise.all(VIDEOS.map((key) => server.connection.sendRequest(ScoreRequest, { path: videoPath(key), prompt: rewardPrompt })));
  return outcomes.map((o) => {
    assert.ok(o.ok, JSON.stringify(o));
    return o.result.reward!.score;
  });
}

describe('critic server with cosmosCritic.workers = 2', () => {
  it('reports the workers as its device', async () => {
    const info = await workers.connection.sendRequest(BackendInfoRequest);
    assert.equal(info.error, null);
    assert.equal(info.backend, 'onnx');
    assert.equal(info.device, 'cpu#0, cpu#1');
  });

  it('critic/score gives the scores of the in-process engine', async () => {
    const one = await scores(single);
    assert.ok(one.every((s) => s >= 0 && s <= 1), String(one));
    assert.deepEqual(await scores(workers), one);
  });

  it('critic/critique streams its text from a worker, the same text as in process', async () => {
    const streamed: string[] = [];
    const sub = workers.connection.onNotification(TextDeltaNotification, (p) => {
      if (p.jobId === 'w-1') streamed.push(p.delta);
    });
    const there = await workers.connection.sendRequest(CritiqueRequest, { path: videoPath('short'), prompt: criticPrompt, jobId: 'w-1' });
    sub.dispose();
    const here = await single.connection.sendRequest(CritiqueRequest, { path: videoPath('short'), prompt: criticPrompt });
    assert.ok(there.ok && here.ok, JSON.stringify([there, here]));
    assert.equal(there.result.critic!.trials[0]!.raw, here.result.critic!.trials[0]!.raw);
    assert.equal(streamed.join(''), there.result.critic!.trials[0]!.raw);
  });

  it('critic/batch runs on the workers: the same scores, the manifest names the onnx backend and both workers', async () => {
    const folder = join(scratch, 'videos');
    mkdirSync(folder, { recursive: true });
    for (const key of VIDEOS) copyFileSync(videoPath(key), join(folder, basename(videoPath(key))));
    const run = async (server: StdioServer, out: string) => {
      const outcome = await server.connection.sendRequest(BatchRequest, { inputs: [folder], outDir: join(scratch, out), prompts: [rewardPrompt], concurrency: 2 });
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.deepEqual(outcome.summary.counts, { total: 2, done: 2, failed: 0, skipped: 0 });
      const rows = readFileSync(join(scratch, out, 'summary.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { video: string; score: number });
      const manifest = JSON.parse(readFileSync(outcome.summary.manifestPath, 'utf8')) as { backend: string; device: string };
      return { scores: new Map(rows.map((r) => [r.video, r.score])), manifest };
    };
    const here = await run(single, 'out-single');
    const there = await run(workers, 'out-workers');
    assert.deepEqual(there.scores, here.scores);
    assert.equal(there.manifest.backend, 'onnx');
    assert.equal(there.manifest.device, 'cpu#0, cpu#1');
  });
});
