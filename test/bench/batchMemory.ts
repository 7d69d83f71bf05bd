// Run in its own process by the benchmark: peak RSS of a batch with 1,000 videos queued. It stops (cancels) after the
// first 100 have finished: the queue is then still 900 long, and a full run would only repeat the same steps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { localBackend } from '../../src/engine/evaluate/localBackend';
import { runBatch } from '../../src/engine/jobs/batchRunner';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel } from '../../src/engine/model/localModel';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';
import { thousandLinks } from './batchBench';

async function main(): Promise<void> {
  ensureVideoFixtures(['short']);
  const scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-1000-'));
  try {
    const videos = thousandLinks(join(scratch, 'videos'), videoPath('short'));
    const model = await LocalModel.load(await ensureTinyModel(), { device: 'cpu' });
    const engine = localEngine(model, locateFfmpeg(), new CacheStore(join(scratch, 'cache')));
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const t = performance.now();
    const stop = new AbortController();
    const manifest = await runBatch(videos, [loadPrompt('reward')], {
      backend: localBackend(engine),
      outDir: join(scratch, 'out'),
      concurrency: 4,
      prefetch: 4,
      resume: false,
      signal: stop.signal,
      onProgress: (p) => {
        peak = Math.max(peak, process.memoryUsage().rss);
        if (p.done >= 100) stop.abort();
      },
    });
    clearInterval(timer);
    process.stdout.write(JSON.stringify({
      queued: manifest.counts.total,
      finished_before_stop: manifest.counts.done,
      wall_ms: Math.round(performance.now() - t),
      rss_before_mb: +(before / 2 ** 20).toFixed(1),
      peak_rss_mb: +(peak / 2 ** 20).toFixed(1),
    }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
