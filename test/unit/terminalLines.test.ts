import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { describe, it } from 'node:test';
import { CLEAR_LINE, lineSafeWriters, parseArgsUsage } from '../../src/cli/terminalLines';

function capture(stderrIsTTY: boolean) {
  const events: Array<['out' | 'err', string]> = [];
  const writers = lineSafeWriters({ stdout: (t) => events.push(['out', t]), stderr: (t) => events.push(['err', t]), stderrIsTTY });
  return { events, writers };
}

const parseError = (args: string[]): unknown => {
  try {
    parseArgs({ args, options: { json: { type: 'boolean' }, prompt: { type: 'string' } }, allowPositionals: false });
  } catch (err) {
    return err;
  }
  assert.fail('parseArgs accepted the arguments');
};

describe('a progress line on a terminal', () => {
  it('is cleared before a stdout line, a stderr line and at the end', () => {
    const { events, writers } = capture(true);
    writers.progress('decoding 3/10');
    writers.stdout('0.8123  high  a.mp4\n');
    writers.progress('decoding 4/10');
    writers.stderr('cosmos-critic: b.mp4: not a readable video\n');
    writers.stdout('0.2000  low  c.mp4\n');
    writers.progress('done');
    writers.finish();
    writers.finish();
    assert.deepEqual(events, [
      ['err', `${CLEAR_LINE}decoding 3/10`],
      ['err', CLEAR_LINE],
      ['out', '0.8123  high  a.mp4\n'],
      ['err', `${CLEAR_LINE}decoding 4/10`],
      ['err', CLEAR_LINE],
      ['err', 'cosmos-critic: b.mp4: not a readable video\n'],
      ['out', '0.2000  low  c.mp4\n'],
      ['err', `${CLEAR_LINE}done`],
      ['err', CLEAR_LINE],
    ]);
  });

  it('is not shown when stderr is not a terminal, and nothing is cleared', () => {
    const { events, writers } = capture(false);
    writers.progress('decoding');
    writers.stdout('x\n');
    writers.finish();
    assert.deepEqual(events, [['out', 'x\n']]);
  });
});

describe('parseArgsUsage', () => {
  it('turns Node parseArgs errors into our one-line usage text', () => {
    assert.equal(parseArgsUsage(parseError(['--bogus'])), 'unknown option --bogus');
    assert.equal(parseArgsUsage(parseError(['--json=3'])), 'option --json takes no value');
    assert.equal(parseArgsUsage(parseError(['--prompt'])), 'option --prompt needs a value');
    assert.equal(parseArgsUsage(parseError(['clip.mp4'])), 'unexpected argument "clip.mp4"');
    assert.equal(parseArgsUsage(new Error('something else')), undefined);
  });
});
