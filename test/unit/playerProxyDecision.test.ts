import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { playbackProxyReason, proxyArguments } from '../../src/engine/media/proxyVideo';

const MP4 = 'mov,mp4,m4a,3gp,3g2,mj2';
const MATROSKA = 'matroska,webm';

function video(path: string, container: string, video_codec: string, pixel_format = 'yuv420p', bit_depth = 8) {
  return { path, container, video_codec, pixel_format, bit_depth };
}

describe('player: which videos need a playable copy', () => {
  it('plays MP4, MOV and M4V with H.264, VP9 or AV1 in 8-bit 4:2:0 as they are', () => {
    for (const [path, codec] of [['a.mp4', 'h264'], ['a.mov', 'h264'], ['a.m4v', 'h264'], ['a.mp4', 'av1'], ['a.mp4', 'vp9']]) {
      assert.equal(playbackProxyReason(video(path!, MP4, codec!)), null, `${path} ${codec}`);
    }
    assert.equal(playbackProxyReason(video('a.mp4', MP4, 'h264', 'yuvj420p')), null);
  });

  it('plays WebM with VP8, VP9 or AV1 as it is', () => {
    for (const codec of ['vp8', 'vp9', 'av1']) assert.equal(playbackProxyReason(video('a.webm', MATROSKA, codec)), null, codec);
  });

  it('makes a copy of other containers: AVI, Matroska (.mkv), MPEG-TS, FLV', () => {
    assert.match(playbackProxyReason(video('a.avi', 'avi', 'mjpeg', 'yuvj420p'))!, /avi container/);
    assert.match(playbackProxyReason(video('a.mkv', MATROSKA, 'h264'))!, /matroska container/);
    assert.match(playbackProxyReason(video('a.mkv', MATROSKA, 'vp9'))!, /matroska container/);
    assert.match(playbackProxyReason(video('a.ts', 'mpegts', 'h264'))!, /mpegts container/);
    assert.match(playbackProxyReason(video('a.flv', 'flv', 'h264'))!, /flv container/);
  });

  it('makes a copy of codecs the webview lacks, even in a container it plays', () => {
    assert.match(playbackProxyReason(video('a.mp4', MP4, 'hevc'))!, /hevc video/);
    assert.match(playbackProxyReason(video('a.mov', MP4, 'prores', 'yuv422p10le', 10))!, /prores video/);
    assert.match(playbackProxyReason(video('a.mp4', MP4, 'mpeg4'))!, /mpeg4 video/);
    assert.match(playbackProxyReason(video('a.webm', MATROSKA, 'h264'))!, /h264 video in WebM/);
    assert.match(playbackProxyReason(video('a.mp4', MP4, 'vp8'))!, /vp8 video/);
  });

  it('makes a copy of 10-bit video and of pixel formats other than 4:2:0', () => {
    assert.match(playbackProxyReason(video('a.mp4', MP4, 'h264', 'yuv420p10le', 10))!, /10-bit/);
    assert.match(playbackProxyReason(video('a.mp4', MP4, 'h264', 'yuv444p'))!, /yuv444p pixel format/);
    assert.match(playbackProxyReason(video('a.webm', MATROSKA, 'vp9', 'yuv422p'))!, /yuv422p pixel format/);
  });
});

describe('player: the playable copy', () => {
  it('is H.264 yuv420p MP4 with the moov atom first, keeps every frame at its time and does not trim', () => {
    const args = proxyArguments('/in/a.avi', '/out/x.mp4');
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    assert.equal(after('-c:v'), 'libx264');
    assert.equal(after('-pix_fmt'), 'yuv420p');
    assert.equal(after('-movflags'), '+faststart');
    assert.equal(after('-fps_mode'), 'passthrough');
    assert.equal(after('-f'), 'mp4');
    for (const trim of ['-ss', '-t', '-to', '-r', '-frames:v']) assert.ok(!args.includes(trim), trim);
    assert.equal(args[args.length - 1], '/out/x.mp4');
  });
});
