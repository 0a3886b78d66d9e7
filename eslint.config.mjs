// Lint rules that catch what the type checker does not: promises nobody awaits or handles, and
// unused code. Import cycles are checked by scripts/lint/import-cycles.mjs (npm run lint runs both).
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {
        ignores: ['out/**', 'node_modules/**', 'test/e2e/**', 'language/generated/**', 'coverage/**', '**/*.cjs', '**/*.mjs', 'vitest.config.ts'],
    },
    {
        files: ['**/*.ts'],
        languageOptions: {
            parser: tseslint.parser,
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { '@typescript-eslint': tseslint.plugin },
        rules: {
            '@typescript-eslint/no-floating-promises': 'error',
            '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
        },
    },
);
