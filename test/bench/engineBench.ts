// Local engine on the tiny model: a cold critique versus a re-run after a prompt edit (vision cache hit), and decode speed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateVideo, localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { generateText } from '../../src/engine/model/generateText';
import { LocalModel } from '../../src/engine/model/localModel';
import { ropePositions } from '../../src/engine/model/mropePositions';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { FIXTURE_DIR } from '../fixtures/videos';

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[(s.length >> 1) - 1]! + s[s.length >> 1]!) / 2;
};

const prompt = (user: string) =>
  parsePromptFile(`---\nid: bench\nversion: 1\nmode: critic\nvideo: { fps: 4 }\ngeneration: { temperature: 0, max_new_tokens: 32 }\n---\n## system\nYou are a critic.\n## user\n${user}\n`, null);

/** 8 s of 640×480 at 30 fps: at fps 4 that is 32 frames of 476×644, 6 256 video tokens for the decoder. */
function engineClip(): string {
  const path = join(FIXTURE_DIR, 'bench-480p30-8s.mp4');
  if (!existsSync(path)) {
    const tmp = `${path}.partial.mp4`;
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=30', '-t', '8', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', tmp]);
    renameSync(tmp, path);
  }
  return path;
}

export async function engineBench(runs: number): Promise<Record<string, unknown>> {
  const clip = engineClip();
  const model = await LocalModel.load(await ensureTinyModel(), { device: 'cpu' });
  const tools = locateFfmpeg();
  const cold: number[] = [];
  const edited: number[] = [];
  let stages: Record<string, unknown> = {};
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'cosmos-critic-bench-'));
    try {
      const engine = localEngine(model, tools, new CacheStore(dir));
      let t = performance.now();
      const first = await evaluateVideo(engine, clip, prompt('Does the video contain any anomalies or artifacts?'));
      cold.push(performance.now() - t);
      t = performance.now();
      const second = await evaluateVideo(engine, clip, prompt(`Does the video contain any anomalies or artifacts? (edit ${i})`));
      edited.push(performance.now() - t);
      if (engine.counters.videoDecodes !== 1 || !second.cache?.vision_features) throw new Error('the re-run did not hit the vision cache');
      stages = { cold_timing_ms: first.timing_ms, rerun_timing_ms: second.timing_ms, frames: first.sampling.frames, frame_size: `${first.sampling.width}x${first.sampling.height}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const ids = model.tokenizer.encode('Describe what happens in the video, step by step.');
  const embeds = await model.embedTokens(ids);
  const first = await model.forward(embeds, ids.length, ropePositions(ids.length).positionIds, model.emptyCache());
  const tokens = 256;
  const out = await generateText(
    model,
    { lastLogits: first.lastLogits, cache: first.cache, nextPosition: ids.length, promptIds: ids },
    { settings: { temperature: 0.6, topK: 50, topP: 0.95, repetitionPenalty: 1.05, seed: 1 }, maxNewTokens: tokens, stopTokenIds: [] },
  );
  return {
    model: 'tiny test model (2 layers, hidden 64, vocab 400), CPU',
    clip: '640x480 30 fps H.264, 8 s, sampled at fps 4',
    runs,
    cold_median_ms: Math.round(median(cold)),
    rerun_after_prompt_edit_median_ms: Math.round(median(edited)),
    cold_over_rerun: +(median(cold) / median(edited)).toFixed(2),
    ...stages,
    decode_tokens: out.tokenIds.length,
    decode_tokens_per_s: +((out.tokenIds.length * 1000) / out.ms).toFixed(1),
  };
}
