import { appendFile } from 'node:fs/promises'
import type { RunRecord, StepRecord } from '../../shared/ipc'
import type { RunJournal } from '../publish/journal'

/**
 * What `ascent publish` leaves for a GitHub Actions job when the runner's files are named in the
 * environment: a Markdown summary appended to $GITHUB_STEP_SUMMARY (shown on the run's page) and
 * `name=value` lines appended to $GITHUB_OUTPUT (the step's outputs). Other CI systems set neither, and
 * nothing is written.
 */

interface CiOutputs {
  readonly 'run-id': string
  readonly outcome: string
  readonly 'build-id': string
  readonly 'version-id': string
  /** The App Store review submission. */
  readonly 'submission-id': string
  readonly 'beta-review-submission-id': string
}

/** The step outputs of a finished run; an id the run never learned is empty. */
function ciOutputs(run: RunRecord, journal: RunJournal | null): CiOutputs {
  const ids = journal?.ids ?? {}
  return {
    'run-id': run.runId,
    outcome: run.outcome ?? 'interrupted',
    'build-id': ids.buildId ?? '',
    'version-id': ids.versionId ?? '',
    'submission-id': ids.reviewSubmissionId ?? '',
    'beta-review-submission-id': ids.betaReviewSubmissionId ?? '',
  }
}

const STATUS_MARK: Readonly<Record<StepRecord['status'], string>> = {
  done: '✅ done',
  skipped: '➖ skipped',
  failed: '❌ failed',
  pending: '⏸️ not run',
  running: '⏸️ stopped',
}

/** A table cell: Markdown and HTML stay text (an app name or Apple's detail must not format the page). */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    .replace(/\s*\n\s*/g, ' ')
}

function headline(run: RunRecord): string {
  switch (run.outcome) {
    case 'failed':
      return '❌ Ascent: publish failed'
    case 'refused':
      return '❌ Ascent: publish refused by preflight (nothing was sent)'
    case 'canceled':
    case 'interrupted':
    case null:
      return '⏸️ Ascent: publish stopped (publish the same build again to resume)'
    default:
      return '✅ Ascent: published'
  }
}

/** The job summary of one run: what was published, how each step ended, and where to look in App Store Connect. */
export function ciSummaryMarkdown(run: RunRecord, journal: RunJournal | null): string {
  const app = journal?.ids.appName ?? run.appName ?? null
  const lines = [
    `### ${headline(run)}`,
    '',
    '| | |',
    '|---|---|',
    `| App | ${cell(app ? `${app} (${run.bundleId})` : run.bundleId)} |`,
    `| Build | ${cell(`${run.version} (${run.buildNumber}), ${run.platform}`)} |`,
    `| File | ${cell(run.fileName)} |`,
    `| Outcome | ${cell(run.message ?? run.outcome ?? 'not finished')} |`,
    `| Run | \`${run.runId}\` |`,
    '',
    '| Step | State | What happened |',
    '|---|---|---|',
  ]
  for (const step of run.steps) {
    const what = step.error ? `${step.error.message} (${step.error.code})` : (step.summary ?? '')
    lines.push(`| ${step.step} | ${STATUS_MARK[step.status]} | ${cell(what)} |`)
  }
  // A sandbox run's ids mean nothing on appstoreconnect.apple.com: no link pretends to open its pages.
  if (run.links.length > 0 && run.sandbox !== true) {
    lines.push(
      '',
      `**App Store Connect:** ${run.links.map((l) => `[${cell(l.label)}](${l.url})`).join(' · ')}`,
    )
  }
  return lines.join('\n') + '\n\n'
}

function outputLines(outputs: CiOutputs): string {
  // Ids and outcome names are single words; a stray newline would inject another output, so it is cut.
  return Object.entries(outputs)
    .map(([name, value]) => `${name}=${String(value).replace(/[\r\n].*$/s, '')}\n`)
    .join('')
}

/**
 * Appends the summary and the outputs to the files GitHub Actions names. A file that cannot be written is
 * a warning: the release itself happened and the exit code says how it went.
 */
export async function writeCiReport(
  run: RunRecord,
  journal: RunJournal | null,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): Promise<void> {
  const targets = [
    { file: env.GITHUB_STEP_SUMMARY, what: 'job summary', text: () => ciSummaryMarkdown(run, journal) },
    { file: env.GITHUB_OUTPUT, what: 'step outputs', text: () => outputLines(ciOutputs(run, journal)) },
  ]
  for (const target of targets) {
    if (!target.file) continue
    await appendFile(target.file, target.text()).catch((error: unknown) =>
      warn(`could not write the ${target.what} to ${target.file}: ${(error as Error).message}`),
    )
  }
}
