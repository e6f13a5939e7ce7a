import { join } from 'node:path'
import type { Command } from 'commander'
import { toErrorShape } from '../../../shared/errors'
import { configDir, dataDir } from '../../app-dirs'
import { loadSeed } from '../../sandbox'
import type { ParsedSeed, SandboxOptions } from '../../sandbox'
import { createServices } from '../../services/create-services'
import { startWebBridge } from '../../web/bridge-server'
import { printJson, runCommand } from '../cli-output'
import { apiUrlOption, optionalIntegerOption } from '../option-values'

/** The built renderer next to the CLI bundle: dist-cli/ascent.cjs -> out/renderer. */
export function rendererDirFor(bundleDir: string, env: NodeJS.ProcessEnv): string {
  return env.ASCENT_RENDERER_DIR ?? join(bundleDir, '..', 'out', 'renderer')
}

class SeedError extends Error {
  constructor(readonly original: unknown) {
    super('seed')
  }
}

/** --seed and --processing-ms shape the in-process sandbox only; read the seed before anything starts. */
async function sandboxOptionsFrom(opts: {
  readonly seed?: string
  readonly processingMs?: string
}): Promise<SandboxOptions> {
  const processingMs = optionalIntegerOption('--processing-ms', opts.processingMs, { min: 0, max: 3_600_000 })
  let seed: ParsedSeed | undefined
  try {
    seed = opts.seed === undefined ? undefined : await loadSeed(opts.seed)
  } catch (error) {
    // loadSeed's message already names the file: "ascent: <file>: <reason>", not "ascent: web: <file>: …".
    throw new SeedError(error)
  }
  return {
    ...(seed !== undefined ? { seed } : {}),
    ...(processingMs !== undefined ? { processingMs } : {}),
  }
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
    .option(
      '--seed <file>',
      'seed JSON file for the in-process sandbox (same format as `ascent sandbox --seed`)',
    )
    .option('--processing-ms <ms>', 'how long build processing takes in the in-process sandbox')
    .option('--max-upload-bytes <n>', 'largest build a browser may hand over (default: 8 GiB)')
    .action(
      (opts: {
        port?: string
        sandbox?: boolean
        seed?: string
        processingMs?: string
        maxUploadBytes?: string
      }) => {
        let subject: string | undefined = 'web'
        // Listen before anything is created: a signal during start-up still closes what was made (the
        // sandbox's key folder, the bridge's upload folder) instead of killing the process mid-way.
        const stopped = waitForSignal()
        return runCommand(
          async () => {
            const port = optionalIntegerOption('--port', opts.port, { min: 0, max: 65535 }) ?? 0
            const maxUploadBytes = optionalIntegerOption('--max-upload-bytes', opts.maxUploadBytes, {
              min: 1,
              max: Number.MAX_SAFE_INTEGER,
            })
            const maxUpload = maxUploadBytes === undefined ? {} : { maxUploadBytes }
            // A bad ASCENT_API_URL is refused now, not reported later as an unreachable App Store Connect.
            apiUrlOption(undefined)
            let sandboxOptions: SandboxOptions
            try {
              sandboxOptions = await sandboxOptionsFrom(opts)
            } catch (error) {
              if (!(error instanceof SeedError)) throw error
              subject = undefined
              throw error.original
            }
            const shapesSandbox = opts.seed !== undefined || opts.processingMs !== undefined
            let sandboxStarted = false
            const services = await createServices({
              dataDir: dataDir(),
              configDir: configDir(),
              sandbox: opts.sandbox === true,
              sandboxOptions,
              onSandboxStarted(sandbox, reason) {
                sandboxStarted = true
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
            if (shapesSandbox && !sandboxStarted)
              process.stderr.write(
                'ascent: warning: --seed and --processing-ms only shape the built-in sandbox, which is not in use (add --sandbox).\n',
              )
            try {
              const bridge = await startWebBridge({
                services,
                rendererDir: rendererDirFor(__dirname, process.env),
                port,
                ...maxUpload,
              })
              try {
                printJson({ url: bridge.url })
                await stopped
              } finally {
                await bridge.close()
              }
            } finally {
              await services.close()
            }
          },
          () => subject,
        )
      },
    )
}
