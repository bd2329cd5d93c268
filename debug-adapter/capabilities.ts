/**
 * What the adapter tells the client it can do (DAP `Capabilities`), with the
 * exception breakpoint filters (filters.ts) and their defaults.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { exceptionFilters } from './filters';

export function capabilities(): DebugProtocol.Capabilities {
  return {
    supportsConfigurationDoneRequest: true,
    supportsFunctionBreakpoints: true,
    supportsConditionalBreakpoints: true,
    supportsHitConditionalBreakpoints: true,
    supportsEvaluateForHovers: true,
    supportsStepBack: true,
    supportsSingleThreadExecutionRequests: true,
    supportsDataBreakpoints: true,
    supportsDataBreakpointBytes: true,
    supportsReadMemoryRequest: true,
    supportsDisassembleRequest: true,
    supportsInstructionBreakpoints: true,
    supportsBreakpointLocationsRequest: true,
    supportsSteppingGranularity: true,
    supportsExceptionInfoRequest: true,
    supportsExceptionFilterOptions: true,
    supportsSetVariable: true,
    supportsTerminateRequest: true,
    supportsValueFormattingOptions: false,
    exceptionBreakpointFilters: exceptionFilters().map((f) => ({ filter: f.filter, label: f.label, description: f.description, default: f.default, supportsCondition: true, conditionDescription: 'e.g. pe0.esr_el2 == 0x9200_0007' })),
  };
}
