/**
 * The ordering of FEAT_LSE atomics (CAS, SWP, LD<op>/ST<op>) in the engine's memory model
 * (engine/promisingDeps.ts, engine/promising.ts), one rule per test, each on the litmus shape of
 * herd7's catalogue that decides it, with herd7's verdict on aarch64.cat:
 * - an atomic whose destination is XZR/WZR ("no return") reads without acquire semantics even
 *   when A is set (Arm ARM C6.2 CAS, SWP, LDADD: "If the destination register is not one of WZR
 *   or XZR, ... load from memory with acquire semantics"), and DMB LD does not order its read
 *   (aarch64.cat Barrier-ordered-before: `[Exp & (R \ NoRet)]; po; [dmb.ld]; po; [M]`);
 * - a CAS that succeeded leaves Rs with its own value (equal to the value read) or the value read:
 *   herd7 (AArch64Sem `cas`) allows either; with the first the read is a pick dependency of Rs,
 *   which orders later writes but not later reads (B2.3 "Pick-ordered-before").
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../simulator/cli/commands';

/** The herd7 verdict word (Sometimes / Never / Always) of `armscope explore` on a litmus text. */
function observation(name: string, litmus: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'armscope-atomics-'));
  writeFileSync(join(dir, `${name}.litmus`), litmus);
  const out: string[] = [];
  const err: string[] = [];
  // The exit status is herd7's Ok (0) / No (1); the Observation line says which.
  void runCli(['explore', `${name}.litmus`], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir });
  assert.equal(err.join(''), '');
  const m = new RegExp(`^Observation ${name.replace(/[.+]/g, '\\$&')} (\\w+) `, 'm').exec(out.join(''));
  assert.ok(m, out.join(''));
  return m[1];
}

/** MP with P0 `STR x; STLR y` (the release writes `w`) and P1's atomic on y then a read of x. */
const mpRel = (name: string, w: number, init: string, atomic: string, between: string, exists: string): string => `AArch64 ${name}
{
 ${init}
 0:X1=x; 0:X3=y;
 1:X1=x; 1:X3=y;
}
 P0           | P1                ;
 MOV W0,#1    | MOV W4,#${w === 0 ? 1 : 2}         ;
 STR W0,[X1]  | ${atomic.padEnd(17)} ;
 MOV W2,#${w}    | ${between.padEnd(17)} ;
 STLR W2,[X3] | LDR W0,[X1]       ;
exists (${exists})`;

