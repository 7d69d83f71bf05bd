// `serve` on the tiny model: the same requests, all sent at once, to one engine in the server process and to two CPU
// engine workers; wall time of each and whether the scores agree. On a machine with few cores the workers compete
// for them: the number that matters is on a box with one GPU per worker.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { WorkerPool } from '../../src/engine/jobs/workerPool';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel } from '../../src/engine/model/localModel';
import { EndpointPool } from '../../src/engine/remote/endpointPool';
import { evaluateVideoRemote } from '../../src/engine/remote/remoteEvaluate';
import { createOpenAiServer, type ServeOptions } from '../../src/engine/serve/openaiServer';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { clips } from './batchBench';

const CLIPS = 8;

async function timed(options: Omit<ServeOptions, 'modelNames'>, videos: string[]): Promise<{ ms: number; scores: number[] }> {
  const server: Server = createOpenAiServer({ ...options, modelNames: ['tiny'], limits: { maxQueue: CLIPS } });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const tools = locateFfmpeg();
  const prompt = loadPrompt('reward');
  try {
    const remote = { pool: new EndpointPool([{ baseUrl }], 60_000), modelName: 'tiny', tools, videoInput: 'frames' as const, topLogprobs: 400 };
    const started = performance.now();
    const results = await Promise.all(videos.map((video) => evaluateVideoRemote(remote, video, prompt)));
    return { ms: performance.now() - started, scores: results.map((r) => r.reward!.score) };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

export async function serveWorkersBench(): Promise<Record<string, unknown>> {
  const videos = clips().slice(0, CLIPS);
  const modelDir = await ensureTinyModel();
  const scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-serve-bench-'));
  const pool = await WorkerPool.start({ modelDir, load: {}, slots: [{ device: 'cpu' }, { device: 'cpu' }], cacheDir: join(scratch, 'workers') });
  try {
    const model = await LocalModel.load(modelDir, { device: 'cpu' });
    const one = await timed({ engine: localEngine(model, locateFfmpeg(), new CacheStore(join(scratch, 'one'))) }, videos);
    const two = await timed({ workers: pool }, videos);
    return {
      requests: `${CLIPS} reward requests at once (2 s 320×240 clips, frames input), tiny model on CPU`,
      one_engine_wall_ms: Math.round(one.ms),
      two_workers_wall_ms: Math.round(two.ms),
      two_over_one: +(two.ms / one.ms).toFixed(3),
      scores_identical: one.scores.every((s, i) => s === two.scores[i]),
    };
  } finally {
    await pool.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) void serveWorkersBench().then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
