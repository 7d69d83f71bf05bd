// Bad flags through the built CLI: our own one line and exit 2, never Node's argument-parser text.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { CLI, requireBuilt } from './builtArtifacts';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [requireBuilt(CLI), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cosmos-critic with bad flags', () => {
  it('says which flag, in one line of its own words, and exits 2', () => {
    const cases: Array<[string[], string]> = [
      [['score', '--bogus', 'x.mp4'], 'cosmos-critic: unknown option --bogus. Run "cosmos-critic score --help"'],
      [['probe', '--no-such-flag', 'x.mp4'], 'cosmos-critic: unknown option --no-such-flag. Run "cosmos-critic probe --help"'],
      [['score', '--json=3', 'x.mp4'], 'cosmos-critic: option --json takes no value. Run "cosmos-critic score --help"'],
      [['score', 'x.mp4', '--prompt'], 'cosmos-critic: option --prompt needs a value. Run "cosmos-critic score --help"'],
    ];
    for (const [args, line] of cases) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `${line}\n`);
      assert.doesNotMatch(r.stderr, /positional argument|place it at the end/);
    }
  });
});
