/**
 * herd7's state language: the initial state `{ … }`, `locations [ … ]`,
 * `filter P` and the final condition (`exists`, `~exists`, `forall` over
 * `/\`, `\/`, `~`, `=>`, parentheses, `true`, `false`, and atoms
 * `LOC=VALUE`, `LOC!=VALUE`, `fault(P0:L0,x,MMU:Translation)`).
 *
 * Operator precedence follows herd7 (lib/stateParser.mly): `~` binds
 * tightest, then `=>` (right associative), then `/\`, then `\/`.
 *
 * Constructs the reader parses but the simulator cannot run (arrays,
 * pointers, tags, shadow stacks, labels as values, location-to-location
 * comparisons, `observed`, `with`…) are refused with their name.
 */
import type { Condition, FaultAtom, FaultType, InitEntry, LitmusLocation, LitmusValue, LocationItem, Prop, PteValue, Quantifier } from './ast';
import { lex, Tokens, type Token } from './lex';
import { LitmusSyntaxError, type LitmusSource } from './source';

/** C types of the initial state the reader accepts, with their size in bytes and signedness. */
export const LITMUS_TYPES: Record<string, { size: 1 | 2 | 4 | 8; signed: boolean }> = {
  int: { size: 4, signed: true },
  int32_t: { size: 4, signed: true },
  uint32_t: { size: 4, signed: false },
  int64_t: { size: 8, signed: true },
  uint64_t: { size: 8, signed: false },
  int8_t: { size: 1, signed: true },
  uint8_t: { size: 1, signed: false },
  int16_t: { size: 2, signed: true },
  uint16_t: { size: 2, signed: false },
  char: { size: 1, signed: true },
  short: { size: 2, signed: true },
  long: { size: 8, signed: true },
  intptr_t: { size: 8, signed: true },
  uintptr_t: { size: 8, signed: false },
  pteval_t: { size: 8, signed: false },
};

/** herd7's fault types the simulator reports (the others — TagCheck, PacCheck, GCS, Exclusive, I-MMU, SupervisorCall — are refused). */
export const FAULT_TYPES: readonly FaultType[] = ['MMU:Translation', 'MMU:AccessFlag', 'MMU:Permission', 'D-MMU:Translation', 'D-MMU:AccessFlag', 'D-MMU:Permission', 'UndefinedInstruction'];
const OTHER_FAULT_TYPES = /^(I-MMU:|MMU:Exclusive|D-MMU:Exclusive|TagCheck|PacCheck|GCS|SupervisorCall|SVC)/;

/** Deepest nesting of parentheses and `~` in a condition (the parser recurses once per level). */
export const MAX_CONDITION_DEPTH = 200;

const REGISTER = /^([XxWw])([0-9]|[12][0-9]|30)$/;
const PROC = /^P([0-9]+)$/;
const PTE_KEYWORDS = ['PTE', 'TTD'];

/** A construct that parses but is refused: reported, and parsing goes on. */
export interface Refusal {
  message: string;
  start: number;
  end: number;
}

export class StateParser {
  readonly refusals: Refusal[] = [];
  /** Location names in order of first mention. */
  readonly symbols: string[] = [];
  private t: Tokens;
  private depth = 0;

  constructor(
    private readonly src: LitmusSource,
    start: number,
    end: number,
  ) {
    this.t = new Tokens(lex(src.text, start, end));
  }

  private range(a: Token, b: Token = a): ReturnType<LitmusSource['range']> {
    return this.src.range(a.start, b.end);
  }

  private refuse(message: string, a: Token, b: Token = a): void {
    this.refusals.push({ message, start: a.start, end: Math.max(b.end, a.start + 1) });
  }

  private sym(name: string): string {
    if (!this.symbols.includes(name)) this.symbols.push(name);
    return name;
  }

  private last(): Token {
    return this.t.toks[Math.max(0, this.t.i - 1)];
  }

  // ---- initial state ------------------------------------------------------------

  init(): InitEntry[] {
    const out: InitEntry[] = [];
    while (!this.t.atEnd()) {
      if (this.t.accept(';')) continue;
      const e = this.initEntry();
      if (e) out.push(e);
      if (!this.t.atEnd() && !this.t.is(';')) throw this.t.error("expected ';' between initial values");
    }
    return out;
  }

