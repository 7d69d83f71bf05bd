import type { RgbFrame } from '../media/frameDecoder';

/** Qwen2.5-VL image-processor settings that shape the vision input (from preprocessor_config.json). */
export interface VisionPreprocessing {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  rescale: number;
  patchSize: number;
  temporalPatchSize: number;
  mergeSize: number;
}

export interface VideoPatches {
  /** `pixel_values_videos`: rows of channel·temporal·patch·patch values. */
  pixelValues: Float32Array;
  rows: number;
  rowLength: number;
  /** `video_grid_thw`. */
  grid: [t: number, h: number, w: number];
  /** Number of `<|video_pad|>` tokens (= vision features) after the 2×2 merge. */
  tokens: number;
}

/**
 * Normalises frames and lays them out exactly as the Hugging Face Qwen2-VL processor does: rows ordered
 * (t, merge-row, merge-col, inner-row, inner-col), each row ordered (channel, temporal, y, x). Frames are consumed
 * one at a time into one preallocated buffer; an odd final frame is repeated, as the reference pads.
 */
export async function videoPatches(frames: AsyncIterable<RgbFrame>, frameCount: number, width: number, height: number, p: VisionPreprocessing): Promise<VideoPatches> {
  const { patchSize: ps, temporalPatchSize: tps, mergeSize: ms } = p;
  const unit = ps * ms;
  if (width % unit || height % unit) throw new Error(`frame size ${width}x${height} is not a multiple of ${unit}`);
  const gridT = Math.ceil(frameCount / tps);
  const gridH = height / ps;
  const gridW = width / ps;
  const rowLength = 3 * tps * ps * ps;
  const rows = gridT * gridH * gridW;
  const out = new Float32Array(rows * rowLength);
  // Per-channel affine map: (v · rescale − mean) / std, as one multiply-add per value.
  const scale = [0, 1, 2].map((c) => p.rescale / p.std[c]!);
  const shift = [0, 1, 2].map((c) => -p.mean[c]! / p.std[c]!);
  const mergedW = gridW / ms;

  const place = (data: Buffer, t: number, tp: number) => {
    for (let y = 0; y < height; y++) {
      const gy = Math.floor(y / ps);
      const py = y % ps;
      const rowBase = (Math.floor(gy / ms) * mergedW) * ms * ms + (gy % ms) * ms;
      for (let x = 0; x < width; x++) {
        const gx = Math.floor(x / ps);
        const row = t * gridH * gridW + rowBase + Math.floor(gx / ms) * ms * ms + (gx % ms);
        const colBase = row * rowLength + (tp * ps + py) * ps + (x % ps);
        const src = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) out[colBase + c * tps * ps * ps] = data[src + c]! * scale[c]! + shift[c]!;
      }
    }
  };

  let position = 0;
  let last: Buffer | undefined;
  for await (const frame of frames) {
    if (frame.width !== width || frame.height !== height) throw new Error(`frame ${frame.position} is ${frame.width}x${frame.height}, expected ${width}x${height}`);
    if (position >= gridT * tps) break;
    place(frame.data, Math.floor(position / tps), position % tps);
    last = frame.data;
    position++;
  }
  if (!last) throw new Error('no frames to encode');
  for (; position < gridT * tps; position++) place(last, Math.floor(position / tps), position % tps);
  return { pixelValues: out, rows, rowLength, grid: [gridT, gridH, gridW], tokens: rows / (ms * ms) };
}
