/**
 * docs/limits.md, "Language server", quotes every bound of
 * language-server/limits.ts with its value: a bound changed in the code and
 * not in the documentation fails here.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as limits from '../../language-server/limits';

const grouped = (n: number) => n.toLocaleString('en-US');

/** How the page writes each bound. */
const QUOTED: Record<keyof typeof limits, (v: number) => string> = {
  MAX_URI_LENGTH: (v) => `${grouped(v)} characters`,
  MAX_POSITION: (v) => `0 to ${grouped(v)}`,
  MAX_ANALYSED_LINES: (v) => `${grouped(v)} lines`,
  MAX_ANALYSED_CHARS: (v) => `${grouped(v)} characters`,
  MAX_CHECKED_CHARS: (v) => `${grouped(v)} characters`,
  MAX_OPEN_DOCUMENTS: (v) => `open at once | ${grouped(v)} |`,
  MAX_ANALYSED_TOTAL_CHARS: (v) => `analysed on the main thread, all together | ${grouped(v)} characters`,
  MAX_KEPT_TOTAL_CHARS: (v) => `kept, all together | ${grouped(v)} characters`,
  MAX_CONTENT_CHANGES: (v) => `\`textDocument/didChange\` | ${grouped(v)} |`,
  MIN_TAB_SIZE: (v) => `${v} to `,
  MAX_TAB_SIZE: (v) => ` to ${v} |`,
  MAX_DECODE_TEXT: (v) => `${grouped(v)} / `,
  MAX_NAME_LENGTH: (v) => ` / ${v} characters`,
  MAX_CODE_ACTION_DIAGNOSTICS: (v) => `\`textDocument/codeAction\` request | ${grouped(v)} |`,
  MAX_STEPS_LIMIT: (v) => `1 to ${grouped(v)}`,
  LIVE_RUN_DELAY_MS: (v) => `${v} ms after the last edit`,
  LIVE_RUN_TIMEOUT_MS: (v) => `background run | ${v / 1000} s |`,
  RUN_REQUEST_TIMEOUT_MS: (v) => `\`armscope/run\` request | ${v / 1000} s |`,
  CHECK_TIMEOUT_MS: (v) => `background check | ${v / 1000} s |`,
  WORKER_GRACE_MS: (v) => `| ${v / 1000} s | the worker is terminated`,
  WORKER_HEAP_MB: (v) => `${v} MB`,
  MAX_QUEUED_JOBS: (v) => `waiting for the worker | ${v} |`,
  EXPLORE_MAX_STATES: (v) => `the smaller of the scenario's \`max_states\` and ${grouped(v)} states`,
  EXPLORE_TIMEOUT_MS: (v) => `exploration from the editor | ${v / 1000} s |`,
};

describe('docs/limits.md: language server', () => {
  it('quotes every bound of language-server/limits.ts', () => {
    const page = readFileSync('docs/limits.md', 'utf8');
    const section = page.slice(page.indexOf('## Language server'));
    for (const [name, value] of Object.entries(limits) as [keyof typeof limits, number][]) {
      assert.ok(QUOTED[name], `${name} has a quotation in this test`);
      const text = QUOTED[name](value);
      assert.ok(section.includes(text), `${name} = ${value}: expected "${text}" in docs/limits.md "## Language server"`);
    }
  });
});