  private initEntry(): InitEntry | undefined {
    const first = this.t.peek();
    if (first.kind === 'name' && first.text === '_Atomic') {
      this.refuse("'_Atomic' types are not supported", first);
      this.t.next();
    }
    let type: string | undefined;
    if (this.startsWithType()) {
      const ty = this.t.next();
      type = ty.text;
      if (this.t.is('*')) {
        this.refuse(`pointer type '${type} *' is not supported`, ty, this.t.peek());
        this.t.next();
      } else if (!(type in LITMUS_TYPES)) this.refuse(`type '${type}' is not supported (${Object.keys(LITMUS_TYPES).join(', ')})`, ty);
    }
    if (this.t.is('*')) {
      this.refuse('pointer locations (*x) are not supported', this.t.next());
    }
    const loc = this.location('an initial-state location (0:X1, x, [x], PTE(x))');
    if (this.t.is('[')) {
      const open = this.t.next();
      this.refuse('arrays are not supported', open, this.t.peek());
      while (!this.t.atEnd() && !this.t.is(']')) this.t.next();
      this.t.accept(']');
    }
    let value: LitmusValue | undefined;
    if (this.t.accept('=')) value = this.value();
    return { loc, type, value, range: this.range(first, this.last()) };
  }

  /** `int x`, `uint64_t 0:X0`, `pteval_t 0:X2`: a name followed by a location. */
  private startsWithType(): boolean {
    const a = this.t.peek();
    const b = this.t.peek(1);
    if (a.kind !== 'name' || PROC.test(a.text) || PTE_KEYWORDS.includes(a.text) || a.text === 'PA') return false;
    if (b.kind === 'name') return true;
    if (b.kind === 'num') return this.t.peek(2).text === ':';
    return b.text === '[' || b.text === '*';
  }

  // ---- locations and values ----------------------------------------------------------

  private register(thread: number, t: Token): LitmusLocation {
    const m = REGISTER.exec(t.text);
    if (!m) {
      this.refuse(`register '${t.text}' is not supported (X0–X30, W0–W30)`, t);
      return { kind: 'reg', thread, reg: 0 };
    }
    return { kind: 'reg', thread, reg: Number(m[2]) };
  }

  /** `N:REG`, `PN:REG`, `x`, `[x]`, `[PTE(x)]`, `PTE(x)`, `pte_x`. */
  location(what: string): LitmusLocation {
    const a = this.t.peek();
    if (a.kind === 'name' && a.text.startsWith('%')) {
      this.t.next();
      this.refuse(`symbolic registers (${a.text}) are not supported`, a);
      return { kind: 'reg', thread: 0, reg: 0 };
    }
    if ((a.kind === 'num' && /^[0-9]+$/.test(a.text)) || (a.kind === 'name' && PROC.test(a.text) && this.t.is(':', 1))) {
      this.t.next();
      this.t.expect(':', "':' after the thread number");
      const r = this.t.next();
      if (r.kind !== 'name') throw this.t.error('expected a register name', r);
      const thread = Number(a.kind === 'num' ? a.text : a.text.slice(1));
      return this.register(thread, r);
    }
    if (this.t.accept('[')) {
      const inner = this.global(what);
      this.t.expect(']');
      return inner;
    }
    return this.global(what);
  }

  /** A memory location or a descriptor: `x`, `PTE(x)`, `TTD(x)`, `pte_x`. */
  private global(what: string): LitmusLocation {
    const loc = this.globalName(what);
    this.refuseSuffix();
    return loc;
  }

  /** What herd7 allows after a name and the simulator does not run: array elements `v[1]`, tags `x:red`. */
  private refuseSuffix(): void {
    const a = this.last();
    if (this.t.is('[') && this.t.peek(1).kind === 'num' && this.t.is(']', 2)) {
      this.t.next();
      this.t.next();
      this.refuse(`array elements (${a.text}[…]) are not supported`, a, this.t.next());
    } else if (this.t.is(':') && this.t.peek(1).kind === 'name' && !PROC.test(a.text)) {
      this.t.next();
      this.refuse(`memory tags (${a.text}:${this.t.peek().text}) are not supported`, a, this.t.next());
    }
  }

