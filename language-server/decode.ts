/**
 * The Decode command: a value (selection or number under the cursor)
 * decoded against a register — the one given, or the one the value ends up
 * in (valueFlow), or the register under the cursor with its known value.
 */
import { allRegisters, findRegister } from '../simulator/arch/registers';
import { evaluateExpression } from '../simulator/isa/expr';
import { valueDestinationAt } from '../simulator/scenario/valueFlow';
import { hex } from '../simulator/util/hex';
import type { DecodeParams, DecodeResult } from '../extension/protocol';
import type { Analysis } from './analysis';
import { decodedMarkdown } from './markdown';

function valueOf(a: Analysis, text: string): bigint | undefined {
  const t = text.trim().replace(/^[#=]/, '');
  const r = evaluateExpression(t, (name) => a.model.symbols.get(name)?.value ?? a.model.constants.get(name)?.value);
  return 'value' in r ? BigInt.asUintN(64, r.value) : undefined;
}

export function decodeAt(a: Analysis, p: DecodeParams): DecodeResult {
  const { line, character } = p.position;
  const word = a.wordAt(line, character);
  let value = p.text !== undefined ? valueOf(a, p.text) : word ? valueOf(a, word.text) : undefined;
  let register = p.register;
  const dest = valueDestinationAt(a.model, line, word?.range.start.col ?? character);
  if (value === undefined && dest && word && findRegister(word.text) && dest.register === word.text.toLowerCase()) {
    // Cursor on `hcr_el2` in `msr hcr_el2, x0` or `hcr_el2 = …`: the value written there.
    value = dest.value;
    register ??= dest.register;
  }
  if (value === undefined) return { kind: 'error', message: 'no value at the cursor or in the selection' };
  if (!register && dest && findRegister(dest.register) && dest.value === value) register = dest.register;
  if (!register) return { kind: 'need-register', value: hex(value) };
  const def = findRegister(register);
  if (!def) return { kind: 'error', message: `unknown register '${register}'` };
  const markdown = decodedMarkdown(def.name, value) ?? '';
  return { kind: 'decoded', register: def.name, value: hex(value), markdown };
}

export function registerNames(): string[] {
  return allRegisters().map((r) => r.name);
}
