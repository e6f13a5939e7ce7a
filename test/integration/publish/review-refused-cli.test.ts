import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../shared/ipc'
import { makeIpa } from '../../fixtures/build-factory'
import { publishWatching, runCli, sandboxCredentials } from '../../support/cli'
import { clearVersionText, makeVersion } from '../../support/people-in-app-store-connect'
import { withSandbox } from '../../support/sandbox'

/**
 * App Review's refusal after preflight passed: someone clears the version's text in App Store Connect while
 * the build processes, and Apple answers the review item with 409 STATE_ERROR.ENTITY_STATE_INVALID listing each
 * missing item in `meta.associatedErrors`. `ascent publish` names each of them, not only Apple's title.
 */

const BUNDLE = 'com.example.refused'
const LOCALES = ['en-US', 'de-DE', 'fr-FR', 'ja']
const PROCESSING_MS = 3_600_000

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-review-refused-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('App Review refuses the review item after preflight', () => {
  it(
    'lists each associated error (ten, then how many more) in the events, the output and the run record',
    { timeout: 90_000 },
    async () => {
      const seed = {
        apps: [
          {
            bundleId: BUNDLE,
            name: 'Refused',
            locales: LOCALES,
            versions: [
              { platform: 'IOS' as const, versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' as const },
            ],
          },
        ],
      }
      await withSandbox({ seed, processingMs: PROCESSING_MS, reviewMs: 600_000 }, async (sb) => {
        const caseDir = await mkdtemp(join(dir, 'case-'))
        const env = { ...sandboxCredentials(sb), ASCENT_DATA_DIR: join(caseDir, 'data') }
        const file = await makeIpa({ bundleId: BUNDLE, version: '1.1.0', buildNumber: '7' }, caseDir)
        const versionId = await makeVersion(sb, BUNDLE, '1.1.0')
        let changed: Promise<void> | null = null
        const r = await publishWatching(
          ['publish', file, '--app-store', '--whats-new', 'Fixes', '--processing-timeout', '600', '--json'],
          env,
          (e) => {
            if (changed || e.type !== 'step-progress' || e.message !== 'verifying') return
            // Preflight found the version ready; it is cleared while Apple verifies the upload, then the sandbox's
            // clock moves on past processing.
            changed = clearVersionText(sb, versionId).then(() => sb.advanceClock(PROCESSING_MS))
          },
        )
        await changed
        expect(r.code).toBe(4)

        const failed = r.events.find((e) => e.type === 'step-failed')
        expect(failed).toMatchObject({ step: 'review' })
        const message = failed?.type === 'step-failed' ? failed.error.message : ''
        // Apple's words, then each missing item (4 locales × 3 fields): ten named, then the rest counted.
        expect(message).toContain('This resource cannot be reviewed')
        expect(message).toContain('12 associated errors: ')
        expect(message).toContain('description (en-US) is required')
        expect(message).toContain('supportUrl (fr-FR) is required')
        expect(message.match(/ is required/g)).toHaveLength(10)
        expect(message).toMatch(/; and 2 more$/)
        // The detail keeps all twelve, for the log.
        const detail = failed?.type === 'step-failed' ? (failed.error.detail ?? '') : ''
        expect(detail.match(/ is required/g)).toHaveLength(12)
        expect(detail).toContain('keywords (ja) is required')

        const finished = r.events.find((e) => e.type === 'run-finished')
        expect(finished).toMatchObject({
          outcome: 'failed',
          message: expect.stringContaining('12 associated errors'),
        })

        // Without --json: the record `ascent runs` shows, and the human line printed for the run.
        const runs = await runCli(['runs', '--json'], { env })
        const [record] = JSON.parse(runs.stdout) as RunRecord[]
        expect(record?.steps.find((s) => s.step === 'review')?.error?.message).toBe(message)
        const listed = await runCli(['runs'], { env })
        expect(listed.stdout).toContain('description (en-US) is required')
        expect(sb.state().reviewSubmissions.filter((s) => s.state !== 'READY_FOR_REVIEW')).toEqual([])
        expect(sb.schemaProblems()).toBe('')
      })
    },
  )
})
