import { join, resolve } from 'node:path';
import type { CancellationToken } from 'vscode-languageserver/node';
import { ffprobeVideo } from '../engine/media/ffprobe';
import { locateFfmpeg } from '../engine/media/ffmpegTools';
import { frameIndicesForTimes, frameThumbnails } from '../engine/media/frameThumbnails';
import { checkVideoFile } from '../engine/media/probeVideo';
import { defaultCacheDir } from '../engine/store/cacheStore';
import type { CriticServerOptions, ThumbnailsOutcome, ThumbnailsParams } from '../shared/requests';
import { abortSignalFor } from './cancellation';
import { cancelledError, fileErrorOf } from './fileError';

const MAX_FRAMES = 2000;

function isNumberList(value: unknown, integers: boolean): value is number[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= MAX_FRAMES &&
    value.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0 && (!integers || Number.isInteger(x)))
  );
}

/** `critic/thumbnails`: one small JPEG per frame time (or index), from one ffmpeg pass, cached. */
export function createThumbnailsHandler(getOptions: () => CriticServerOptions) {
  return async (params: ThumbnailsParams, token: CancellationToken): Promise<ThumbnailsOutcome> => {
    const signal = abortSignalFor(token);
    const file = resolve(params.path);
    try {
      const byIndex = params.frameIndices !== undefined;
      if (byIndex ? !isNumberList(params.frameIndices, true) : !isNumberList(params.frameTimes, false)) {
        return { ok: false, error: { file, message: `${file}: give frameTimes (seconds) or frameIndices, 1 to ${MAX_FRAMES} non-negative numbers`, code: 'request-invalid' } };
      }
      const options = getOptions();
      const tools = locateFfmpeg(options.ffmpegPath);
      const size = await checkVideoFile(file);
      const { metadata, frameTimes } = await ffprobeVideo(file, size, tools, signal);
      const timeOf = (index: number): number => frameTimes[index] ?? index / metadata.fps;
      const wanted = byIndex
        ? params.frameIndices!.map((index) => ({ index, time_s: timeOf(index) }))
        : frameIndicesForTimes(params.frameTimes!, frameTimes, metadata.fps, metadata.frame_count).map((index, k) => ({ index, time_s: params.frameTimes![k]! }));
      const last = wanted.find((w) => w.index >= metadata.frame_count);
      if (last) return { ok: false, error: { file, message: `${file}: frame ${last.index} is past the last frame (${metadata.frame_count - 1})`, code: 'request-invalid' } };

      // Several times can show the same frame; each frame is decoded once.
      const indices = [...new Set(wanted.map((w) => w.index))].sort((a, b) => a - b);
      const outDir = params.outDir || join(options.cacheDir || defaultCacheDir(), 'thumbnails');
      const overlay = params.overlay;
      if (overlay && !(Number.isInteger(overlay.frameWidth) && overlay.frameWidth >= 28 && overlay.frameWidth <= 16384 && Number.isInteger(overlay.bandHeight) && overlay.bandHeight >= 1 && overlay.bandHeight <= 256)) {
        return { ok: false, error: { file, message: `${file}: overlay needs frameWidth 28–16384 and bandHeight 1–256 (whole pixels)`, code: 'request-invalid' } };
      }
      const made = await frameThumbnails(file, { frame_indices: indices, frame_times_s: indices.map(timeOf) }, tools, outDir, signal, overlay);
      const pathOf = new Map(made.thumbnails.map((t) => [t.index, t.path]));
      return { ok: true, cached: made.cached, thumbnails: wanted.map((w) => ({ index: w.index, time_s: w.time_s, path: pathOf.get(w.index)! })) };
    } catch (err) {
      if (signal.aborted) throw cancelledError('thumbnails cancelled');
      return { ok: false, error: fileErrorOf(file, err) };
    }
  };
}
