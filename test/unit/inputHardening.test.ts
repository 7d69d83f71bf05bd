import assert from 'node:assert/strict';
import { DEFAULT_BANDS } from '../../src/engine/eval/bands';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { endpointAddress } from '../../src/engine/remote/openaiClient';
import { reportHtml, videoHref, type RunReport } from '../../src/engine/store/runReport';
import { keySpec } from '../../src/promptfile/promptSchema';
import { describeLimit, LIMITS, withinLimit, type LimitName } from '../../src/shared/limits';
import { redactSecrets } from '../../src/shared/redactSecrets';

const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { minimum?: number; maximum?: number }> } };
};

describe('limits: one table for the CLI, prompt files and settings', () => {
  const SETTINGS: Record<string, LimitName> = {
    'cosmosCritic.batch.concurrency': 'concurrency',
    'cosmosCritic.batch.batchSize': 'batchSize',
    'cosmosCritic.cudaDeviceId': 'cudaDevice',
    'cosmosCritic.workers': 'workers',
    'cosmosCritic.liveRerunDelayMs': 'liveRerunDelayMs',
  };
  for (const [setting, name] of Object.entries(SETTINGS)) {
    it(`${setting} has the bounds of LIMITS.${name}`, () => {
      const spec = pkg.contributes.configuration.properties[setting]!;
      assert.deepEqual([spec.minimum, spec.maximum], [LIMITS[name].min, LIMITS[name].max]);
    });
  }

  it('cosmosCritic.cudaDevices lists device ids within LIMITS.cudaDevice', () => {
    const spec = pkg.contributes.configuration.properties['cosmosCritic.cudaDevices'] as unknown as { items: { minimum: number; maximum: number } };
    assert.deepEqual([spec.items.minimum, spec.items.maximum], [LIMITS.cudaDevice.min, LIMITS.cudaDevice.max]);
  });

  it('every numeric setting is bounded on both sides', () => {
    for (const [name, spec] of Object.entries(pkg.contributes.configuration.properties)) {
      if ((spec as { type?: string }).type === 'integer' || (spec as { type?: string }).type === 'number') {
        assert.ok(spec.minimum !== undefined && spec.maximum !== undefined, `${name} has no minimum or maximum`);
      }
    }
  });

  const FIELDS: Array<[string[], LimitName]> = [
    [['trials'], 'trials'],
    [['generation', 'max_new_tokens'], 'maxNewTokens'],
    [['generation', 'seed'], 'seed'],
    [['generation', 'top_k'], 'topK'],
    [['video', 'fps'], 'fps'],
    [['video', 'nframes'], 'nframes'],
    [['video', 'max_frames'], 'frames'],
    [['video', 'max_pixels'], 'framePixels'],
    [['video', 'total_pixels'], 'totalPixels'],
  ];
  for (const [path, name] of FIELDS) {
    it(`prompt field ${path.join('.')} has the bounds of LIMITS.${name}`, () => {
      const value = keySpec(path)!.value as { min?: number; max?: number };
      assert.deepEqual([value.min, value.max], [LIMITS[name].min, LIMITS[name].max]);
    });
  }

  it('describes and checks a range', () => {
    assert.equal(describeLimit(LIMITS.concurrency), 'a whole number from 1 to 64');
    assert.equal(describeLimit(LIMITS.fps), 'a number more than 0 and at most 120');
    assert.deepEqual([0, 1, 64, 65, 1.5, Number.NaN, Infinity].map((v) => withinLimit(v, LIMITS.concurrency)), [false, true, true, false, false, false, false]);
    assert.deepEqual([0, 0.001, 120].map((v) => withinLimit(v, LIMITS.fps)), [false, true, true]);
  });
});

describe('redactSecrets', () => {
  it('masks echoed headers, URL credentials, key parameters, known keys and key formats', () => {
    const cases: Array<[string, string]> = [
      ['{"authorization":"Bearer abc.def-123"}', '{"authorization":"Bearer ***"}'],
      ['Authorization: Basic dGVhbTpzM2NyZXQ=', 'Authorization: Basic ***'],
      ['max token length exceeded; Basic video input only; Token limit', 'max token length exceeded; Basic video input only; Token limit'],
      ['x-api-key: k3yk3yk3y', 'x-api-key: ***'],
      ['http://user:pa55@host:8000/v1', 'http://***@host:8000/v1'],
      ['https://host/v1?api_key=abcdef&x=1', 'https://host/v1?api_key=***&x=1'],
      ['key nvapi-abcdefghijklmnopqrstuv used', 'key nvapi-*** used'],
      ['plain words and http://host:8000/v1 stay', 'plain words and http://host:8000/v1 stay'],
    ];
    for (const [input, expected] of cases) assert.equal(redactSecrets(input), expected);
    assert.equal(redactSecrets('the key was hunter22', ['hunter22']), 'the key was ***');
  });

  it('an endpoint URL with credentials: fetched without them, sent as Basic auth, shown masked', () => {
    const address = endpointAddress('http://team:s3cret@gpu-box:8000/v1/');
    assert.equal(address.url, 'http://gpu-box:8000/v1');
    assert.equal(address.label, 'http://***@gpu-box:8000/v1');
    assert.equal(address.authorization, `Basic ${Buffer.from('team:s3cret').toString('base64')}`);
    assert.deepEqual(endpointAddress('http://gpu-box:8000/v1'), { url: 'http://gpu-box:8000/v1', label: 'http://gpu-box:8000/v1' });
  });
});

describe('HTML report links', () => {
  const report = (video: string): RunReport => ({
    schema: 'cosmos-critic/report@1',
    generated_at: '2026-01-01T00:00:00.000Z',
    results_dir: '/runs/out',
    bands: DEFAULT_BANDS,
    totals: { results: 1, unparsed: 0, failed: 0, unreadable: 0 },
    groups: [],
    rows: [{ video, prompt_id: 'reward', prompt_version: '1', model: 'm', mode: 'reward', status: 'ok', score: 0.5, band: 'medium', anomaly: 'No', violations: 0, categories: '', duration_s: 1, error: null, result_file: null }],
    problems: [],
  });
  const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"'));

  it('a video named like a script URL stays a file link', () => {
    for (const name of ['javascript:alert(1).mp4', 'JaVaScRiPt:alert(1).mp4', 'data:text,x.mp4', 'vbscript:x.mp4', 'a?b#c.mp4', '"onclick=alert(1).mp4']) {
      const html = reportHtml(report(`/runs/${name}`), '/runs/report.html');
      const [href] = hrefs(html);
      assert.ok(href!.startsWith('./'), href);
      const target = new URL(href!, 'file:///runs/report.html');
      assert.equal(target.protocol, 'file:');
      assert.equal(decodeURIComponent(target.pathname), `/runs/${name}`);
      assert.ok(!/<a [^>]*on\w+=/i.test(html));
    }
  });

  it('videos outside the report folder get file URLs', () => {
    assert.equal(videoHref('/elsewhere/javascript:x.mp4', '/runs/report.html'), 'file:///elsewhere/javascript:x.mp4');
    assert.equal(new URL(videoHref('/elsewhere/javascript:x.mp4', '/runs/report.html')).protocol, 'file:');
    assert.equal(videoHref('/runs/sub dir/clip #1.mp4', '/runs/report.html'), './sub%20dir/clip%20%231.mp4');
  });
});
