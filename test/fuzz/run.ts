/**
 * `npm run fuzz [-- --seconds N] [--seed S] [--only NAME[,NAME…]]`: the long
 * fuzzing campaigns (minutes to hours; not part of `npm test`).
 *
 * Loads every compiled `*.campaign.js` next to this file (each exports
 * `campaign: FuzzCampaign`, campaign.ts), gives each an equal share of the
 * time, one after the other, and prints a report: inputs, crashes, hangs and
 * peak RSS per campaign, then every crash and hang with the file its input was
 * saved to (test-artifacts/fuzz/). Exits 1 when there was any crash or hang,
 * 2 on a bad command line.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzCampaign } from './campaign';

interface Options {
  seconds: number;
  seed: number;
  only?: string[];
}

const USAGE = 'usage: npm run fuzz -- [--seconds N] [--seed S] [--only NAME[,NAME…]]';

function parseOptions(argv: string[]): Options {
  const o: Options = { seconds: 60, seed: Date.now() % 1_000_000 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (min: number): number => {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || !Number.isSafeInteger(n)) throw new Error(`${flag}: '${v}' is not a whole number ≥ ${min}`);
      return n;
    };
    switch (flag) {
      case '--seconds':
        o.seconds = int(1);
        break;
      case '--seed':
        o.seed = int(0);
        break;
      case '--only':
        o.only = value().split(',').filter((s) => s.length > 0);
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option '${argv[i]}'`);
    }
  }
  return o;
}

/** Every campaign compiled next to this file. */
function loadCampaigns(): FuzzCampaign[] {
  const out: FuzzCampaign[] = [];
  for (const f of readdirSync(__dirname).filter((x) => x.endsWith('.campaign.js')).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(__dirname, f)) as { campaign?: FuzzCampaign };
    if (!mod.campaign || typeof mod.campaign.run !== 'function' || typeof mod.campaign.name !== 'string') throw new Error(`${f} does not export 'campaign: FuzzCampaign'`);
    out.push(mod.campaign);
  }
  return out;
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const all = loadCampaigns();
  const names = all.map((c) => c.name);
  const unknown = (o.only ?? []).filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    console.error(`fuzz: no campaign named ${unknown.map((n) => `'${n}'`).join(', ')} (campaigns: ${names.join(', ')})`);
    return 2;
  }
  const selected = o.only ? all.filter((c) => o.only!.includes(c.name)) : all;
  const share = (o.seconds * 1000) / selected.length;
  const log = (line: string): void => console.log(`  [${new Date().toISOString().slice(11, 19)}] ${line}`);
  console.log(`Armscope fuzz: ${selected.map((c) => c.name).join(', ')}; ${o.seconds} s in all (${Math.round(share / 1000)} s each), seed ${o.seed}`);
  const rows: { name: string; inputs: number; crashes: string[]; hangs: string[]; maxRssMb: number; seconds: number }[] = [];
  for (const c of selected) {
    const t0 = Date.now();
    log(`${c.name}: started`);
    try {
      const r = await c.run({ seed: o.seed, deadline: t0 + share, log });
      rows.push({ name: c.name, ...r, seconds: (Date.now() - t0) / 1000 });
    } catch (e) {
      // A campaign that fails itself is a crash of the campaign, reported like the others.
      rows.push({ name: c.name, inputs: 0, crashes: [`the campaign itself failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`], hangs: [], maxRssMb: 0, seconds: (Date.now() - t0) / 1000 });
    }
    log(`${c.name}: done`);
  }
  console.log('\nReport (seed ' + o.seed + ')');
  const w = Math.max(8, ...rows.map((r) => r.name.length));
  console.log(`  ${'campaign'.padEnd(w)}  ${'inputs'.padStart(10)}  ${'crashes'.padStart(7)}  ${'hangs'.padStart(5)}  ${'max RSS'.padStart(9)}  ${'time'.padStart(7)}`);
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(w)}  ${r.inputs.toLocaleString('en-US').padStart(10)}  ${String(r.crashes.length).padStart(7)}  ${String(r.hangs.length).padStart(5)}  ${`${r.maxRssMb} MB`.padStart(9)}  ${`${Math.round(r.seconds)} s`.padStart(7)}`);
  }
  let bad = 0;
  for (const r of rows) {
    // At most 20 lines of each per campaign: the rest are in the same folder.
    for (const c of r.crashes.slice(0, 20)) console.log(`  CRASH ${r.name}: ${c}`);
    if (r.crashes.length > 20) console.log(`  … and ${r.crashes.length - 20} more crashes of ${r.name}`);
    for (const h of r.hangs.slice(0, 20)) console.log(`  HANG  ${r.name}: ${h}`);
    if (r.hangs.length > 20) console.log(`  … and ${r.hangs.length - 20} more hangs of ${r.name}`);
    bad += r.crashes.length + r.hangs.length;
  }
  console.log(bad === 0 ? '\nNo crash, no hang.' : `\n${bad} crash(es)/hang(s): see above.`);
  return bad === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
    // A campaign may leave a child process or socket behind: the report is out, end in any case.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (e: unknown) => {
    console.error(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  },
);
