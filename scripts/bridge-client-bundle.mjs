// The web bridge's browser script (electron/web/bridge-client.ts) as one bundled, minified IIFE. The bridge
// server imports it as the text module `virtual:ascent-bridge-client`; the CLI build (esbuild) and vitest
// (vite) resolve that import with the plugins below, so sources and the built CLI serve the same script.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

export const BRIDGE_CLIENT_MODULE = 'virtual:ascent-bridge-client'
const entry = fileURLToPath(new URL('../electron/web/bridge-client.ts', import.meta.url))

export async function bundleBridgeClient() {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
  const [output] = result.outputFiles
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`)
  return output.text
}

const asModule = async () => `export default ${JSON.stringify(await bundleBridgeClient())}`

export function bridgeClientEsbuildPlugin() {
  return {
    name: 'ascent-bridge-client',
    setup(builder) {
      builder.onResolve({ filter: /^virtual:ascent-bridge-client$/ }, (args) => ({
        path: args.path,
        namespace: 'ascent-bridge-client',
      }))
      builder.onLoad({ filter: /.*/, namespace: 'ascent-bridge-client' }, async () => ({
        contents: await asModule(),
        loader: 'js',
      }))
    },
  }
}

export function bridgeClientVitePlugin() {
  const resolved = `\0${BRIDGE_CLIENT_MODULE}`
  return {
    name: 'ascent-bridge-client',
    resolveId: (id) => (id === BRIDGE_CLIENT_MODULE ? resolved : null),
    load: (id) => (id === resolved ? asModule() : null),
  }
}
