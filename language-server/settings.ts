/**
 * The server's settings (`armscope.*` from the client: initializationOptions,
 * workspace/configuration, didChangeConfiguration), kept apart from server.ts
 * so the request handlers read them without importing the server.
 */
import type { RunSettings } from './backgroundJobs';
import { MAX_STEPS_LIMIT } from './limits';

export interface ServerSettings extends RunSettings {
  liveRun: boolean;
}

export const DEFAULT_SETTINGS: ServerSettings = { maxSteps: 200_000, cacheModel: 'scenario', liveRun: true };

/** Settings from the client; anything malformed keeps the base value; maxSteps is clamped to MAX_STEPS_LIMIT. */
export function settingsFrom(raw: unknown, base: ServerSettings): ServerSettings {
  if (typeof raw !== 'object' || raw === null) return base;
  const r = raw as Record<string, unknown>;
  const s = { ...base };
  if (typeof r.maxSteps === 'number' && r.maxSteps >= 1) s.maxSteps = Math.min(Math.floor(r.maxSteps), MAX_STEPS_LIMIT);
  if (r.cacheModel === 'on' || r.cacheModel === 'off' || r.cacheModel === 'scenario') s.cacheModel = r.cacheModel;
  if (typeof r.liveRun === 'boolean') s.liveRun = r.liveRun;
  return s;
}