  private globalName(what: string): LitmusLocation {
    const a = this.t.next();
    if (a.kind === 'name' && a.text.startsWith('%')) {
      this.refuse(`symbolic registers (${a.text}) are not supported`, a);
      return { kind: 'mem', sym: this.sym('x') };
    }
    if (a.kind !== 'name') throw this.t.error(`expected ${what}`, a);
    if (PTE_KEYWORDS.includes(a.text) && this.t.is('(')) return { kind: 'pte', sym: this.parenName(a.text) };
    if (a.text !== 'PA' && this.t.is('(')) return this.refuseCall(a, { kind: 'mem', sym: this.sym('x') });
    if (a.text === 'PA' && this.t.is('(')) {
      const sym = this.parenName('PA');
      this.refuse(`physical location PA(${sym}) is not supported as a location (write [${sym}])`, a, this.last());
      return { kind: 'mem', sym };
    }
    if (a.text.startsWith('pte_') && a.text.length > 4) return { kind: 'pte', sym: this.sym(a.text.slice(4)) };
    if (a.text.startsWith('phy_') && a.text.length > 4) {
      this.refuse(`physical location ${a.text} is not supported as a location (write [${a.text.slice(4)}])`, a);
      return { kind: 'mem', sym: this.sym(a.text.slice(4)) };
    }
    if (PROC.test(a.text)) throw this.t.error(`expected ${what}`, a);
    return { kind: 'mem', sym: this.sym(a.text) };
  }

  /** `KEYWORD ( NAME )` after the keyword: the name. */
  private parenName(keyword: string): string {
    this.t.expect('(', `'(' after ${keyword}`);
    const n = this.t.next();
    if (n.kind !== 'name' || PROC.test(n.text)) {
      if (n.kind === 'name' && this.t.is(':')) throw this.t.error(`a code label in ${keyword}(…) is not supported`, n);
      throw this.t.error('expected a location name', n);
    }
    if (PTE_KEYWORDS.includes(n.text) && this.t.is('(')) throw this.t.error(`${keyword}(${n.text}(…)) (a descriptor of a table page) is not supported`, n);
    this.t.expect(')', `')' after ${keyword}(${n.text}`);
    return this.sym(n.text);
  }

  value(): LitmusValue {
    const a = this.t.peek();
    if (a.kind === 'num') {
      this.t.next();
      if (this.t.is(':')) {
        this.t.next();
        this.refuse('a code label or a location of another thread as a value is not supported', a, this.t.peek());
        if (!this.t.atEnd()) this.t.next();
        return { kind: 'int', value: 0n };
      }
      return { kind: 'int', value: BigInt(a.text) };
    }
    if (a.text === '(') return { kind: 'pte', pte: this.pteValue() };
    if (a.text === '&') {
      this.t.next();
      const n = this.t.next();
      if (n.kind !== 'name') throw this.t.error("expected a location name after '&'", n);
      return { kind: 'va', sym: this.sym(n.text) };
    }
    if (a.text === '[') {
      this.refuse('comparing a location with another location is not supported', a);
      this.location('a location');
      return { kind: 'int', value: 0n };
    }
    if (a.text === '{') {
      this.refuse('tag sets ({:green, …}) are not supported', a);
      while (!this.t.atEnd() && !this.t.is('}')) this.t.next();
      this.t.accept('}');
      return { kind: 'int', value: 0n };
    }
    if (a.text === ':' && this.t.peek(1).kind === 'name') {
      this.t.next();
      this.refuse(`tag values (:${this.t.peek().text}) are not supported`, a, this.t.next());
      return { kind: 'int', value: 0n };
    }
    if (a.kind !== 'name') throw this.t.error('expected a value (a number, a location, PA(x), PTE(x) or a descriptor (oa:PA(x), …))', a);
    this.t.next();
    if (a.text === 'PA' && this.t.is('(')) return { kind: 'pa', sym: this.parenName('PA') };
    if (PTE_KEYWORDS.includes(a.text) && this.t.is('(')) return { kind: 'pte-address', sym: this.parenName(a.text) };
    if (this.t.is('(')) return this.refuseCall(a, { kind: 'int', value: 0n });
    if (PROC.test(a.text) && this.t.is(':')) {
      this.t.next();
      this.refuse('a code label or a location of another thread as a value is not supported', a, this.t.peek());
      if (!this.t.atEnd()) this.t.next();
      return { kind: 'int', value: 0n };
    }
    if (/^parel1_t$/i.test(a.text)) {
      this.refuse(`'${a.text}' values are not supported`, a);
      this.t.accept(':');
      if (this.t.is('(')) this.skipGroup();
      return { kind: 'int', value: 0n };
    }
    if ((a.text === 'instr' || a.text === 'label') && this.t.is(':') && this.t.peek(1).kind === 'string') {
      this.t.next();
      this.refuse(`${a.text === 'instr' ? 'instruction' : 'label'} values (${a.text}:"…") are not supported`, a, this.t.next());
      return { kind: 'int', value: 0n };
    }
    if (a.text.startsWith('%')) {
      this.refuse(`symbolic registers (${a.text}) are not supported`, a);
      return { kind: 'int', value: 0n };
    }
    if (a.text.startsWith('phy_') && a.text.length > 4) return { kind: 'pa', sym: this.sym(a.text.slice(4)) };
    if (a.text.startsWith('pte_') && a.text.length > 4) return { kind: 'pte-address', sym: this.sym(a.text.slice(4)) };
    const v: LitmusValue = { kind: 'va', sym: this.sym(a.text) };
    this.refuseSuffix();
    return v;
  }

