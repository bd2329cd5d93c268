/**
 * Variables as lazy, paged trees and the references that name them.
 *
 * A node's children are built only when the client asks for them: `named`
 * children (a few: fields, properties) and `indexed` children (many: cache
 * copies, TLB entries, descriptors), which are built one page at a time — the
 * client sees `indexedVariables` and asks with `start`/`count`. A response
 * holds at most VARIABLES_PAGE_SIZE variables.
 *
 * References are never reused: they only grow, and the table remembers where
 * the current stop's references begin, so a reference from an earlier stop
 * (a client that was still rendering it) is recognised as stale and answered
 * with no variables instead of another stop's.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RequestError } from './errors';
import { VARIABLES_PAGE_SIZE } from './limits';

export interface VarNode {
  name: string;
  value: string;
  type?: string;
  evaluateName?: string;
  /** `main:PA` or `peN:PA` (memory.ts). */
  memoryReference?: string;
  /** Data breakpoint id when one can be set on it (`mem:PA:SIZE`, `line:PA`). */
  dataId?: string;
  dataDescription?: string;
  /** Register the node names (setVariable). */
  register?: string;
  presentationHint?: DebugProtocol.VariablePresentationHint;
  children?: Children;
}

export interface Children {
  /** A few named children. */
  named?: () => VarNode[];
  /** Many children, numbered: `count` known up front, built a page at a time. */
  indexed?: { count: number; page(start: number, count: number): VarNode[] };
}

/** Named children only. */
export function named(fn: () => VarNode[]): Children {
  return { named: fn };
}

/**
 * Indexed children over a list of items read on first use (when the parent is
 * shown, for the count); only the page asked for becomes variables.
 */
export function indexedOf<T>(items: () => readonly T[], toNode: (item: T) => VarNode): Children {
  let all: readonly T[] | undefined;
  const list = (): readonly T[] => (all ??= items());
  return {
    indexed: {
      get count() {
        return list().length;
      },
      page: (start, n) => list().slice(start, start + n).map(toNode),
    },
  };
}

export type Resolved = { kind: 'live'; children: Children } | { kind: 'stale' } | { kind: 'unknown' };

export class VariableTable {
  private refs = new Map<number, Children>();
  private next = 1;
  /** First reference of the current stop (earlier ones are stale). */
  private firstLive = 1;
  /** Nodes last served under each reference (setVariable and dataBreakpointInfo find them by name). */
  private served = new Map<number, VarNode[]>();
  /** Nodes built by the last request (a work counter for tests). */
  lastBuilt = 0;

  /** Forget every reference: the machine moved (a resume, a step back). */
  reset(): void {
    this.refs.clear();
    this.served.clear();
    this.firstLive = this.next;
  }

  create(children: Children): number {
    const ref = this.next++;
    this.refs.set(ref, children);
    return ref;
  }

  resolve(ref: number): Resolved {
    const c = this.refs.get(ref);
    if (c) return { kind: 'live', children: c };
    return ref > 0 && ref < this.next ? { kind: 'stale' } : { kind: 'unknown' };
  }

  /** The node called `name` among those last served under `ref`. */
  servedNode(ref: number, name: string): VarNode | undefined {
    return this.served.get(ref)?.find((n) => n.name === name);
  }

  /** DAP `variables`: the page asked for, at most VARIABLES_PAGE_SIZE, with a closing note when more were not sent. */
  page(ref: number, args: { filter?: 'indexed' | 'named'; start?: number; count?: number }): VarNode[] {
    const r = this.resolve(ref);
    if (r.kind === 'stale') return [];
    if (r.kind === 'unknown') throw new RequestError(`variablesReference ${ref} does not exist`);
    const c = r.children;
    const start = args.start ?? 0;
    const want = Math.min(args.count || VARIABLES_PAGE_SIZE, VARIABLES_PAGE_SIZE);
    const namedNodes = args.filter === 'indexed' ? [] : (c.named?.() ?? []);
    const indexedCount = args.filter === 'named' ? 0 : (c.indexed?.count ?? 0);
    const total = namedNodes.length + indexedCount;
    const out: VarNode[] = namedNodes.slice(start, start + want);
    const from = Math.max(0, start - namedNodes.length);
    const rest = want - out.length;
    if (rest > 0 && c.indexed && from < indexedCount) out.push(...c.indexed.page(from, Math.min(rest, indexedCount - from)));
    this.lastBuilt = out.length + namedNodes.length;
    const left = total - start - out.length;
    if (args.count === undefined && left > 0) out.push({ name: '…', value: `${left.toLocaleString('en')} more: ask with start/count (at most ${VARIABLES_PAGE_SIZE} per request)` });
    this.served.set(ref, out);
    return out;
  }

  /** The DAP variable for a node (its children get a reference, with counts when they are paged). */
  toVariable(n: VarNode): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name: n.name, value: n.value, variablesReference: n.children ? this.create(n.children) : 0 };
    if (n.children?.indexed) {
      v.indexedVariables = n.children.indexed.count;
      if (n.children.named) v.namedVariables = n.children.named().length;
    }
    if (n.type) v.type = n.type;
    if (n.evaluateName) v.evaluateName = n.evaluateName;
    if (n.memoryReference) v.memoryReference = n.memoryReference;
    if (n.presentationHint) v.presentationHint = n.presentationHint;
    return v;
  }
}
