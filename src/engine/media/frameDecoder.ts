import type { SamplingPlan } from '../../shared/video';
import { startFfmpeg } from './ffmpegCommand';
import type { FfmpegTools } from './ffmpegTools';

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

/** The ffmpeg filter that picks the plan's frames (by decoded frame number) and scales them. Shared with the benchmark baseline. */
export function samplingFilter(plan: Pick<SamplingPlan, 'frame_indices' | 'width' | 'height'>): string {
  const select = balancedSum(plan.frame_indices.map((i) => `eq(n\\,${i})`));
  return `select='${select}',scale=${plan.width}:${plan.height}:flags=bicubic`;
}

export const SAMPLING_OUTPUT_OPTIONS = (plan: Pick<SamplingPlan, 'frame_indices' | 'width' | 'height'>): string[] => [
  '-map',
  '0:v:0',
  '-an',
  '-sn',
  '-dn',
  '-vf',
  samplingFilter(plan),
  '-fps_mode',
  'passthrough',
  '-pix_fmt',
  'rgb24',
];

/**
 * Decodes the plan's frames straight to RGB at the planned size, one frame at a time. Memory stays at a frame or two
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
  const frameBytes = plan.width * plan.height * 3;
  const running = startFfmpeg({ ffmpegPath: tools.ffmpeg, input: path, outputOptions: SAMPLING_OUTPUT_OPTIONS(plan), format: 'rawvideo', bufferBytes: 2 * frameBytes });
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
  try {
    let current = Buffer.allocUnsafe(frameBytes);
    let filled = 0;
    for await (const chunk of running.output as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        chunk.copy(current, filled, offset, offset + n);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          const position = (last?.position ?? -1) + 1;
          if (position < plan.frames) {
            last = frameAt(position, current);
            yield last;
          }
          current = Buffer.allocUnsafe(frameBytes);
          filled = 0;
        }
      }
    }
    await running.done;
    signal?.throwIfAborted();
    if (!last) throw new Error('ffmpeg produced no frames');
    for (let position = last.position + 1; position < plan.frames; position++) yield frameAt(position, last.data);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    running.kill();
  }
}
