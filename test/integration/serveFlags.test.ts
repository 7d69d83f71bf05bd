import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { CLI, requireBuilt } from './builtArtifacts';

// `serve` refuses bad flags before it listens: one line naming the flag, the value and what is allowed; exit 2.

let modelDir: string;
const serve = (...flags: string[]) => spawnSync(process.execPath, [requireBuilt(CLI), 'serve', '--model', modelDir, '--port', '0', ...flags], { encoding: 'utf8', timeout: 60_000 });

const BAD_FLAGS: Array<[flags: string[], message: RegExp]> = [
  [['--port', '70000'], /--port must be an integer in \[0, 65535\], got "70000"/],
  [['--max-tokens', 'abc'], /--max-tokens must be an integer in \[1, 1000000\], got "abc"/],
  [['--max-tokens', '1e12'], /--max-tokens must be an integer in \[1, 1000000\], got "1e12"/],
  [['--max-frames', '1'], /--max-frames must be an integer in \[2, 100000\], got "1"/],
  [['--max-pixels', '0'], /--max-pixels must be an integer in \[784, 100000000\], got "0"/],
  [['--max-fps=-1'], /--max-fps must be a number in \(0, 1000\], got "-1"/],
  [['--max-body-mb', '0'], /--max-body-mb must be a number in \[0\.0625, 4096\], got "0"/],
  [['--max-queue', '2.5'], /--max-queue must be an integer in \[0, 10000\], got "2\.5"/],
  [['--max-model-len', ''], /--max-model-len must be an integer in \[16, 10000000\], got ""/],
  [['--max-model-len', '40000'], /--max-model-len 40000 is over the model's context \(max_position_embeddings 32768\)/],
  [['--allowed-local-media-path', '/nonexistent/videos'], /--allowed-local-media-path \/nonexistent\/videos: no such folder/],
  [['--allowed-local-media-path', '/etc/hostname'], /--allowed-local-media-path \/etc\/hostname: not a folder/],
  [['--api-key', ''], /--api-key must not be empty/],
  [['--allowed-origin', 'https://tools.example/page'], /--allowed-origin https:\/\/tools\.example\/page: not a web origin/],
  [['--allowed-host', 'gpu-box:8000'], /--allowed-host gpu-box:8000: not a host name \(without port\)/],
];

before(async () => {
  modelDir = await ensureTinyModel();
});

describe('cosmos-critic serve: flags are checked before it listens', () => {
  for (const [flags, message] of BAD_FLAGS) {
    it(`${flags.join(' ')}`, () => {
      const r = serve(...flags);
      assert.equal(r.status, 2, r.stderr + r.stdout);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    });
  }
});
