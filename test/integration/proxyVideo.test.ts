import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ffprobeVideo } from '../../src/engine/media/ffprobe';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { playbackProxyReason, probePlayback, ProxyFailedError, proxyVideo, type ProxyProgress } from '../../src/engine/media/proxyVideo';
import { probeVideo } from '../../src/engine/media/probeVideo';
import { badInputPath, ensureBadInputs, ensureVideoFixtures, videoPath } from '../fixtures/videos';

const tools = locateFfmpeg();
let cacheDir: string;

before(() => {
  ensureVideoFixtures(['mjpegAvi', 'mpeg4Mkv', 'tenBit', 'oddSize', 'rotated', 'vfr', 'tenMinutes', 'h264Mp4']);
  ensureBadInputs();
  cacheDir = mkdtempSync(join(tmpdir(), 'cosmos-critic-proxy-'));
});

after(() => rmSync(cacheDir, { recursive: true, force: true }));

async function framesOf(path: string) {
  return ffprobeVideo(path, statSync(path).size, tools);
}

describe('probePlayback: the quick probe behind the proxy decision', () => {
  it('reads what the full probe reads, for every kind of video', async () => {
    for (const key of ['h264Mp4', 'mjpegAvi', 'mpeg4Mkv', 'tenBit', 'oddSize', 'rotated', 'vfr']) {
      const [quick, full] = await Promise.all([probePlayback(videoPath(key), tools), probeVideo(videoPath(key), tools)]);
      const { path, container, video_codec, pixel_format, bit_depth } = full.video;
      assert.deepEqual(quick, { path, container, video_codec, pixel_format, bit_depth }, key);
    }
  });

  it('says when a file is not a video', async () => {
    await assert.rejects(probePlayback(badInputPath('randomBytes'), tools), /not a readable video/);
    await assert.rejects(probePlayback(badInputPath('audioOnly'), tools), /has no video stream/);
  });
});

describe('proxyVideo: a playable H.264 copy of videos the webview cannot play', () => {
  for (const key of ['mjpegAvi', 'mpeg4Mkv', 'tenBit', 'oddSize']) {
    it(`${key}: H.264 yuv420p MP4, same duration and frame count, then a cache hit`, async () => {
      const source = await probeVideo(videoPath(key), tools);
      assert.ok(playbackProxyReason(source.video), 'the fixture needs a proxy');
      const progress: ProxyProgress[] = [];
      const made = await proxyVideo(videoPath(key), tools, cacheDir, (p) => progress.push(p));
      assert.equal(made.cached, false);
      assert.ok(made.path.startsWith(cacheDir) && made.path.endsWith('.mp4'));
      assert.equal(progress.at(-1)?.fraction, 1);
      assert.ok(progress.every((p, i) => p.fraction >= 0 && p.fraction <= 1 && (i === 0 || p.fraction >= progress[i - 1]!.fraction)));

      const proxy = await probeVideo(made.path, tools);
      assert.match(proxy.video.container, /mp4/);
      assert.equal(proxy.video.video_codec, 'h264');
      assert.equal(proxy.video.pixel_format, 'yuv420p');
      assert.equal(proxy.video.bit_depth, 8);
      assert.equal(playbackProxyReason({ ...proxy.video }), null, 'the proxy itself plays');
      const frame = 1 / source.video.fps;
      assert.ok(Math.abs(proxy.video.duration_s - source.video.duration_s) <= frame + 1e-6, `duration ${proxy.video.duration_s} vs ${source.video.duration_s}`);
      assert.ok(Math.abs(proxy.video.frame_count - source.video.frame_count) <= 1, `frames ${proxy.video.frame_count} vs ${source.video.frame_count}`);
      assert.equal(proxy.video.width % 2, 0);
      assert.equal(proxy.video.height % 2, 0);

      const mtime = statSync(made.path).mtimeMs;
      const again: ProxyProgress[] = [];
      const hit = await proxyVideo(videoPath(key), tools, cacheDir, (p) => again.push(p));
      assert.deepEqual(hit, { path: made.path, cached: true });
      assert.equal(again.length, 0, 'a cache hit runs no ffmpeg');
      assert.equal(statSync(made.path).mtimeMs, mtime);
    });
  }

  it('keeps every frame at its own time, so a variable-frame-rate timeline is unchanged', async () => {
    const made = await proxyVideo(videoPath('vfr'), tools, cacheDir);
    const [source, proxy] = await Promise.all([framesOf(videoPath('vfr')), framesOf(made.path)]);
    assert.equal(proxy.frameTimes.length, source.frameTimes.length);
    source.frameTimes.forEach((t, i) => assert.ok(Math.abs(proxy.frameTimes[i]! - t) < 0.002, `frame ${i}: ${proxy.frameTimes[i]} vs ${t}`));
  });

  it('applies the display rotation, so the copy shows as the original does', async () => {
    const made = await proxyVideo(videoPath('rotated'), tools, cacheDir);
    const proxy = await probeVideo(made.path, tools);
    assert.equal(proxy.video.width, 240);
    assert.equal(proxy.video.height, 320);
  });

  it('shares one encode between two requests for the same video', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-proxy-shared-'));
    try {
      const [a, b] = await Promise.all([proxyVideo(videoPath('mjpegAvi'), tools, dir), proxyVideo(videoPath('mjpegAvi'), tools, dir)]);
      assert.equal(a.path, b.path);
      assert.deepEqual(readdirSync(dir), [a.path.split('/').pop()]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops when cancelled and leaves nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-proxy-cancel-'));
    try {
      const controller = new AbortController();
      const progress: ProxyProgress[] = [];
      const pending = proxyVideo(videoPath('tenMinutes'), tools, dir, (p) => {
        progress.push(p);
        if (p.fraction > 0) controller.abort();
      }, controller.signal);
      const fallback = setTimeout(() => controller.abort(), 3000);
      await assert.rejects(pending).finally(() => clearTimeout(fallback));
      assert.ok(progress.every((p) => p.fraction < 1));
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with one line naming the file for a video ffmpeg cannot decode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-proxy-bad-'));
    try {
      await assert.rejects(proxyVideo(badInputPath('randomBytes'), tools, dir), (err: unknown) => {
        assert.ok(err instanceof ProxyFailedError);
        assert.ok(err.message.startsWith(badInputPath('randomBytes')));
        assert.ok(!err.message.includes('\n'));
        return true;
      });
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
