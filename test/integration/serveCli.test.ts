import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CriticResult } from '../../src/shared/result';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { FIXTURE_DIR, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { CLI, requireBuilt } from './builtArtifacts';

let server: ChildProcess;
let baseUrl: string;
let modelDir: string;
let scratch: string;

const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [requireBuilt(CLI), ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: scratch } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

before(async () => {
  ensureVideoFixtures(['short']);
  modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-serve-'));
  server = spawn(process.execPath, [requireBuilt(CLI), 'serve', '--model', modelDir, '--port', '0', '--served-model-name', 'cosmos-tiny', '--allowed-local-media-path', FIXTURE_DIR, '--cache-dir', join(scratch, 'serve')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/[\d.]+:\d+\/v1)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
});

after(() => {
  server.kill('SIGINT');
  rmSync(scratch, { recursive: true, force: true });
});

describe('cosmos-critic serve ↔ cosmos-critic score --endpoint', () => {
  it('lists the served model', async () => {
    const body = (await (await fetch(`${baseUrl}/models`)).json()) as { data: Array<{ id: string }> };
    assert.equal(body.data[0]!.id, 'cosmos-tiny');
  });

  it('scores through the server what the local model scores (file URL), naming the model from /v1/models', () => {
    const local = JSON.parse(cli(['score', '--json', '--model', modelDir, videoPath('short')]).stdout) as CriticResult;
    const r = cli(['score', '--json', '--endpoint', baseUrl, '--video-input', 'url', '--top-logprobs', '400', videoPath('short')]);
    assert.equal(r.code, 0, r.stderr);
    const remote = JSON.parse(r.stdout) as CriticResult;
    assert.equal(remote.model.backend, 'openai');
    assert.equal(remote.model.id, 'cosmos-tiny');
    assert.ok(Math.abs(remote.reward!.score - local.reward!.score) < 1e-6, `${remote.reward!.score} vs ${local.reward!.score}`);
  });

  it('streams a critique through the server', () => {
    const r = cli(['critique', '--endpoint', baseUrl, '--max-new-tokens', '6', '--trials', '1', '--format', 'text', videoPath('short')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^--- trial 1 ---\n/);
    // The tiny model's text never parses into an answer: the run says so instead of printing a score.
    assert.match(r.stdout, /unparsed: no trial's answer could be read/);
  });

  it('a dead endpoint is one clear line and exit 1', () => {
    const r = cli(['score', '--endpoint', 'http://127.0.0.1:1/v1', '--model-name', 'x', '--timeout', '2', videoPath('short')]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /short-0\.2s\.mp4: http:\/\/127\.0\.0\.1:1\/v1 could not be reached/);
  });
});
