import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { decodeFrames, type RgbFrame } from '../../src/engine/media/frameDecoder';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { probeVideo } from '../../src/engine/media/probeVideo';
import { VideoInputError } from '../../src/engine/media/videoInputError';
import { BAD_INPUTS, VIDEO_FIXTURES, badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';

const tools = locateFfmpeg();

async function collect(frames: AsyncIterable<RgbFrame>): Promise<RgbFrame[]> {
  const out: RgbFrame[] = [];
  for await (const f of frames) out.push({ ...f, data: Buffer.from(f.data) });
  return out;
}

function meanOf(frame: RgbFrame, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum += frame.data[(y * frame.width + x) * 3 + c]!;
  return sum / ((x1 - x0) * (y1 - y0) * 3);
}

before(() => {
  ensureVideoFixtures();
  ensureBadInputs();
});

describe('probe: metadata of every kind of video', () => {
  for (const [key, fixture] of Object.entries(VIDEO_FIXTURES)) {
    it(`${fixture.file}`, async () => {
      const { video, plan } = await probeVideo(videoPath(key), tools);
      const e = fixture.expect;
      assert.equal(video.width, e.width, 'width (rotation applied)');
      assert.equal(video.height, e.height, 'height (rotation applied)');
      assert.equal(video.video_codec, e.codec);
      assert.equal(video.has_audio, e.audio);
      if (e.frames !== undefined) assert.equal(video.frame_count, e.frames);
      if (e.fps !== undefined) assert.ok(Math.abs(video.fps - e.fps) < 0.01, `fps ${video.fps}`);
      assert.equal(video.rotation, e.rotation ?? 0);
      assert.equal(video.bit_depth, e.bitDepth ?? 8);
      assert.equal(video.variable_frame_rate, e.vfr ?? false);
      assert.ok(video.duration_s > 0);
      assert.equal(plan.frames % 2, 0);
      assert.equal(plan.frame_indices.length, plan.frames);
      assert.equal(plan.frame_times_s.length, plan.frames);
      assert.equal(plan.width % 28, 0);
      assert.equal(plan.height % 28, 0);
      if (e.height > e.width) assert.ok(plan.height > plan.width, 'the plan keeps the displayed orientation');
      assert.ok(plan.frame_times_s.every((t, i) => i === 0 || t > plan.frame_times_s[i - 1]!));
      assert.ok(plan.frame_times_s.at(-1)! <= video.duration_s);
    });
  }

  it('reads real presentation times of a variable-frame-rate video (30 fps then 5 fps)', async () => {
    const { plan } = await probeVideo(videoPath('vfr'), tools);
    for (let i = 0; i < plan.frames; i++) {
      const n = plan.frame_indices[i]!;
      const expected = n < 30 ? n / 30 : 1 + (n - 30) / 5;
      assert.ok(Math.abs(plan.frame_times_s[i]! - expected) < 0.002, `frame ${n}: ${plan.frame_times_s[i]} vs ${expected}`);
    }
  });
});

describe('decode: the planned frames, at the planned size, as RGB', () => {
  for (const [key, fixture] of Object.entries(VIDEO_FIXTURES)) {
    it(`${fixture.file}`, async () => {
      const probe = await probeVideo(videoPath(key), tools);
      const frames = await collect(decodeFrames(probe.video.path, probe.plan, tools));
      assert.equal(frames.length, probe.plan.frames);
      frames.forEach((f, i) => {
        assert.equal(f.position, i);
        assert.equal(f.index, probe.plan.frame_indices[i]);
        assert.equal(f.data.length, probe.plan.width * probe.plan.height * 3);
      });
    });
  }

  it('selects exactly the frames of the plan (each frame carries its number in its brightness)', async () => {
    const probe = await probeVideo(videoPath('frameCounter'), tools, { fps: 4 });
    assert.equal(probe.plan.frames, 16);
    const frames = await collect(decodeFrames(probe.video.path, probe.plan, tools));
    const seen = frames.map((f) => {
      const luma = (meanOf(f, 0, 0, f.width, f.height) * 219) / 255 + 16; // full-range RGB back to limited-range luma
      return Math.round((luma - 16) / 2);
    });
    assert.deepEqual(seen, probe.plan.frame_indices);
  });

  it('applies the display rotation before scaling', async () => {
    const probe = await probeVideo(videoPath('rotatedHalves'), tools);
    const [frame] = await collect(decodeFrames(probe.video.path, probe.plan, tools));
    const w = frame!.width;
    const h = frame!.height;
    const left = meanOf(frame!, 0, 0, Math.floor(w / 2) - 4, h);
    const right = meanOf(frame!, Math.ceil(w / 2) + 4, 0, w, h);
    const top = meanOf(frame!, 0, 0, w, Math.floor(h / 2));
    const bottom = meanOf(frame!, 0, Math.ceil(h / 2), w, h);
    assert.ok(Math.abs(left - right) > 200, `left ${left} right ${right}`);
    assert.ok(Math.abs(top - bottom) < 10, `top ${top} bottom ${bottom}`);
  });

  it('stops ffmpeg and throws when cancelled mid-way', async () => {
    const probe = await probeVideo(videoPath('tenMinutes'), tools);
    const controller = new AbortController();
    let count = 0;
    await assert.rejects(async () => {
      for await (const _ of decodeFrames(probe.video.path, probe.plan, tools, controller.signal)) {
        if (++count === 3) controller.abort();
      }
    }, /abort/i);
    assert.ok(count >= 3 && count < probe.plan.frames, `stopped after ${count} of ${probe.plan.frames}`);
  });
});

describe('bad input: one clear error naming the file', () => {
  for (const [key, bad] of Object.entries(BAD_INPUTS)) {
    it(key, async () => {
      const path = badInputPath(key);
      await assert.rejects(probeVideo(path, tools), (err: unknown) => {
        assert.ok(err instanceof VideoInputError, `got ${String(err)}`);
        assert.equal(err.file, path);
        assert.match(err.message, bad.mustMention);
        assert.ok(err.message.startsWith(path));
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    });
  }

  it('a single-frame video cannot be sampled and says so', async () => {
    const probe = probeVideo(badInputPath('pngRenamed'), tools);
    await assert.rejects(probe, /still image/);
  });
});
