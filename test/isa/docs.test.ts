/**
 * docs/instructions.md lists what the instruction table assembles: its tables must be the ones
 * generated from the table now (a mnemonic added, renamed or documented differently shows here).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mnemonicTableMarkdown } from '../../simulator/isa/mnemonics';

describe('isa: docs/instructions.md', () => {
  it('holds the mnemonic tables generated from the instruction table', () => {
    const doc = fs.readFileSync(path.resolve(process.cwd(), 'docs', 'instructions.md'), 'utf8');
    const marker = 'test/isa/docs.test.ts checks they are current. -->\n\n';
    const at = doc.indexOf(marker);
    assert.ok(at > 0, 'the generated-tables marker is missing');
    assert.equal(doc.slice(at + marker.length), mnemonicTableMarkdown(), 'regenerate the tables: node -e "process.stdout.write(require(\'./out/simulator/isa/mnemonics\').mnemonicTableMarkdown())"');
  });
});