describe('memory model: FEAT_LSE atomics (herd7 verdicts)', function () {
  this.timeout(600_000);

  it('CASA with Rs = WZR is not an acquire: MP+rel+CASacq-noret-ok Allowed, with Rs a register Forbidden', function () {
    assert.equal(observation('MP+rel+CASacq-noret-ok', mpRel('MP+rel+CASacq-noret-ok', 0, 'y=2;', 'CASA WZR,W4,[X3]', 'NOP', 'y=1 /\\ 1:X0=0')), 'Sometimes');
    assert.equal(observation('MP+rel+CASacq-ret-ok', mpRel('MP+rel+CASacq-ret-ok', 0, 'y=2; 1:X5=0;', 'CASA W5,W4,[X3]', 'NOP', 'y=1 /\\ 1:X0=0')), 'Never');
  });

  it('SWPA with Rt = WZR is not an acquire: MP+rel+SWPacq-noret Allowed, with Rt a register Forbidden', function () {
    assert.equal(observation('MP+rel+SWPacq-noret', mpRel('MP+rel+SWPacq-noret', 1, 'z=0;', 'SWPA W4,WZR,[X3]', 'NOP', 'y=2 /\\ 1:X0=0')), 'Sometimes');
    assert.equal(observation('MP+rel+SWPacq-ret', mpRel('MP+rel+SWPacq-ret', 1, 'z=0;', 'SWPA W4,W5,[X3]', 'NOP', '1:X5=1 /\\ 1:X0=0')), 'Never');
  });

  it('DMB LD does not order the read of a no-return CAS: MP+rel+CASnoret-ok-dmb.ld Allowed, MP+rel+CAS-ok-dmb.ld Forbidden', function () {
    assert.equal(observation('MP+rel+CASnoret-ok-dmb.ld', mpRel('MP+rel+CASnoret-ok-dmb.ld', 0, 'y=2;', 'CAS WZR,W4,[X3]', 'DMB LD', 'y=1 /\\ 1:X0=0')), 'Sometimes');
    assert.equal(observation('MP+rel+CASret-ok-dmb.ld', mpRel('MP+rel+CASret-ok-dmb.ld', 0, 'y=2; 1:X5=0;', 'CAS W5,W4,[X3]', 'DMB LD', 'y=1 /\\ 1:X0=0')), 'Never');
  });

  it('a CAS that succeeded gives Rs a pick dependency: no order to a later read (MP Allowed), order to a later write (LB Forbidden)', function () {
    const mp = `AArch64 MP+rel+CAS-ok-MRs-addr
{
0:X0=x; 0:X1=y;
1:X0=x; 1:X1=y;
}
P0             | P1                   ;
MOV W2, #1     | MOV W2, #1           ;
STR W2, [X1]   | CAS W2, WZR, [X0]    ;
STLR W2, [X0]  | EOR W3, W2, W2       ;
               | LDR W4, [X1,W3,SXTW] ;
exists 1:X2=1 /\\ 1:X4=0`;
    assert.equal(observation('MP+rel+CAS-ok-MRs-addr', mp), 'Sometimes');
    const lb = `AArch64 LB+rel+CAS-ok-MRs-addr
{
0:X0=x; 0:X1=y;
1:X0=x; 1:X1=y;
}
P0            | P1                    ;
LDR W3, [X1]  | MOV W2, #1            ;
MOV W2, #1    | CAS W2, WZR, [X0]     ;
STLR W2, [X0] | EOR W3, W2, W2        ;
              | ADD W3, W3, #1        ;
              | STR W3, [X1]          ;
exists 0:X3=1 /\\ 1:X2=1`;
    assert.equal(observation('LB+rel+CAS-ok-MRs-addr', lb), 'Never');
  });

  it('herd7 may also take the value read as the source of Rs: a dependency of the old Rs does not order a later write (LB+rel+CAS-ok-RsRs-addr Allowed)', function () {
    const lb = `AArch64 LB+rel+CAS-ok-RsRs-addr
{
x=0; y=0; z=1;
0:X0=x; 0:X1=y; 0:X2=z;
1:X0=x; 1:X1=y; 1:X2=z;
}
P0            | P1                     ;
LDR W3, [X0]  | LDR W3, [X1]           ;
MOV W4, #1    | MOV W13, W3            ;
STLR W4, [X1] | CAS W3, WZR, [X2]      ;
              | EOR W3, W3, W3         ;
              | MOV W4, #1             ;
              | STR W4, [X0, W3, SXTW] ;
exists (0:X3=1 /\\ 1:X13=1)`;
    assert.equal(observation('LB+rel+CAS-ok-RsRs-addr', lb), 'Sometimes');
  });
});

