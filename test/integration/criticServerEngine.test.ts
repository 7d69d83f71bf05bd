import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  WorkDoneProgress,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { BackendInfoRequest, BatchRequest, CritiqueRequest, ScoreRequest, TextDeltaNotification } from '../../src/shared/requests';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { startStdioServer, type StdioServer } from './stdioServer';

let connection: ProtocolConnection;
let server: StdioServer;
let cacheDir: string;
const progress: string[] = [];
const batchProgress: string[] = [];

before(async () => {
  ensureVideoFixtures(['short', 'h264Mov', 'mjpegAvi']);
  const modelDir = await ensureTinyModel();
  cacheDir = mkdtempSync(join(tmpdir(), 'cosmos-critic-server-'));
  server = await startStdioServer({ modelPath: modelDir, device: 'cpu', cacheDir }, (c) => {
    c.onProgress(WorkDoneProgress.type, 'batch-1', (value) => {
      if (value.kind === 'report' && value.message) batchProgress.push(value.message);
    });
    c.onProgress(WorkDoneProgress.type, 'job-1', (value) => {
      if (value.kind === 'report' && value.message) progress.push(value.message);
    });
  });
  connection = server.connection;
});

after(async () => {
  await server.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('critic server: the local engine over LSP', () => {
  it('reports backend and device', async () => {
    const info = await connection.sendRequest(BackendInfoRequest);
    assert.equal(info.device, 'cpu');
    assert.equal(info.error, null);
  });

  it('critic/score returns a reward result', async () => {
    const outcome = await connection.sendRequest(ScoreRequest, { path: videoPath('short') });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.ok(Math.abs(outcome.result.reward!.p_no + outcome.result.reward!.p_yes - 1) < 1e-9);
  });

  it('critic/critique streams its text and reports progress with the stage', async () => {
    const streamed: string[] = [];
    const sub = connection.onNotification(TextDeltaNotification, (p) => {
      if (p.jobId === 'stream-1') streamed.push(p.delta);
    });
    const outcome = await connection.sendRequest(CritiqueRequest, { path: videoPath('short'), trials: 1, maxNewTokens: 8, jobId: 'stream-1', workDoneToken: 'job-1' });
    sub.dispose();
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(streamed.join(''), outcome.result.critic!.trials[0]!.raw, 'streamed text');
    assert.ok(progress.some((m) => /Generating \(trial 1\/1/.test(m)), `progress: ${progress.join(' | ')}`);
    assert.ok(progress.some((m) => /Decoding frames|Encoding video/.test(m)), `progress: ${progress.join(' | ')}`);
  });

  it('a bad video is a failed outcome naming the file, and the server keeps serving', async () => {
    const outcome = await connection.sendRequest(ScoreRequest, { path: '/nonexistent/clip.mp4' });
    assert.ok(!outcome.ok);
    assert.match(outcome.error.message, /\/nonexistent\/clip\.mp4: no such file/);
    assert.ok((await connection.sendRequest(ScoreRequest, { path: videoPath('short') })).ok);
  });
});

describe('critic/batch over LSP', () => {
  it('runs a folder with progress and writes results, manifest and summaries', async () => {
    const { copyFileSync, existsSync, mkdirSync, readdirSync } = await import('node:fs');
    const folder = join(cacheDir, 'videos');
    mkdirSync(folder, { recursive: true });
    for (const key of ['short', 'h264Mov', 'mjpegAvi']) copyFileSync(videoPath(key), join(folder, videoPath(key).split('/').pop()!));
    const outDir = join(cacheDir, 'out');
    const outcome = await connection.sendRequest(BatchRequest, { inputs: [folder], outDir, workDoneToken: 'batch-1' });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.deepEqual(outcome.summary.counts, { total: 3, done: 3, failed: 0, skipped: 0 });
    assert.ok(existsSync(outcome.summary.manifestPath));
    assert.equal(readdirSync(join(outDir, 'results')).length, 3);
    assert.ok(batchProgress.some((m) => m.startsWith('3/3 · 0 failed')), batchProgress.join(' | '));
    const again = await connection.sendRequest(BatchRequest, { inputs: [folder], outDir });
    assert.ok(again.ok);
    assert.deepEqual(again.summary.counts, { total: 3, done: 0, failed: 0, skipped: 3 });
  });
});
