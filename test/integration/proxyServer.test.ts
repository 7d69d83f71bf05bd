import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CancellationTokenSource,
  LSPErrorCodes,
  ResponseError,
  WorkDoneProgress,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { ProxyRequest } from '../../src/shared/requests';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { startStdioServer, type StdioServer } from './stdioServer';

let connection: ProtocolConnection;
let server: StdioServer;
let cacheDir: string;

before(async () => {
  ensureVideoFixtures(['h264Mp4', 'mjpegAvi', 'mpeg4Mkv', 'tenMinutes']);
  ensureBadInputs();
  cacheDir = mkdtempSync(join(tmpdir(), 'cosmos-critic-proxy-server-'));
  server = await startStdioServer({ cacheDir });
  connection = server.connection;
});

after(async () => {
  await server.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('critic server: critic/proxy', () => {
  it('plays an H.264 MP4 as it is, without encoding anything', async () => {
    const outcome = await connection.sendRequest(ProxyRequest, { path: videoPath('h264Mp4') });
    assert.deepEqual(outcome, { ok: true, playback: { path: videoPath('h264Mp4'), proxy: false, reason: null, cached: false } });
    assert.ok(!existsSync(join(cacheDir, 'proxies')));
  });

  it('makes a proxy of an AVI with work-done progress, into the folder asked for, then reuses it', async () => {
    const outDir = join(cacheDir, 'playback');
    const events: { kind: string; percentage?: number; message?: string }[] = [];
    const listening = connection.onProgress(WorkDoneProgress.type, 'proxy-1', (value) => {
      events.push(value);
    });
    const outcome = await connection.sendRequest(ProxyRequest, { path: videoPath('mjpegAvi'), outDir, workDoneToken: 'proxy-1' });
    listening.dispose();
    assert.ok(outcome.ok);
    assert.equal(outcome.playback.proxy, true);
    assert.equal(outcome.playback.cached, false);
    assert.match(outcome.playback.reason!, /avi container/);
    assert.ok(outcome.playback.path.startsWith(outDir) && existsSync(outcome.playback.path));
    assert.equal(events[0]?.kind, 'begin');
    assert.match(events[0]!.message!, /avi container/);
    assert.equal(events.at(-1)?.kind, 'end');
    assert.ok(events.some((e) => e.kind === 'report' && e.percentage === 100));

    const again = await connection.sendRequest(ProxyRequest, { path: videoPath('mjpegAvi'), outDir, workDoneToken: 'proxy-2' });
    assert.ok(again.ok);
    assert.deepEqual({ ...again.playback }, { ...outcome.playback, cached: true });
  });

  it('uses the server cache folder when the client names none', async () => {
    const outcome = await connection.sendRequest(ProxyRequest, { path: videoPath('mpeg4Mkv') });
    assert.ok(outcome.ok && outcome.playback.proxy);
    assert.ok(outcome.playback.path.startsWith(join(cacheDir, 'proxies')));
  });

  it('makes a proxy of a playable video when forced (the webview failed to play it)', async () => {
    const outcome = await connection.sendRequest(ProxyRequest, { path: videoPath('h264Mp4'), force: true });
    assert.ok(outcome.ok);
    assert.equal(outcome.playback.proxy, true);
    assert.notEqual(outcome.playback.path, videoPath('h264Mp4'));
    assert.match(outcome.playback.reason!, /could not play/);
  });

  it('answers a bad input with its error, and a missing file', async () => {
    const bad = await connection.sendRequest(ProxyRequest, { path: badInputPath('randomBytes') });
    assert.ok(!bad.ok);
    assert.equal(bad.error.file, badInputPath('randomBytes'));
    assert.match(bad.error.message, /not a readable video/);
    const missing = await connection.sendRequest(ProxyRequest, { path: badInputPath('missing') });
    assert.ok(!missing.ok);
    assert.match(missing.error.message, /no such file/);
  });

  it('stops encoding when the client cancels, leaving no file', async () => {
    const outDir = join(cacheDir, 'cancelled');
    const source = new CancellationTokenSource();
    const listening = connection.onProgress(WorkDoneProgress.type, 'proxy-cancel', (value) => {
      if (value.kind === 'report') source.cancel();
    });
    const pending = connection.sendRequest(ProxyRequest, { path: videoPath('tenMinutes'), force: true, outDir, workDoneToken: 'proxy-cancel' }, source.token);
    const fallback = setTimeout(() => source.cancel(), 5000);
    await assert.rejects(pending, (err: unknown) => err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled);
    clearTimeout(fallback);
    listening.dispose();
    // The server removes its temporary file as ffmpeg exits.
    for (let i = 0; i < 50 && existsSync(outDir) && readdirSync(outDir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(existsSync(outDir) ? readdirSync(outDir) : [], []);
  });
});
