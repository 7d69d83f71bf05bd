import { spawn } from 'node:child_process';
import type { SamplingPlan } from '../../shared/video';
import { once } from 'node:events';
import { decodeFrames, type RgbFrame } from './frameDecoder';
import { resizeRgb } from './rgbResize';
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

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Splits concatenated PNG files (signature, chunks up to IEND). */
export function splitPngStream(bytes: Buffer): Buffer[] {
  const images: Buffer[] = [];
  let start = 0;
  while (start + 8 <= bytes.length && bytes.subarray(start, start + 8).equals(PNG_SIGNATURE)) {
    let i = start + 8;
    for (;;) {
      if (i + 12 > bytes.length) return images;
      const length = bytes.readUInt32BE(i);
      const type = bytes.toString('latin1', i + 4, i + 8);
      i += 12 + length;
      if (type === 'IEND') break;
    }
    images.push(bytes.subarray(start, i));
    start = i;
  }
  return images;
}

export const isPng = (image: Buffer): boolean => image.length >= 8 && image.subarray(0, 8).equals(PNG_SIGNATURE);

function runFfmpeg(tools: FfmpegTools, args: string[], input: Buffer | AsyncIterable<Uint8Array> | null, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tools.ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', ...args], { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(err.trim().split('\n').pop() || `ffmpeg exited with ${code}`))));
    if (!input) return;
    child.stdin!.on('error', () => undefined);
    if (Buffer.isBuffer(input)) {
      child.stdin!.end(input);
      return;
    }
    void (async () => {
      try {
        for await (const chunk of input) {
          if (!child.stdin!.write(chunk)) await once(child.stdin!, 'drain');
        }
        child.stdin!.end();
      } catch (error) {
        child.kill();
        reject(error);
      }
    })();
  });
}

/** Lossy JPEG (what vLLM's `video/jpeg` data URLs carry) or lossless PNG, which vLLM's frame loader opens as well. */
export type FrameImageFormat = 'jpeg' | 'png';

/**
 * The frames the local model would see (exact decode, the rule's resize, any timestamp band), encoded as images
 * for an OpenAI-compatible server. The frames stream into the encoder; only the encoded images are held.
 */
export async function encodePlanFrames(path: string, plan: SamplingPlan, tools: FfmpegTools, format: FrameImageFormat, signal?: AbortSignal): Promise<Buffer[]> {
  async function* raw(): AsyncGenerator<Uint8Array> {
    for await (const frame of decodeFrames(path, plan, tools, signal)) yield frame.data;
  }
  const codec = format === 'png' ? ['-c:v', 'png', '-compression_level', '3'] : ['-c:v', 'mjpeg', '-q:v', '2'];
  const bytes = await runFfmpeg(
    tools,
    ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${plan.width}x${plan.height}`, '-framerate', '1', '-i', 'pipe:0', ...codec, '-f', 'image2pipe', '-'],
    raw(),
    signal,
  );
  const images = format === 'png' ? splitPngStream(bytes) : splitJpegStream(bytes);
  if (images.length !== plan.frames) throw new Error(`the encoder returned ${images.length} of ${plan.frames} frames`);
  return images;
}

/**
 * Decodes frame images (JPEG or PNG, all of one size) to RGB and resizes them to one size with torchvision's
 * antialiased bicubic, as the processor resizes a frame list.
 */
export async function decodeJpegFrames(images: Buffer[], width: number, height: number, tools: FfmpegTools, signal?: AbortSignal): Promise<RgbFrame[]> {
  const png = isPng(images[0]!);
  const size = png ? pngSize(images[0]!) : jpegSize(images[0]!);
  if (!size) throw new Error(`the first frame is not a readable ${png ? 'PNG' : 'JPEG'} image`);
  const rgb = await runFfmpeg(
    tools,
    ['-f', 'image2pipe', '-c:v', png ? 'png' : 'mjpeg', '-i', 'pipe:0', '-vf', `scale=${size.width}:${size.height},format=rgb24`, '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'],
    Buffer.concat(images),
    signal,
  );
  const full = size.width * size.height * 3;
  if (rgb.length !== full * images.length) throw new Error(`decoded ${rgb.length / full} of ${images.length} frames`);
  return images.map((_, i) => {
    const data = resizeRgb({ width: size.width, height: size.height, data: rgb.subarray(i * full, (i + 1) * full) }, width, height, 'torchvision');
    return { position: i, index: i, time_s: 0, width, height, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  });
}

/** Size of a PNG image (from its IHDR chunk). */
export function pngSize(image: Buffer): { width: number; height: number } | null {
  if (!isPng(image) || image.length < 24 || image.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: image.readUInt32BE(16), height: image.readUInt32BE(20) };
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
