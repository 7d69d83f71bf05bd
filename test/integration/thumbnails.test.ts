import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { frameIndicesForTimes, frameThumbnails, THUMBNAIL_WIDTH } from '../../src/engine/media/frameThumbnails';
import { probeVideo } from '../../src/engine/media/probeVideo';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';

const tools = locateFfmpeg();
let outDir: string;

before(() => {
  ensureVideoFixtures(['h264Mp4', 'frameCounter', 'rotated', 'vfr']);
  ensureBadInputs();
  outDir = mkdtempSync(join(tmpdir(), 'cosmos-critic-thumbnails-'));
});

after(() => rmSync(outDir, { recursive: true, force: true }));

function sizeOf(jpeg: string): { width: number; height: number } {
  const out = execFileSync(tools.ffprobe, ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', jpeg], { encoding: 'utf8' });
  const [width, height] = out.trim().split(',').map(Number);
  return { width: width!, height: height! };
}

/** Mean luma of a JPEG, decoded by ffmpeg to 8-bit grey. */
function meanLuma(jpeg: string): number {
  const grey = execFileSync(tools.ffmpeg, ['-v', 'error', '-i', jpeg, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 24 });
  let sum = 0;
  for (const byte of grey) sum += byte;
  return sum / grey.length;
}

describe('frameThumbnails: the frames the model saw, small', () => {
  it(`writes one ${THUMBNAIL_WIDTH}-pixel-wide JPEG per planned frame, then serves them from the cache`, async () => {
    const { plan } = await probeVideo(videoPath('h264Mp4'), tools, { fps: 4 });
    const made = await frameThumbnails(videoPath('h264Mp4'), plan, tools, outDir);
    assert.equal(made.cached, false);
    assert.equal(made.thumbnails.length, plan.frames);
    made.thumbnails.forEach((thumbnail, position) => {
      assert.equal(thumbnail.position, position);
      assert.equal(thumbnail.index, plan.frame_indices[position]);
      assert.equal(thumbnail.time_s, plan.frame_times_s[position]);
      assert.ok(thumbnail.path.startsWith(outDir) && thumbnail.path.endsWith('.jpg'));
      assert.deepEqual(sizeOf(thumbnail.path), { width: THUMBNAIL_WIDTH, height: 120 });
    });
    const mtimes = made.thumbnails.map((t) => statSync(t.path).mtimeMs);
    const again = await frameThumbnails(videoPath('h264Mp4'), plan, tools, outDir);
    assert.equal(again.cached, true);
    assert.deepEqual(again.thumbnails, made.thumbnails);
    assert.deepEqual(again.thumbnails.map((t) => statSync(t.path).mtimeMs), mtimes);
  });

  it('shows exactly the frames asked for', async () => {
    // Frame n of this video has luma 16 + 2n in video range; the JPEG holds it in full range.
    const indices = [0, 7, 30, 64, 99];
    const made = await frameThumbnails(videoPath('frameCounter'), { frame_indices: indices, frame_times_s: indices.map((i) => i / 25) }, tools, outDir);
    made.thumbnails.forEach((thumbnail, position) => {
      const luma = meanLuma(thumbnail.path);
      const expected = (2 * indices[position]! * 255) / 219;
      assert.ok(Math.abs(luma - expected) < 3, `frame ${indices[position]}: luma ${luma}, expected ${expected}`);
    });
  });

  it('applies the display rotation', async () => {
    const made = await frameThumbnails(videoPath('rotated'), { frame_indices: [0, 10], frame_times_s: [0, 0.4] }, tools, outDir);
    const { width, height } = sizeOf(made.thumbnails[0]!.path);
    assert.equal(width, THUMBNAIL_WIDTH);
    assert.ok(Math.abs(height - (THUMBNAIL_WIDTH * 320) / 240) <= 2, `height ${height}`);
  });

  it('keeps the cache whole: a folder per request, no temporary files left', async () => {
    for (const entry of readdirSync(outDir)) {
      assert.ok(!entry.includes('.tmp'), entry);
      assert.ok(readdirSync(join(outDir, entry)).every((f) => f.endsWith('.jpg')));
    }
  });

  it('rejects frame lists that are not increasing indices, and videos ffmpeg cannot read', async () => {
    await assert.rejects(frameThumbnails(videoPath('h264Mp4'), { frame_indices: [5, 5], frame_times_s: [0.2, 0.2] }, tools, outDir), RangeError);
    await assert.rejects(frameThumbnails(videoPath('h264Mp4'), { frame_indices: [], frame_times_s: [] }, tools, outDir), RangeError);
    await assert.rejects(frameThumbnails(videoPath('h264Mp4'), { frame_indices: [1, 2], frame_times_s: [0] }, tools, outDir), RangeError);
    await assert.rejects(frameThumbnails(badInputPath('randomBytes'), { frame_indices: [0], frame_times_s: [0] }, tools, outDir), /could not make frame thumbnails/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const dir = join(outDir, 'cancelled');
    await assert.rejects(frameThumbnails(videoPath('h264Mp4'), { frame_indices: [0, 1], frame_times_s: [0, 0.04] }, tools, dir, controller.signal));
    assert.ok(!existsSync(dir) || readdirSync(dir).length === 0);
    assert.ok(existsSync(dirname(dir)));
  });
});

describe('frameIndicesForTimes: the frame on screen at a time', () => {
  it('picks the frame whose time is nearest, with every frame time known', async () => {
    const times = [0, 0.033, 0.067, 0.1, 1.0, 1.2, 1.4];
    assert.deepEqual(frameIndicesForTimes([0, 0.03, 0.06, 0.5, 0.6, 1.39, 5], times, 30, times.length), [0, 1, 2, 3, 4, 6, 6]);
  });

  it('finds the planned frames of a variable-frame-rate video from their times', async () => {
    const path = videoPath('vfr');
    const { plan, video } = await probeVideo(path, tools, { fps: 2 });
    const { ffprobeVideo } = await import('../../src/engine/media/ffprobe');
    const { frameTimes } = await ffprobeVideo(path, statSync(path).size, tools);
    assert.deepEqual(frameIndicesForTimes(plan.frame_times_s, frameTimes, video.fps, video.frame_count), plan.frame_indices);
  });

  it('falls back to a constant rate, within the video, when frame times are unknown', () => {
    assert.deepEqual(frameIndicesForTimes([0, 0.5, 0.52, 99], [], 25, 75), [0, 13, 13, 74]);
  });
});
