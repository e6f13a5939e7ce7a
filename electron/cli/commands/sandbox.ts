import type { Command } from 'commander'
import { AscentError } from '../../../shared/errors'
import { FAULT_SEED_MAX, loadSeed, startSandbox } from '../../sandbox'
import { ExitCode, printJson, runCommand } from '../cli-output'
import { fractionOption, optionalIntegerOption as integer } from '../option-values'

const MS = { min: 0, max: 3_600_000 }

/** `ascent sandbox`: a local App Store Connect; prints ONE JSON line `{ url, keyId, issuerId, privateKeyPath }`. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('Start a local App Store Connect (for demos, development and tests)')
    .option('--port <n>', 'port to listen on (default: any free port)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--seed <file>', 'seed JSON file (apps, beta groups, versions, builds)')
    .option('--faults <rate>', 'fraction of requests (0-1) answered with 429/500/503, resets or slow answers')
    .option('--fault-seed <n>', 'seed of the fault RNG, for reproducible runs')
    .option('--processing-ms <ms>', 'how long build processing takes')
    .option(
      '--review-ms <ms>',
      'App Store and beta reviews: IN_REVIEW after half of it, approved after all of it (default 0: they wait for POST /__sandbox/review)',
    )
    .option('--beta-review-ms <ms>', 'beta reviews only, the same way (default: --review-ms)')
    .option('--part-size <bytes>', 'size of Build Upload API parts')
    .option(
      '--latency-ms <ms>',
      'every API answer waits this long, as over a real network (upload parts and /__sandbox do not)',
    )
    .action(async (opts: Record<string, string | undefined>) => {
      await runCommand(async () => {
        // Options first (nothing is read for a mistyped number); loadSeed's message already names the file.
        const rate = fractionOption('--faults', opts.faults)
        const faultSeed = integer('--fault-seed', opts.faultSeed, { min: 0, max: FAULT_SEED_MAX })
        if (faultSeed !== undefined && rate === undefined)
          throw new AscentError(
            'BAD_INPUT',
            '--fault-seed seeds the faults --faults RATE injects: give --faults too, or leave --fault-seed out',
          )
        const port = integer('--port', opts.port, { min: 0, max: 65535 })
        const processingMs = integer('--processing-ms', opts.processingMs, MS)
        const reviewMs = integer('--review-ms', opts.reviewMs, MS)
        const betaReviewMs = integer('--beta-review-ms', opts.betaReviewMs, MS)
        const partSize = integer('--part-size', opts.partSize, { min: 1024, max: 2 ** 31 })
        const latencyMs = integer('--latency-ms', opts.latencyMs, { min: 0, max: 60_000 })
        const seed = opts.seed !== undefined ? await loadSeed(opts.seed) : undefined
        const sandbox = await startSandbox({
          ...(seed ? { seed } : {}),
          ...(port !== undefined ? { port } : {}),
          ...(opts.host ? { host: opts.host } : {}),
          ...(rate !== undefined
            ? { faults: { rate, ...(faultSeed !== undefined ? { seed: faultSeed } : {}) } }
            : {}),
          ...(processingMs !== undefined ? { processingMs } : {}),
          ...(reviewMs !== undefined ? { reviewMs } : {}),
          ...(betaReviewMs !== undefined ? { betaReviewMs } : {}),
          ...(partSize !== undefined ? { partSize } : {}),
          ...(latencyMs !== undefined ? { latencyMs } : {}),
        })
        printJson({
          url: sandbox.url,
          keyId: sandbox.keyId,
          issuerId: sandbox.issuerId,
          privateKeyPath: sandbox.privateKeyPath,
        })
        // Runs until a signal; close() removes the temporary key and upload files.
        await new Promise<void>((resolve) => {
          const stop = (): void => resolve()
          process.once('SIGINT', stop)
          process.once('SIGTERM', stop)
        })
        await sandbox.close()
        return ExitCode.ok
      })
    })
}
