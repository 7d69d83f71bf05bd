import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { WorkerPool, type WorkerPoolOptions } from '../../src/engine/jobs/workerPool';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel } from '../../src/engine/model/localModel';
import { EndpointPool } from '../../src/engine/remote/endpointPool';
import { evaluateVideoRemote, type RemoteEngine, type VideoInput } from '../../src/engine/remote/remoteEvaluate';
import { createOpenAiServer } from '../../src/engine/serve/openaiServer';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import type { CriticResult } from '../../src/shared/result';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { FIXTURE_DIR, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

const tools = locateFfmpeg();
const VIDEOS = ['short', 'h264Mp4'] as const;
let modelDir: string;
let scratch: string;
let oneEngineUrl: string;
const servers: Server[] = [];
const pools: WorkerPool[] = [];

// Few small frames: the tiny model's work stays small, so the test is about the workers.
const reward = parsePromptFile(
  '---\nid: serve-workers-reward\nversion: 1\nmode: reward\nvideo: { fps: 2, max_pixels: 50176 }\ngeneration: { temperature: 0, max_new_tokens: 1 }\n---\n## system\nYou are a helpful video analyzer.\n\n## user\nDoes the video contain any anomalies?\n',
  null,
);
const critic = parsePromptFile(
  '---\nid: serve-workers-critic\nversion: 1\nmode: critic\nvideo: { fps: 2, max_pixels: 50176 }\ngeneration: { temperature: 0.8, top_k: 20, top_p: 0.95, repetition_penalty: 1.05, max_new_tokens: 10, seed: 5 }\n---\n## system\nYou are a critic.\n## user\nAny anomalies?\n',
  null,
);

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

async function pool(workers: number, extra: Partial<WorkerPoolOptions> = {}): Promise<WorkerPool> {
  const p = await WorkerPool.start({ modelDir, load: {}, slots: Array.from({ length: workers }, () => ({ device: 'cpu' as const })), cacheDir: mkdtempSync(join(scratch, 'cache-')), ...extra });
  pools.push(p);
  return p;
}

/** A server on loopback whose requests run on `workers`. */
const workerServer = (workers: WorkerPool) => listen(createOpenAiServer({ workers, modelNames: ['tiny'], allowedMediaPath: FIXTURE_DIR }));

function remote(url: string, videoInput: VideoInput = 'url'): RemoteEngine {
  // The tiny model's vocabulary is 400 tokens: ask for all of them, so "Yes" and "No" are always listed.
  return { pool: new EndpointPool([{ baseUrl: url, backoffMs: 10, retries: 0 }], 60_000), modelName: 'tiny', tools, videoInput, topLogprobs: 400 };
}

async function rewardScores(url: string, videoInput: VideoInput = 'url', videos: readonly string[] = VIDEOS): Promise<number[]> {
  // All at once, so that a server with several workers spreads them.
  const results = await Promise.all(videos.map((key) => evaluateVideoRemote(remote(url, videoInput), videoPath(key), reward)));
  return results.map((r) => r.reward!.score);
}

before(async () => {
  ensureVideoFixtures([...VIDEOS]);
  modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-serve-workers-'));
  const model = await LocalModel.load(modelDir, { device: 'cpu' });
  oneEngineUrl = await listen(createOpenAiServer({ engine: localEngine(model, tools, new CacheStore(join(scratch, 'one'))), modelNames: ['tiny'], allowedMediaPath: FIXTURE_DIR }));
});

after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  for (const p of pools) await p.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('serve on engine workers (CPU)', () => {
  it('two workers answer as the one in-process engine does, and both take requests', async () => {
    const started: number[] = [];
    const two = await pool(2, { onJobStarted: ({ worker }) => started.push(worker) });
    const url = await workerServer(two);
    const health = (await (await fetch(url.replace(/\/v1$/, '/health'))).json()) as { device: string };
    assert.equal(health.device, 'cpu#0, cpu#1');

    const one = await rewardScores(oneEngineUrl);
    assert.ok(one.every((s) => typeof s === 'number' && s >= 0 && s <= 1), String(one));
    assert.deepEqual(await rewardScores(url), one, 'file URLs');
    assert.deepEqual(await rewardScores(url, 'frames', ['short']), await rewardScores(oneEngineUrl, 'frames', ['short']), 'JPEG frames');
    assert.deepEqual([...new Set(started)].sort(), [0, 1], 'both workers took requests');

    // A critique streams its text from the worker; the same seed gives the same text.
    const streamed: string[] = [];
    const there = await evaluateVideoRemote(remote(url), videoPath('short'), critic, { onText: (_trial, delta) => streamed.push(delta) });
    const here = await evaluateVideoRemote(remote(oneEngineUrl), videoPath('short'), critic);
    assert.equal(there.critic!.trials[0]!.raw, here.critic!.trials[0]!.raw);
    assert.ok(streamed.length > 0);
    assert.equal(streamed.join(''), there.critic!.trials[0]!.raw);
  });

  it('a refusal from a worker keeps its status and code', async () => {
    const url = await workerServer(await pool(1));
    const response = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url: 'data:video/jpeg;base64,bm90IGEganBlZw==' } }, { type: 'text', text: 'Any anomalies?' }] }] }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'invalid_media');
    assert.match(body.error.message, /not a JPEG or PNG image/);
  });

  it('a worker killed mid-request is restarted and the request runs again', async () => {
    let killed = 0;
    const p = await pool(1, {
      onJobStarted: ({ pid, attempt }) => {
        if (attempt === 1 && killed === 0) {
          killed++;
          process.kill(pid, 'SIGKILL');
        }
      },
    });
    const firstPid = p.pids[0];
    const url = await workerServer(p);
    const there = await evaluateVideoRemote(remote(url), videoPath('h264Mp4'), reward);
    const here = await evaluateVideoRemote(remote(oneEngineUrl), videoPath('h264Mp4'), reward);
    assert.equal(killed, 1);
    assert.notEqual(p.pids[0], firstPid, 'a new worker process');
    assert.equal(there.reward!.score, here.reward!.score);
  });

  it('a request whose worker dies on both tries is a server error; the server goes on', async () => {
    let kills = 0;
    const p = await pool(1, {
      onJobStarted: ({ pid, video }) => {
        if (video.includes('h264')) {
          kills++;
          process.kill(pid, 'SIGKILL');
        }
      },
    });
    const url = await workerServer(p);
    await assert.rejects(evaluateVideoRemote(remote(url), videoPath('h264Mp4'), reward), /500|stopped \(SIGKILL\) while running this video, on both tries/);
    assert.equal(kills, 2);
    const after = await evaluateVideoRemote(remote(url), videoPath('short'), reward);
    assert.equal(typeof after.reward!.score, 'number');
  });
});

