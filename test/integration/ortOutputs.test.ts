// What onnxruntime-node does with the decoder's outputs: the facts the README's "Why long critiques belong on the
// remote backend" rests on. If an onnxruntime-node upgrade changes one of these, these tests say so and the README's
// GPU section (and the engine's generation loop) should be revisited.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { LocalModel } from '../../src/engine/model/localModel';
import { openModelFolder } from '../../src/engine/model/modelFolder';
import { ropePositions } from '../../src/engine/model/mropePositions';
import { ensureTinyModel } from '../fixtures/tinyModel/index';

let dir: string;
let model: LocalModel;

before(async () => {
  dir = await ensureTinyModel();
  model = await LocalModel.load(dir, { device: 'cpu' });
});

/** A four-token prefill's feeds for the raw decoder graph. */
async function prefillFeeds(): Promise<Record<string, ort.Tensor>> {
  const ids = [5, 17, 42, 99];
  return {
    inputs_embeds: new ort.Tensor('float32', await model.embedTokens(ids), [1, ids.length, model.config.hiddenSize]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    position_ids: new ort.Tensor('int64', ropePositions(ids.length).positionIds, [3, 1, ids.length]),
    ...model.emptyCache().tensors,
  };
}

describe('onnxruntime-node outputs (the binding the engine runs on)', () => {
  it('copies a pre-allocated output into a new buffer: handing the KV cache back in place saves no copy', async () => {
    const session = await ort.InferenceSession.create(openModelFolder(dir, 'fp32').graphs.decoder_model_merged);
    const feeds = await prefillFeeds();
    const plain = await session.run(feeds);
    const present = plain['present.0.key']!;
    const mine = new ort.Tensor('float32', new Float32Array(present.data.length).fill(-7), present.dims);
    const fetches: Record<string, ort.Tensor | null> = Object.fromEntries(session.outputNames.map((n) => [n, null]));
    fetches['present.0.key'] = mine;
    const out = await session.run(feeds, fetches);
    // onnxruntime wrote the values into the buffer it was given…
    assert.deepEqual(mine.data, present.data);
    // …and the binding returned them in a fresh one anyway.
    assert.notEqual(out['present.0.key'], mine);
    assert.notEqual((out['present.0.key']!.data as Float32Array).buffer, mine.data.buffer);
    assert.deepEqual(out['present.0.key']!.data, present.data);
    await session.release();
  });

  it('returns host tensors when asked for "gpu-buffer" outputs on a session without a WebGPU device', async () => {
    const names = presentNames();
    const session = await ort.InferenceSession.create(openModelFolder(dir, 'fp32').graphs.decoder_model_merged, {
      preferredOutputLocation: Object.fromEntries(names.map((n) => [n, 'gpu-buffer' as const])),
    });
    const out = await session.run(await prefillFeeds());
    for (const name of names) assert.equal(out[name]!.location, 'cpu', name);
    await session.release();
  });
});

function presentNames(): string[] {
  return Array.from({ length: model.config.numLayers }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();
}
