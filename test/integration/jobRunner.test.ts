import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, RequestType, WorkDoneProgress, type ProtocolConnection, type RequestParam, type WorkDoneProgressParams } from 'vscode-languageserver-protocol/node';
import { CritiqueRequest, ProxyRequest, TextDeltaNotification } from '../../src/shared/requests';
import { runJob, type JobConnection } from '../../src/extension/jobRunner';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { startStdioServer, type StdioServer } from './stdioServer';

let server: StdioServer;
let cacheDir: string;

/** The extension's job path over a plain LSP connection to the built server; counts live listeners and keeps what was sent. */
function jobConnection(connection: ProtocolConnection) {
  const sent: unknown[] = [];
  let listening = 0;
  const counted = (disposable: { dispose(): void }) => {
    listening++;
    return { dispose: () => (listening--, disposable.dispose()) };
  };
  const jobs: JobConnection = {
    onWorkDoneProgress: (token, handler) => counted(connection.onProgress(WorkDoneProgress.type, token, handler)),
    onTextDelta: (listener) => counted(connection.onNotification(TextDeltaNotification, listener)),
    request: (type, params, token) => {
      sent.push(params);
      return connection.sendRequest(type, params as RequestParam<typeof params>, token);
    },
  };
  return { jobs, sent, listening: () => listening };
}

before(async () => {
  ensureVideoFixtures(['short', 'tenMinutes']);
  const modelDir = await ensureTinyModel();
  cacheDir = mkdtempSync(join(tmpdir(), 'cosmos-critic-jobs-'));
  server = await startStdioServer({ modelPath: modelDir, device: 'cpu', cacheDir });
});

after(async () => {
  await server.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('extension job path: one call per job', () => {
  it('streams a critique to its job, reports the stages, answers, and lets go of its listeners', async () => {
    const { jobs, sent, listening } = jobConnection(server.connection);
    const source = new CancellationTokenSource();
    const stages: string[] = [];
    const text: string[] = [];
    const job = runJob(jobs, CritiqueRequest, { path: videoPath('short'), trials: 1, maxNewTokens: 8 }, {
      token: source.token,
      doing: 'critiquing short.mp4',
      onStage: (message) => stages.push(message),
      onText: (trial, delta) => {
        assert.equal(trial, 0);
        text.push(delta);
      },
    });
    const answer = await job.result;
    assert.equal(answer.kind, 'done');
    assert.ok(answer.kind === 'done' && answer.value.ok, JSON.stringify(answer));
    assert.equal(text.join(''), answer.value.result.critic!.trials[0]!.raw, 'the streamed text is the answer');
    assert.ok(stages.some((m) => /Generating \(trial 1\/1/.test(m)), `stages: ${stages.join(' | ')}`);
    assert.deepEqual(sent, [{ path: videoPath('short'), trials: 1, maxNewTokens: 8, workDoneToken: `job-${job.id}`, jobId: job.id }]);
    assert.equal(listening(), 0);
  });

  it('names no job when it takes no text, and gives the percentage of each stage', async () => {
    const { jobs, sent, listening } = jobConnection(server.connection);
    const source = new CancellationTokenSource();
    const percentages: number[] = [];
    const outDir = join(cacheDir, 'proxies');
    const job = runJob(jobs, ProxyRequest, { path: videoPath('short'), force: true, outDir }, {
      token: source.token,
      doing: 'making a playable copy of short.mp4',
      onStage: (_message, percentage) => percentage !== undefined && percentages.push(percentage),
    });
    const answer = await job.result;
    assert.ok(answer.kind === 'done' && answer.value.ok && answer.value.playback.proxy, JSON.stringify(answer));
    assert.ok(percentages.length > 0 && percentages.every((p) => p >= 0 && p <= 100), `percentages: ${percentages.join(', ')}`);
    assert.deepEqual(sent, [{ path: videoPath('short'), force: true, outDir, workDoneToken: `job-${job.id}` }]);
    assert.equal(listening(), 0);
  });

  it('forwards cancellation to the server and ends as cancelled', async () => {
    const { jobs, listening } = jobConnection(server.connection);
    const source = new CancellationTokenSource();
    const fallback = setTimeout(() => source.cancel(), 5000);
    const job = runJob(jobs, ProxyRequest, { path: videoPath('tenMinutes'), force: true, outDir: join(cacheDir, 'cancelled') }, {
      token: source.token,
      doing: 'making a playable copy of ten-minutes.mp4',
      onStage: (_message, percentage) => percentage !== undefined && percentage > 0 && source.cancel(),
    });
    assert.deepEqual(await job.result, { kind: 'cancelled' });
    clearTimeout(fallback);
    assert.equal(listening(), 0);
  });

  it('turns a request the server rejects into a coded failure that says what was under way', async () => {
    const { jobs, listening } = jobConnection(server.connection);
    const Unknown = new RequestType<WorkDoneProgressParams & { path: string }, unknown, void>('critic/noSuchRequest');
    const answer = await runJob(jobs, Unknown, { path: 'x' }, { token: new CancellationTokenSource().token, doing: 'asking' }).result;
    assert.equal(answer.kind, 'failed');
    assert.ok(answer.kind === 'failed');
    assert.equal(answer.error.code, 'internal');
    assert.match(answer.error.message, /critic\/noSuchRequest/);
    assert.equal(listening(), 0);
  });
});
