import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import type { PromptFile } from '../../promptfile/promptFile';
import type { SamplingPlan, VideoMetadata } from '../../shared/video';
import { decodeFrames, type RgbFrame } from '../media/frameDecoder';
import type { FfmpegTools } from '../media/ffmpegTools';
import { probeVideo } from '../media/probeVideo';
import type { ModelFolder } from '../model/modelFolder';
import type { TimeRule } from '../model/mropePositions';
import { promptMessages, promptTokens } from '../model/promptSequence';
import { TextTokenizer } from '../model/textTokenizer';
import { writeFileAtomic } from '../store/atomicWrite';
import { videoPatches, type VisionPreprocessing } from '../vision/videoPatches';

/** Qwen2.5-VL's processor settings, used when no model folder is given. */
export const QWEN25_VL_PREPROCESSING: VisionPreprocessing = {
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  rescale: 1 / 255,
  patchSize: 14,
  temporalPatchSize: 2,
  mergeSize: 2,
};

export interface InputsJson {
  schema: 'cosmos-critic/inputs@1';
  video: Pick<VideoMetadata, 'path' | 'width' | 'height' | 'fps' | 'frame_count' | 'duration_s'>;
  prompt: { id: string; version: number | string; sha256: string; path: string | null; mode: string; system: string; user: string; video: PromptFile['video'] };
  plan: SamplingPlan;
  frame_indices: number[];
  frame_times_s: number[];
  width: number;
  height: number;
  video_grid_thw: [number, number, number];
  second_per_grid_t: number;
  time_rule: TimeRule;
  time_rule_reason: string;
  files: { 'frames.rgb': { shape: [number, number, number, number]; dtype: 'uint8'; layout: string }; 'pixel_values.f32': { shape: [number, number]; dtype: 'float32-le'; layout: string } };
  model?: { dir: string; id: string; chat_text: string; input_ids: number[]; position_ids: [number[], number[], number[]]; rope_delta: number; video_start: number; video_tokens: number };
}

export interface DumpOptions {
  folder?: ModelFolder;
  timeRule?: TimeRule;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Writes exactly what the model receives for one video and prompt: the frames after resize and any overlay
 * (`frames.rgb`), the normalised patches (`pixel_values.f32`) and, in `inputs.json`, the plan, grid, time rule and,
 * with a model folder, the rendered chat text, token ids and M-RoPE positions.
 */
export async function dumpModelInputs(videoPath: string, prompt: PromptFile, tools: FfmpegTools, outDir: string, options: DumpOptions = {}): Promise<InputsJson> {
  const { folder, signal } = options;
  const c = folder?.config;
  const probe = await probeVideo(resolve(videoPath), tools, { ...prompt.video, processor: c?.processorPixels }, signal);
  const { plan, video } = probe;
  const pre: VisionPreprocessing = c
    ? { mean: c.imageMean, std: c.imageStd, rescale: c.rescaleFactor, patchSize: c.patchSize, temporalPatchSize: c.temporalPatchSize, mergeSize: c.spatialMergeSize }
    : QWEN25_VL_PREPROCESSING;

  await mkdir(outDir, { recursive: true });
  const framesPath = join(outDir, 'frames.rgb');
  const framesTmp = `${framesPath}.${process.pid}.tmp`;
  const out = createWriteStream(framesTmp);
  let done = 0;
  async function* tee(frames: AsyncIterable<RgbFrame>): AsyncGenerator<RgbFrame> {
    for await (const frame of frames) {
      if (!out.write(frame.data)) await once(out, 'drain');
      options.onProgress?.(++done, plan.frames);
      yield frame;
    }
  }
  let patches;
  try {
    patches = await videoPatches(tee(decodeFrames(video.path, plan, tools, signal)), plan.frames, plan.width, plan.height, pre);
    out.end();
    await once(out, 'close');
    await rename(framesTmp, framesPath);
  } catch (err) {
    out.destroy();
    await rm(framesTmp, { force: true });
    throw err;
  }
  const pv = patches.pixelValues;
  await writeFileAtomic(join(outDir, 'pixel_values.f32'), new Uint8Array(pv.buffer, pv.byteOffset, pv.byteLength));

  const timeRule = options.timeRule ?? c?.timeRule ?? 'float';
  const timeRuleReason = options.timeRule ? 'set by --time-rule' : c ? c.timeRuleReason : 'no model folder: float, as vLLM computes it';
  const inputs: InputsJson = {
    schema: 'cosmos-critic/inputs@1',
    video: { path: video.path, width: video.width, height: video.height, fps: video.fps, frame_count: video.frame_count, duration_s: video.duration_s },
    prompt: { id: prompt.id, version: prompt.version, sha256: prompt.sha256, path: prompt.path, mode: prompt.mode, system: prompt.system, user: prompt.user, video: prompt.video },
    plan,
    frame_indices: plan.frame_indices,
    frame_times_s: plan.frame_times_s,
    width: plan.width,
    height: plan.height,
    video_grid_thw: patches.grid,
    second_per_grid_t: plan.second_per_grid_t,
    time_rule: timeRule,
    time_rule_reason: timeRuleReason,
    files: {
      'frames.rgb': { shape: [plan.frames, plan.height, plan.width, 3], dtype: 'uint8', layout: 'N,H,W,C (RGB), row-major, no header' },
      'pixel_values.f32': { shape: [patches.rows, patches.rowLength], dtype: 'float32-le', layout: 'rows (t, merge-row, merge-col, inner-row, inner-col) × (channel, frame, y, x), no header' },
    },
  };
  if (folder && c) {
    const tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig, join(folder.dir, 'tokenizer_config.json'));
    const tokens = promptTokens(tokenizer, { ...c, timeRule }, promptMessages(prompt.system, prompt.user), patches.grid, plan.second_per_grid_t);
    const L = tokens.ids.length;
    const plane = (p: number) => Array.from(tokens.positions.positionIds.subarray(p * L, (p + 1) * L), Number);
    inputs.model = {
      dir: folder.dir,
      id: c.id,
      chat_text: tokens.text,
      input_ids: tokens.ids,
      position_ids: [plane(0), plane(1), plane(2)],
      rope_delta: tokens.positions.nextPosition - L,
      video_start: tokens.videoStart,
      video_tokens: tokens.videoTokens,
    };
  }
  await writeFileAtomic(join(outDir, 'inputs.json'), JSON.stringify(inputs, null, 1) + '\n');
  return inputs;
}
