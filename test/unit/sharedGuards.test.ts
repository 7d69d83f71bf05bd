import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FOCUS_CATEGORIES } from '../../src/promptfile/promptSchema';
import { isFiniteNumber, isIndex, isNumberArray, isNumberOrNull, isObject, isString, isStringOrNull } from '../../src/shared/guards';
import { VIOLATION_CATEGORIES } from '../../src/shared/violationCategories';
import { MARKER_CATEGORIES } from '../../webview/player/markerLayout';

describe('shared guards', () => {
  it('isObject takes plain objects only', () => {
    assert.equal(isObject({}), true);
    assert.equal(isObject({ a: 1 }), true);
    for (const v of [null, undefined, [], [1], 'x', 1, true]) assert.equal(isObject(v), false, String(v));
  });

  it('strings, nullable strings', () => {
    assert.equal(isString(''), true);
    assert.equal(isString(null), false);
    assert.equal(isStringOrNull(null), true);
    assert.equal(isStringOrNull('a'), true);
    assert.equal(isStringOrNull(undefined), false);
    assert.equal(isStringOrNull(1), false);
  });

  it('numbers are finite; lists and indices are checked element by element', () => {
    assert.equal(isFiniteNumber(0), true);
    for (const v of [NaN, Infinity, -Infinity, '1', null]) assert.equal(isFiniteNumber(v), false, String(v));
    assert.equal(isNumberOrNull(null), true);
    assert.equal(isNumberOrNull(NaN), false);
    assert.equal(isNumberArray([1, 2.5]), true);
    assert.equal(isNumberArray([1, NaN]), false);
    assert.equal(isNumberArray('12'), false);
    assert.equal(isIndex(0), true);
    assert.equal(isIndex(3), true);
    for (const v of [-1, 1.5, '2', null]) assert.equal(isIndex(v), false, String(v));
  });
});

describe('the violation category list', () => {
  it('the player marks every category (and "other") with a colour of its own', () => {
    const css = readFileSync(new URL('../../media/player.css', import.meta.url), 'utf8');
    const styled = [...css.matchAll(/\[data-category='([a-z_]+)'\]\s*\{\s*--category-color/g)].map((m) => m[1]);
    assert.deepEqual([...styled].sort(), [...MARKER_CATEGORIES].sort());
    assert.deepEqual(MARKER_CATEGORIES.slice(0, -1), [...VIOLATION_CATEGORIES]);
  });

  it('prompt files can focus on every category the critic files violations under', () => {
    for (const category of VIOLATION_CATEGORIES) assert.ok(FOCUS_CATEGORIES[category], category);
  });
});
