/**
 * Issue #11: behaviour and front ends never write a system register's bit
 * positions by hand — fields are read and written through the accessors
 * generated from the register table (simulator/arch/registers/fields.ts).
 * This scans the sources for the shapes a hand-written position takes on a
 * system-register value: a literal shift or mask right after `readSysreg(…)`,
 * or on a variable named after a system register.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOTS = ['simulator', 'debug-adapter', 'language-server', 'extension'];
/** The register table itself (and the instruction encodings, which are not register values). */
const EXEMPT = [path.join('simulator', 'arch') + path.sep];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** A literal shift amount or mask: `>> 34n`, `& 0x3fn`, `& (1n << 27n)`, `(1 << 7)`. */
const LITERAL = String.raw`\(?\s*(?:1n?\s*<<\s*)?(?:0x[0-9a-f_]+|\d+)n?\b`;
/** Masks that only take the low 32 bits of a value, and `>>> 0` (unsigned conversion): not fields. */
const LOW_WORD = /&\s*0xffff_?ffffn\b|>>>\s*0\b/i;
const REGISTER_NAMES = 'hcr|scr|sctlr|tcr|vtcr|vstcr|spsr|esr|mair|ttbr|vttbr|cpacr|cptr|mdcr|cnthctl|mpidr|vmpidr|csselr|clidr|ccsidr|vbar|daif|nzcv';
const SHAPES = [
  new RegExp(String.raw`readSysreg\([^)]*\)\s*(?:>>|<<|&)\s*${LITERAL}`, 'i'),
  // `f.nzcv` and the like are instruction fields (an encoding's immediate), not register values.
  new RegExp(String.raw`(?<!\bf\.)\b(?:${REGISTER_NAMES})(?:_el[0-3]|lo|hi)?\s*(?:>>>?|<<|&)\s*${LITERAL}`, 'i'),
  new RegExp(String.raw`\.(?:nzcv|daif)\(\)\s*>>>?\s*\d`, 'i'),
];

function handWritten(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    if (/^\s*(\*|\/\*\*)/.test(code)) return;
    for (const re of SHAPES) {
      const m = re.exec(code);
      if (m && !LOW_WORD.test(m[0])) out.push(`${i + 1}: ${line.trim()}`);
    }
  });
  return out;
}

describe('system-register fields only through the register table (issue #11)', () => {
  it('the scan recognises a hand-written position', () => {
    assert.equal(handWritten("const e2h = ((pe.readSysreg('HCR_EL2') >> 34n) & 1n) === 1n;").length, 1);
    assert.equal(handWritten('return BigInt(pe.nzcv() >>> 28);').length, 1);
    assert.equal(handWritten('const secure = (scr & 1n) === 0n;').length, 1);
    assert.equal(handWritten("const e2h = HCR_EL2.E2H.isSet(pe.readSysreg('HCR_EL2'));").length, 0);
    assert.equal(handWritten("const spsr = Number(pe.readSysreg('SPSR_EL3') & 0xffffffffn);").length, 0);
    assert.equal(handWritten('const fn = (f.nzcv >>> 3) & 1;').length, 0, 'an instruction field');
  });

  it('no source outside simulator/arch writes a system-register bit position', () => {
    const found: string[] = [];
    for (const root of ROOTS) {
      for (const file of sources(path.resolve(root))) {
        const rel = path.relative(path.resolve('.'), file);
        if (EXEMPT.some((e) => rel.startsWith(e))) continue;
        for (const hit of handWritten(readFileSync(file, 'utf8'))) found.push(`${rel}:${hit}`);
      }
    }
    assert.deepEqual(found, []);
  });
});
