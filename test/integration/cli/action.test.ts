import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import * as z from 'zod'
import { makeIpa } from '../../fixtures/build-factory'
import { npmEnv, packCli, run } from '../../support/cli-package'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

/**
 * action.yml run the way the GitHub runner runs a composite action: each `run` step through
 * `bash --noprofile --norc -eo pipefail FILE`, `${{ inputs.* }}` substituted into the step's env, a fresh
 * $GITHUB_OUTPUT per step, $GITHUB_PATH carried to the next step, and the action's outputs read from
 * `${{ steps.<id>.outputs.* }}`. The CLI comes from the packed tarball (the `cli` input).
 */

const ROOT = join(__dirname, '../../..')

const Action = z.object({
  inputs: z.record(
    z.string(),
    z.object({ required: z.boolean().optional(), default: z.string().optional() }),
  ),
  outputs: z.record(z.string(), z.object({ value: z.string() })),
  runs: z.object({
    using: z.literal('composite'),
    steps: z.array(
      z.object({
        id: z.string().optional(),
        shell: z.literal('bash'),
        env: z.record(z.string(), z.string()).optional(),
        run: z.string(),
      }),
    ),
  }),
})
type Action = z.infer<typeof Action>

interface ActionRun {
  readonly failedStep: number | null
  readonly stderr: string
  readonly outputs: Record<string, string>
  readonly summary: string
}

let dir: string
let tarball: string
let sandbox: TestSandbox
let action: Action
let runs = 0

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-action-'))
  action = Action.parse(parse(await readFile(join(ROOT, 'action.yml'), 'utf8')))
  ;[tarball, sandbox] = await Promise.all([
    packCli(npmEnv(dir)),
    startTestSandbox({ processingMs: 30, betaReviewMs: 60_000, reviewMs: 60_000 }),
  ])
})
afterAll(async () => {
  await sandbox?.close()
  await rm(dir, { recursive: true, force: true })
})

/** `${{ inputs.NAME }}` and `${{ steps.ID.outputs.NAME }}` as the runner evaluates them (the only forms used). */
function evaluate(
  text: string,
  inputs: Record<string, string>,
  steps: Record<string, Record<string, string>>,
) {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, path: string) => {
    const [head, id, kind, name] = path.split('.')
    if (head === 'inputs' && id) return inputs[id] ?? ''
    if (head === 'steps' && id && kind === 'outputs' && name) return steps[id]?.[name] ?? ''
    throw new Error(`action.yml uses an expression this runner stand-in does not know: ${path}`)
  })
}

function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

async function runAction(given: Record<string, string>, jobEnv: NodeJS.ProcessEnv): Promise<ActionRun> {
  const job = join(dir, `job-${++runs}`)
  const workspace = join(job, 'workspace')
  const runnerTemp = join(job, 'runner-temp')
  await mkdir(workspace, { recursive: true })
  await mkdir(runnerTemp)
  const files = { summary: join(job, 'step-summary.md'), path: join(job, 'github-path') }
  await writeFile(files.summary, '')
  await writeFile(files.path, '')
  const inputs: Record<string, string> = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = given[name] ?? spec.default ?? ''
    if (spec.required && !value) throw new Error(`input ${name} is required`)
    inputs[name] = value
  }
  const steps: Record<string, Record<string, string>> = {}
  let path = process.env.PATH ?? ''
  let stderr = ''
  let failedStep: number | null = null
  for (const [index, step] of action.runs.steps.entries()) {
    // The runner would splice an expression in `run` into the script text: inputs must come through env.
    expect(step.run).not.toContain('${{')
    const script = join(job, `step-${index}.sh`)
    const output = join(job, `output-${index}`)
    await writeFile(script, step.run)
    await writeFile(output, '')
    const env: NodeJS.ProcessEnv = {
      ...npmEnv(dir, jobEnv),
      PATH: path,
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runnerTemp,
      GITHUB_OUTPUT: output,
      GITHUB_PATH: files.path,
      GITHUB_STEP_SUMMARY: files.summary,
    }
    for (const [name, value] of Object.entries(step.env ?? {})) env[name] = evaluate(value, inputs, steps)
    const r = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env })
    stderr += r.stderr
    if (step.id) steps[step.id] = parseOutputFile(await readFile(output, 'utf8'))
    const added = (await readFile(files.path, 'utf8')).split('\n').filter(Boolean)
    path = [...added.reverse(), process.env.PATH ?? ''].join(delimiter)
    if (r.code !== 0) {
      failedStep = index
      break
    }
  }
  const outputs: Record<string, string> = {}
  for (const [name, spec] of Object.entries(action.outputs))
    outputs[name] = evaluate(spec.value, inputs, steps)
  return { failedStep, stderr, outputs, summary: await readFile(files.summary, 'utf8') }
}

