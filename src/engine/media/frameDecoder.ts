import type { SamplingPlan } from '../../shared/video';
import { startFfmpeg } from './ffmpegCommand';
import type { FfmpegTools } from './ffmpegTools';
import { modelFrame } from './modelFrame';
import { resizePool } from './resizePool';
import { renderTimestampBands, timestampLabel } from './timestampBand';

/** One sampled frame: packed RGB24, `height` rows of `width * 3` bytes. */
export interface RgbFrame {
  /** Position in the plan (0-based). */
  position: number;
  /** Index of the frame in the source video. */
  index: number;
  time_s: number;
  width: number;
  height: number;
  data: Buffer;
}

/**
 * A sum of terms nested in groups of at most 8: ffmpeg's expression parser rejects a flat chain of more than ~100
 * terms, and a balanced tree keeps hundreds of frames well inside that limit.
 */
function balancedSum(terms: readonly string[]): string {
  if (terms.length <= 8) return terms.join('+');
  const size = Math.ceil(terms.length / 8);
  const groups: string[] = [];
  for (let i = 0; i < terms.length; i += size) groups.push(`(${balancedSum(terms.slice(i, i + size))})`);
  return groups.join('+');
}

/** ffmpeg's `select` for the given frame numbers (decode order = presentation order after the decoder). */
export function selectFilter(frameIndices: readonly number[]): string {
  return `select='${balancedSum(frameIndices.map((i) => `eq(n\\,${i})`))}'`;
}

/** Select and scale in one ffmpeg filter (scaled in YUV): for thumbnails and the benchmark's baseline, never for the model. */
export function samplingFilter(plan: Pick<SamplingPlan, 'frame_indices' | 'width' | 'height'>): string {
  return `${selectFilter(plan.frame_indices)},scale=${plan.width}:${plan.height}:flags=bicubic`;
}

/** Raw video out of one filter chain: the first video stream only, every filtered frame kept. */
const rawOutputOptions = (filter: string): string[] => ['-map', '0:v:0', '-an', '-sn', '-dn', '-vf', filter, '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24'];

export const SAMPLING_OUTPUT_OPTIONS = (plan: Pick<SamplingPlan, 'frame_indices' | 'width' | 'height'>): string[] => rawOutputOptions(samplingFilter(plan));

/**
 * The reference decode: the selected frames at full size, converted to RGB by ffmpeg's default conversion (the
 * stream's colour matrix, BT.601 when untagged), exactly what `ffmpeg -pix_fmt rgb24` gives the Python readers.
 */
export const FULL_RGB_OUTPUT_OPTIONS = (frameIndices: readonly number[]): string[] => rawOutputOptions(`${selectFilter(frameIndices)},format=rgb24`);

/**
 * Decodes the plan's frames to RGB at full size and turns each into the frame the model sees, one frame at a time. Memory stays at a frame or two
 * whatever the video's length: the pipe applies backpressure while the caller works on a frame.
 * Plan indices are strictly increasing, so the n-th frame out of ffmpeg is the plan's n-th.
 * If the decoder yields fewer frames than the plan (a damaged tail), the last frame is repeated, as the reference pads.
 */
export async function* decodeFrames(
  path: string,
  plan: SamplingPlan,
  tools: FfmpegTools,
  signal?: AbortSignal,
): AsyncGenerator<RgbFrame> {
  signal?.throwIfAborted();
  const frameBytes = plan.source_width * plan.source_height * 3;
  const bands = plan.band_height > 0 ? await renderTimestampBands(plan.frame_times_s.map(timestampLabel), plan.resized_width, plan.band_height, tools, signal) : [];
  const running = startFfmpeg({ ffmpegPath: tools.ffmpeg, input: path, outputOptions: FULL_RGB_OUTPUT_OPTIONS(plan.frame_indices), format: 'rawvideo', bufferBytes: 2 * frameBytes });
  const onAbort = () => running.kill();
  signal?.addEventListener('abort', onAbort, { once: true });
  let last: RgbFrame | undefined;
  const frameAt = (position: number, data: Buffer): RgbFrame => ({
    position,
    index: plan.frame_indices[position]!,
    time_s: plan.frame_times_s[position]!,
    width: plan.width,
    height: plan.height,
    data,
  });
  const pool = resizePool();
  // Frames being resized (in order); a worker pool keeps a few in flight while ffmpeg decodes the next.
  const inFlight: { position: number; data: Promise<Uint8Array> }[] = [];
  const depth = pool ? pool.size + 1 : 0;
  let decoded = 0;
  const emit = async (item: { position: number; data: Promise<Uint8Array> }): Promise<RgbFrame> => {
    const seen = await item.data;
    last = frameAt(item.position, Buffer.from(seen.buffer, seen.byteOffset, seen.byteLength));
    return last;
  };
  try {
    let current = new Uint8Array(frameBytes);
    let filled = 0;
    for await (const chunk of running.output as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        current.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          const position = decoded++;
          if (position < plan.frames) {
            if (pool) {
              inFlight.push({ position, data: pool.run(current, plan, bands[position]) });
              current = new Uint8Array(frameBytes);
              while (inFlight.length >= depth) yield await emit(inFlight.shift()!);
            } else {
              yield await emit({ position, data: Promise.resolve(modelFrame(current, plan, bands[position])) });
            }
          }
          filled = 0;
        }
      }
    }
    while (inFlight.length > 0) yield await emit(inFlight.shift()!);
    await running.done;
    signal?.throwIfAborted();
    if (!last) throw new Error('ffmpeg produced no frames');
    for (let position = last.position + 1; position < plan.frames; position++) yield frameAt(position, last.data);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    running.kill();
  }
}
