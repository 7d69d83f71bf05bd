import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS, INTERNAL_COMMANDS } from '../../src/extension/commandIds';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, { command?: string }[]> };
};

// src/extension/commands.ts maps every name of COMMANDS to its handler (its type makes the compiler hold it to that).
const registered = Object.values(COMMANDS);
const contributedByTable = Object.entries(COMMANDS)
  .filter(([name]) => !INTERNAL_COMMANDS.includes(name as keyof typeof COMMANDS))
  .map(([, id]) => id)
  .sort();

describe('extension commands: one table', () => {
  it('contributes exactly the commands the table registers (less the internal ones)', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, contributedByTable);
    assert.equal(new Set(registered).size, registered.length, 'no id is registered twice');
  });

  it('refers in menus only to commands the table registers', () => {
    const referenced = new Set(Object.values(manifest.contributes.menus).flatMap((items) => items.flatMap((item) => (item.command ? [item.command] : []))));
    assert.ok(referenced.size > 0);
    for (const id of referenced) assert.ok(contributedByTable.includes(id as never), `${id} (menus) is in the command table`);
  });

  it('does not contribute an internal command', () => {
    for (const name of INTERNAL_COMMANDS) assert.ok(!manifest.contributes.commands.some((c) => c.command === COMMANDS[name]), COMMANDS[name]);
  });
});
