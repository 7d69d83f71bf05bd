import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

// Hostile requests thrown at a real `cosmos-critic serve` on loopback (tiny model). Each must get one clear error,
// the server must stay up and answer a good request afterwards, and big inputs must not grow its memory.

const KEY = 'serve-test-key-7f3a';
const LIMITS = { maxTokens: 64, maxBodyMb: 8, maxModelLen: 4096, maxQueue: 1 };
const MIB = 1024 * 1024;

let server: ChildProcess;
let port: number;
let media: string;
let outside: string;
let scratch: string;
let smallJpeg: Buffer;
let hugeJpeg: Buffer;
let tinyJpeg: Buffer;

/** One request, as sent on the wire. `body`: JSON value; `raw`: exact text; `zeros`: that many bytes streamed. */
interface Wire {
  method?: string;
  target?: string;
  /** Merged over the good defaults (Host, key, JSON content type); null drops one. */
  headers?: Record<string, string | null>;
  body?: unknown;
  raw?: () => string;
  zeros?: { bytes: number; announce: boolean };
}

interface Case extends Wire {
  name: string;
  status: number;
  code?: string;
  message?: RegExp;
  /** Check the server's peak memory after this case. */
  memory?: boolean;
}

const jpegList = (n: number, image = () => smallJpeg) => `data:video/jpeg;base64,${Array.from({ length: n }, () => image().toString('base64')).join(',')}`;
const fileUrl = (path: string) => pathToFileURL(path).href;
const chat = (url: () => string, extra: Record<string, unknown> = {}, text = 'Any anomalies?') => () => ({
  model: 'tiny',
  messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url: url() } }, { type: 'text', text }] }],
  max_tokens: 2,
  ...extra,
});
const good = chat(() => jpegList(4));
const withFile = (name: string, extra: Record<string, unknown> = {}) => chat(() => fileUrl(join(media, name)), extra);
const withPath = (path: () => string) => chat(() => fileUrl(path()));

