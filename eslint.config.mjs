import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { builtinModules } from 'node:module'
import path from 'node:path'

/**
 * The layering rule (docs/architecture.md, "The layering rule"), in the spirit of VS Code's code-layering:
 * each layer lists what it may import; an import that resolves anywhere else in the repository, or a Node
 * built-in where `node: false`, is reported with the layer's name. Paths are resolved, so the depth of a
 * relative import does not matter. Everything not listed here (the rest of electron/, scripts, tests) is free.
 */
const LAYERS = [
  {
    name: 'shared',
    dir: 'shared/',
    may: ['shared/'],
    node: false,
    why: 'it loads in the window, in Node and in the browser',
  },
  {
    name: 'renderer',
    dir: 'renderer/',
    may: ['renderer/', 'shared/'],
    node: false,
    why: 'the window talks to the main process only through window.ascent',
  },
  {
    name: 'electron/net',
    dir: 'electron/net/',
    may: ['electron/net/', 'shared/'],
    node: true,
    why: 'it is the way out to the network (proxies) under every area that sends requests',
  },
  {
    name: 'electron/asc',
    dir: 'electron/asc/',
    may: ['electron/asc/', 'electron/net/', 'shared/'],
    node: true,
    why: 'it is a leaf every other area builds on',
  },
  {
    name: 'electron/ipa',
    dir: 'electron/ipa/',
    may: ['electron/ipa/', 'shared/'],
    node: true,
    why: 'it is a leaf every other area builds on',
  },
  {
    name: 'electron/web/bridge-client',
    dir: 'electron/web/bridge-client.ts',
    may: ['shared/', 'electron/web/bridge-paths'],
    node: false,
    why: 'it is bundled into the browser page the web bridge serves',
  },
]
/** The top of the app: nothing below it may import these (a command or the composition root is never a library). */
const TOPS = [
  { dir: 'electron/cli/', users: ['electron/cli/'] },
  { dir: 'electron/main.ts', users: [] },
]
const NODE_BUILTINS = new Set(builtinModules)

const layersPlugin = {
  rules: {
    imports: {
      meta: { type: 'problem', schema: [], messages: { broken: '{{message}}' } },
      create(context) {
        const root = context.cwd
        const file = path.relative(root, context.filename).split(path.sep).join('/')
        const layer = LAYERS.find((l) => file.startsWith(l.dir))
        function check(node, source) {
          if (typeof source !== 'string') return
          let message = null
          if (source.startsWith('.')) {
            const target = path
              .relative(root, path.resolve(path.dirname(context.filename), source))
              .split(path.sep)
              .join('/')
            if (target.startsWith('..')) return
            if (layer && !layer.may.some((dir) => target.startsWith(dir)))
              message = `layer ${layer.name} may import only ${layer.may.join(', ')} (${layer.why}); '${source}' reaches ${target}.`
            const top = TOPS.find((t) => target === t.dir.replace(/\.ts$/, '') || target.startsWith(t.dir))
            if (
              !message &&
              top &&
              !top.users.some((dir) => file.startsWith(dir)) &&
              file.startsWith('electron/')
            )
              message = `${top.dir} is the top of the app: nothing in electron/ imports it; move what ${file} needs below it.`
          } else if (
            layer &&
            !layer.node &&
            (source.startsWith('node:') || NODE_BUILTINS.has(source.split('/')[0]))
          ) {
            message = `layer ${layer.name} may not import Node built-ins (${layer.why}); '${source}' is one.`
          }
          if (message) context.report({ node, messageId: 'broken', data: { message } })
        }
        const fromSource = (node) => check(node.source, node.source?.value)
        return {
          ImportDeclaration: fromSource,
          ExportNamedDeclaration: fromSource,
          ExportAllDeclaration: fromSource,
          ImportExpression: (node) =>
            check(node.source, node.source.type === 'Literal' ? node.source.value : null),
        }
      },
    },
  },
}

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
    plugins: { layers: layersPlugin },
    rules: {
      'layers/imports': 'error',
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
        },
      ],
    },
  },
)
