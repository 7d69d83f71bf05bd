import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CLI, requireBuilt } from './builtArtifacts';

const run = promisify(execFile);
const BARS = join(__dirname, '..', 'fixtures', 'golden', 'clips', 'b_bars_1280x720_25fps.mp4');
let scratch: string;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-resize-threads-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The frames `inputs --dump` writes with the given number of resize threads. */
async function framesWith(threads: number, prompt: 'fps' | 'reward'): Promise<Buffer> {
  const out = join(scratch, `${prompt}-${threads}`);
  const args = [requireBuilt(CLI), 'inputs', BARS, '--dump', out, ...(prompt === 'reward' ? ['--prompt', 'reward'] : [])];
  await run(process.execPath, args, { env: { ...process.env, COSMOS_CRITIC_RESIZE_THREADS: String(threads) } });
  return readFileSync(join(out, 'frames.rgb'));
}

describe('resize threads', () => {
  for (const rule of ['fps', 'reward'] as const) {
    it(`give the frames of the inline resize, byte for byte (${rule} rule)`, async () => {
      const inline = await framesWith(0, rule);
      const pooled = await framesWith(2, rule);
      assert.ok(inline.length > 0);
      assert.equal(pooled.length, inline.length);
      assert.ok(pooled.equals(inline), 'two resize threads changed the frames');
    });
  }
});