describe('memory model: promises of atomic writes (herd7 verdicts)', function () {
  this.timeout(600_000);

  // An atomic reads the message just before the promise its write fulfils, never its own promise: before, LDADD
  // promised y=1, read it, promised y=2… and the exploration ran until the message bound.
  const lbLdadd = (op: string): string => `AArch64 LB+rel+${op.toUpperCase()}
{
0:X1=x; 0:X3=y;
1:X1=x; 1:X3=y;
}
P0            | P1                  ;
MOV W9, #1    | LDR W5, [X1]        ;
LDR W0, [X3]  | ORR W10, W5, #1     ;
STLR W9, [X1] | ${op === 'ldadd' ? 'LDADD W10, W4, [X3]' : 'STADD W10, [X3]    '} ;
exists (1:X5=1 /\\ 0:X0=1)`;

  it('LB+rel+LDADD and LB+rel+STADD: Forbidden, and the exploration ends', function () {
    assert.equal(observation('LB+rel+LDADD', lbLdadd('ldadd')), 'Never');
    assert.equal(observation('LB+rel+STADD', lbLdadd('stadd')), 'Never');
  });

  it('an atomic that promised its write still reads the previous message: R+CAS+DMBLD Allowed', function () {
    const r = `AArch64 R+CAS+DMBLD
{
0:X1=x; 0:X2=y;
1:X1=y; 1:X3=x;
}
P0             | P1          ;
MOV W0,#1      | MOV W0,#2   ;
STR W0,[X1]    | STR W0,[X1] ;
MOV W3,#0      | DMB SY      ;
MOV W4,#1      | LDR W2,[X3] ;
CAS W3,W4,[X2] |             ;
exists (y=2 /\\ 0:X3=0 /\\ 1:X2=0)`;
    assert.equal(observation('R+CAS+DMBLD', r), 'Sometimes');
  });

  it('a promised CAS write is ordered after Rs (LB+rel+CAS Forbidden), not a read of it (MP+rel+CAS-addr Allowed)', function () {
    const lb = `AArch64 LB+rel+CAS
{
0:X1=x; 0:X3=y;
1:X1=x; 1:X3=y;
}
P0            | P1                ;
MOV W9, #1    | MOV W4, #1        ;
LDR W0, [X3]  | LDR W5, [X1]      ;
STLR W9, [X1] | AND W10, W5, #2   ;
              | CAS W10, W4, [X3] ;
exists (1:X5=1 /\\ 0:X0=1)`;
    assert.equal(observation('LB+rel+CAS', lb), 'Never');
    const mp = `AArch64 MP+rel+CAS-addr
{
z=1;
0:X1=x; 0:X3=y;
1:X1=x; 1:X3=y; 1:X8=z;
}
P0           | P1                  ;
MOV W0,#1    | LDR W0,[X1]         ;
STR W0,[X3]  | MOV W5,W0           ;
STLR W0,[X1] | CAS W0,W6,[X8]      ;
             | LDR W0,[X8]         ;
             | EOR W0,W0,W0        ;
             | LDR W4,[X3,W0,SXTW] ;
exists (1:X5=1 /\\ 1:X4=0)`;
    assert.equal(observation('MP+rel+CAS-addr', mp), 'Sometimes');
  });

  it("a read of a CAS's own write (forwarded) depends on the CAS's read through a choice: orders a later write (LB+CAS-rfi-ctrl+DMBSY, R+CAS-rfi-ctrl+DMBST Forbidden), not a later read (MP+DMBSY+CAS-rfi-addr Allowed)", function () {
    // herd7's base catalogue (herd7 7.58+1: both Never) and a read variant (herd7: Sometimes, the same 5 states).
    const p0 = ['MOV W1,#1', 'MOV W2,#2', 'CAS W1,W2,[X0]', 'LDR W3,[X0]', 'CBNZ W3,LC00', 'LC00:', 'MOV W4,#1', 'STR W4,[X5]'];
    const table = (name: string, p1: string[], exists: string): string =>
      `AArch64 ${name}\n{\n0:X0=x; 0:X5=y;\n1:X1=y; 1:X3=x;\n}\n P0 | P1 ;\n${p0.map((l, i) => ` ${l} | ${p1[i] ?? ''} ;`).join('\n')}\nexists (${exists})`;
    const lb = table('LB+CAS-rfi-ctrl+DMBSY', ['LDR W0,[X1]', 'DMB SY', 'MOV W2,#1', 'STR W2,[X3]'], 'x=2 /\\ 0:X1=1 /\\ 0:X3=2 /\\ 1:X0=1');
    assert.equal(observation('LB+CAS-rfi-ctrl+DMBSY', lb), 'Never');
    const r = table('R+CAS-rfi-ctrl+DMBST', ['MOV W0,#2', 'STR W0,[X1]', 'DMB ST', 'MOV W2,#1', 'STR W2,[X3]'], 'x=2 /\\ y=2 /\\ 0:X1=1 /\\ 0:X3=2');
    assert.equal(observation('R+CAS-rfi-ctrl+DMBST', r), 'Never');
    const mp = `AArch64 MP+DMBSY+CAS-rfi-addr
{
0:X0=y; 0:X1=x;
1:X0=x; 1:X5=y;
}
 P0          | P1                  ;
 MOV W2,#1   | MOV W1,#1           ;
 STR W2,[X0] | MOV W2,#2           ;
 DMB SY      | CAS W1,W2,[X0]      ;
 STR W2,[X1] | LDR W3,[X0]         ;
             | EOR W6,W3,W3        ;
             | LDR W4,[X5,W6,SXTW] ;
exists (x=2 /\\ 1:X1=1 /\\ 1:X3=2 /\\ 1:X4=0)`;
    assert.equal(observation('MP+DMBSY+CAS-rfi-addr', mp), 'Sometimes');
  });
});
