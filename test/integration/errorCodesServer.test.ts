// Error codes through the real critic server (node dist/server.js --stdio): each failure comes back with the code
// the client picks its action by.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackendInfoRequest, ProbeRequest, ProxyRequest, ScoreRequest, ThumbnailsRequest, type CriticServerOptions } from '../../src/shared/requests';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { startStdioServer, type StdioServer } from './stdioServer';

let cacheDir: string;
let modelDir: string;

before(async () => {
  ensureVideoFixtures(['short']);
  ensureBadInputs();
  modelDir = await ensureTinyModel();
  cacheDir = mkdtempSync(join(tmpdir(), 'cosmos-critic-error-codes-server-'));
});
after(() => rmSync(cacheDir, { recursive: true, force: true }));

function withServer(options: () => CriticServerOptions, body: (server: () => StdioServer) => void): void {
  let server: StdioServer;
  before(async () => {
    server = await startStdioServer(options());
  });
  after(() => server.stop());
  body(() => server);
}

describe('error codes from the critic server', () => {
  describe('with the local model and ffmpeg on PATH', () => {
    withServer(() => ({ modelPath: modelDir, device: 'cpu', cacheDir }), (server) => {
      it('an unreadable video: video-unreadable, from a probe and from a score', async () => {
        const { results } = await server().connection.sendRequest(ProbeRequest, { paths: [badInputPath('randomBytes'), videoPath('short')] });
        assert.ok(results[0] && !results[0].ok);
        assert.equal(results[0].error.code, 'video-unreadable');
        assert.match(results[0].error.message, /not a readable video/);
        assert.ok(results[1]?.ok, 'the good video still probes');
        const score = await server().connection.sendRequest(ScoreRequest, { path: badInputPath('randomBytes') });
        assert.ok(!score.ok);
        assert.equal(score.error.code, 'video-unreadable');
        const missing = await server().connection.sendRequest(ScoreRequest, { path: join(cacheDir, 'no-such-clip.mp4') });
        assert.ok(!missing.ok && missing.error.code === 'video-unreadable', JSON.stringify(missing));
      });

      it('a prompt that does not exist, or of the other mode: prompt-invalid', async () => {
        const missing = await server().connection.sendRequest(ScoreRequest, { path: videoPath('short'), prompt: join(cacheDir, 'nothing.prompt.md') });
        assert.ok(!missing.ok && missing.error.code === 'prompt-invalid', JSON.stringify(missing));
        const otherMode = await server().connection.sendRequest(ScoreRequest, { path: videoPath('short'), prompt: 'critic-detailed' });
        assert.ok(!otherMode.ok && otherMode.error.code === 'prompt-invalid', JSON.stringify(otherMode));
      });

      it('thumbnails asked for past the last frame: request-invalid', async () => {
        const outcome = await server().connection.sendRequest(ThumbnailsRequest, { path: videoPath('short'), frameIndices: [100000], outDir: join(cacheDir, 'thumbs') });
        assert.ok(!outcome.ok && outcome.error.code === 'request-invalid', JSON.stringify(outcome));
      });
    });
  });

  describe('with a wrong ffmpeg path', () => {
    withServer(() => ({ modelPath: modelDir, device: 'cpu', cacheDir, ffmpegPath: join(cacheDir, 'no-ffmpeg-here') }), (server) => {
      it('ffmpeg-missing from probe, score, proxy and thumbnails', async () => {
        const { results } = await server().connection.sendRequest(ProbeRequest, { paths: [videoPath('short')] });
        assert.ok(results[0] && !results[0].ok && results[0].error.code === 'ffmpeg-missing', JSON.stringify(results));
        const score = await server().connection.sendRequest(ScoreRequest, { path: videoPath('short') });
        assert.ok(!score.ok && score.error.code === 'ffmpeg-missing', JSON.stringify(score));
        const proxy = await server().connection.sendRequest(ProxyRequest, { path: videoPath('short'), outDir: join(cacheDir, 'proxies') });
        assert.ok(!proxy.ok && proxy.error.code === 'ffmpeg-missing', JSON.stringify(proxy));
        const thumbs = await server().connection.sendRequest(ThumbnailsRequest, { path: videoPath('short'), frameIndices: [0], outDir: join(cacheDir, 'thumbs') });
        assert.ok(!thumbs.ok && thumbs.error.code === 'ffmpeg-missing', JSON.stringify(thumbs));
      });
    });
  });

  describe('with no model configured', () => {
    withServer(() => ({ cacheDir }), (server) => {
      it('model-missing, from a score and from the backend info', async () => {
        const score = await server().connection.sendRequest(ScoreRequest, { path: videoPath('short') });
        assert.ok(!score.ok && score.error.code === 'model-missing', JSON.stringify(score));
        const info = await server().connection.sendRequest(BackendInfoRequest);
        assert.equal(info.errorCode, 'model-missing');
      });
    });
  });

  describe('with an openai endpoint nobody listens on', () => {
    withServer(() => ({ backend: 'openai', endpoints: ['http://127.0.0.1:9/v1'], cacheDir }), (server) => {
      it('backend-unreachable', async () => {
        const score = await server().connection.sendRequest(ScoreRequest, { path: videoPath('short') });
        assert.ok(!score.ok && score.error.code === 'backend-unreachable', JSON.stringify(score));
      });
    });
  });
});