function credentials(): NodeJS.ProcessEnv {
  return {
    APP_STORE_CONNECT_KEY_IDENTIFIER: sandbox.keyId,
    APP_STORE_CONNECT_ISSUER_ID: sandbox.issuerId,
    APP_STORE_CONNECT_PRIVATE_KEY: sandbox.privateKeyPem,
    ASCENT_DATA_DIR: join(dir, `data-${runs + 1}`),
  }
}

describe('action.yml', () => {
  it('publishes from a codemagic.yaml: the job summary says what and where, the outputs carry the ids', async () => {
    const ipa = await makeIpa({ buildNumber: '201' }, dir)
    const yaml = join(dir, 'codemagic.yaml')
    await writeFile(
      yaml,
      [
        'workflows:',
        '  ios-release:',
        '    publishing:',
        '      app_store_connect:',
        '        submit_to_testflight: true',
        '        what_to_test: Try the release',
        '        beta_groups: [QA, Public Beta]',
        '        submit_to_app_store: true',
        '        whats_new: Bug fixes',
        '',
      ].join('\n'),
    )

    const r = await runAction(
      { build: ipa, config: yaml, workflow: 'ios-release', 'api-url': sandbox.url, cli: tarball },
      credentials(),
    )

    expect(r.stderr).not.toMatch(/ascent: /)
    expect(r.failedStep).toBe(null)
    const state = sandbox.state()
    const build = state.builds.find((b) => b.buildNumber === '201')
    const submission = state.reviewSubmissions.find((s) => s.state === 'WAITING_FOR_REVIEW')
    expect(build).toBeDefined()
    expect(submission).toBeDefined()
    expect(r.outputs).toMatchObject({
      'build-id': build?.id,
      'version-id': submission?.items[0]?.appStoreVersionId,
      'submission-id': submission?.id,
      outcome: 'submitted-for-review',
    })
    expect(r.outputs['beta-review-submission-id']).toBe(build?.betaAppReviewSubmissionId)
    expect(r.outputs['run-id']).toMatch(/^\d{8}T\d{6}Z-/)

    expect(r.summary).toContain('### ✅ Ascent: published')
    expect(r.summary).toContain('Ascent Demo (com.example.ascent.demo)')
    expect(r.summary).toContain('1.1.0 (201), IOS')
    expect(r.summary).toMatch(
      /\| review \| ✅ done \| version 1\.1\.0 submitted for review \(WAITING\\_FOR\\_REVIEW\) \|/,
    )
    // The sandbox's apps have no appstoreconnect.apple.com pages: the summary links none.
    expect(r.summary).not.toContain('appstoreconnect.apple.com')
  })

  it('a refused publish fails the step; the summary names the reason and the outputs say refused', async () => {
    const ipa = await makeIpa({ buildNumber: '202' }, dir)
    const r = await runAction(
      {
        build: ipa,
        args: '--beta-group Nobody --processing-timeout 0',
        'api-url': sandbox.url,
        cli: tarball,
      },
      credentials(),
    )

    expect(r.failedStep).toBe(1)
    expect(r.stderr).toMatch(/Nobody/)
    expect(r.outputs).toMatchObject({ outcome: 'refused', 'build-id': '', 'submission-id': '' })
    expect(r.summary).toContain('### ❌ Ascent: publish refused by preflight (nothing was sent)')
    expect(r.summary).toMatch(/\| preflight \| ❌ failed \| .*Nobody/)
    expect(r.summary).toMatch(/\| upload \| ⏸️ not run \|/)
  })

  it('without credentials the step fails before any request, and says which variable is missing', async () => {
    const ipa = await makeIpa({ buildNumber: '203' }, dir)
    const before = sandbox.state().requests.total
    const r = await runAction(
      { build: ipa, args: '--testflight', 'api-url': sandbox.url, cli: tarball },
      { ASCENT_DATA_DIR: join(dir, 'data-none'), ASCENT_CONFIG_DIR: join(dir, 'config-none') },
    )
    expect(r.failedStep).toBe(1)
    expect(r.stderr).toMatch(/APP_STORE_CONNECT_/)
    expect(sandbox.state().requests.total).toBe(before)
  })
})
