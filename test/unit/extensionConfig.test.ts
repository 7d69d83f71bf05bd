import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CONFIG_SECTION,
  criticServerOptionsOf,
  rawSetting,
  SETTING_KEYS,
  SETTINGS,
  storeRootOf,
  type ReadSetting,
  type SettingKey,
} from '../../src/extension/configSchema';

interface SettingSchema {
  default?: unknown;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } | { properties: Record<string, SettingSchema> }[] };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
const contributed: Record<string, SettingSchema> = Object.assign({}, ...sections.map((section) => section.properties));

/** Reads settings from plain values, as the extension reads them from VS Code (trusted workspace). */
const reader = (values: Partial<Record<SettingKey, unknown>>): ReadSetting => (key) => SETTINGS[key].parse(values[key]) as never;

describe('extension configuration: one getter per setting', () => {
  it('has a getter for every setting package.json contributes, and none for a setting it does not', () => {
    const fromManifest = Object.keys(contributed).sort();
    const fromTable = SETTING_KEYS.map((key) => `${CONFIG_SECTION}.${key}`).sort();
    assert.deepEqual(fromTable, fromManifest);
  });

  it('falls back, for a setting the code has its own default for, to the default package.json declares', () => {
    let fallbacks = 0;
    for (const key of SETTING_KEYS) {
      const fallback = SETTINGS[key].parse(undefined);
      const declared = SETTINGS[key].parse(contributed[`${CONFIG_SECTION}.${key}`]!.default);
      if (fallback === undefined) continue;
      fallbacks++;
      assert.deepEqual(declared, fallback, key);
    }
    assert.ok(fallbacks >= 8, 'resultsDir, liveRerun, liveRerunDelayMs, endpoints and the batch settings have fallbacks');
  });

  it('ignores workspace values of every restricted setting in an untrusted workspace', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.ok(restricted.length > 0);
    for (const id of restricted) {
      const key = id.slice(CONFIG_SECTION.length + 1) as SettingKey;
      assert.ok(SETTINGS[key], `${id} has a getter`);
      assert.equal(SETTINGS[key].trustedOnly, true, `${id} is read only from the user's settings in an untrusted workspace`);
      const inspect = () => ({ defaultValue: 'default', globalValue: 'user' });
      assert.equal(rawSetting(key, false, () => 'workspace', inspect), 'user', id);
      assert.equal(rawSetting(key, false, () => 'workspace', () => ({ defaultValue: 'default' })), 'default', id);
      assert.equal(rawSetting(key, true, () => 'workspace', inspect), 'workspace', id);
    }
    // A setting that chooses nothing to run or write keeps its workspace value.
    assert.equal(rawSetting('liveRerun', false, () => 'off', () => ({ defaultValue: 'onSave' })), 'off');
  });
});

describe('extension configuration: values', () => {
  it('builds the server options from the settings, the remote ones only with the remote backend', () => {
    const local = criticServerOptionsOf(
      reader({ modelPath: ' ~/models/reason1 ', ffmpegPath: '', precision: 'fp16', device: 'gpu', cudaDeviceId: 1, timeRule: 'auto', endpoints: ['http://a/v1'] }),
    );
    assert.deepEqual(local, { modelPath: join(homedir(), 'models/reason1'), precision: 'fp16', cudaDeviceId: 1 });
    const remote = criticServerOptionsOf(
      reader({ backend: 'openai', endpoints: [' http://a/v1 ', '', 7], servedModelName: ' m ', videoInput: 'url', modelProfile: 'auto', timeRule: 'truncate' }),
    );
    assert.deepEqual(remote, { backend: 'openai', endpoints: ['http://a/v1'], servedModelName: 'm', videoInput: 'url', timeRule: 'truncate' });
    assert.equal(criticServerOptionsOf(reader({ backend: 'openai', modelProfile: 'reason2' })).modelProfile, 'reason2');
    assert.equal(criticServerOptionsOf(reader({ cudaDeviceId: -1 })).cudaDeviceId, undefined);
  });

  it('keeps numbers within their limits and globs non-empty', () => {
    assert.equal(SETTINGS['batch.concurrency'].parse(1000), 2);
    assert.equal(SETTINGS['batch.concurrency'].parse(8), 8);
    assert.equal(SETTINGS.liveRerunDelayMs.parse(1), SETTINGS.liveRerunDelayMs.parse(-5));
    assert.ok(SETTINGS.liveRerunDelayMs.parse(1) > 1);
    assert.deepEqual(SETTINGS['batch.include'].parse([' ', 7]), SETTINGS['batch.include'].parse(undefined));
    assert.deepEqual(SETTINGS['batch.exclude'].parse([]), []);
    assert.equal(SETTINGS.liveRerun.parse('sometimes'), 'onSave');
  });

  it('puts the results store in the workspace folder, at an absolute resultsDir, or in global storage', () => {
    assert.equal(storeRootOf(SETTINGS.resultsDir.parse(undefined), '/ws', '/global'), join('/ws', '.cosmos-critic'));
    assert.equal(storeRootOf(SETTINGS.resultsDir.parse('out/results'), '/ws', '/global'), join('/ws', 'out/results'));
    assert.equal(storeRootOf(SETTINGS.resultsDir.parse('/data/store/'), '/ws', '/global'), join('/data/store'));
    assert.equal(storeRootOf(SETTINGS.resultsDir.parse('/data/store'), undefined, '/global'), '/data/store');
    assert.equal(storeRootOf(SETTINGS.resultsDir.parse(undefined), undefined, '/global'), join('/global', 'results-store'));
    assert.equal(storeRootOf(SETTINGS.resultsDir.parse('~/critic'), undefined, '/global'), join(homedir(), 'critic'));
  });
});
