import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { diags } from './helpers';

/**
 * One case per diagnostic the scenario layer emits that the construct tests do
 * not already pin down: exact range, severity, rule and message.
 * (`entry-not-code` warnings of header-only snippets are left out except in its own case.)
 */
const CASES: { name: string; text: string; expected: string[] }[] = [
  {
    name: 'body on a one-line statement',
    text: 'const A = 1 {\n}\n',
    expected: [
      "0:12-0:13 error syntax: 'const' does not take a '{ \u2026 }' body",
    ],
  },
  {
    name: 'statement starting with punctuation',
    text: '= 3\n',
    expected: [
      "0:0-0:1 error syntax: unexpected '=': expected a top-level statement such as 'system', 'pe', 'code' or 'expect'",
    ],
  },
  {
    name: 'duplicate system block',
    text: 'system { pes 2 }\nsystem { pes 2 }\n',
    expected: [
      "1:0-1:6 error duplicate: duplicate 'system' block: settings are merged, but keep one block",
      "1:9-1:12 warning duplicate: 'pes' is set twice; the last value wins",
    ],
  },
  {
    name: 'setting given twice',
    text: 'system {\n  seed 1\n  seed 2\n}\n',
    expected: [
      "2:2-2:6 warning duplicate: 'seed' is set twice; the last value wins",
    ],
  },
  {
    name: 'cluster without pes',
    text: 'system {\n  pes 2\n  cluster 0 0-1\n}\n',
    expected: [
      "2:12-2:13 error syntax: expected 'pes' after 'cluster 0', found '0'",
    ],
  },
  {
    name: 'more clusters than PEs',
    text: 'system {\n  pes 2\n  clusters 4\n}\n',
    expected: [
      "2:2-2:12 error cluster-map: 4 clusters for 2 PEs: each cluster needs at least one PE",
    ],
  },
  {
    name: 'memory without at',
    text: 'system {\n  memory ram 0x8000_0000 size 0x1000\n}\n',
    expected: [
      "1:13-1:24 error syntax: expected 'at' after 'memory ram', found '0x8000_0000'",
    ],
  },
  {
    name: 'memory without size',
    text: 'system {\n  memory ram at 0x8000_0000\n}\n',
    expected: [
      "1:16-1:27 error syntax: expected 'size' after '0x8000_0000'",
    ],
  },
  {
    name: 'duplicate memory region',
    text: 'system {\n  memory ram at 0 size 0x1000\n  memory ram at 0x1000 size 0x1000\n}\n',
    expected: [
      "2:9-2:12 error duplicate: duplicate memory region 'ram'",
    ],
  },
  {
    name: 'device without model',
    text: 'system {\n  device uart0 at 0x0900_0000 size 0x1000\n}\n',
    expected: [
      "1:15-1:17 error syntax: expected a device model (e.g. uart) after 'device uart0', found 'at'",
    ],
  },
  {
    name: 'memory size zero',
    text: 'system {\n  memory ram at 0 size 0\n}\n',
    expected: [
      "1:23-1:24 error out-of-range: the size of memory 'ram' must be 1 to 0x10_0000_0000_0000, not 0",
    ],
  },
  {
    name: 'el given twice',
    text: 'code at 0 {\nstart: nop\n}\npe 0 {\n  el 1\n  el 2\n}\n',
    expected: [
      "5:2-5:4 warning duplicate: 'el' is set twice; the last value wins",
    ],
  },
  {
    name: 'security nonsecure at EL3',
    text: 'code at 0 {\nstart: nop\n}\npe 0 {\n  el 3\n  security nonsecure\n}\n',
    expected: [
      "5:2-5:20 warning security-state: EL3 is always in Secure state: security nonsecure has no effect at EL3",
    ],
  },
  {
    name: 'register set twice',
    text: 'code at 0 {\nstart: nop\n}\npe 0 {\n  x0 = 1\n}\npe 0 {\n  x0 = 2\n  x0 = 3\n}\n',
    expected: [
      "8:2-8:8 warning duplicate: x0 is set twice in this block; the last value wins",
    ],
  },
  {
    name: 'no pe block',
    text: 'code at 0x8000_0000 {\nstart: nop\n}\n',
    expected: [
      "0:0-0:19 warning missing-entry: no 'pe' block: no PE runs this code (add 'pe 0 { entry LABEL }')",
    ],
  },
  {
    name: 'entry outside code',
    text: 'code at 0x8000_0000 {\nstart: nop\n}\npe 0 { entry 0x9000_0000 }\n',
    expected: [
      "3:13-3:24 warning entry-not-code: entry 0x9000_0000 is not inside any code block",
    ],
  },
  {
    name: 'code without at',
    text: 'pe 0 { entry 0 }\ncode 0x8000_0000 {\n  nop\n}\n',
    expected: [
      "1:5-1:16 error syntax: expected 'at' after 'code', found '0x8000_0000'",
    ],
  },
  {
    name: 'code header missing',
    text: 'pe 0 { entry 0 }\ncode {\n  nop\n}\n',
    expected: [
      "1:5-1:6 error syntax: expected 'at' and an address after 'code' (e.g. 'code at 0x8000_0000 {')",
    ],
  },
  {
    name: 'address beyond 52 bits',
    text: 'pe 0 { entry start }\ncode at 1 << 60 {\nstart: nop\n}\n',
    expected: [
      "1:8-1:15 error bad-address: address 0x1000_0000_0000_0000 is not a physical address (0 to 2^52-1)",
    ],
  },
  {
    name: 'misaligned code base',
    text: 'pe 0 { entry start }\ncode at 0x8000_0002 {\nstart: nop\n}\n',
    expected: [
      "1:8-1:19 error misaligned-instruction: code must start at a 4-byte aligned address, not 0x8000_0002",
      "2:7-2:10 error misaligned-instruction: instruction at unaligned address 0x8000_0002: add '.align 2' before it",
    ],
  },
  {
    name: '.equ without value',
    text: 'pe 0 { entry start }\ncode at 0 {\nstart: .equ X\n}\n',
    expected: [
      "2:7-2:11 error syntax: expected '.equ NAME, VALUE'",
    ],
  },
  {
    name: '.equ of a non-name',
    text: 'pe 0 { entry start }\ncode at 0 {\nstart: .equ 3, 4\n}\n',
    expected: [
      "2:12-2:13 error syntax: expected a symbol name after '.equ', found '3'",
    ],
  },
  {
    name: '.ascii without a string',
    text: 'pe 0 { entry start }\ndata at 0 {\nstart: .ascii hello\n}\n',
    expected: [
      "2:14-2:19 error syntax: expected a string (\"\u2026\") in '.ascii', found 'hello'",
    ],
  },
  {
    name: '.zero negative',
    text: 'pe 0 { entry start }\ndata at 0 {\nstart: .zero -1\n}\n',
    expected: [
      "2:13-2:15 error bad-value: '.zero' size -1 is out of range (0 to 4 GiB)",
    ],
  },
  {
    name: '.quad without values',
    text: 'pe 0 { entry start }\ndata at 0 {\nstart: .quad\n}\n',
    expected: [
      "2:7-2:12 error syntax: expected at least one value after '.quad'",
    ],
  },
  {
    name: '.ltorg and .text',
    text: 'pe 0 { entry start }\ncode at 0 {\nstart: .ltorg\n  .text\n  nop\n}\n',
    expected: [
      "2:7-2:13 warning ignored-directive: '.ltorg' is not needed: the literal pool is placed at the end of the block",
      "3:2-3:7 warning ignored-directive: '.text' is ignored: each 'code'/'data' block is placed at its own address",
    ],
  },
  {
    name: 'empty operand',
    text: 'pe 0 { entry start }\ncode at 0 {\nstart: .quad 1,, 2\n  .quad 3,\n}\n',
    expected: [
      "2:15-2:16 error syntax: expected an operand before ','",
      "3:9-3:10 error syntax: expected an operand after ','",
    ],
  },
  {
    name: 'line starting with a number',
    text: 'pe 0 { entry start }\ncode at 0 {\nstart: nop\n  42\n}\n',
    expected: [
      "3:2-3:4 error syntax: expected an instruction, directive or label, found '42'",
    ],
  },
  {
    name: 'unknown local label',
    text: 'pe 0 { entry start }\ncode at 0 {\nstart: .quad 1f\n}\n',
    expected: [
      "2:13-2:15 error undefined-symbol: no local label '1:' after this line in this block",
    ],
  },
  {
    name: 'expectation no without fault',
    text: 'expect {\n  no faults\n}\n',
    expected: [
      "1:5-1:11 error syntax: expected 'fault' or 'finding' after 'no', found 'faults'",
    ],
  },
  {
    name: 'halted without pe',
    text: 'expect {\n  halted 0\n}\n',
    expected: [
      "1:9-1:10 error syntax: expected 'pe' after 'halted', found '0'",
    ],
  },
  {
    name: 'fault with bad stage',
    text: 'expect {\n  fault translation stage 3\n}\n',
    expected: [
      "1:26-1:27 error syntax: expected 1 or 2 after 'stage', found '3'",
    ],
  },
  {
    name: 'fault with junk',
    text: 'expect {\n  fault permission because\n}\n',
    expected: [
      "1:19-1:26 error syntax: unexpected 'because' in fault expectation: expected 'stage', 'level', 'at el', 'to el', 'on pe' or 'at LABEL'",
    ],
  },
  {
    name: 'memory view typo',
    text: 'expect {\n  mem[0] == 1 seen pe 0\n}\n',
    expected: [
      "1:19-1:21 error syntax: expected 'by' after 'seen', found 'pe'",
    ],
  },
  {
    name: 'register expectation without value',
    text: 'expect {\n  pe 0 x0 ==\n}\n',
    expected: [
      "1:10-1:12 error syntax: expected a value after '=='",
    ],
  },
  {
    name: 'system header junk',
    text: 'system 4 {\n}\n',
    expected: [
      "0:7-0:8 error syntax: expected '{' after 'system'",
    ],
  },
  {
    name: 'expect header junk',
    text: 'expect all {\n}\n',
    expected: [
      "0:7-0:10 error syntax: expected '{' after 'expect'",
    ],
  },
  {
    name: 'event fill without address',
    text: 'event when step 1 do fill\n',
    expected: [
      "0:21-0:25 error syntax: expected an address after 'fill'",
    ],
  },
  {
    name: 'event every step 0',
    text: 'event every when step 0 do irq 1\n',
    expected: [
      "0:22-0:23 error out-of-range: the step number must be 1 to 0x1f_ffff_ffff_ffff, not 0",
    ],
  },
];

describe('scenario diagnostics: every kind with its exact range', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const got = diags(parseScenario(c.text)).filter((d) => c.name === 'entry outside code' || !d.includes(' entry-not-code: '));
      assert.deepEqual(got, c.expected);
    });
  }
});
