/**
 * `system { … }`: PEs, clusters, memory map, devices and run settings.
 */
import type { RawBlock } from './blocks';
import { didYouMean, spanRange, tokRange } from './diagnostics';
import type { Token } from './lexer';
import type { SourceRange, SystemConfig } from './model';
import { Cursor, type ParseState } from './state';
import { parseIdList } from './peBlock';
import { count, DEFAULT_MAX_STEPS, MAX_DEVICES, MAX_MEMORY_REGIONS, MAX_PES, MAX_STEPS_LIMIT } from './limits';
import { hex, parseInteger } from '../util/hex';

export { DEFAULT_MAX_STEPS, MAX_PES } from './limits';

export function defaultSystem(): SystemConfig {
  return {
    pes: 1,
    clusters: 1,
    clusterOf: [0],
    memory: [],
    devices: [],
    cacheModel: 'on',
    speculation: 'none',
    maxSteps: DEFAULT_MAX_STEPS,
    seed: 1,
    settings: new Map(),
  };
}

/** Explicit `cluster N pes …` lines, kept until the PE count is known. */
interface ClusterMap {
  cluster: number;
  pes: number[];
  range: SourceRange;
}

export interface SystemExtras {
  clusterMaps: ClusterMap[];
  pesRange?: SourceRange;
  clustersRange?: SourceRange;
  seen: Map<string, SourceRange>;
}

