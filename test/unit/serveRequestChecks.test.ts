import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/engine/serve/apiError';
import { JobQueue } from '../../src/engine/serve/jobQueue';
import { longestTokenBytes } from '../../src/engine/serve/openaiServer';
import { jsonShapeProblem } from '../../src/engine/serve/requestBody';
import { hostOf, RequestGuard } from '../../src/engine/serve/requestGuard';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const refusal = (code: string) => (e: unknown) => e instanceof ApiError && e.code === code;

describe('serve request guard', () => {
  it('reads the host name of a Host header, without port, brackets or trailing dot', () => {
    assert.equal(hostOf('127.0.0.1:8000'), '127.0.0.1');
    assert.equal(hostOf('[::1]:8000'), '::1');
    assert.equal(hostOf('LocalHost.'), 'localhost');
    assert.equal(hostOf('gpu-box.lan:80'), 'gpu-box.lan');
    for (const bad of [undefined, '', 'a:b:c', '[::1', 'host:port', 'a b']) assert.equal(hostOf(bad), null, String(bad));
  });

  it('answers its own names only, unless more are allowed', () => {
    const guard = new RequestGuard({ bindHost: '10.1.2.3', allowedHosts: ['critic.lan'] });
    for (const host of ['localhost:8000', '127.0.0.1', '[::1]:1', '10.1.2.3:8000', 'CRITIC.lan']) guard.checkHost(request({ host }));
    for (const host of ['evil.example', '10.1.2.4', 'localhost.evil.example']) assert.throws(() => guard.checkHost(request({ host })), refusal('host_not_allowed'), host);
    assert.throws(() => guard.checkHost(request({})), refusal('host_not_allowed'));
    new RequestGuard({ bindHost: '127.0.0.1', allowedHosts: ['*'] }).checkHost(request({ host: 'anything.example' }));
  });

  it('refuses web pages unless their origin is allowed', () => {
    const guard = new RequestGuard({ bindHost: '127.0.0.1', allowedOrigins: ['https://tools.example'] });
    assert.equal(guard.checkOrigin(request({})), null);
    assert.equal(guard.checkOrigin(request({ origin: 'https://tools.example' })), 'https://tools.example');
    assert.throws(() => guard.checkOrigin(request({ origin: 'https://tools.example.evil' })), refusal('origin_not_allowed'));
    assert.throws(() => guard.checkOrigin(request({ origin: 'null' })), refusal('origin_not_allowed'));
  });

  it('requires the bearer key when one is set', () => {
    const guard = new RequestGuard({ bindHost: '127.0.0.1', apiKey: 'secret' });
    guard.checkKey(request({ authorization: 'Bearer secret' }));
    guard.checkKey(request({ authorization: 'bearer  secret ' }));
    for (const authorization of ['Bearer secre', 'Bearer secrets', 'Basic c2VjcmV0', 'secret']) {
      assert.throws(() => guard.checkKey(request({ authorization })), refusal('invalid_api_key'), authorization);
    }
    assert.throws(() => guard.checkKey(request({})), refusal('invalid_api_key'));
    new RequestGuard({ bindHost: '127.0.0.1' }).checkKey(request({}));
  });

  it('takes JSON bodies only', () => {
    const guard = new RequestGuard({ bindHost: '127.0.0.1' });
    guard.checkJsonBody(request({ 'content-type': 'application/json; charset=utf-8' }));
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      assert.throws(() => guard.checkJsonBody(request({ 'content-type': type })), refusal('unsupported_media_type'), type);
    }
  });
});

describe('serve job queue', () => {
  it('holds one running and maxQueue waiting, and frees a place once', async () => {
    const queue = new JobQueue(2);
    const places = [queue.admit(), queue.admit(), queue.admit()];
    assert.ok(places.every(Boolean));
    assert.equal(queue.admit(), null);
    places[0]!.release();
    places[0]!.release();
    assert.equal(queue.size, 2);
    assert.ok(queue.admit());
    assert.equal(queue.admit(), null);
  });

  it('with several engines, holds one running per engine and maxQueue waiting', () => {
    const queue = new JobQueue(1, 2);
    const places = [queue.admit(), queue.admit(), queue.admit()];
    assert.ok(places.every(Boolean));
    assert.equal(queue.admit(), null);
    places[1]!.release();
    assert.ok(queue.admit());
  });

  it('runs jobs one after another, in order, past a failing one', async () => {
    const queue = new JobQueue(4);
    const order: string[] = [];
    let running = 0;
    const job = (name: string, fail = false) => async () => {
      running++;
      assert.equal(running, 1);
      await new Promise((r) => setTimeout(r, 5));
      order.push(name);
      running--;
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([queue.run(job('a')), queue.run(job('b', true)), queue.run(job('c'))]);
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('serve JSON shape check', () => {
  it('counts objects and arrays outside strings only', () => {
    assert.equal(jsonShapeProblem(Buffer.from(JSON.stringify({ a: '[[[[{{{{', b: 'quote \\" [ and \\\\', c: [{ d: 'é[' }] }))), null);
    assert.equal(jsonShapeProblem(Buffer.from(`{"s": "${'['.repeat(100_000)}"}`)), null);
    assert.match(jsonShapeProblem(Buffer.from('['.repeat(33) + ']'.repeat(33)))!, /deeper than 32/);
    assert.equal(jsonShapeProblem(Buffer.from('['.repeat(32) + ']'.repeat(32))), null);
    assert.match(jsonShapeProblem(Buffer.from(`[${'{},'.repeat(10_000)}{}]`))!, /more than 10000/);
    assert.equal(jsonShapeProblem(Buffer.from('{"unterminated": "[[[')), null);
  });
});

describe('serve token floor', () => {
  it('knows the most bytes one token can stand for', () => {
    assert.equal(longestTokenBytes({ model: { vocab: { a: 0, 'ĠĠĠĠ': 1 } }, added_tokens: [{ content: '<|im_start|>' }] }), 12);
    assert.equal(longestTokenBytes({ model: { vocab: [['abcdef', -1.5], ['é', -2]] } }), 6);
    assert.equal(longestTokenBytes({}), Infinity);
  });
});
