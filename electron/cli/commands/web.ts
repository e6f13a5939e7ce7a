import { join } from 'node:path'
import type { Command } from 'commander'
import { AscentError, toErrorShape } from '../../../shared/errors'
import { configDir } from '../../keys/config-dir'
import { createServices } from '../../services/create-services'
import { dataDir } from '../../services/data-dir'
import { startWebBridge } from '../../web/bridge-server'
import { printJson, runCommand } from '../cli-output'

function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535)
    throw new AscentError('BAD_INPUT', `--port ${value} is not a port number (0-65535).`)
  return port
}

/** The built renderer next to the CLI bundle: dist-cli/ascent.cjs -> out/renderer. */
export function rendererDirFor(bundleDir: string, env: NodeJS.ProcessEnv): string {
  return env.ASCENT_RENDERER_DIR ?? join(bundleDir, '..', 'out', 'renderer')
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
}

export function registerWebCommand(program: Command): void {
  program
    .command('web')
    .description(
      'Serve the Ascent window to a browser on 127.0.0.1; prints one JSON line { url } (the URL carries the session token).',
    )
    .option('--port <n>', 'port to listen on (default: a free one)')
    .option('--sandbox', 'use the built-in App Store Connect sandbox, whatever keys are set up')
    .action((opts: { port?: string; sandbox?: boolean }) =>
      runCommand(
        async () => {
          const port = opts.port === undefined ? 0 : parsePort(opts.port)
          const services = await createServices({
            dataDir: dataDir(),
            configDir: configDir(),
            sandbox: opts.sandbox === true,
            onSandboxStarted(sandbox, reason) {
              const why =
                reason === 'forced'
                  ? '--sandbox'
                  : 'no App Store Connect key is set up (add one in Keys… or set APP_STORE_CONNECT_*)'
              process.stderr.write(`ascent: using the built-in sandbox at ${sandbox.url}: ${why}\n`)
            },
          })
          // Resolve the connection now, so the sandbox (when it is the default) starts and says so before the URL is used.
          try {
            await services.connection.info()
          } catch (error) {
            process.stderr.write(
              `ascent: warning: no App Store Connect connection yet: ${toErrorShape(error).message}\n`,
            )
          }
          const bridge = await startWebBridge({
            services,
            rendererDir: rendererDirFor(__dirname, process.env),
            port,
          })
          printJson({ url: bridge.url })
          await waitForSignal()
          await bridge.close()
          await services.close()
        },
        () => 'web',
      ),
    )
}
