import { AscentError } from '../../shared/errors'
import type { AscClient } from '../asc/client'
import { sleepWithSignal } from '../asc/retry'
import { commitScreenshot, getScreenshot, reserveScreenshot, type Screenshot } from '../asc/screenshots'
import { createPartSender, type PartSender } from '../upload/part-sender'

/**
 * One screenshot into one set, as Apple's asset upload goes: reserve (the answer lists byte ranges and where
 * to PUT them), send each range from disk with the same part sender as builds (no JWT to the storage host),
 * commit with the file's MD5, then wait until App Store Connect has processed it: COMPLETE, or FAILED with
 * Apple's reason (IMAGE_INCORRECT_DIMENSIONS, …).
 */
export interface ScreenshotUploadOptions {
  readonly signal?: AbortSignal
  readonly onBytes?: (bytes: number) => void
  readonly sender?: PartSender
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** How long App Store Connect may take to process one image. */
  readonly timeoutMs?: number
  readonly now?: () => number
}

const PART_ATTEMPTS = 5

export async function uploadScreenshot(
  client: AscClient,
  input: {
    readonly setId: string
    readonly file: string
    /** For messages: the path in the folder. */
    readonly relative: string
    readonly fileName: string
    readonly fileSize: number
    readonly md5: string
  },
  options: ScreenshotUploadOptions = {},
): Promise<Screenshot> {
  const { signal } = options
  const sleep = options.sleep ?? sleepWithSignal
  const now = options.now ?? Date.now
  const reserved = await reserveScreenshot(
    client,
    { setId: input.setId, fileName: input.fileName, fileSize: input.fileSize },
    { signal },
  )
  const sender = options.sender ?? createPartSender({ maxSockets: 4 })
  try {
    for (const operation of reserved.uploadOperations) {
      for (let attempt = 1; ; attempt++) {
        const outcome = await sender.send(input.file, operation, { signal, onBytes: options.onBytes })
        if (outcome.kind === 'ok') break
        if (outcome.kind === 'canceled')
          throw new AscentError('CANCELED', `the upload of ${input.relative} was canceled`)
        const retryable = outcome.kind === 'network' || outcome.status === 429 || outcome.status >= 500
        if (!retryable || attempt >= PART_ATTEMPTS) {
          const reason = outcome.kind === 'network' ? outcome.message : `HTTP ${outcome.status}`
          throw new AscentError(
            'NETWORK',
            `${input.relative}: bytes ${operation.offset}–${operation.offset + operation.length - 1} could not be sent (${reason}, ${attempt} ${attempt === 1 ? 'try' : 'tries'}); push again`,
          )
        }
        await sleep(Math.min(8000, 250 * 2 ** attempt), signal)
      }
    }
  } finally {
    if (!options.sender) sender.close()
  }
  let shot = await commitScreenshot(client, { id: reserved.id, md5: input.md5 }, { signal })
  const deadline = now() + (options.timeoutMs ?? 10 * 60_000)
  for (let wait = 100; shot.state !== 'COMPLETE'; wait = Math.min(5000, wait * 2)) {
    if (shot.state === 'FAILED') {
      const reasons = shot.errors.map((e) => [e.code, e.description].filter(Boolean).join(': ')).join('; ')
      throw new AscentError(
        'ASC_ERROR',
        `App Store Connect refused ${input.relative}: ${reasons || 'no reason given'}`,
        { detail: `appScreenshot ${shot.id}` },
      )
    }
    if (now() > deadline)
      throw new AscentError(
        'ASC_ERROR',
        `App Store Connect had not processed ${input.relative} after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s (state ${shot.state ?? 'unknown'}); push again later`,
      )
    await sleep(wait, signal)
    const read = await getScreenshot(client, shot.id, { signal })
    if (!read)
      throw new AscentError(
        'ASC_ERROR',
        `App Store Connect lost screenshot ${shot.id} of ${input.relative}; push again`,
      )
    shot = read
  }
  return shot
}