  /** `tag(x)`, `SS(x,1)`, `pacda(y,0)`…: constructs of herd7 extensions the simulator does not have. */
  private refuseCall<T>(name: Token, placeholder: T): T {
    this.skipGroup();
    this.refuse(`'${name.text}(…)' is not supported`, name, this.last());
    return placeholder;
  }

  /** Skip a parenthesised group (with nested ones). */
  private skipGroup(): void {
    let depth = 0;
    do {
      const t = this.t.next();
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      if (t.kind === 'eof') throw this.t.error("expected ')'", t);
    } while (depth > 0);
  }

  /** `(oa:PA(x), valid:0, af:0, db:0, dbm:1, el0:0, x:0, attrs:(Normal, ISH))`; fields not written keep herd's defaults. */
  pteValue(): PteValue {
    const open = this.t.expect('(');
    const p: Partial<PteValue> & { attrs: string[] } = { attrs: [] };
    const ints: (keyof PteValue)[] = ['valid', 'af', 'db', 'dbm', 'el0', 'x'];
    for (;;) {
      const k = this.t.next();
      if (k.kind !== 'name') throw this.t.error('expected a descriptor field (oa, valid, af, db, dbm, el0, x, attrs)', k);
      if (k.text === 'oa') {
        this.t.expect(':', "':' after oa");
        p.oa = this.outputAddress();
      } else if (k.text === 'attrs') {
        this.t.expect(':', "':' after attrs");
        this.t.expect('(', "'(' after attrs:");
        for (;;) {
          const n = this.t.next();
          if (n.kind !== 'name') throw this.t.error('expected a memory attribute', n);
          p.attrs.push(n.text);
          if (!this.t.accept(',')) break;
        }
        this.t.expect(')');
      } else if (this.t.accept(':')) {
        const v = this.t.next();
        if (!(ints as string[]).includes(k.text)) this.refuse(`descriptor field '${k.text}' is not supported (oa, valid, af, db, dbm, el0, x, attrs)`, k, v);
        else if (v.kind !== 'num' || (v.text !== '0' && v.text !== '1')) throw this.t.error(`expected 0 or 1 for ${k.text}`, v);
        else (p as Record<string, unknown>)[k.text] = Number(v.text);
      } else p.attrs.push(k.text);
      if (!this.t.accept(',')) break;
    }
    this.t.expect(')', "')' to close the descriptor");
    for (const a of p.attrs) if (!KNOWN_ATTRS.has(a)) this.refuse(`memory attribute '${a}' is not supported`, open, this.last());
    return {
      oa: p.oa ?? { kind: 'pa', sym: '' },
      valid: p.valid ?? 1,
      af: p.af ?? 1,
      db: p.db ?? 1,
      dbm: p.dbm ?? 0,
      el0: p.el0 ?? 1,
      x: p.x ?? 1,
      attrs: p.attrs,
    };
  }

