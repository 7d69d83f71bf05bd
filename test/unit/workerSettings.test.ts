import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workerSlotsOf } from '../../src/server/engineHost';

describe('critic server worker settings', () => {
  it('one worker per listed CUDA device (duplicates once), before any CPU workers', () => {
    assert.deepEqual(workerSlotsOf({ cudaDevices: [1, 0, 1], workers: 4 }), [
      { device: 'cuda', cudaDeviceId: 1 },
      { device: 'cuda', cudaDeviceId: 0 },
    ]);
  });

  it('N CPU workers when asked for more than one; none (the in-process engine) otherwise', () => {
    assert.deepEqual(workerSlotsOf({ workers: 3 }), [{ device: 'cpu' }, { device: 'cpu' }, { device: 'cpu' }]);
    assert.deepEqual(workerSlotsOf({ workers: 1 }), []);
    assert.deepEqual(workerSlotsOf({ cudaDevices: [] }), []);
    assert.deepEqual(workerSlotsOf({}), []);
  });

  it('out-of-range values are refused, naming the setting', () => {
    assert.throws(() => workerSlotsOf({ workers: 0 }), /cosmosCritic\.workers must be a whole number from 1 to 64, not 0/);
    assert.throws(() => workerSlotsOf({ workers: 2.5 }), /cosmosCritic\.workers/);
    assert.throws(() => workerSlotsOf({ cudaDevices: [0, 99] }), /cosmosCritic\.cudaDevices: 99 is not a CUDA device number/);
  });
});
