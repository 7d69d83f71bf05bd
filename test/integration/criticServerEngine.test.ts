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

describe('critic/score and critic/critique with a results store', () => {
  it('write the result under <root>/results, named by the video path under videosRoot with its extension, and say where', async () => {
    const { copyFileSync, mkdirSync, readFileSync } = await import('node:fs');
    const workspace = join(cacheDir, 'ws');
    mkdirSync(join(workspace, 'clips'), { recursive: true });
    copyFileSync(videoPath('short'), join(workspace, 'clips', 'a.mp4'));
    copyFileSync(videoPath('h264Mov'), join(workspace, 'clips', 'a.mov'));
    const store = { root: join(workspace, '.cosmos-critic'), videosRoot: workspace };
    for (const name of ['a.mp4', 'a.mov']) {
      const outcome = await connection.sendRequest(ScoreRequest, { path: join(workspace, 'clips', name), store });
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.resultFile, join(workspace, '.cosmos-critic', 'results', 'clips', `${name}.reward-v1.tiny-model-fp32.json`));
      assert.equal(outcome.writeError, undefined);
      assert.deepEqual(JSON.parse(readFileSync(outcome.resultFile!, 'utf8')), JSON.parse(JSON.stringify(outcome.result)));
    }
    const critique = await connection.sendRequest(CritiqueRequest, { path: join(workspace, 'clips', 'a.mp4'), trials: 1, maxNewTokens: 4, store });
    assert.ok(critique.ok, JSON.stringify(critique));
    assert.equal(critique.resultFile, join(workspace, '.cosmos-critic', 'results', 'clips', `a.mp4.critic-detailed-v${critique.result.prompt.version}.tiny-model-fp32.json`));
    // Outside the videos root: named by its own file name.
    const outside = await connection.sendRequest(ScoreRequest, { path: videoPath('short'), store });
    assert.ok(outside.ok, JSON.stringify(outside));
    assert.equal(outside.resultFile, join(workspace, '.cosmos-critic', 'results', 'short-0.2s.mp4.reward-v1.tiny-model-fp32.json'));
    // No store: nothing written.
    const none = await connection.sendRequest(ScoreRequest, { path: videoPath('short') });
    assert.ok(none.ok);
    assert.equal(none.resultFile, null);
  });

  it('record a failed job as a failure record, and return a result they cannot write with writeError', async () => {
    const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
    const root = join(cacheDir, 'store-failures');
    const failed = await connection.sendRequest(ScoreRequest, { path: '/nonexistent/clip.mp4', store: { root } });
    assert.ok(!failed.ok);
    const record = JSON.parse(readFileSync(join(root, 'results', 'clip.mp4.reward-v1.tiny-model-fp32.failed.json'), 'utf8')) as { video: string; error: string; prompt: unknown };
    assert.equal(record.video, '/nonexistent/clip.mp4');
    assert.deepEqual(record.prompt, { id: 'reward', version: 1 });
    assert.equal(record.error, failed.error.message);

    const blocked = join(cacheDir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the store would be');
    const outcome = await connection.sendRequest(ScoreRequest, { path: videoPath('short'), store: { root: blocked } });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.ok(outcome.result.reward, 'the result is still returned');
    assert.equal(outcome.resultFile, null);
    assert.equal(outcome.writeError?.code, 'output-unwritable');
    assert.match(outcome.writeError!.message, /cannot write .*not-a-folder.*a file is in the way of the folder \(ENOTDIR\)/);
    assert.ok(!existsSync(join(blocked, 'results')));
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
