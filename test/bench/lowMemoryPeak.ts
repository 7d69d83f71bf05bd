// Run in its own process by the benchmark (one process per mode, so each peak RSS is its own): scores a long,
// large clip on the tiny model, with or without low-memory mode. argv: <video> <plain|low-memory>
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateVideo, localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel } from '../../src/engine/model/localModel';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { ensureTinyModel } from '../fixtures/tinyModel/index';

/** 256 vision tokens per two frames, 4 frames a second: 5,120 prompt tokens for 10 s. */
export const LONG_CLIP_PROMPT = `---\nid: bench-long\nversion: 1\nmode: reward\nvideo: { fps: 4, max_pixels: 200704 }\ngeneration: { temperature: 0, max_new_tokens: 1 }\n---\n## system\nYou are a helpful video analyzer.\n\n## user\nDoes the video contain any anomalies?\n`;

async function main(): Promise<void> {
  const [video, mode] = process.argv.slice(2) as [string, 'plain' | 'low-memory'];
  const scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-peak-'));
  try {
    const model = await LocalModel.load(await ensureTinyModel(), { device: 'cpu', lowMemory: mode === 'low-memory' });
    const engine = localEngine(model, locateFfmpeg(), new CacheStore(join(scratch, 'cache')));
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const started = performance.now();
    const result = await evaluateVideo(engine, video, parsePromptFile(LONG_CLIP_PROMPT, null));
    clearInterval(timer);
    // The kernel's high-water mark also sees peaks between two samples.
    const maxRss = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(JSON.stringify({
      mode,
      precision: result.model.precision,
      frames: result.sampling.frames,
      frame_size: `${result.sampling.width}x${result.sampling.height}`,
      vision_calls: model.stats.visionRuns,
      decoder_calls: model.stats.decoderRuns,
      score: result.reward!.score,
      wall_ms: Math.round(performance.now() - started),
      rss_before_mb: +(before / 2 ** 20).toFixed(1),
      peak_rss_mb: +(Math.max(peak, maxRss) / 2 ** 20).toFixed(1),
    }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
