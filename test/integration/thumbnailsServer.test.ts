import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { ProbeRequest, ThumbnailsRequest, type ThumbnailsParams } from '../../src/shared/requests';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { startStdioServer, type StdioServer } from './stdioServer';

let connection: ProtocolConnection;
let server: StdioServer;
let cacheDir: string;

before(async () => {
  ensureVideoFixtures(['h264Mp4', 'vfr']);
  ensureBadInputs();
  cacheDir = mkdtempSync(join(tmpdir(), 'cosmos-critic-thumbnails-server-'));
  server = await startStdioServer({ cacheDir });
  connection = server.connection;
});

after(async () => {
  await server.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function planOf(path: string, fps: number) {
  const { results } = await connection.sendRequest(ProbeRequest, { paths: [path], sampling: { fps } });
  assert.ok(results[0]?.ok);
  return results[0].probe.plan;
}

describe('critic server: critic/thumbnails', () => {
  it('gives one thumbnail per frame time of a result (the frames the model saw), cached', async () => {
    const plan = await planOf(videoPath('vfr'), 4);
    const outDir = join(cacheDir, 'strip');
    const outcome = await connection.sendRequest(ThumbnailsRequest, { path: videoPath('vfr'), frameTimes: plan.frame_times_s, outDir });
    assert.ok(outcome.ok);
    assert.equal(outcome.cached, false);
    assert.deepEqual(outcome.thumbnails.map((t) => t.time_s), plan.frame_times_s);
    assert.deepEqual(outcome.thumbnails.map((t) => t.index), plan.frame_indices);
    assert.ok(outcome.thumbnails.every((t) => t.path.startsWith(outDir) && existsSync(t.path)));
    const again = await connection.sendRequest(ThumbnailsRequest, { path: videoPath('vfr'), frameTimes: plan.frame_times_s, outDir });
    assert.ok(again.ok && again.cached);
    assert.deepEqual(again.thumbnails, outcome.thumbnails);
  });

  it('takes frame indices too, and gives their times', async () => {
    const plan = await planOf(videoPath('h264Mp4'), 2);
    const outcome = await connection.sendRequest(ThumbnailsRequest, { path: videoPath('h264Mp4'), frameIndices: plan.frame_indices });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.thumbnails.map((t) => t.index), plan.frame_indices);
    outcome.thumbnails.forEach((t, i) => assert.ok(Math.abs(t.time_s - plan.frame_times_s[i]!) < 1e-6));
    assert.ok(outcome.thumbnails[0]!.path.startsWith(join(cacheDir, 'thumbnails')));
  });

  it('decodes a frame shown at several of the times once', async () => {
    const outcome = await connection.sendRequest(ThumbnailsRequest, { path: videoPath('h264Mp4'), frameTimes: [1, 1.001, 0] });
    assert.ok(outcome.ok);
    assert.equal(outcome.thumbnails[0]!.path, outcome.thumbnails[1]!.path);
    assert.deepEqual(outcome.thumbnails.map((t) => t.index), [25, 25, 0]);
  });

  it('says what is wrong with bad parameters and bad videos', async () => {
    const cases: [ThumbnailsParams, RegExp][] = [
      [{ path: videoPath('h264Mp4') }, /frameTimes .* or frameIndices/],
      [{ path: videoPath('h264Mp4'), frameTimes: [] }, /frameTimes/],
      [{ path: videoPath('h264Mp4'), frameIndices: [1.5] }, /frameIndices/],
      [{ path: videoPath('h264Mp4'), frameIndices: [0, 500] }, /frame 500 is past the last frame \(74\)/],
      [{ path: badInputPath('randomBytes'), frameTimes: [0] }, /not a readable video/],
    ];
    for (const [params, message] of cases) {
      const outcome = await connection.sendRequest(ThumbnailsRequest, params);
      assert.ok(!outcome.ok, JSON.stringify(params));
      assert.match(outcome.error.message, message);
    }
  });
});
