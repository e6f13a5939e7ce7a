import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'

const ROOT = path.resolve(__dirname, '..', '..', '..')
const SCREENSHOTS = path.join(ROOT, 'test', 'artifacts', 'screenshots')
const CLI = path.join(ROOT, 'dist-cli', 'ascent.cjs')

/** `ascent web --sandbox` in its own data and config dirs, as a person would start it. */
interface AscentWeb {
  readonly url: string
  /** The in-process sandbox's base URL, read from what `ascent web` wrote on stderr. */
  sandboxUrl(): string
  readonly dir: string
  readonly stderr: () => string
  close(): Promise<void>
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
}

interface StartOptions {
  /** Extra `ascent web` arguments, e.g. ['--seed', file, '--processing-ms', '200']. */
  readonly args?: readonly string[]
  /**
   * A key from the environment (APP_STORE_CONNECT_* and ASCENT_API_URL, e.g. a test sandbox's) instead of
   * `--sandbox`: the window as a person with a real key sees it.
   */
  readonly keyEnv?: NodeJS.ProcessEnv
}

async function startAscentWeb(options: StartOptions = {}): Promise<AscentWeb> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-e2e-'))
  await mkdir(path.join(dir, 'data'))
  await mkdir(path.join(dir, 'config'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ASCENT_DATA_DIR: path.join(dir, 'data'),
    ASCENT_CONFIG_DIR: path.join(dir, 'config'),
  }
  // The sandbox, not whatever key the machine running the tests has.
  delete env.APP_STORE_CONNECT_ISSUER_ID
  delete env.APP_STORE_CONNECT_KEY_IDENTIFIER
  delete env.APP_STORE_CONNECT_PRIVATE_KEY
  delete env.ASCENT_API_URL
  const mode = options.keyEnv ? [] : ['--sandbox']
  const child = spawn(process.execPath, [CLI, 'web', '--port', '0', ...mode, ...(options.args ?? [])], {
    env: { ...env, ...options.keyEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk
  })
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', resolve)
    child.once('exit', (code) =>
      reject(new Error(`ascent web exited (${code}) before printing its URL: ${stderr}`)),
    )
  })
  const { url } = JSON.parse(firstLine) as { url: string }
  return {
    url,
    sandboxUrl: () => /sandbox at (\S+?):? /.exec(stderr)?.[1] ?? '',
    dir,
    stderr: () => stderr,
    async close() {
      child.kill('SIGTERM')
      await waitForExit(child)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

interface Browser {
  readonly context: BrowserContext
  readonly page: Page
  /** Console errors and CSP violations seen by the page; a clean window has none. */
  readonly problems: string[]
  close(): Promise<void>
}

/** Chromium with a fresh profile, one page, sized like a laptop window. */
async function openBrowser(options: { readonly colorScheme?: 'light' | 'dark' } = {}): Promise<Browser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'ascent-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 820 },
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: 'Europe/Riga',
    locale: 'en-GB',
  })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  // Fail a step with Playwright's own message (what it waited for) well before the test's timeout.
  context.setDefaultTimeout(10_000)
  const page = context.pages()[0] ?? (await context.newPage())
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return {
    context,
    page,
    problems,
    async close() {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}

/** What a describe block works with: its `ascent web`, its browser and a temp dir for its files. */
export interface WindowSession {
  readonly web: AscentWeb
  readonly browser: Browser
  readonly page: Page
  readonly dir: string
}

/** `webArgs` for a session whose sandbox starts from `seed` (written as seed.json in the session's dir), plus `extra`. */
export function seededWeb(
  seed: unknown,
  extra: readonly string[] = [],
): (dir: string) => Promise<readonly string[]> {
  return async (dir) => {
    const file = path.join(dir, 'seed.json')
    await writeFile(file, JSON.stringify(seed))
    return ['--seed', file, ...extra]
  }
}

/**
 * Registers the hooks every window test file needs: a temp dir, `ascent web --sandbox`, a browser (and,
 * with `open`, the window loaded and ready); a failed test leaves `failed-<name>.png`; all closed after.
 * Call inside `describe`; read the fields inside tests (they are set in beforeAll).
 */
export function windowSession(options: {
  readonly tempPrefix: string
  readonly colorScheme?: 'light' | 'dark'
  /** Extra `ascent web` arguments, given the session's dir (e.g. a seed file written there). */
  readonly webArgs?: (dir: string) => Promise<readonly string[]>
  /** Load the window before the first test and wait for the Sandbox badge. */
  readonly open?: boolean
  /** A key from the environment instead of the sandbox (read in beforeAll, after the caller's own hooks). */
  readonly keyEnv?: () => NodeJS.ProcessEnv
}): WindowSession {
  let web: AscentWeb | undefined
  let browser: Browser | undefined
  let dir: string | undefined
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), options.tempPrefix))
    web = await startAscentWeb({
      args: options.webArgs ? await options.webArgs(dir) : [],
      ...(options.keyEnv ? { keyEnv: options.keyEnv() } : {}),
    })
    browser = await openBrowser(options.colorScheme ? { colorScheme: options.colorScheme } : {})
    if (options.open) {
      await browser.page.goto(web.url)
      await browser.page.locator('.badge-sandbox').waitFor()
    }
  })
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && browser)
      await screenshot(browser.page, `failed-${context.task.name.slice(0, 40)}`)
  })
  afterAll(async () => {
    await browser?.close()
    await web?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('windowSession: read it inside a test, after beforeAll')
    return value
  }
  return {
    get web() {
      return ready(web)
    },
    get browser() {
      return ready(browser)
    },
    get page() {
      return ready(browser).page
    },
    get dir() {
      return ready(dir)
    },
  }
}

