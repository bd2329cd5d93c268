/**
 * A long fuzzing campaign for `npm run fuzz` (test/fuzz/run.ts). The runner
 * loads every compiled `out/test/fuzz/*.campaign.js`; each exports
 * `export const campaign: FuzzCampaign`. A campaign generates inputs from its
 * seed until `deadline`, checks each, and reports what it saw. Crashes and
 * hangs are one line each (what failed and where the input was saved), so the
 * runner can print them and exit non-zero.
 */
export interface FuzzCampaign {
  name: string;
  run(opts: { seed: number; deadline: number /* Date.now() ms */; log: (line: string) => void }): Promise<{ inputs: number; crashes: string[]; hangs: string[]; maxRssMb: number }>;
}
