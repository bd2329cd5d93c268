/**
 * The Debug Console as the run's log: faults, checker findings and the FF-A
 * calls the firmware handled, printed as execution reaches them (after every
 * run chunk and at every stop), one line each, in step order.
 *
 * A step is printed once: time travel replays history the console already
 * showed, so only steps past the last one printed are new. A state change
 * made by the user (setVariable) starts a new history from the current step.
 * At most MAX_CONSOLE_LINES_PER_RESUME lines per resume; the rest is counted.
 */
import type { Machine } from '../simulator/engine/machine';
import { faultSummary } from '../simulator/engine/report';
import { callsSince, callText } from '../simulator/firmware/query';
import type { FaultRecord, Finding } from '../simulator/trace/events';
import { hex } from '../simulator/util/hex';
import { MAX_CONSOLE_LINES_PER_RESUME } from './limits';

/** Records of `list` (ordered by step) after step `after`, up to step `upTo`. */
function newer<T extends { step?: number }>(list: readonly T[], after: number, upTo: number): T[] {
  let i = list.length;
  while (i > 0 && (list[i - 1].step ?? 0) > after) i--;
  return list.slice(i).filter((r) => (r.step ?? 0) <= upTo);
}

const at = (line: number | undefined): string => (line !== undefined ? ` (line ${line + 1})` : '');

function faultLine(f: FaultRecord): string {
  return `step ${f.step} PE${f.pe} fault: ${faultSummary(f)} — ESR_EL${f.el} ${hex(f.esr)}${f.far !== undefined ? `, FAR ${hex(f.far)}` : ''}${at(f.line)}`;
}

function findingLine(f: Finding): string {
  return `step ${f.step ?? '?'}${f.pe !== undefined ? ` PE${f.pe}` : ''} finding ${f.rule}${at(f.line)}: ${f.message}`;
}

export class ConsoleFeed {
  private printedUpTo = 0;
  /** Lines printed since the last resume. */
  private budget = MAX_CONSOLE_LINES_PER_RESUME;
  private withheld = 0;

  constructor(private readonly write: (text: string) => void) {}

  /** A resume begins: a fresh line budget. */
  resumed(): void {
    this.budget = MAX_CONSOLE_LINES_PER_RESUME;
    this.withheld = 0;
  }

  /** The user changed the state at the current step: what follows is a new history. */
  historyChanged(step: number): void {
    this.printedUpTo = Math.min(this.printedUpTo, step);
  }

  /** Print what happened after the last printed step, up to the machine's current step. */
  report(machine: Machine, final: boolean): void {
    const upTo = machine.steps;
    if (upTo > this.printedUpTo) {
      const after = this.printedUpTo;
      this.printedUpTo = upTo;
      const entries: { step: number; text: string }[] = [
        ...newer(machine.faults, after, upTo).map((f) => ({ step: f.step, text: faultLine(f) })),
        ...newer(machine.findings, after, upTo).map((f) => ({ step: f.step ?? 0, text: findingLine(f) })),
      ];
      const fw = machine.firmware;
      if (fw) for (const c of callsSince(fw, after)) if (c.step <= upTo) entries.push({ step: c.step, text: `step ${c.step} PE${c.pe} FF-A: ${callText(fw, c)}${at(c.line)}` });
      entries.sort((a, b) => a.step - b.step);
      const shown = entries.slice(0, Math.max(0, this.budget));
      this.budget -= shown.length;
      this.withheld += entries.length - shown.length;
      if (shown.length > 0) this.write(shown.map((e) => `${e.text}\n`).join(''));
    }
    if (final && this.withheld > 0) {
      this.write(`… ${this.withheld.toLocaleString('en')} more (the Faults & findings and FF-A scopes list them)\n`);
      this.withheld = 0;
    }
  }
}
