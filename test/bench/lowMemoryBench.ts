// Peak RSS of one long-clip score on the tiny model, without and with low-memory mode, each in its own process.
import { fork } from 'node:child_process';
import { resolve } from 'node:path';

function peakRun(video: string, mode: 'plain' | 'low-memory'): Promise<Record<string, number | string>> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(resolve(__dirname, 'lowMemoryPeak.ts'), [video, mode], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out) as Record<string, number | string>) : reject(new Error(`lowMemoryPeak ${mode}: exit ${code}`))));
  });
}

export async function lowMemoryBench(clip: string): Promise<Record<string, unknown>> {
  const plain = await peakRun(clip, 'plain');
  const low = await peakRun(clip, 'low-memory');
  return {
    clip: '1920x1080 30 fps H.264, 10 s, fps 4, 256 vision tokens per two frames (5,120 prompt tokens)',
    plain,
    low_memory: low,
    peak_ratio: +(Number(low.peak_rss_mb) / Number(plain.peak_rss_mb)).toFixed(3),
  };
}

if (require.main === module) {
  lowMemoryBench(process.argv[2]!).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
