import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SamplingOptions, VideoProbe } from '../../shared/video';
import { ffprobeVideo } from './ffprobe';
import type { FfmpegTools } from './ffmpegTools';
import { SamplingError, planSampling, type SourceVideo } from './samplingPlan';
import type { SamplingPlan } from '../../shared/video';
import { VideoInputError } from './videoInputError';

/** Checks that `path` is a readable, non-empty file before any tool runs, so the error says what is really wrong. */
export async function checkVideoFile(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new VideoInputError(path, 'is a directory, not a video file', 'Pass the video files inside it');
    if (!info.isFile()) throw new VideoInputError(path, 'is not a regular file', 'Pass a video file');
    if (info.size === 0) throw new VideoInputError(path, 'is empty (0 bytes)', 'Re-export or re-copy the video');
    return info.size;
  } catch (err) {
    if (err instanceof VideoInputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VideoInputError(path, 'no such file', 'Check the path');
    if (code === 'EACCES') throw new VideoInputError(path, 'cannot be read (permission denied)', 'Fix its permissions');
    throw new VideoInputError(path, `cannot be read (${code ?? String(err)})`, 'Check the path and its permissions');
  }
}

/** Everything the model pipeline needs to know before decoding: ffprobe metadata and the frame-sampling plan. */
export async function probeVideo(
  inputPath: string,
  tools: FfmpegTools,
  sampling: SamplingOptions = {},
  signal?: AbortSignal,
  /** The model family's planner (Qwen3-VL models plan in multiples of 32); default: the Qwen2.5-VL planner. */
  planner: (source: SourceVideo, options: SamplingOptions) => SamplingPlan = planSampling,
): Promise<VideoProbe> {
  const path = resolve(inputPath);
  const size = await checkVideoFile(path);
  const { metadata, frameTimes } = await ffprobeVideo(path, size, tools, signal);
  try {
    const plan = planner(
      { frameCount: metadata.frame_count, fps: metadata.fps, width: metadata.width, height: metadata.height, frameTimes },
      sampling,
    );
    return { video: metadata, plan };
  } catch (err) {
    if (err instanceof SamplingError || err instanceof RangeError) {
      throw new VideoInputError(path, err.message, 'Use a longer or differently shaped clip, or change the prompt\'s video settings');
    }
    throw err;
  }
}