const CASES: Case[] = [
  { name: 'malformed request target', target: 'http://[', body: good, status: 400, code: 'invalid_request_target' },
  { name: 'absolute-form target', target: 'http://evil.example/v1/chat/completions', body: good, status: 400, code: 'invalid_request_target' },
  { name: 'unknown route', method: 'GET', target: '/v2/anything', status: 404, code: 'not_found' },
  { name: 'wrong method', method: 'GET', status: 405, code: 'method_not_allowed' },
  { name: 'foreign Host (DNS rebinding)', headers: { host: 'evil.example' }, body: good, status: 403, code: 'host_not_allowed', message: /--allowed-host evil\.example/ },
  { name: 'foreign Host on /health', method: 'GET', target: '/health', headers: { host: 'evil.example:80' }, status: 403, code: 'host_not_allowed' },
  { name: 'Host allowed by --allowed-host', headers: { host: 'critic.internal:8000' }, body: good, status: 200 },
  { name: 'Origin of a web page', headers: { origin: 'https://evil.example' }, body: good, status: 403, code: 'origin_not_allowed', message: /--allowed-origin https:\/\/evil\.example/ },
  { name: 'Origin allowed by --allowed-origin', headers: { origin: 'https://tools.example' }, body: good, status: 200 },
  { name: 'no API key', headers: { authorization: null }, body: good, status: 401, code: 'invalid_api_key', message: /Authorization: Bearer/ },
  { name: 'wrong API key', headers: { authorization: 'Bearer nope' }, body: good, status: 401, code: 'invalid_api_key' },
  { name: 'no key on /v1/models', method: 'GET', target: '/v1/models', headers: { authorization: null }, status: 401, code: 'invalid_api_key' },
  { name: 'text/plain body (a form post)', headers: { 'content-type': 'text/plain' }, body: good, status: 415, code: 'unsupported_media_type' },
  { name: 'no content type', headers: { 'content-type': null }, body: good, status: 415, code: 'unsupported_media_type' },
  { name: 'null body', raw: () => 'null', status: 400, code: 'invalid_json', message: /JSON object, got null/ },
  { name: 'array body', raw: () => '[]', status: 400, code: 'invalid_json' },
  { name: 'not JSON', raw: () => '{"model": ', status: 400, code: 'invalid_json' },
  { name: 'unknown model', body: chat(() => jpegList(4), { model: 'other' }), status: 404, code: 'model_not_found' },
  { name: 'top_logprobs "abc"', body: chat(() => jpegList(4), { logprobs: true, top_logprobs: 'abc' }), status: 400, code: 'invalid_value', message: /top_logprobs must be an integer in \[0, \d+\], got "abc"/ },
  { name: 'temperature "hot"', body: chat(() => jpegList(4), { temperature: 'hot' }), status: 400, code: 'invalid_value', message: /temperature must be a number in \[0, 2\]/ },
  { name: 'top_p 0', body: chat(() => jpegList(4), { top_p: 0 }), status: 400, code: 'invalid_value', message: /top_p must be a number in \(0, 1\], got 0/ },
  { name: 'seed 1.5', body: chat(() => jpegList(4), { seed: 1.5 }), status: 400, code: 'invalid_value', message: /seed must be an integer/ },
  { name: 'stream "yes"', body: chat(() => jpegList(4), { stream: 'yes' }), status: 400, code: 'invalid_value', message: /stream must be true or false/ },
  { name: 'max_tokens 1e12', body: chat(() => jpegList(4), { max_tokens: 1e12 }), status: 400, code: 'max_tokens_limit', message: /max_tokens is 1000000000000: over this server's limit of 64 .*--max-tokens/ },
  { name: 'max_tokens 0', body: chat(() => jpegList(4), { max_tokens: 0 }), status: 400, code: 'invalid_value', message: /max_tokens must be an integer in \[1, 64\], got 0/ },
  { name: 'messages missing', body: () => ({ model: 'tiny' }), status: 400, code: 'invalid_value', message: /messages must be a non-empty array/ },
  { name: 'role "root"', body: () => ({ model: 'tiny', messages: [{ role: 'root', content: 'hi' }] }), status: 400, code: 'invalid_value', message: /role must be/ },
  { name: 'no video', body: () => ({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }] }), status: 400, code: 'invalid_value', message: /exactly one video_url/ },
  { name: 'mm_processor_kwargs fps 100 (file)', body: withFile('clip.mp4', { mm_processor_kwargs: { fps: 100 } }), status: 400, code: 'fps_limit', message: /fps is 100: over this server's limit of 30 .*--max-fps/ },
  { name: 'mm_processor_kwargs max_frames 1e9', body: chat(() => jpegList(4), { mm_processor_kwargs: { fps: 2, max_frames: 1e9 } }), status: 400, code: 'frame_limit', message: /max_frames is 1000000000: over this server's limit of 768/ },
  { name: 'mm_processor_kwargs total_pixels 1e15', body: withFile('clip.mp4', { mm_processor_kwargs: { total_pixels: 1e15 } }), status: 400, code: 'pixel_limit' },
  { name: 'mm_processor_kwargs unknown key', body: chat(() => jpegList(4), { mm_processor_kwargs: { resize: 'huge' } }), status: 400, code: 'invalid_value', message: /resize is not understood/ },
  { name: '4 000-frame JPEG list', body: chat(() => jpegList(4000, () => tinyJpeg)), status: 400, code: 'frame_limit', message: /4000 frames: over this server's limit of 768/, memory: true },
  { name: 'plan over the frame limit (nframes)', body: withFile('clip.mp4', { mm_processor_kwargs: { nframes: 800 } }), status: 400, code: 'frame_limit' },
  { name: 'a 2000×2000 frame', body: chat(() => jpegList(2, () => hugeJpeg)), status: 400, code: 'pixel_limit', message: /2000×2000 = 4000000 pixels/, memory: true },
  { name: 'frames that are not JPEG', body: chat(() => `data:video/jpeg;base64,${Buffer.from('not a jpeg').toString('base64')}`), status: 400, code: 'invalid_media' },
  { name: 'one frame', body: chat(() => jpegList(1)), status: 400, code: 'invalid_media' },
  { name: 'prompt longer than the context', body: chat(() => jpegList(4), {}, 'an elephant balances on a teacup; '.repeat(800)), status: 400, code: 'context_length_exceeded', message: /over this server's limit of 4096 .*--max-model-len/ },
  { name: '6 MB of prompt text (refused from its size)', body: chat(() => jpegList(4), {}, 'x'.repeat(6 * MIB)), status: 400, code: 'context_length_exceeded', message: /6291456 bytes, at least \d+ tokens/, memory: true },
  { name: 'video longer than the context', body: chat(() => jpegList(64), { mm_processor_kwargs: { min_pixels: 300000 } }), status: 400, code: 'context_length_exceeded', message: /video\) and max_tokens is/ },
  { name: 'file outside the folder (exists)', body: withPath(() => join(outside, 'secret.mp4')), status: 403, code: 'media_forbidden' },
  { name: 'file outside the folder (missing): same answer', body: withPath(() => join(outside, 'nothing-here.mp4')), status: 403, code: 'media_forbidden' },
  { name: 'link inside pointing outside', body: withFile('link.mp4'), status: 403, code: 'media_forbidden' },
  { name: 'missing file behind a linked folder that leads outside', body: withFile('linked-dir/nothing-here.mp4'), status: 403, code: 'media_forbidden' },
  { name: 'missing file inside the folder', body: withFile('missing.mp4'), status: 404, code: 'media_not_found' },
  { name: '"..notes.mp4" inside the folder', body: withFile('..notes.mp4'), status: 200 },
  { name: 'a data: video that is not a video', body: chat(() => `data:video/mp4;base64,${Buffer.from('not a video at all').toString('base64')}`), status: 400, code: 'invalid_media' },
  { name: 'JSON nested a million deep', raw: () => '['.repeat(1e6) + ']'.repeat(1e6), status: 400, code: 'invalid_json', message: /nests deeper than 32/, memory: true },
  { name: 'JSON of two million empty arrays', raw: () => `[${'[],'.repeat(2e6)}[]]`, status: 400, code: 'invalid_json', message: /more than 10000 objects/, memory: true },
  { name: 'remote URL', body: chat(() => 'http://example.com/a.mp4'), status: 400, code: 'invalid_media' },
  { name: 'body over the limit (announced)', zeros: { bytes: 9 * MIB, announce: true }, status: 413, code: 'body_too_large', message: /9437184 bytes: over this server's limit of 8388608 bytes .*--max-body-mb/ },
  { name: 'body over the limit (chunked)', zeros: { bytes: 20 * MIB, announce: false }, status: 413, code: 'body_too_large', memory: true },
  { name: '200 MB body', zeros: { bytes: 200 * MIB, announce: true }, status: 413, code: 'body_too_large', memory: true },
];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends one request; a streamed body stops being sent once the answer arrived. */
function send(wire: Wire): Promise<Answer> {
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(wire.headers ?? {})) {
    if (v === null) delete headers[k];
    else headers[k] = v;
  }
  const payload = wire.raw ? wire.raw() : wire.body !== undefined ? JSON.stringify(typeof wire.body === 'function' ? (wire.body as () => unknown)() : wire.body) : undefined;
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  if (wire.zeros?.announce) headers['content-length'] = String(wire.zeros.bytes);
  const method = wire.method ?? 'POST';
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ host: '127.0.0.1', port, method, path: wire.target ?? '/v1/chat/completions', headers, setHost: false }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        resolve({ status: res.statusCode!, headers: res.headers, text });
        req.destroy();
      });
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    if (wire.zeros) {
      const chunk = Buffer.alloc(MIB);
      let left = wire.zeros.bytes;
      const pump = () => {
        while (left > 0 && !answered && !req.destroyed) {
          left -= chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!req.destroyed) req.end();
      };
      pump();
    } else req.end(payload);
  });
}

