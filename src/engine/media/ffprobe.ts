import { basename } from 'node:path';
import type { VideoMetadata } from '../../shared/video';
import type { FfmpegTools } from './ffmpegTools';
import { runProcess } from './runProcess';
import { REENCODE_HINT, VideoInputError } from './videoInputError';

/** Metadata plus the presentation time of every frame (needed for VFR-correct frame times). */
export interface ProbedVideo {
  metadata: VideoMetadata;
  frameTimes: number[];
}

interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  bits_per_raw_sample?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; size?: string };
}

const STILL_IMAGE_CODECS = new Set(['png', 'mjpeg', 'bmp', 'gif', 'webp', 'tiff', 'jpegls', 'qoi', 'pam', 'ppm', 'pgm']);

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [num, den] = rate.split('/').map(Number);
  if (!Number.isFinite(num) || !den) return 0;
  return num! / den;
}

function firstErrorLine(stderr: string, path: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  if (!line) return 'ffprobe could not read it';
  // ffprobe prefixes errors with the file name; the caller already names the file.
  const withoutPath = line.startsWith(path) ? line.slice(path.length).replace(/^:\s*/, '') : line;
  return withoutPath.replace(/^\[[^\]]+\]\s*/, '');
}

function rotationOf(stream: FfprobeStream): number {
  const matrix = stream.side_data_list?.find((s) => typeof s.rotation === 'number');
  // Reported as ffprobe reports the display matrix; only a quarter turn (which swaps width and height) changes the frame size.
  const degrees = matrix ? (matrix.rotation as number) : Number(stream.tags?.rotate ?? 0);
  return (((Math.round(degrees) % 360) + 360) % 360) || 0;
}

function bitDepthOf(stream: FfprobeStream): number {
  const raw = Number(stream.bits_per_raw_sample);
  if (Number.isInteger(raw) && raw > 0) return raw;
  const m = /p(\d+)(le|be)$/.exec(stream.pix_fmt ?? '');
  return m ? Number(m[1]) : 8;
}

/** Presentation times of the video stream's frames, from a demux-only pass (no decoding). */
function parsePacketTimes(csv: string): number[] {
  const times: number[] = [];
  for (const line of csv.split('\n')) {
    if (!line) continue;
    const fields = Object.fromEntries(line.split('|').map((kv) => kv.split('=') as [string, string]));
    if (fields.flags?.includes('D')) continue; // discarded (e.g. before an edit list's start): never shown
    const t = Number(fields.pts_time !== 'N/A' ? fields.pts_time : fields.dts_time);
    times.push(Number.isFinite(t) ? t : NaN);
  }
  if (times.some(Number.isNaN)) return [];
  times.sort((a, b) => a - b);
  const first = times[0] ?? 0;
  return times.map((t) => t - first);
}

function isVariableFrameRate(times: readonly number[]): boolean {
  if (times.length < 3) return false;
  let min = Infinity;
  let max = 0;
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d <= 0) continue;
    min = Math.min(min, d);
    max = Math.max(max, d);
  }
  return max > min * 1.5 && max - min > 0.002;
}

export async function ffprobeVideo(path: string, sizeBytes: number, tools: FfmpegTools, signal?: AbortSignal): Promise<ProbedVideo> {
  const [info, packets] = await Promise.all([
    runProcess(tools.ffprobe, ['-v', 'error', '-hide_banner', '-show_format', '-show_streams', '-of', 'json', path], signal),
    runProcess(
      tools.ffprobe,
      ['-v', 'error', '-hide_banner', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,dts_time,flags', '-of', 'compact=p=0', path],
      signal,
    ),
  ]);
  if (info.code !== 0) {
    throw new VideoInputError(path, `not a readable video (${firstErrorLine(info.stderr, path)})`, REENCODE_HINT);
  }
  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(info.stdout) as FfprobeOutput;
  } catch {
    throw new VideoInputError(path, 'ffprobe returned output that could not be read', REENCODE_HINT);
  }
  const streams = parsed.streams ?? [];
  const format = parsed.format ?? {};
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === 'audio');
  const container = format.format_name ?? 'unknown';
  if (!video) {
    const what = audio ? `audio only (${audio.codec_name ?? 'unknown codec'})` : `no video or audio stream (${container})`;
    throw new VideoInputError(path, `has no video stream: ${what}`, 'Pass a video file');
  }
  const frameTimes = packets.code === 0 ? parsePacketTimes(packets.stdout) : [];
  const frameCount = frameTimes.length || Number(video.nb_frames ?? 0);
  if (/(^|,)image2$|_pipe$/.test(container) || (STILL_IMAGE_CODECS.has(video.codec_name ?? '') && frameCount <= 1)) {
    throw new VideoInputError(
      path,
      `is a still image (${video.codec_name ?? container}), not a video`,
      `Rename it to its real type, or make a video from it: ffmpeg -loop 1 -t 5 -i ${basename(path)} out.mp4`,
    );
  }
  if (!video.width || !video.height) {
    throw new VideoInputError(path, `the video stream (${video.codec_name ?? 'unknown codec'}) has no frame size`, REENCODE_HINT);
  }

  const lastFrameGap = frameTimes.length > 1 ? frameTimes[frameTimes.length - 1]! - frameTimes[frameTimes.length - 2]! : 0;
  const duration =
    Number(format.duration) ||
    Number(video.duration) ||
    (frameTimes.length ? frameTimes[frameTimes.length - 1]! + lastFrameGap : 0);
  const fps = parseRate(video.avg_frame_rate) || (duration > 0 ? frameCount / duration : 0) || parseRate(video.r_frame_rate);
  if (frameCount === 0 || !(fps > 0)) {
    throw new VideoInputError(path, 'contains no decodable video frames (truncated or corrupt?)', REENCODE_HINT);
  }
  const rotation = rotationOf(video);
  const swap = rotation === 90 || rotation === 270;
  return {
    frameTimes,
    metadata: {
      path,
      size_bytes: sizeBytes,
      container,
      duration_s: duration,
      fps,
      frame_count: frameCount,
      width: swap ? video.height : video.width,
      height: swap ? video.width : video.height,
      coded_width: video.width,
      coded_height: video.height,
      rotation,
      video_codec: video.codec_name ?? 'unknown',
      pixel_format: video.pix_fmt ?? 'unknown',
      bit_depth: bitDepthOf(video),
      variable_frame_rate: isVariableFrameRate(frameTimes),
      has_audio: Boolean(audio),
      audio_codec: audio?.codec_name ?? null,
    },
  };
}