describe('cosmos-critic serve --workers', () => {
  let server: ChildProcess | undefined;
  after(() => server?.kill('SIGINT'));

  it('serves on two CPU workers and scores as the local model does', async () => {
    const env = { ...process.env, XDG_CACHE_HOME: scratch };
    server = spawn(process.execPath, [requireBuilt(CLI), 'serve', '--model', modelDir, '--workers', '2', '--port', '0', '--served-model-name', 'cosmos-tiny', '--allowed-local-media-path', FIXTURE_DIR, '--cache-dir', join(scratch, 'cli-serve')], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const banner = await new Promise<string>((resolve, reject) => {
      let out = '';
      server!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/at http:\/\/[\d.]+:\d+\/v1/.test(out)) resolve(out);
      });
      server!.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    assert.match(banner, /serving "cosmos-tiny" on cpu#0, cpu#1 at /);
    const url = /at (http:\/\/[\d.]+:\d+\/v1)/.exec(banner)![1]!;
    const cli = (args: string[]) => spawnSync(process.execPath, [requireBuilt(CLI), ...args], { encoding: 'utf8', env });
    const local = cli(['score', '--json', '--model', modelDir, '--cache-dir', join(scratch, 'cli-local'), videoPath('short')]);
    assert.equal(local.status, 0, local.stderr);
    const r = cli(['score', '--json', '--endpoint', url, '--video-input', 'url', '--top-logprobs', '400', videoPath('short')]);
    assert.equal(r.status, 0, r.stderr);
    const remoteResult = JSON.parse(r.stdout) as CriticResult;
    assert.equal(remoteResult.model.id, 'cosmos-tiny');
    assert.ok(Math.abs(remoteResult.reward!.score - (JSON.parse(local.stdout) as CriticResult).reward!.score) < 1e-6);
  });

  it('refuses --device and --cuda-device with workers, naming them', () => {
    const r = spawnSync(process.execPath, [requireBuilt(CLI), 'serve', '--model', modelDir, '--workers', '2', '--device', 'cpu'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--device does not go with --workers or --devices/);
    const c = spawnSync(process.execPath, [requireBuilt(CLI), 'serve', '--model', modelDir, '--devices', '0,1', '--cuda-device', '1'], { encoding: 'utf8' });
    assert.equal(c.status, 2);
    assert.match(c.stderr, /--cuda-device does not go with --workers or --devices/);
  });
});
