/**
 * `node dist/debug-adapter.js`: the Armscope debug adapter over stdio, for
 * any DAP client (VS Code, nvim-dap, Emacs dap-mode, the DAP tests).
 */
import { DebugSession } from '@vscode/debugadapter';
import { ArmscopeDebugSession } from './session';

DebugSession.run(ArmscopeDebugSession);
