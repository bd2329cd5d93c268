// Lint: typescript-eslint's recommended + type-checked rules (issue #10/#11):
// floating promises and unsafe `any` flows are errors everywhere.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.e2e/**', 'test/e2e/workspace/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // SyncException (an exception the PE takes), AsmError (an assembler diagnostic) and ExprError (an
      // expression error inside the evaluator) are thrown millions of times on hot paths: they are plain
      // classes so that no stack trace is captured.
      '@typescript-eslint/only-throw-error': [
        'error',
        {
          allow: [
            { from: 'file', name: 'SyncException', path: 'simulator/pe/exception.ts' },
            // A translation fault inside the MMU, converted to a SyncException (or PAR_EL1) by its caller: walks throw it on the hot path too.
            { from: 'file', name: 'MmuFault', path: 'simulator/mmu/faults.ts' },
            { from: 'file', name: 'TableBuildError', path: 'simulator/mmu/pagetable/builder.ts' },
            { from: 'file', name: 'AsmError', path: 'simulator/isa/operands.ts' },
            { from: 'file', name: 'ExprError', path: 'simulator/isa/expr.ts' },
          ],
          allowRethrowing: true,
        },
      ],
    },
  },
);