export function interpretSystem(st: ParseState, block: RawBlock, extras: SystemExtras): void {
  const sys = st.model.system;
  if (sys.range) {
    st.rep.error(tokRange(block.keyword), "duplicate 'system' block: settings are merged, but keep one block", 'duplicate', [
      { range: sys.range, message: "first 'system' block" },
    ]);
  }
  sys.range = block.range;
  if (block.header.length > 0 && block.open) {
    st.rep.error(spanRange(block.header[0], block.header[block.header.length - 1]), "expected '{' after 'system'");
  }
  for (const stmt of block.body) {
    const c = new Cursor(stmt.tokens, st);
    const key = c.next() as Token;
    const k = key.text.toLowerCase();
    if (key.kind !== 'ident') {
      st.rep.error(tokRange(key), `expected a setting name in the system block, found '${key.text}'`);
      continue;
    }
    const once = (): void => {
      const prev = extras.seen.get(k);
      if (prev) st.rep.warning(tokRange(key), `'${k}' is set twice; the last value wins`, 'duplicate', [{ range: prev, message: 'first setting' }]);
      extras.seen.set(k, stmt.range);
    };
    switch (k) {
      case 'pes': {
        once();
        extras.pesRange = stmt.range;
        numberSetting(c, 'the PE count', 1n, BigInt(MAX_PES), (v) => (sys.pes = Number(v)));
        break;
      }
      case 'clusters': {
        once();
        extras.clustersRange = stmt.range;
        numberSetting(c, 'the cluster count', 1n, BigInt(MAX_PES), (v) => (sys.clusters = Number(v)));
        break;
      }
      case 'cluster': {
        const idTok = c.next();
        const idValue = idTok && idTok.kind === 'number' ? parseInteger(idTok.text) : undefined;
        if (!idTok || idValue === undefined) {
          if (idTok) c.i--;
          c.expected('a cluster number', 'cluster');
          break;
        }
        // A cluster holds at least one PE, so its number is below MAX_PES (the per-cluster caches are built for each).
        if (idValue < 0n || idValue >= BigInt(MAX_PES)) {
          st.rep.error(tokRange(idTok), `cluster ${idValue > 0xffffn ? hex(idValue) : idValue} is out of range: clusters are numbered 0 to ${MAX_PES - 1}`, 'out-of-range');
          break;
        }
        const id = Number(idValue);
        if (!c.expectWord('pes', `cluster ${idTok.text}`)) break;
        const ids = parseIdList(c, 'PE');
        if (!ids) break;
        c.expectEnd('the cluster setting');
        extras.clusterMaps.push({ cluster: id, pes: ids.ids, range: stmt.range });
        break;
      }
      case 'memory': {
        const name = c.next();
        if (!name || name.kind !== 'ident' || name.text === 'at') {
          if (name) c.i--;
          c.expected('a region name', 'memory');
          break;
        }
        if (!c.expectWord('at', `memory ${name.text}`)) break;
        const base = c.expr(['size', 'secure']);
        if (!base) {
          c.expected('a base address', 'at');
          break;
        }
        if (!c.expectWord('size')) break;
        const size = c.expr(['secure']);
        if (!size) {
          c.expected('a size', 'size');
          break;
        }
        const secure = c.acceptWord('secure') !== undefined;
        c.expectEnd('the memory declaration');
        if (sys.memory.length >= MAX_MEMORY_REGIONS) {
          st.rep.error(tokRange(key), `too many memory regions: a system declares at most ${count(MAX_MEMORY_REGIONS)}`, 'too-many');
          break;
        }
        const decl = { name: name.text, base: 0n, size: 0n, secure, range: stmt.range };
        if (sys.memory.some((m) => m.name === decl.name)) {
          const first = sys.memory.find((m) => m.name === decl.name)!;
          st.rep.error(tokRange(name), `duplicate memory region '${decl.name}'`, 'duplicate', [{ range: first.range, message: 'first definition' }]);
        }
        sys.memory.push(decl);
        st.early.push({ expr: base, what: `the base of memory '${decl.name}'`, min: 0n, max: (1n << 52n) - 1n, apply: (v) => (decl.base = v) });
        st.early.push({ expr: size, what: `the size of memory '${decl.name}'`, min: 1n, max: 1n << 52n, apply: (v) => (decl.size = v) });
        break;
      }
      case 'device': {
        const name = c.next();
        if (!name || name.kind !== 'ident') {
          if (name) c.i--;
          c.expected('a device name', 'device');
          break;
        }
        const model = c.next();
        if (!model || model.kind !== 'ident' || model.text === 'at') {
          if (model) c.i--;
          c.expected('a device model (e.g. uart)', `device ${name.text}`);
          break;
        }
        if (!c.expectWord('at', `device ${name.text} ${model.text}`)) break;
        const base = c.expr(['size', 'irq']);
        if (!base) {
          c.expected('a base address', 'at');
          break;
        }
        if (!c.expectWord('size')) break;
        const size = c.expr(['irq']);
        if (!size) {
          c.expected('a size', 'size');
          break;
        }
        if (sys.devices.length >= MAX_DEVICES) {
          st.rep.error(tokRange(key), `too many devices: a system declares at most ${count(MAX_DEVICES)}`, 'too-many');
          break;
        }
        const decl: SystemConfig['devices'][number] = { name: name.text, model: model.text, base: 0n, size: 0n, range: stmt.range };
        if (c.acceptWord('irq')) {
          const irq = c.expr();
          if (!irq) c.expected('an interrupt ID', 'irq');
          else st.early.push({ expr: irq, what: 'the interrupt ID', min: 0n, max: 1019n, apply: (v) => (decl.irq = Number(v)) });
        }
        c.expectEnd('the device declaration');
        sys.devices.push(decl);
        st.early.push({ expr: base, what: `the base of device '${decl.name}'`, min: 0n, max: (1n << 52n) - 1n, apply: (v) => (decl.base = v) });
        st.early.push({ expr: size, what: `the size of device '${decl.name}'`, min: 1n, max: 1n << 52n, apply: (v) => (decl.size = v) });
        break;
      }
      case 'cache_model': {
        once();
        const v = choice(c, 'cache_model', ['on', 'off']);
        if (v) sys.cacheModel = v as 'on' | 'off';
        break;
      }
      case 'speculation': {
        once();
        const v = choice(c, 'speculation', ['none', 'adversarial']);
        if (v) sys.speculation = v as 'none' | 'adversarial';
        break;
      }
      case 'max_steps': {
        once();
        numberSetting(c, 'max_steps', 1n, BigInt(MAX_STEPS_LIMIT), (v) => (sys.maxSteps = Number(v)));
        break;
      }
      case 'seed': {
        once();
        numberSetting(c, 'seed', 0n, 0xffff_ffffn, (v) => (sys.seed = Number(v)));
        break;
      }
      default: {
        if (st.language.isExtensionSetting(k)) {
          const args: string[] = [];
          while (!c.atEnd()) {
            const w = c.word();
            if (w) args.push(w.text);
          }
          if (sys.settings.has(k)) {
            st.rep.warning(tokRange(key), `'${k}' is set twice; the last value wins`, 'duplicate', [{ range: sys.settings.get(k)!.range, message: 'first setting' }]);
          }
          sys.settings.set(k, { key: k, args, range: stmt.range });
          break;
        }
        const known = st.language.systemSettings();
        const hint = didYouMean(k, known);
        st.rep.error(tokRange(key), `unknown setting '${key.text}' in system block${hint || `; expected one of ${known.map((s) => `'${s}'`).join(', ')}`}`, 'unknown-setting');
      }
    }
  }
}

