import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256OfFile, sha256OfText } from '../store/fileHash';
import { samplingFilter } from './frameDecoder';
import type { FfmpegTools } from './ffmpegTools';
import { runProcess } from './runProcess';
import { thumbnailBandFilter, timestampFontDir, timestampLabel } from './timestampBand';

/** Bump when the thumbnails' encoding changes. */
const THUMBNAILS_VERSION = 'thumbnails/1';
export const THUMBNAIL_WIDTH = 160;

export interface ThumbnailFrames {
  /** Indices into the decoded frame sequence, strictly increasing (a sampling plan's `frame_indices`). */
  frame_indices: readonly number[];
  /** The time of each frame, in seconds from the first frame (the plan's `frame_times_s`). */
  frame_times_s: readonly number[];
}

export interface Thumbnail {
  /** Position in the list asked for. */
  position: number;
  index: number;
  time_s: number;
  /** A JPEG file, THUMBNAIL_WIDTH pixels wide. */
  path: string;
}

export interface ThumbnailsResult {
  thumbnails: Thumbnail[];
  cached: boolean;
}

/**
 * The frame index shown at each time: the frame whose presentation time is nearest. `allFrameTimes` are every
 * frame's times from the first frame (as ffprobe's packet times give them); empty means a constant rate `fps`.
 */
export function frameIndicesForTimes(times_s: readonly number[], allFrameTimes: readonly number[], fps: number, frameCount: number): number[] {
  return times_s.map((time) => {
    if (allFrameTimes.length === 0) return Math.min(Math.max(0, Math.round(time * fps)), Math.max(0, frameCount - 1));
    let low = 0;
    let high = allFrameTimes.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (allFrameTimes[mid]! < time) low = mid + 1;
      else high = mid;
    }
    const before = low > 0 ? low - 1 : low;
    return Math.abs(allFrameTimes[before]! - time) <= Math.abs(allFrameTimes[low]! - time) ? before : low;
  });
}

function checkFrames(frames: ThumbnailFrames): void {
  const { frame_indices: indices, frame_times_s: times } = frames;
  if (indices.length === 0) throw new RangeError('no frames asked for');
  if (indices.length !== times.length) throw new RangeError('frame_indices and frame_times_s differ in length');
  for (let i = 0; i < indices.length; i++) {
    if (!Number.isInteger(indices[i]) || indices[i]! < 0 || (i > 0 && indices[i]! <= indices[i - 1]!)) {
      throw new RangeError('frame indices must be non-negative integers in increasing order');
    }
  }
}

async function isComplete(dir: string, count: number): Promise<boolean> {
  try {
    const files = await readdir(dir);
    return files.filter((f) => f.endsWith('.jpg')).length >= count && (await stat(join(dir, fileName(count - 1)))).size > 0;
  } catch {
    return false;
  }
}

const fileName = (position: number): string => `${String(position + 1).padStart(4, '0')}.jpg`;

/**
 * Small JPEGs of the given frames (the frames the model saw), decoded in one ffmpeg pass that selects them by
 * frame number, with the display rotation applied. Cached in `outDir` by the video's bytes, the frames and the
 * width; a folder of thumbnails appears whole (written beside, then renamed) or not at all.
 */
export async function frameThumbnails(
  path: string,
  frames: ThumbnailFrames,
  tools: FfmpegTools,
  outDir: string,
  signal?: AbortSignal,
  overlay?: { frameWidth: number; bandHeight: number },
): Promise<ThumbnailsResult> {
  checkFrames(frames);
  const count = frames.frame_indices.length;
  const key = sha256OfText(THUMBNAILS_VERSION, await sha256OfFile(path), JSON.stringify(frames.frame_indices), String(THUMBNAIL_WIDTH), JSON.stringify(overlay ?? null));
  const dir = join(outDir, key);
  const thumbnails = frames.frame_indices.map((index, position) => ({
    position,
    index,
    time_s: frames.frame_times_s[position]!,
    path: join(dir, fileName(position)),
  }));
  if (await isComplete(dir, count)) return { thumbnails, cached: true };

  const tmp = `${dir}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  await mkdir(tmp, { recursive: true });
  try {
    const scaled = samplingFilter({ frame_indices: [...frames.frame_indices], width: THUMBNAIL_WIDTH, height: -2 });
    const filter = overlay ? `${scaled},${thumbnailBandFilter(frames.frame_times_s.map(timestampLabel), THUMBNAIL_WIDTH / overlay.frameWidth, overlay.bandHeight)}` : scaled;
    const run = await runProcess(
      tools.ffmpeg,
      ['-nostdin', '-hide_banner', '-v', 'error', '-i', path, '-map', '0:v:0', '-an', '-sn', '-dn', '-vf', filter,
        '-fps_mode', 'passthrough', '-frames:v', String(count), '-q:v', '5', '-f', 'image2', join(tmp, '%04d.jpg')],
      signal,
      overlay ? timestampFontDir() : undefined,
    );
    signal?.throwIfAborted();
    const made = (await readdir(tmp)).filter((f) => f.endsWith('.jpg')).sort();
    if (run.code !== 0 || made.length === 0) {
      const detail = run.stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'ffmpeg wrote no frames';
      throw new Error(`${path}: could not make frame thumbnails (${detail})`);
    }
    // A damaged tail yields fewer frames than asked for: repeat the last one, as the model's decoder does.
    for (let position = made.length; position < count; position++) {
      await copyFile(join(tmp, made[made.length - 1]!), join(tmp, fileName(position)));
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir).catch(async (err: unknown) => {
      // Another process made the same thumbnails in the meantime.
      if (!(await isComplete(dir, count))) throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { thumbnails, cached: false };
}
