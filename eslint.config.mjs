import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// Only these files run where `electron` exists; every service must run in plain Node.
const electronAllowed = ['electron/main.ts', 'electron/preload.ts', 'electron/ipc/**']

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'dist-cli/**',
      'release/**',
      'node_modules/**',
      'test/fixtures/generated/**',
      'test/artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only electron/main.ts, electron/preload.ts and electron/ipc/ may import electron.',
            },
          ],
        },
      ],
    },
  },
  { files: electronAllowed, rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks only to window.ascent.' }],
          patterns: [
            {
              group: ['**/electron/**', 'node:*'],
              message: 'The renderer imports only shared/ and its own modules.',
            },
          ],
        },
      ],
    },
  },
)
