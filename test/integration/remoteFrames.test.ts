import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { evaluateVideo, localEngine, type LocalEngine } from '../../src/engine/evaluate/evaluateVideo';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { encodePlanFrames } from '../../src/engine/media/jpegFrames';
import { probeVideo } from '../../src/engine/media/probeVideo';
import { LocalModel } from '../../src/engine/model/localModel';
import { EndpointPool } from '../../src/engine/remote/endpointPool';
import { evaluateVideoRemote, type VideoInput } from '../../src/engine/remote/remoteEvaluate';
import { createOpenAiServer } from '../../src/engine/serve/openaiServer';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { FIXTURE_DIR, ensureVideoFixtures, videoPath } from '../fixtures/videos';

/**
 * How the way a video reaches a server changes the reward, against the local model on the same clip: a file URL
 * (the server samples the file itself), our exact frames as JPEG, and the same frames as lossless PNG.
 */
const tools = locateFfmpeg();
let scratch: string;
let local: LocalEngine;
let server: Server;
let url: string;

before(async () => {
  ensureVideoFixtures(['short', 'h264Mp4']);
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-frames-'));
  const model = await LocalModel.load(await ensureTinyModel(), { device: 'cpu' });
  local = localEngine(model, tools, new CacheStore(join(scratch, 'local')));
  server = createOpenAiServer({ engine: localEngine(model, tools, new CacheStore(join(scratch, 'serve'))), modelNames: ['tiny'], allowedMediaPath: FIXTURE_DIR });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(scratch, { recursive: true, force: true });
});

const remoteScore = async (clip: string, videoInput: VideoInput) =>
  (await evaluateVideoRemote({ pool: new EndpointPool([{ baseUrl: url }], 60_000), modelName: 'tiny', tools, videoInput, topLogprobs: 400 }, clip, loadPrompt('reward'))).reward!.score;

describe('remote frames: what each video input costs in score and request size', () => {
  for (const clip of ['short', 'h264Mp4']) {
    it(`${clip}: PNG frames give the local score, JPEG frames nearly`, async (t) => {
      const path = videoPath(clip);
      const here = (await evaluateVideo(local, path, loadPrompt('reward'))).reward!.score;
      const png = await remoteScore(path, 'frames-png');
      const jpeg = await remoteScore(path, 'frames');
      const plan = (await probeVideo(path, tools, { rule: 'reward' })).plan;
      const bytes = async (format: 'png' | 'jpeg') => (await encodePlanFrames(path, plan, tools, format)).reduce((n, b) => n + Math.ceil(b.length / 3) * 4, 0);
      const [pngBytes, jpegBytes] = [await bytes('png'), await bytes('jpeg')];
      t.diagnostic(`local ${here.toFixed(6)} · png |Δ| ${Math.abs(png - here).toExponential(2)} (${pngBytes} base64 bytes) · jpeg |Δ| ${Math.abs(jpeg - here).toExponential(2)} (${jpegBytes} bytes)`);
      assert.ok(Math.abs(png - here) < 1e-6, `PNG frames: ${png} vs local ${here}`);
      assert.ok(Math.abs(jpeg - here) < 0.02, `JPEG frames: ${jpeg} vs local ${here}`);
      assert.ok(pngBytes > jpegBytes, 'lossless costs request size');
    });
  }
});
