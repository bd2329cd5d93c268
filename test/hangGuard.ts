/**
 * How long a test waits for an answer, an event, a stop or a publication
 * before it calls the adapter, server or worker hung: a hang guard, never a
 * speed limit. Tests run at load averages of 15–25 on 2 cores, where an answer
 * that takes 0.1 s alone can take tens of seconds; speed is measured in bench/.
 */
export const HANG_GUARD_MS = 120_000;
