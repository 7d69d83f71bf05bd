import type { SamplingPlan, VideoMetadata } from '../../src/shared/video.js';
import type { GridRow } from '../toolkit.js';

export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(3)} s`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function formatRate(fps: number): string {
  return `${Number(fps.toFixed(3))} fps`;
}

function fileName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}

/** What the user calls the container: the file's extension, else ffprobe's first format name. */
export function containerName(video: VideoMetadata): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(video.path)?.[1];
  return (extension ?? video.container.split(',')[0] ?? video.container).toUpperCase();
}

export function videoRows(video: VideoMetadata): GridRow[] {
  const size = `${video.width} × ${video.height}`;
  const coded = video.coded_width !== video.width || video.coded_height !== video.height
    ? ` (coded ${video.coded_width} × ${video.coded_height})`
    : '';
  return [
    { label: 'File', value: fileName(video.path), title: video.path },
    { label: 'File size', value: formatBytes(video.size_bytes) },
    { label: 'Container', value: video.container },
    { label: 'Duration', value: formatSeconds(video.duration_s) },
    { label: 'Frame rate', value: formatRate(video.fps) },
    { label: 'Variable frame rate', value: video.variable_frame_rate ? 'Yes' : 'No' },
    { label: 'Frames', value: String(video.frame_count) },
    { label: 'Size', value: size + coded },
    { label: 'Rotation', value: `${video.rotation}°` },
    { label: 'Video codec', value: `${video.video_codec} (${video.pixel_format}, ${video.bit_depth}-bit)` },
    { label: 'Audio', value: video.has_audio ? video.audio_codec ?? 'Yes (unknown codec)' : 'None' },
  ];
}

export function planRows(plan: SamplingPlan): GridRow[] {
  return [
    {
      label: 'Rule',
      value: plan.rule === 'fps' ? 'fps (qwen-vl-utils)' : 'reward (Cosmos-Reason1 reward interval)',
    },
    { label: 'Target frame rate', value: plan.target_fps === null ? '—' : formatRate(plan.target_fps) },
    { label: 'Sampled frames', value: String(plan.frames) },
    { label: 'Model input size', value: `${plan.width} × ${plan.height}` },
    { label: 'Sample frame rate', value: formatRate(plan.sample_fps), title: 'The frame rate the model is told' },
    { label: 'Seconds per temporal step', value: formatSeconds(plan.second_per_grid_t) },
    { label: 'Pixels per frame', value: `${plan.min_pixels} – ${plan.max_pixels}`, title: 'Minimum – maximum' },
  ];
}
