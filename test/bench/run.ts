// `npm run bench`: prints one JSON object. Ratios compare against a baseline measured in the same run.
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeFrames, FULL_RGB_OUTPUT_OPTIONS, SAMPLING_OUTPUT_OPTIONS } from '../../src/engine/media/frameDecoder';
import { resizePool } from '../../src/engine/media/resizePool';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { probeVideo } from '../../src/engine/media/probeVideo';
import { FIXTURE_DIR, ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { batchBench } from './batchBench';
import { engineBench } from './engineBench';
import { evalBench } from './evalBench';
import { promptValidateBench } from './promptValidateBench';
import { lowMemoryBench } from './lowMemoryBench';
import { serveWorkersBench } from './serveWorkersBench';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const tools = locateFfmpeg();

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function benchClip(): string {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const path = join(FIXTURE_DIR, 'bench-1080p30-10s.mp4');
  if (!existsSync(path)) {
    const tmp = `${path}.partial.mp4`;
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-t', '10',
      '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', tmp]);
    execFileSync('mv', [tmp, path]);
  }
  return path;
}

/** Ours: probe (ffprobe metadata + frame times), plan, decode + select + scale to RGB, streamed into Node frame by frame. */
async function ours(path: string): Promise<number> {
  const started = performance.now();
  const probe = await probeVideo(path, tools, { fps: 4 });
  let bytes = 0;
  for await (const frame of decodeFrames(path, probe.plan, tools)) bytes += frame.data.length;
  if (bytes === 0) throw new Error('no frames');
  return performance.now() - started;
}

/** Plain ffmpeg with the same selection and scale, its RGB output thrown away. */
function plainFfmpeg(path: string, outputOptions: string[]): Promise<number> {
  const started = performance.now();
  const devNull = openSync('/dev/null', 'w');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tools.ffmpeg, ['-nostdin', '-v', 'error', '-i', path, ...outputOptions, '-f', 'rawvideo', '-'], {
      stdio: ['ignore', devNull, 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      closeSync(devNull);
      if (code === 0) resolvePromise(performance.now() - started);
      else reject(new Error(`ffmpeg exited ${code}`));
    });
  });
}

function longVideoMemory(path: string): Promise<Record<string, number | string>> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(resolve(__dirname, 'sampleLongVideo.ts'), [path], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out) as Record<string, number | string>) : reject(new Error(`exit ${code}`))));
  });
}

async function main(): Promise<void> {
  ensureVideoFixtures(['tenMinutes']);
  const clip = benchClip();
  const plan = (await probeVideo(clip, tools, { fps: 4 })).plan;
  const baselineOptions = SAMPLING_OUTPUT_OPTIONS(plan);
  // The reference decode alone (full-size RGB, no resize): what is left of our time is the exact resize.
  const decodeOnlyOptions = FULL_RGB_OUTPUT_OPTIONS(plan.frame_indices);
  // Warm both paths (page cache, fluent-ffmpeg's one-off capability checks) before measuring.
  await ours(clip);
  await plainFfmpeg(clip, baselineOptions);
  const oursMs: number[] = [];
  const plainMs: number[] = [];
  const decodeOnlyMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    oursMs.push(await ours(clip));
    plainMs.push(await plainFfmpeg(clip, baselineOptions));
    decodeOnlyMs.push(await plainFfmpeg(clip, decodeOnlyOptions));
  }
  const memory = await longVideoMemory(videoPath('tenMinutes'));
  const result = {
    sampling_1080p30_10s: {
      clip: '1920x1080 30 fps H.264, 10 s, sampled at fps 4',
      frames: plan.frames,
      frame_size: `${plan.width}x${plan.height}`,
      runs: RUNS,
      ours_median_ms: Math.round(median(oursMs)),
      plain_ffmpeg_median_ms: Math.round(median(plainMs)),
      ratio: +(median(oursMs) / median(plainMs)).toFixed(3),
      target_ratio: 1.15,
      baseline: 'ffmpeg select + scale in YUV to the plan size (the old, inexact pipeline), output discarded',
      reference_decode_median_ms: Math.round(median(decodeOnlyMs)),
      ratio_to_reference_decode: +(median(oursMs) / median(decodeOnlyMs)).toFixed(3),
      resize_threads: resizePool()?.size ?? 0,
      ours_ms: oursMs.map(Math.round),
      plain_ffmpeg_ms: plainMs.map(Math.round),
    },
    sampling_10min_memory: { ...memory, target_peak_rss_mb: 300 },
    local_engine: await engineBench(Math.max(3, Math.min(RUNS, 5))),
    low_memory_long_clip: await lowMemoryBench(clip),
    batch: await batchBench(),
    serve_workers: await serveWorkersBench(),
    eval_100k: await evalBench(),
    prompt_validation: promptValidateBench(Math.max(3, Math.min(RUNS, 5))),
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

void main();