/**
 * The window is ready to publish: the plan for the settings on screen has come and nothing holds Publish back.
 * Publish takes a click while a plan is still on its way, so an enabled button says less than the sentence
 * beside it; if that never says ready, the failure shows what it said instead.
 */
export async function readyToPublish(page: Page, timeout = 15_000): Promise<void> {
  await expect
    .poll(() => page.locator('#publish-blockers').textContent(), { timeout })
    .toBe('Ready to publish.')
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false })
}

interface AxeResult {
  readonly violations: readonly {
    readonly id: string
    readonly impact: string | null
    readonly help: string
    readonly nodes: readonly { readonly target: readonly string[] }[]
  }[]
}

/** axe-core in the page; serious and critical violations fail the test with what and where. */
export async function expectAccessible(page: Page): Promise<void> {
  const source = await readFile(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8')
  // The page's CSP forbids inline scripts, so axe goes in through the DevTools protocol, not a <script>.
  await page.evaluate(source)
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as AxeResult
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(bad).toEqual([])
}

/** The parts of GET /__sandbox/state the window's tests check. */
export interface SandboxState {
  readonly apps: readonly {
    readonly betaGroups: readonly { readonly name: string; readonly buildIds: readonly string[] }[]
  }[]
  readonly builds: readonly {
    readonly id: string
    readonly buildNumber: string
    readonly processingState: string
    readonly groups: readonly string[]
    readonly betaReviewState: string | null
    readonly whatsNew: Readonly<Record<string, string>>
  }[]
  readonly versions: readonly {
    readonly id: string
    readonly versionString: string
    readonly state: string
    readonly copyright: string | null
    readonly releaseType: string
    readonly earliestReleaseDate: string | null
    readonly buildId: string | null
    readonly localizations: readonly { readonly locale: string; readonly whatsNew: string | null }[]
  }[]
  readonly phasedReleases: readonly { readonly versionId: string; readonly phasedReleaseState: string }[]
  readonly reviewSubmissions: readonly {
    readonly state: string
    readonly items: readonly { readonly appStoreVersionId: string }[]
  }[]
}

/** The sandbox's whole state, as checks outside the code read it. */
export async function sandboxState(sandboxUrl: string): Promise<SandboxState> {
  const res = await fetch(new URL('/__sandbox/state', sandboxUrl))
  return (await res.json()) as SandboxState
}

/** Test control of the sandbox: the next `times` PUTs of upload part `partNumber` answer `status`. */
export async function failUploadPart(
  sandboxUrl: string,
  rule: { partNumber: number; times: number; status: number },
): Promise<void> {
  const res = await fetch(new URL('/__sandbox/fail-part', sandboxUrl), {
    method: 'POST',
    body: JSON.stringify(rule),
  })
  expect(res.status).toBe(204)
}
