import { spawn } from 'node:child_process';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { VideoMetadata } from '../../shared/video';
import { sha256OfFile, sha256OfText } from '../store/fileHash';
import type { FfmpegTools } from './ffmpegTools';
import { runProcess } from './runProcess';
import { REENCODE_HINT, VideoInputError } from './videoInputError';

/** Bump when the proxy's encoding changes, so that old proxies are not served for new requests. */
const PROXY_VERSION = 'proxy/1';

// What a VS Code webview (Chromium with the proprietary codecs) decodes, per container family.
const PLAYABLE_CODECS: Record<'mp4' | 'webm', ReadonlySet<string>> = {
  mp4: new Set(['h264', 'vp9', 'av1']),
  webm: new Set(['vp8', 'vp9', 'av1']),
};
const PLAYABLE_PIXEL_FORMATS = new Set(['yuv420p', 'yuvj420p']);

function containerFamily(metadata: Pick<VideoMetadata, 'path' | 'container'>): 'mp4' | 'webm' | null {
  const formats = metadata.container.split(',');
  const extension = /\.([^./\\]+)$/.exec(metadata.path)?.[1]?.toLowerCase() ?? '';
  if (formats.includes('mp4') || formats.includes('mov')) return 'mp4';
  // ffprobe names Matroska and WebM alike ("matroska,webm"); only the .webm flavour plays in a webview.
  if (formats.includes('webm') && extension === 'webm') return 'webm';
  return null;
}

/**
 * Why the webview cannot play this video as it is, or null when it can: an MP4/MOV/WebM container with
 * H.264, VP8, VP9 or AV1 video in 8-bit 4:2:0. Everything else gets an H.264 proxy for playback.
 */
export function playbackProxyReason(
  metadata: Pick<VideoMetadata, 'path' | 'container' | 'video_codec' | 'pixel_format' | 'bit_depth'>,
): string | null {
  const family = containerFamily(metadata);
  const container = metadata.container.split(',')[0] ?? metadata.container;
  if (!family) return `the ${container} container does not play in VS Code`;
  if (!PLAYABLE_CODECS[family].has(metadata.video_codec)) {
    return `${metadata.video_codec} video in ${family === 'mp4' ? 'MP4/MOV' : 'WebM'} does not play in VS Code`;
  }
  if (metadata.bit_depth > 8) return `${metadata.bit_depth}-bit video does not play in VS Code`;
  if (!PLAYABLE_PIXEL_FORMATS.has(metadata.pixel_format)) return `the ${metadata.pixel_format} pixel format does not play in VS Code`;
  return null;
}

export type PlaybackMetadata = Pick<VideoMetadata, 'path' | 'container' | 'video_codec' | 'pixel_format' | 'bit_depth'>;

/**
 * What the proxy decision needs, from one quick ffprobe of the container and the first video stream (no packet
 * scan, so it takes the same time for an hour of video as for a second).
 */
export async function probePlayback(path: string, tools: FfmpegTools, signal?: AbortSignal): Promise<PlaybackMetadata> {
  const run = await runProcess(
    tools.ffprobe,
    ['-v', 'error', '-hide_banner', '-select_streams', 'V:0', '-show_entries', 'format=format_name:stream=codec_name,pix_fmt,bits_per_raw_sample', '-of', 'json', path],
    signal,
  );
  let parsed: { format?: { format_name?: string }; streams?: { codec_name?: string; pix_fmt?: string; bits_per_raw_sample?: string }[] } = {};
  try {
    parsed = JSON.parse(run.stdout) as typeof parsed;
  } catch {
    // Reported below as unreadable.
  }
  const stream = parsed.streams?.[0];
  if (run.code !== 0 || !parsed.format?.format_name) {
    const detail = run.stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop()?.replace(`${path}: `, '') ?? 'ffprobe could not read it';
    throw new VideoInputError(path, `not a readable video (${detail})`, REENCODE_HINT);
  }
  if (!stream?.codec_name) throw new VideoInputError(path, 'has no video stream', 'Pass a video file');
  const pixelFormat = stream.pix_fmt ?? 'unknown';
  const raw = Number(stream.bits_per_raw_sample);
  const bitDepth = Number.isInteger(raw) && raw > 0 ? raw : Number(/p(\d+)(le|be)$/.exec(pixelFormat)?.[1] ?? 8);
  return { path, container: parsed.format.format_name, video_codec: stream.codec_name, pixel_format: pixelFormat, bit_depth: bitDepth };
}