  private outputAddress(): PteValue['oa'] {
    const n = this.t.next();
    if (n.kind !== 'name') throw this.t.error('expected an output address (PA(x), PTE(x), phy_x)', n);
    if (n.text === 'PA' && this.t.is('(')) return { kind: 'pa', sym: this.parenName('PA') };
    if (PTE_KEYWORDS.includes(n.text) && this.t.is('(')) return { kind: 'pte-address', sym: this.parenName(n.text) };
    if (n.text.startsWith('phy_') && n.text.length > 4) return { kind: 'pa', sym: this.sym(n.text.slice(4)) };
    if (n.text.startsWith('pte_') && n.text.length > 4) return { kind: 'pte-address', sym: this.sym(n.text.slice(4)) };
    throw new LitmusSyntaxError(`'${n.text}' cannot be an output address (write PA(${n.text}))`, n.start, n.end);
  }

  // ---- constraints: locations, filter, condition ---------------------------------------------

  constraints(): { locations: LocationItem[]; filter?: Prop; condition: Condition } {
    const locations: LocationItem[] = [];
    let filter: Prop | undefined;
    while (this.t.is('locations')) {
      this.t.next();
      this.t.expect('[', "'[' after locations");
      while (!this.t.is(']')) {
        if (this.t.accept(';')) continue;
        if (this.t.atEnd()) throw this.t.error("expected ']' to close locations");
        const first = this.t.peek();
        if (this.isFault()) locations.push(this.fault());
        else {
          const loc = this.location('a location');
          let type: string | undefined;
          if (this.t.peek().kind === 'name') {
            const ty = this.t.next();
            type = ty.text;
            if (!(type in LITMUS_TYPES)) this.refuse(`type '${type}' is not supported`, ty);
          }
          if (this.t.is('*')) this.refuse('pointer types are not supported', this.t.next());
          locations.push({ kind: 'loc', loc, type, range: this.range(first, this.last()) });
        }
        if (!this.t.is(']') && !this.t.is(';')) throw this.t.error("expected ';' or ']' in locations");
      }
      this.t.next();
    }
    if (this.t.accept('filter')) filter = this.prop();
    const condition = this.condition();
    this.t.accept(';');
    if (this.t.is('with')) {
      const w = this.t.next();
      this.refuse("'with' kinds are not supported", w, this.t.toks[this.t.toks.length - 1]);
      while (!this.t.atEnd()) this.t.next();
    }
    if (!this.t.atEnd()) throw this.t.error('expected the end of the condition');
    return { locations, filter, condition };
  }

  private condition(): Condition {
    const first = this.t.peek();
    let quantifier: Quantifier;
    if (this.t.atEnd() || this.t.is(';')) {
      // No condition: herd7's `forall true`.
      return { quantifier: 'forall', prop: { kind: 'true' }, range: this.range(first) };
    }
    if (this.t.accept('exists')) quantifier = 'exists';
    else if (this.t.accept('forall')) quantifier = 'forall';
    else if ((this.t.is('~') || this.t.is('not')) && this.t.is('exists', 1)) {
      this.t.next();
      this.t.next();
      quantifier = '~exists';
    } else if (this.t.accept('final')) quantifier = 'exists';
    else if (this.t.is('(')) quantifier = 'exists';
    else if (this.t.is('observed') || this.t.is('Observed') || this.t.is('cases')) {
      this.refuse(`'${first.text}' conditions are not supported (exists, ~exists, forall)`, first);
      while (!this.t.atEnd()) this.t.next();
      return { quantifier: 'exists', prop: { kind: 'true' }, range: this.range(first) };
    } else throw this.t.error('expected exists, ~exists or forall');
    const prop = this.prop();
    return { quantifier, prop, range: this.range(first, this.last()) };
  }

