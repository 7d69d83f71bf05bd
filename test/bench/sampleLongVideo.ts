// Run in its own process by the benchmark, so that its peak RSS is the sampling pipeline's alone.
import { decodeFrames } from '../../src/engine/media/frameDecoder';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { probeVideo } from '../../src/engine/media/probeVideo';

async function main(): Promise<void> {
  const path = process.argv[2]!;
  const tools = locateFfmpeg();
  let peak = process.memoryUsage().rss;
  const baseline = peak;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const probe = await probeVideo(path, tools);
  let frames = 0;
  let checksum = 0;
  for await (const frame of decodeFrames(path, probe.plan, tools)) {
    frames++;
    checksum = (checksum + frame.data[frame.data.length >> 1]!) % 65521;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  clearInterval(timer);
  process.stdout.write(
    JSON.stringify({
      duration_s: probe.video.duration_s,
      source_frames: probe.video.frame_count,
      sampled_frames: frames,
      frame_size: `${probe.plan.width}x${probe.plan.height}`,
      wall_ms: Math.round(performance.now() - started),
      rss_before_mb: +(baseline / 2 ** 20).toFixed(1),
      peak_rss_mb: +(peak / 2 ** 20).toFixed(1),
      checksum,
    }),
  );
}

void main();
