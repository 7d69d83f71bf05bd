import { spawn } from 'node:child_process';
import type { SamplingPlan } from '../../shared/video';
import { samplingFilter, type RgbFrame } from './frameDecoder';
import type { FfmpegTools } from './ffmpegTools';

const SOI = 0xd8;
const EOI = 0xd9;

/** Splits a concatenated MJPEG byte stream into its JPEG images (SOI … EOI, skipping entropy-coded data safely). */
export function splitJpegStream(bytes: Buffer): Buffer[] {
  const images: Buffer[] = [];
  let start = -1;
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] !== 0xff) continue;
    const marker = bytes[i + 1]!;
    if (marker === SOI && start < 0) start = i;
    else if (marker === EOI && start >= 0) {
      images.push(bytes.subarray(start, i + 2));
      start = -1;
    }
  }
  return images;
}

function runFfmpeg(tools: FfmpegTools, args: string[], input: Buffer | null, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tools.ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', ...args], { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(err.trim().split('\n').pop() || `ffmpeg exited with ${code}`))));
    if (input) {
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input);
    }
  });
}

/** The plan's frames as JPEG images at the planned size (what an OpenAI-compatible server gets as `video/jpeg`). */
export async function encodePlanAsJpeg(path: string, plan: SamplingPlan, tools: FfmpegTools, quality = 2, signal?: AbortSignal): Promise<Buffer[]> {
  const bytes = await runFfmpeg(tools, ['-i', path, '-map', '0:v:0', '-vf', samplingFilter(plan), '-fps_mode', 'passthrough', '-c:v', 'mjpeg', '-q:v', String(quality), '-f', 'image2pipe', '-'], null, signal);
  const images = splitJpegStream(bytes);
  if (images.length === 0) throw new Error('ffmpeg produced no frames');
  while (images.length < plan.frames) images.push(images[images.length - 1]!);
  return images.slice(0, plan.frames);
}

/** Decodes JPEG images to RGB at one size (each image scaled with the sampler's bicubic filter). */
export async function decodeJpegFrames(images: Buffer[], width: number, height: number, tools: FfmpegTools, signal?: AbortSignal): Promise<RgbFrame[]> {
  const rgb = await runFfmpeg(
    tools,
    ['-f', 'image2pipe', '-c:v', 'mjpeg', '-i', 'pipe:0', '-vf', `scale=${width}:${height}:flags=bicubic`, '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'],
    Buffer.concat(images),
    signal,
  );
  const size = width * height * 3;
  if (rgb.length !== size * images.length) throw new Error(`decoded ${rgb.length / size} of ${images.length} frames`);
  return images.map((_, i) => ({ position: i, index: i, time_s: 0, width, height, data: rgb.subarray(i * size, (i + 1) * size) }));
}

/** Size of a baseline or progressive JPEG (from its SOFn segment). */
export function jpegSize(image: Buffer): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < image.length) {
    if (image[i] !== 0xff) return null;
    const marker = image[i + 1]!;
    const length = image.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: image.readUInt16BE(i + 5), width: image.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return null;
}
