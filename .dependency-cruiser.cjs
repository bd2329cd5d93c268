/**
 * Armscope's layers, checked by dependency-cruiser (`npm run lint`; run alone
 * with `node scripts/depcruise.mjs`). docs/architecture.md "Layers" explains them.
 *
 * Inside simulator/, dependencies point down this order:
 *
 *   util, component                     leaves: formatting, hooks, state and action contracts
 *   arch                                the register table and decoders: imports only util
 *   isa, pe, memory, mmu, cache,        the machine's parts (one folder per architectural concept);
 *   gic, devices, scenario, trace       they import each other's contracts, never what is above
 *   firmware                            the built-in EL3 monitor and SPMC
 *   checks                              the architectural rules (over every hook point)
 *   engine                              the machine: wiring, scheduling, history, queries
 *   language.ts, index.ts, cli          the front door and the command line
 *
 * and the front ends (language-server, debug-adapter, extension) sit on top.
 *
 * Type-only imports (`import type`) count like any other import for every
 * layer rule: a lower layer may not even name an upper layer's types — it
 * publishes hooks and contracts that the upper layer fills in. For cycles,
 * type-only imports count too, with one exception listed in `no-circular`
 * below: the execution contracts of a PE (`Pe`, and the `Instr`, `Mmu`,
 * `MemorySystem`, `SystemOps` contracts whose methods take a `Pe`) refer to
 * each other by type, because an instruction executes on a PE and a PE
 * fetches instructions, translates through its MMU and accesses its memory
 * system. Those type references are erased at compile time (no load-order
 * effect); every other cycle, and every cycle with a run-time import in it, is an error.
 */

/** The execution contracts allowed to refer to each other by type (see above). */
const EXECUTION_CONTRACTS = '^simulator/(pe/(pe|systemOps|exception|step|config|entry|interrupts|sysregs|system|hooks)|isa/instr|mmu/types|memory/(system|hooks|watch))\\.ts$';

/** Everything in simulator/ below the engine (what may not import it). */
const BELOW_ENGINE = '^simulator/(util|component|arch|isa|pe|memory|mmu|cache|gic|devices|scenario|trace|firmware|checks)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular-at-run-time',
      severity: 'error',
      comment: 'No import cycle made of run-time imports (a real load-order cycle), anywhere.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-circular-between-folders',
      severity: 'error',
      comment:
        'No import cycle, type-only imports included, that leaves the folder it starts in — except between the PE execution contracts (header comment).',
      from: { path: '^simulator/([^/]+)/' },
      to: { circular: true, via: { pathNot: `(^simulator/$1/)|(${EXECUTION_CONTRACTS})` } },
    },
    {
      name: 'no-circular-outside-simulator',
      severity: 'error',
      comment: 'The front ends have no import cycles either (type-only imports within one folder excepted, as in simulator/).',
      from: { path: '^(language-server|debug-adapter|extension|bench)/' },
      to: { circular: true, via: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'simulator-imports-no-front-end',
      severity: 'error',
      comment: 'simulator/ knows nothing of VS Code, LSP or DAP: front ends are thin mappings over simulator APIs (DESIGN.md "Layers").',
      from: { path: '^simulator/' },
      to: { path: ['^(language-server|debug-adapter|extension)/', '(^|/)node_modules/(vscode|vscode-languageserver[^/]*|vscode-languageclient|vscode-jsonrpc|@vscode/debugadapter[^/]*|@vscode/debugprotocol)/'] },
    },
    {
      name: 'arch-is-a-leaf',
      severity: 'error',
      comment: 'The register table and decoders (arch/) are the bottom of the architecture knowledge: they import nothing else of the simulator but util/.',
      from: { path: '^simulator/arch/' },
      to: { path: '^simulator/', pathNot: '^simulator/(arch|util)/' },
    },
    {
      name: 'leaves-are-leaves',
      severity: 'error',
      comment: 'util/ (formatting) and component/ (hooks, state and action contracts) import nothing else of the simulator.',
      from: { path: '^simulator/(util|component)/' },
      to: { path: '^simulator/', pathNot: '^simulator/(util|component)/' },
    },
    {
      name: 'lower-layers-never-import-the-engine',
      severity: 'error',
      comment: 'The machine wires its components; components publish hooks and contracts the engine subscribes to or implements. Nothing below engine/ imports it, not even a type.',
      from: { path: BELOW_ENGINE },
      to: { path: '^simulator/engine/' },
    },
    {
      name: 'only-tools-import-the-front-door',
      severity: 'error',
      comment: 'simulator/index.ts and language.ts assemble every layer: no layer below the engine imports them (that would be a cycle through the whole simulator).',
      from: { path: BELOW_ENGINE },
      to: { path: '^simulator/(index|language)\\.ts$' },
    },
    {
      name: 'firmware-below-checks',
      severity: 'error',
      comment: 'The firmware publishes hooks and its own checkers; the checkers (checks/) attach them. The machine parts below the firmware never import it or the checks.',
      from: { path: '^simulator/(arch|isa|pe|memory|mmu|cache|gic|devices|scenario|trace)/' },
      to: { path: '^simulator/(firmware|checks)/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (a renamed file is caught here, not at run time).',
      from: {},
      // `vscode` is the editor's own module, provided at run time (never installed).
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    exclude: { path: ['(^|/)node_modules/', '^out/', '^dist/'] },
    doNotFollow: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
