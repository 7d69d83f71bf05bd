import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { evaluateVideo, localEngine, type LocalEngine } from '../../src/engine/evaluate/evaluateVideo';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel } from '../../src/engine/model/localModel';
import { EndpointPool } from '../../src/engine/remote/endpointPool';
import { EndpointError, OpenAiClient } from '../../src/engine/remote/openaiClient';
import { evaluateVideoRemote, type RemoteEngine, type VideoInput } from '../../src/engine/remote/remoteEvaluate';
import { createOpenAiServer } from '../../src/engine/serve/openaiServer';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { FIXTURE_DIR, ensureVideoFixtures, videoPath } from '../fixtures/videos';

const tools = locateFfmpeg();
let scratch: string;
let model: LocalModel;
let local: LocalEngine;
let serve: Server;
let serveUrl: string;
const servers: Server[] = [];

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

/** A loopback URL where nothing listens (connections are refused). */
async function closedPort(): Promise<string> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}/v1`;
}

function remote(urls: string[], videoInput: VideoInput = 'url', opts: { timeoutMs?: number; retries?: number } = {}): RemoteEngine {
  // The tiny model's vocabulary is 400 tokens: ask for all of them, so "Yes" and "No" are always listed.
  return { pool: new EndpointPool(urls.map((baseUrl) => ({ baseUrl, backoffMs: 10, ...opts })), 60_000), modelName: 'tiny', tools, videoInput, topLogprobs: 400 };
}

const critic = parsePromptFile(
  '---\nid: remote-critic\nversion: 1\nmode: critic\nvideo: { fps: 2, max_pixels: 50176 }\ngeneration: { temperature: 0.8, top_k: 20, top_p: 0.95, repetition_penalty: 1.05, max_new_tokens: 10, seed: 5 }\n---\n## system\nYou are a critic.\n## user\nAny anomalies?\n',
  null,
);

before(async () => {
  ensureVideoFixtures(['short', 'h264Mp4']);
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-remote-'));
  model = await LocalModel.load(await ensureTinyModel(), { device: 'cpu' });
  local = localEngine(model, tools, new CacheStore(join(scratch, 'local')));
  serve = createOpenAiServer({ engine: localEngine(model, tools, new CacheStore(join(scratch, 'serve'))), modelNames: ['tiny'], allowedMediaPath: FIXTURE_DIR });
  serveUrl = await listen(serve);
});

after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('remote backend against `serve` on loopback (tiny model)', () => {
  it('gives the local reward score for the same video (file URL)', async () => {
    const here = await evaluateVideo(local, videoPath('h264Mp4'), loadPrompt('reward'));
    const there = await evaluateVideoRemote(remote([serveUrl]), videoPath('h264Mp4'), loadPrompt('reward'));
    assert.ok(Math.abs(here.reward!.score - there.reward!.score) < 1e-6, `${here.reward!.score} vs ${there.reward!.score}`);
    assert.equal(there.reward!.anomaly, here.reward!.anomaly);
    assert.equal(there.model.backend, 'openai');
    assert.equal(there.model.device, serveUrl);
    assert.deepEqual(there.sampling, here.sampling);
  });

  it('gives nearly the local reward score from the sampled frames sent as JPEG', async () => {
    const here = await evaluateVideo(local, videoPath('short'), loadPrompt('reward'));
    const there = await evaluateVideoRemote(remote([serveUrl], 'frames'), videoPath('short'), loadPrompt('reward'));
    assert.ok(Math.abs(here.reward!.score - there.reward!.score) < 0.02, `${here.reward!.score} vs ${there.reward!.score}`);
  });

  it('streams the same critique text as the local backend with the same seed', async () => {
    const here = await evaluateVideo(local, videoPath('short'), critic, { trials: 2 });
    const streamed = ['', ''];
    const there = await evaluateVideoRemote(remote([serveUrl]), videoPath('short'), critic, { trials: 2, onText: (t, d) => (streamed[t] += d) });
    assert.deepEqual(there.critic!.trials.map((t) => t.raw), here.critic!.trials.map((t) => t.raw));
    assert.deepEqual(streamed, here.critic!.trials.map((t) => t.raw));
    assert.equal(there.critic!.score, here.critic!.score);
  });

  it('spreads jobs over endpoints and takes a dead one out of rotation', async () => {
    const dead = await closedPort();
    const engine = remote([dead, serveUrl]);
    const result = await evaluateVideoRemote(engine, videoPath('short'), loadPrompt('reward'));
    assert.ok(result.reward);
    assert.deepEqual(engine.pool.down(), [dead]);
    assert.equal(result.model.device, serveUrl);
  });

  it('answers 404 for an unknown model and 403 for files outside the allowed folder', async () => {
    const client = new OpenAiClient({ baseUrl: serveUrl, retries: 0 });
    await assert.rejects(client.complete({ model: 'other', messages: [{ role: 'user', content: 'hi' }] }), /no model "other"|does not exist/);
    await assert.rejects(
      client.complete({ model: 'tiny', messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url: 'file:///etc/hostname' } }] }] }),
      (e: unknown) => e instanceof EndpointError && e.status === 403 && !e.retryable,
    );
  });
});

describe('faults: each ends in a clear error or a retry, never a hang', () => {
  function fake(handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, n: number) => void) {
    let n = 0;
    return listen(createServer((req, res) => req.on('data', () => undefined).on('end', () => handler(req, res, ++n))));
  }
  const body = { model: 'tiny', messages: [{ role: 'user' as const, content: 'hi' }] };
  const ok = JSON.stringify({ id: 'x', object: 'chat.completion', model: 'tiny', choices: [{ index: 0, message: { role: 'assistant', content: 'No' }, finish_reason: 'stop' }] });

  it('a server that refuses connections', async () => {
    const client = new OpenAiClient({ baseUrl: await closedPort(), retries: 2, backoffMs: 5 });
    await assert.rejects(client.complete(body), /could not be reached \(ECONNREFUSED\)/);
  });

  it('a server that stalls', async () => {
    const url = await fake(() => undefined);
    const client = new OpenAiClient({ baseUrl: url, retries: 1, backoffMs: 5, timeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(client.complete(body), /did not answer within/);
    assert.ok(Date.now() - started < 3000);
  });

  it('500s are retried until the server recovers', async () => {
    let calls = 0;
    const url = await fake((_req, res, n) => {
      calls = n;
      if (n < 3) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"CUDA out of memory"}}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(ok);
      }
    });
    const out = await new OpenAiClient({ baseUrl: url, retries: 3, backoffMs: 5 }).complete(body);
    assert.equal(out.choices[0]!.message.content, 'No');
    assert.equal(calls, 3);
  });

  it('malformed JSON is a clear error after the retries', async () => {
    const url = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": [');
    });
    await assert.rejects(new OpenAiClient({ baseUrl: url, retries: 1, backoffMs: 5 }).complete(body), /malformed JSON/);
  });

  it('401 and 404 are not retried and say what to fix', async () => {
    let calls = 0;
    const url401 = await fake((_req, res) => {
      calls++;
      res.writeHead(401);
      res.end('unauthorized');
    });
    await assert.rejects(new OpenAiClient({ baseUrl: url401, retries: 3, backoffMs: 5 }).complete(body), /rejected the API key .*COSMOS_CRITIC_API_KEY/);
    assert.equal(calls, 1);
    const url404 = await fake((_req, res) => {
      res.writeHead(404);
      res.end('{"error":{"message":"The model `tiny` does not exist."}}');
    });
    await assert.rejects(new OpenAiClient({ baseUrl: url404, backoffMs: 5 }).complete(body), /no chat-completions route or no model "tiny".*\/v1\/models/);
  });

  it('a stream dropped mid-way is an error that keeps what was said, not a silent restart', async () => {
    let calls = 0;
    const url = await fake((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"<think>The ball"},"finish_reason":null}]}\n\n');
      setTimeout(() => res.destroy(), 20);
    });
    const seen: string[] = [];
    await assert.rejects(new OpenAiClient({ baseUrl: url, retries: 3, backoffMs: 5 }).stream(body, (d) => seen.push(d)), /dropped the stream after 15 characters/);
    assert.deepEqual(seen, ['<think>The ball']);
    assert.equal(calls, 1);
  });

  it('a batch keeps going on the healthy endpoint when another fails every request', async () => {
    const broken = await fake((_req, res) => {
      res.writeHead(503);
      res.end('overloaded');
    });
    const engine = remote([broken, serveUrl], 'url', { retries: 1 });
    for (const key of ['short', 'h264Mp4']) {
      const result = await evaluateVideoRemote(engine, videoPath(key), loadPrompt('reward'));
      assert.equal(result.model.device, serveUrl);
    }
    assert.deepEqual(engine.pool.down(), [broken]);
  });
});
