import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FfmpegTools } from './ffmpegTools';
import { runProcess } from './runProcess';

/** NVIDIA's overlay text: DejaVu Sans Mono, 20 px, white on black, alternating between the left and right halves. */
export const TIMESTAMP_FONT_FILE = 'DejaVuSansMono.ttf';
export const TIMESTAMP_FONT_SIZE = 20;
const POSITIONS = 2;

/** The label drawn under a frame: its presentation time with two decimals, as the recipe formats it. */
export const timestampLabel = (seconds: number): string => `${seconds.toFixed(2)}s`;

/** The font shipped beside the bundle (dist/../media/fonts) or the sources (src/engine/media/../../../media/fonts). */
export function timestampFontDir(): string {
  const candidates = [resolve(__dirname, '..', 'media', 'fonts'), resolve(__dirname, '..', '..', '..', 'media', 'fonts')];
  return candidates.find((dir) => existsSync(join(dir, TIMESTAMP_FONT_FILE))) ?? candidates[0]!;
}

export class TimestampOverlayError extends Error {
  constructor(detail: string) {
    super(`cannot draw the timestamp overlay: ${detail}. The overlay needs ffmpeg built with libfreetype (the drawtext filter; Debian/Ubuntu, Homebrew and the usual Windows builds have it), or set video.timestamps: none in the prompt file.`);
    this.name = 'TimestampOverlayError';
  }
}

/** sendcmd + drawtext that write one label per frame, centred in the frame's half of a band at the bottom. */
function labelFilter(labels: readonly string[], fontSize: number, bandTop: string, bandHeight: number): string {
  if (labels.some((l) => !/^[0-9.]+s$/.test(l))) throw new RangeError(`timestamp labels must look like 1.25s: ${labels.join(', ')}`);
  const commands = labels.map((label, i) => `${i} drawtext reinit text=${label}`).join(';');
  const x = `max(0\\,min(mod(n\\,${POSITIONS})*trunc(W/${POSITIONS})+trunc(trunc(W/${POSITIONS})/2)-trunc(tw/2)\\,W-tw))`;
  return `sendcmd=c='${commands}',drawtext=fontfile=${TIMESTAMP_FONT_FILE}:fontsize=${fontSize}:fontcolor=white:text=0:x=${x}:y=${bandTop}+trunc((${bandHeight}-th)/2)`;
}

/**
 * The band under a thumbnail, scaled by `scale` from the model's frame: padded below the picture, labels drawn as
 * in the model's frames. For a filter chain whose frames are numbered from 0 in order (after a select); run ffmpeg
 * in timestampFontDir().
 */
export function thumbnailBandFilter(labels: readonly string[], scale: number, bandHeight: number): string {
  const band = Math.max(8, Math.round(bandHeight * scale));
  const font = Math.max(6, Math.round(TIMESTAMP_FONT_SIZE * scale));
  return `setpts=N/TB,pad=iw:ih+${band}:0:0:black,${labelFilter(labels, font, `H-${band}`, band)}`;
}

/**
 * Renders one band per label (8-bit coverage, `height` rows of `width` bytes; 0 = black, 255 = white text), one
 * ffmpeg run for all of them: a black clip with one frame per label, each frame's text set by `sendcmd`. The text is
 * centred in its half of the band (even frames left, odd frames right) and vertically, as in the recipe.
 */
export async function renderTimestampBands(labels: readonly string[], width: number, height: number, tools: FfmpegTools, signal?: AbortSignal): Promise<Uint8Array[]> {
  if (labels.length === 0) return [];
  const filter = labelFilter(labels, TIMESTAMP_FONT_SIZE, '0', height);
  const fontDir = timestampFontDir();
  if (!existsSync(join(fontDir, TIMESTAMP_FONT_FILE))) throw new TimestampOverlayError(`the font ${join(fontDir, TIMESTAMP_FONT_FILE)} is missing (reinstall Cosmos Critic)`);
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', `color=c=black:s=${width}x${height}:r=1:d=${labels.length}`, '-vf', filter, '-frames:v', String(labels.length), '-pix_fmt', 'gray', '-f', 'rawvideo', '-'];
  const run = await runProcess(tools.ffmpeg, args, signal, fontDir);
  const size = width * height;
  if (run.code !== 0 || run.stdoutBytes.length !== size * labels.length) {
    throw new TimestampOverlayError(run.stderr.trim().split('\n').pop() || `ffmpeg drew ${Math.floor(run.stdoutBytes.length / size)} of ${labels.length} bands`);
  }
  // Copies, not views: each band travels to a resize worker on its own.
  return labels.map((_, i) => new Uint8Array(run.stdoutBytes.subarray(i * size, (i + 1) * size)));
}

/** Appends the band under a packed RGB frame: white text over black, the coverage as the grey level. */
export function withBand(frame: Uint8Array, width: number, height: number, band: Uint8Array, bandHeight: number): Uint8Array {
  const out = new Uint8Array(width * (height + bandHeight) * 3);
  out.set(frame.subarray(0, width * height * 3));
  const offset = width * height * 3;
  for (let i = 0; i < width * bandHeight; i++) {
    const v = band[i]!;
    out[offset + i * 3] = v;
    out[offset + i * 3 + 1] = v;
    out[offset + i * 3 + 2] = v;
  }
  return out;
}