function peakRssKiB(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]);
}

async function assertAlive(after: string): Promise<void> {
  assert.equal(server.exitCode, null, `serve exited after "${after}"`);
  const r = await send({ body: good });
  assert.equal(r.status, 200, `a good request after "${after}": ${r.text}`);
  assert.equal((JSON.parse(r.text) as { object: string }).object, 'chat.completion');
}

let baselineKiB: number;

before(async () => {
  ensureVideoFixtures(['short']);
  const modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-robustness-'));
  media = join(scratch, 'media');
  outside = join(scratch, 'outside');
  mkdirSync(media);
  mkdirSync(outside);
  copyFileSync(videoPath('short'), join(media, 'clip.mp4'));
  copyFileSync(videoPath('short'), join(media, '..notes.mp4'));
  copyFileSync(videoPath('short'), join(outside, 'secret.mp4'));
  symlinkSync(join(outside, 'secret.mp4'), join(media, 'link.mp4'));
  symlinkSync(outside, join(media, 'linked-dir'));
  const ffmpeg = locateFfmpeg().ffmpeg;
  const jpeg = (size: string) => spawnSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=1`, '-frames:v', '1', '-f', 'mjpeg', '-'], { maxBuffer: 64 * MIB }).stdout;
  smallJpeg = jpeg('56x56');
  hugeJpeg = jpeg('2000x2000');
  tinyJpeg = jpeg('16x16');
  server = spawn(
    process.execPath,
    [
      requireBuilt(CLI), 'serve', '--model', modelDir, '--port', '0', '--served-model-name', 'tiny', '--allowed-local-media-path', media, '--cache-dir', join(scratch, 'cache'),
      '--allowed-host', 'critic.internal', '--allowed-origin', 'https://tools.example', '--max-tokens', String(LIMITS.maxTokens), '--max-body-mb', String(LIMITS.maxBodyMb),
      '--max-model-len', String(LIMITS.maxModelLen), '--max-queue', String(LIMITS.maxQueue),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COSMOS_CRITIC_SERVE_KEY: KEY } },
  );
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at http:\/\/[\d.]+:(\d+)\/v1 \(API key required\)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  await assertAlive('start');
  baselineKiB = peakRssKiB();
});

after(() => {
  server.kill('SIGINT');
  rmSync(scratch, { recursive: true, force: true });
});

describe('serve: hostile requests get one clear error and the server stays up', () => {
  for (const c of CASES) {
    it(`${c.name} → ${c.status}${c.code ? ` ${c.code}` : ''}`, async (t) => {
      const r = await send(c);
      assert.equal(r.status, c.status, r.text.slice(0, 500));
      if (c.status >= 400) {
        const { error } = JSON.parse(r.text) as { error: { message: string; type: string; code: string; param: string | null } };
        assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type']);
        assert.equal(error.code, c.code);
        assert.ok(error.message.length > 10);
        if (c.message) assert.match(error.message, c.message);
      }
      if (c.memory) {
        const grownMiB = (peakRssKiB() - baselineKiB) / 1024;
        t.diagnostic(`peak RSS ${(peakRssKiB() / 1024).toFixed(0)} MiB, ${grownMiB.toFixed(1)} MiB over the peak after start`);
        assert.ok(grownMiB < 150, `peak RSS grew by ${grownMiB.toFixed(0)} MiB`);
      }
      await assertAlive(c.name);
    });
  }
});

describe('serve: the wait list, the key and CORS', () => {
  it('answers 429 once one request runs and --max-queue wait', async () => {
    // Requests take their place when they arrive, before their body is read: two half-sent bodies fill the queue.
    const held = [0, 1].map(() => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': '1000' } });
      req.on('error', () => undefined);
      req.write('{"model": "tiny",');
      return req;
    });
    await new Promise((r) => setTimeout(r, 300));
    const r = await send({ body: good });
    assert.equal(r.status, 429, r.text);
    const { error } = JSON.parse(r.text) as { error: { code: string; message: string } };
    assert.equal(error.code, 'queue_full');
    assert.match(error.message, /one request is running and 1 waiting; retry later: over this server's limit of 1 .*--max-queue/);
    assert.equal(r.headers['retry-after'], '1');
    for (const req of held) req.destroy();
    await new Promise((r) => setTimeout(r, 300));
    await assertAlive('a full queue');
  });

  it('a streaming client that goes away mid-answer ends its job, and the next request is served', async () => {
    const body = JSON.stringify({ ...good(), stream: true, max_tokens: LIMITS.maxTokens });
    await new Promise<void>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          assert.equal(res.statusCode, 200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end(body);
    });
    await assertAlive('a dropped stream');
  });

  it('answers a CORS preflight from an allowed origin only', async () => {
    const ok = await send({ method: 'OPTIONS', headers: { origin: 'https://tools.example', authorization: null } });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://tools.example');
    const refused = await send({ method: 'OPTIONS', headers: { origin: 'https://evil.example', authorization: null } });
    assert.equal(refused.status, 403);
  });

  it('the CLI sends COSMOS_CRITIC_API_KEY as the bearer key; without it the score fails with what to set', () => {
    let run = 0;
    // Each run its own cache, so the second cannot answer from the first one's results.
    const cli = (env: Record<string, string>) =>
      spawnSync(process.execPath, [requireBuilt(CLI), 'score', '--endpoint', `http://127.0.0.1:${port}/v1`, '--model-name', 'tiny', '--top-logprobs', '400', '--json', videoPath('short')], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: join(scratch, `client-${++run}`), COSMOS_CRITIC_API_KEY: '', ...env },
      });
    const withKey = cli({ COSMOS_CRITIC_API_KEY: KEY });
    assert.equal(withKey.status, 0, withKey.stderr);
    assert.ok((JSON.parse(withKey.stdout) as { reward: { score: number } }).reward.score >= 0);
    const without = cli({});
    assert.equal(without.status, 1);
    assert.match(without.stderr, /rejected the API key \(HTTP 401\).*COSMOS_CRITIC_API_KEY/);
  });
});