export interface ProxyProgress {
  /** 0..1 of the source's duration encoded so far. */
  fraction: number;
}

export interface ProxyResult {
  path: string;
  /** True when an earlier run had already made it. */
  cached: boolean;
}

export class ProxyFailedError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: could not make a playable copy (${detail}). Open it with another player, or re-encode it: ffmpeg -i <file> -c:v libx264 -pix_fmt yuv420p out.mp4`);
    this.name = 'ProxyFailedError';
  }
}

export class ProxyCancelledError extends Error {
  constructor(readonly file: string) {
    super(`${file}: making a playable copy was cancelled`);
    this.name = 'ProxyCancelledError';
  }
}

// Seconds from ffmpeg's `-progress` output; `out_time_us` (and the misnamed `out_time_ms`) are microseconds.
function progressSeconds(line: string): number | undefined {
  const match = /^out_time_(?:us|ms)=(\d+)$/.exec(line.trim());
  return match ? Number(match[1]) / 1e6 : undefined;
}

function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'ffmpeg failed';
}

/**
 * ffmpeg arguments for the proxy: the first video stream as H.264 yuv420p (even size, display rotation applied),
 * every frame at its own timestamp (no trimming, no frame-rate change), no audio, moov atom first.
 */
export function proxyArguments(input: string, output: string): string[] {
  return [
    '-nostdin', '-hide_banner', '-v', 'error', '-nostats', '-progress', 'pipe:1',
    '-i', input,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2',
    '-fps_mode', 'passthrough',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-g', '30', '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart',
    '-f', 'mp4', '-y', output,
  ];
}

function transcode(
  tools: FfmpegTools,
  input: string,
  output: string,
  duration_s: number,
  onProgress: ((progress: ProxyProgress) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tools.ffmpeg, proxyArguments(input, output), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const seconds = progressSeconds(line);
        if (seconds !== undefined && duration_s > 0) onProgress?.({ fraction: Math.min(1, seconds / duration_s) });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(new ProxyCancelledError(input));
      else if (code === 0) resolve();
      else reject(new ProxyFailedError(input, lastLine(stderr)));
    });
  });
}

/** The container's duration, for progress; 0 when ffprobe does not know it (progress is then not reported). */
async function durationOf(path: string, tools: FfmpegTools, signal: AbortSignal | undefined): Promise<number> {
  const probe = await runProcess(tools.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', path], signal);
  const seconds = Number(probe.stdout.trim());
  return probe.code === 0 && Number.isFinite(seconds) ? seconds : 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

// Two requests for the same proxy share one transcode.
const inFlight = new Map<string, Promise<ProxyResult>>();

/**
 * An H.264 (yuv420p, +faststart) MP4 copy of the video for playback, cached in `cacheDir` under the hash of the
 * source's bytes and written atomically (a temporary file, then a rename). Timestamps are kept, so times on the
 * original's timeline are times on the proxy's. The model never reads the proxy.
 */
export async function proxyVideo(
  path: string,
  tools: FfmpegTools,
  cacheDir: string,
  onProgress?: (progress: ProxyProgress) => void,
  signal?: AbortSignal,
): Promise<ProxyResult> {
  signal?.throwIfAborted();
  const key = sha256OfText(PROXY_VERSION, await sha256OfFile(path));
  const target = join(cacheDir, `${key}.mp4`);
  if (await exists(target)) return { path: target, cached: true };
  const running = inFlight.get(target);
  if (running) {
    try {
      return await running;
    } catch (err) {
      // The other request may have been cancelled; this one still wants the proxy.
      if (signal?.aborted || !(err instanceof ProxyCancelledError)) throw err;
    }
  }
  const made = (async (): Promise<ProxyResult> => {
    await mkdir(cacheDir, { recursive: true });
    const duration_s = await durationOf(path, tools, signal);
    const tmp = join(cacheDir, `${key}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp.mp4`);
    try {
      await transcode(tools, path, tmp, duration_s, onProgress, signal);
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
    onProgress?.({ fraction: 1 });
    return { path: target, cached: false };
  })();
  inFlight.set(target, made);
  try {
    return await made;
  } finally {
    inFlight.delete(target);
  }
}