  prop(): Prop {
    const operands = [this.conjunction()];
    while (this.t.accept('\\/')) operands.push(this.conjunction());
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private conjunction(): Prop {
    const operands = [this.implication()];
    while (this.t.accept('/\\')) operands.push(this.implication());
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  private implication(): Prop {
    const left = this.unary();
    if (!this.t.accept('=>')) return left;
    return { kind: 'implies', left, right: this.implication() };
  }

  private unary(): Prop {
    if (++this.depth > MAX_CONDITION_DEPTH) throw this.t.error(`the condition nests deeper than ${MAX_CONDITION_DEPTH} levels`);
    try {
      if (this.t.accept('~') || this.t.accept('not')) return { kind: 'not', operand: this.unary() };
      if (this.t.accept('true')) return { kind: 'true' };
      if (this.t.accept('false')) return { kind: 'false' };
      if (this.t.accept('(')) {
        const inner = this.prop();
        this.t.expect(')', "')'");
        return inner;
      }
      return this.atom();
    } finally {
      this.depth--;
    }
  }

  private isFault(): boolean {
    return (this.t.is('fault') || this.t.is('Fault')) && this.t.is('(', 1);
  }

  /** One atom; herd7 reads `LOC != V` as `not (LOC=V)`. */
  private atom(): Prop {
    if (this.isFault()) return { kind: 'atom', atom: this.fault() };
    const first = this.t.peek();
    if (first.kind === 'eof' || (first.kind === 'punct' && first.text !== '[')) throw this.t.error('expected a condition atom (0:X0=1, x=1, [PTE(x)]=(…), fault(P0,x))');
    const loc = this.location('a location (0:X0, x, [x], PTE(x))');
    let negate = false;
    if (this.t.accept('!=') || this.t.accept('<>')) negate = true;
    else if (!this.t.accept('=') && !this.t.accept('==')) throw this.t.error("expected '=' or '!='");
    const value = this.t.is('(') ? { kind: 'pte' as const, pte: this.pteValue() } : this.value();
    const atom: Prop = { kind: 'atom', atom: { kind: 'eq', loc, value, range: this.range(first, this.last()) } };
    return negate ? { kind: 'not', operand: atom } : atom;
  }

  /** `fault(P0)`, `fault(P0:L0)`, `fault(P0,x)`, `fault(P0,PTE(x))`, `fault(P0,MMU:Translation)`, `fault(P0:L0,x,MMU:Translation)`. */
  private fault(): FaultAtom {
    const first = this.t.next();
    this.t.expect('(', "'(' after fault");
    const p = this.t.next();
    const m = p.kind === 'name' ? PROC.exec(p.text) : null;
    if (!m) throw this.t.error('expected a thread (P0) in fault(…)', p);
    const f: FaultAtom = { kind: 'fault', thread: Number(m[1]), range: this.range(first) };
    if (this.t.accept(':')) {
      const l = this.t.next();
      if (l.kind !== 'name') throw this.t.error('expected a label after ' + p.text + ':', l);
      f.label = l.text;
    }
    if (this.t.accept(',')) {
      // A location, a fault type, or both.
      if (!this.faultTypeAhead()) {
        const loc = this.global('a location or a fault type');
        if (loc.kind === 'reg') throw this.t.error('expected a location');
        f.loc = loc;
        if (this.t.accept(',')) f.type = this.faultType();
      } else f.type = this.faultType();
    }
    this.t.expect(')', "')' to close fault(…)");
    f.range = this.range(first, this.last());
    return f;
  }

  /** The next words spell a fault type (`MMU:Translation`, `UndefinedInstruction`). */
  private faultTypeAhead(): boolean {
    const a = this.t.peek();
    if (a.kind !== 'name') return false;
    if (this.t.is(':', 1)) return true;
    return FAULT_TYPES.includes(a.text as FaultType) || OTHER_FAULT_TYPES.test(a.text);
  }

  private faultType(): FaultType | undefined {
    const a = this.t.next();
    let text = a.text;
    while (this.t.accept(':')) text += ':' + this.t.next().text;
    if (FAULT_TYPES.includes(text as FaultType)) return text as FaultType;
    if (OTHER_FAULT_TYPES.test(text)) this.refuse(`fault type '${text}' is not supported (${FAULT_TYPES.join(', ')})`, a, this.last());
    else throw new LitmusSyntaxError(`'${text}' is not a fault type (${FAULT_TYPES.join(', ')})`, a.start, this.last().end);
    return undefined;
  }
}

/** herd7's memory attribute names (lib/AArch64PteVal.ml). */
export const KNOWN_ATTRS = new Set([
  'Normal',
  'NSH',
  'ISH',
  'OSH',
  'Non-shareable',
  'Inner-shareable',
  'Outer-shareable',
  'iWB',
  'iWT',
  'iNC',
  'oWB',
  'oWT',
  'oNC',
  'Inner-write-back',
  'Inner-write-through',
  'Inner-non-cacheable',
  'Outer-write-back',
  'Outer-write-through',
  'Outer-non-cacheable',
  'Device-GRE',
  'Device-nGRE',
  'Device-nGnRE',
  'Device-nGnRnE',
]);
