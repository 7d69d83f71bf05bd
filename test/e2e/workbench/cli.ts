// The command-line twin, as the e2e tests use it to know what the panel should show.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { VideoProbe } from '../../../src/shared/video';
import { EXTENSION_ROOT } from './workbench';

/** `cosmos-critic probe --pretty <video>` from the built CLI: the metadata and sampling plan the server computes too. */
export function probeWithCli(video: string): VideoProbe {
  const cli = join(EXTENSION_ROOT, 'dist', 'cli.js');
  const output = execFileSync(process.execPath, [cli, 'probe', '--pretty', video], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(output) as VideoProbe;
}