function numberSetting(c: Cursor, what: string, min: bigint, max: bigint, apply: (v: bigint) => void): void {
  const key = c.prev().text;
  const e = c.expr();
  if (!e) {
    c.expected('a number', key);
    return;
  }
  c.st.early.push({ expr: e, what, min, max, apply });
}

function choice(c: Cursor, key: string, options: string[]): string | undefined {
  const t = c.next();
  if (!t) {
    c.expected(options.map((o) => `'${o}'`).join(' or '), key);
    return undefined;
  }
  const v = t.text.toLowerCase();
  if (!options.includes(v)) {
    c.rep.error(tokRange(t), `invalid value '${t.text}' for ${key}: expected ${options.map((o) => `'${o}'`).join(' or ')}${didYouMean(v, options)}`);
    return undefined;
  }
  c.expectEnd(`the ${key} setting`);
  return v;
}

/** After the early values are known: validate counts and compute `clusterOf`. */
export function finishSystem(st: ParseState, extras: SystemExtras): void {
  const sys = st.model.system;
  const where = extras.clustersRange ?? extras.pesRange ?? sys.range ?? { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
  if (extras.clusterMaps.length > 0) {
    const clusterOf = new Array<number>(sys.pes).fill(-1);
    let maxCluster = 0;
    for (const m of extras.clusterMaps) {
      maxCluster = Math.max(maxCluster, m.cluster);
      for (const p of m.pes) {
        if (p >= sys.pes) {
          st.rep.error(m.range, peRangeMessage(p, sys.pes), 'pe-range');
          continue;
        }
        if (clusterOf[p] >= 0 && clusterOf[p] !== m.cluster) {
          st.rep.error(m.range, `pe ${p} is already in cluster ${clusterOf[p]}`, 'cluster-map');
          continue;
        }
        clusterOf[p] = m.cluster;
      }
    }
    const clusters = extras.clustersRange ? sys.clusters : maxCluster + 1;
    if (extras.clustersRange && maxCluster >= sys.clusters) {
      st.rep.error(extras.clustersRange, `a 'cluster ${maxCluster}' line needs at least ${maxCluster + 1} clusters, but 'clusters' is ${sys.clusters}`, 'cluster-map');
    }
    const missing = clusterOf.map((c, p) => (c < 0 ? p : -1)).filter((p) => p >= 0);
    if (missing.length > 0) {
      st.rep.error(extras.clusterMaps[0].range, `pe ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} in no cluster: add them to a 'cluster N pes …' line`, 'cluster-map');
    }
    sys.clusters = clusters;
    sys.clusterOf = clusterOf.map((c) => (c < 0 ? 0 : c));
    return;
  }
  if (sys.clusters > sys.pes) {
    st.rep.error(where, `${sys.clusters} clusters for ${sys.pes} PE${sys.pes === 1 ? '' : 's'}: each cluster needs at least one PE`, 'cluster-map');
    sys.clusters = sys.pes;
  } else if (sys.pes % sys.clusters !== 0) {
    st.rep.error(
      where,
      `${sys.pes} PEs do not split evenly into ${sys.clusters} clusters: use a divisor of ${sys.pes} or map them with 'cluster N pes A-B'`,
      'cluster-map',
    );
  }
  const per = Math.max(1, Math.ceil(sys.pes / Math.max(1, sys.clusters)));
  sys.clusterOf = Array.from({ length: sys.pes }, (_, p) => Math.min(sys.clusters - 1, Math.floor(p / per)));
}

export function peRangeMessage(pe: number, pes: number): string {
  return `pe ${pe} does not exist: the system has ${pes} PE${pes === 1 ? '' : 's'} (${pes === 1 ? '0' : `0-${pes - 1}`})`;
}
