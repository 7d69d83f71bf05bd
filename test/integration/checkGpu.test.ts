// `npm run check:gpu` on this machine: without the CUDA provider it must say in one line what to install; with
// --cpu-only it must run its whole comparison (and its device-KV probe in a child process) and print JSON.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cudaProviderInstalled } from '../../src/engine/model/executionProvider';

const script = join(__dirname, '..', 'bench', 'checkGpu.ts');
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 240_000 });

describe('npm run check:gpu', () => {
  it('fails with one line naming the CUDA build of onnxruntime-node and how to install it', { skip: cudaProviderInstalled() && 'the CUDA provider is installed here' }, () => {
    const child = run();
    assert.equal(child.status, 1);
    assert.equal(child.stdout, '');
    const lines = child.stderr.trim().split('\n');
    assert.equal(lines.length, 1, child.stderr);
    assert.match(lines[0]!, /^check:gpu: no CUDA here/);
    assert.match(lines[0]!, /ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install/);
    assert.match(lines[0]!, /--cpu-only/);
  });

  it('--cpu-only compares the two sides, probes the KV cache in a child process and prints JSON', () => {
    const child = run('--cpu-only', '--tokens', '4');
    assert.equal(child.status, 0, child.stderr);
    const report = JSON.parse(child.stdout) as Record<string, any>;
    assert.equal(report.new_tokens, 4);
    for (const precision of ['fp32', 'fp16', 'q4']) {
      const row = report[precision];
      assert.equal(row.device, 'cpu');
      assert.equal(row.max_abs_logit_diff, 0, precision);
      assert.equal(row.max_abs_score_diff, 0, precision);
      assert.equal(row.greedy_steps_agreeing, '4/4');
      assert.equal(row.greedy_tokens_equal, true);
      assert.ok(row.cpu_tokens_per_s > 0 && row.gpu_tokens_per_s > 0);
      // The CPU provider has no device memory: the probe runs, agrees with the engine, and reports host tensors.
      assert.deepEqual(Object.keys(row.kv_on_device), ['cpu']);
      assert.equal(row.kv_on_device.cpu.present_location, 'cpu');
      assert.equal(row.kv_on_device.cpu.device_resident, false);
      assert.equal(row.kv_on_device.cpu.greedy_tokens_equal_to_cpu, true);
      assert.equal(row.kv_on_device.cpu.max_abs_logit_diff_to_cpu, 0);
    }
  });
});
