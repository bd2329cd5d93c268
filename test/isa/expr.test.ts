import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateExpression, expressionSymbols } from '../../simulator/isa/expr';

const SYMS: Record<string, bigint> = { GUEST: 0x8800_0000n, LIMIT: 8n, 'a.b$c': 3n, '1f': 0x1010n, '.': 0x4000n };
const ev = (t: string) => evaluateExpression(t, (n) => SYMS[n]);

describe('isa: expressions (GNU as style)', () => {
  it('evaluates literals in every base with _ separators', () => {
    assert.deepEqual(ev('0x8800_0000'), { value: 0x8800_0000n });
    assert.deepEqual(ev('0b1010'), { value: 10n });
    assert.deepEqual(ev('0o17'), { value: 15n });
    assert.deepEqual(ev('1_000_000'), { value: 1000000n });
    assert.deepEqual(ev("'A'"), { value: 65n });
  });

  it('resolves symbols, local-label references and the location counter', () => {
    assert.deepEqual(ev('GUEST + 0x1000'), { value: 0x8800_1000n });
    assert.deepEqual(ev('a.b$c * 2'), { value: 6n });
    assert.deepEqual(ev('1f - .'), { value: 0x1010n - 0x4000n });
  });

  it('applies unary operators', () => {
    assert.deepEqual(ev('-1'), { value: -1n });
    assert.deepEqual(ev('~0'), { value: -1n });
    assert.deepEqual(ev('!0'), { value: 1n });
    assert.deepEqual(ev('!5'), { value: 0n });
    assert.deepEqual(ev('- -3'), { value: 3n });
  });

  it('uses GNU as precedence: | & ^ bind tighter than + -, * / % << >> tighter still', () => {
    assert.deepEqual(ev('1 + 1 & 1'), { value: 2n }); // C would give (1+1)&1 = 0; GNU as gives 2
    assert.deepEqual(ev('1 | 1 + 1'), { value: 2n }); // C: 3
    assert.deepEqual(ev('1 << 4 + 1'), { value: (1n << 4n) + 1n });
    assert.deepEqual(ev('2 * 3 | 1'), { value: 7n });
    assert.deepEqual(ev('(1 + 6) & 3'), { value: 3n });
    assert.deepEqual(ev('10 - 4 - 3'), { value: 3n }); // left associative
    assert.deepEqual(ev('100 / 10 / 5'), { value: 2n });
    assert.deepEqual(ev('7 % 4 << 2'), { value: 12n });
    assert.deepEqual(ev('0xff ^ 0x0f'), { value: 0xf0n });
  });

  it('reports errors with the offset of the problem', () => {
    assert.deepEqual(ev('GUEST + nope'), { error: "undefined symbol 'nope'", offset: 8 });
    assert.deepEqual(ev('4 / (2 - 2)'), { error: 'division by zero', offset: 2 });
    assert.deepEqual(ev('(1 + 2'), { error: "expected ')'", offset: 6 });
    assert.deepEqual(ev('1 +'), { error: 'expected a value at end of expression', offset: 3 });
    assert.deepEqual(ev('1 2'), { error: "unexpected '2' in expression", offset: 2 });
    assert.deepEqual(ev('0x1g'), { error: "'0x1g' is not a number", offset: 0 });
    assert.deepEqual(ev('3 @ 4'), { error: "unexpected character '@' in expression", offset: 2 });
    assert.deepEqual(ev('1 << 200'), { error: 'shift amount 200 out of range 0..128', offset: 2 });
    assert.deepEqual(ev(''), { error: 'expected an expression', offset: 0 });
  });

  it('lists the symbols an expression uses', () => {
    assert.deepEqual(expressionSymbols('GUEST + LIMIT * 2'), [
      { name: 'GUEST', offset: 0 },
      { name: 'LIMIT', offset: 8 },
    ]);
  });

  // Property: a random expression tree, printed fully parenthesised, evaluates to the
  // value computed directly on the tree (so precedence never matters here), and printing
  // numbers in any base with separators does not change the value.
  type Node = { k: 'n'; v: bigint; base: number } | { k: 'u'; op: '-' | '~'; a: Node } | { k: 'b'; op: string; a: Node; b: Node };
  const leaf = fc.record({ k: fc.constant('n' as const), v: fc.bigInt({ min: 0n, max: 1n << 40n }), base: fc.constantFrom(2, 10, 16) });
  const tree = fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ k: fc.constant('u' as const), op: fc.constantFrom('-' as const, '~' as const), a: tie('node') }),
      fc.record({ k: fc.constant('b' as const), op: fc.constantFrom('+', '-', '*', '&', '|', '^'), a: tie('node'), b: tie('node') }),
    ),
  })).node;
  function print(n: Node): string {
    if (n.k === 'n') {
      if (n.base === 16) return '0x' + n.v.toString(16).replace(/\B(?=(\w{4})+$)/g, '_');
      if (n.base === 2) return '0b' + n.v.toString(2);
      return n.v.toString();
    }
    if (n.k === 'u') return `${n.op}(${print(n.a)})`;
    return `(${print(n.a)} ${n.op} ${print(n.b)})`;
  }
  function value(n: Node): bigint {
    if (n.k === 'n') return n.v;
    if (n.k === 'u') return n.op === '-' ? -value(n.a) : ~value(n.a);
    const a = value(n.a);
    const b = value(n.b);
    switch (n.op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '&':
        return a & b;
      case '|':
        return a | b;
      default:
        return a ^ b;
    }
  }
  it('property: parenthesised random trees evaluate like the tree', () => {
    fc.assert(
      fc.property(tree, (t) => {
        assert.deepEqual(evaluateExpression(print(t), () => undefined), { value: value(t) });
      }),
      { numRuns: 500, seed: 1 },
    );
  });

  it('reads a bare literal (read without tokenizing) as the parser reads it in parentheses', () => {
    const spellings = fc.oneof(
      fc.bigInt({ min: 0n, max: (1n << 130n) - 1n }).map((v) => v.toString()),
      fc.bigInt({ min: 0n, max: (1n << 130n) - 1n }).map((v) => `0x${v.toString(16)}`),
      fc.bigInt({ min: 0n, max: 1n << 64n }).map((v) => `0X${v.toString(16).toUpperCase()}`),
      fc.stringMatching(/^[0-9a-fxX]{1,40}$/),
    );
    fc.assert(
      fc.property(fc.boolean(), spellings, (neg, digits) => {
        const t = (neg ? '-' : '') + digits;
        const parsed = ev(`(${t})`);
        const bare = ev(t);
        // The same value, or an error for both (at an offset one less: no parenthesis before it).
        if ('value' in parsed) assert.deepEqual(bare, parsed, t);
        else assert.ok('error' in bare && bare.error === parsed.error, t);
      }),
      { numRuns: 3000, seed: 7 },
    );
    assert.deepEqual(ev('-0x10'), { value: -16n });
    assert.deepEqual(ev('08'), { value: 8n });
    assert.deepEqual(ev('0x' + 'f'.repeat(32)), { value: (1n << 128n) - 1n });
  });
});
