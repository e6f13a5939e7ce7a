import {
  Document,
  isAlias,
  isCollection,
  isMap,
  isNode,
  isScalar,
  isSeq,
  Pair,
  parseDocument,
  Scalar,
  visit,
  YAMLMap,
  type Node,
} from 'yaml'
import { printableExcerpt } from './bounded-text'
import { parseReleaseDate } from './release-date'
import { yamlNestingProblem } from './yaml-depth'
import {
  defaultYamlValue,
  parseReleaseSettings,
  settingsToYamlSection,
  SETTINGS_KEYS,
  type ReleaseSettings,
  type SettingsIssue,
  type SettingsKey,
} from './release-settings'

/** The path of an issue about the whole file (not YAML at all, nested too deep) rather than one key. */
export const WHOLE_FILE = '(file)'

/**
 * codemagic.yaml import and export. Import finds `workflows.*.publishing.app_store_connect`;
 * export edits that mapping in place through the yaml Document API so comments, key order and
 * every other key survive, and an unchanged round trip returns the file byte for byte.
 */

export interface ConfigImport {
  /** Workflows that have a `publishing.app_store_connect` section. */
  readonly workflows: readonly string[]
  readonly workflow: string | null
  readonly settings: ReleaseSettings | null
  readonly issues: readonly SettingsIssue[]
}

export interface ImportOptions {
  readonly workflow?: string | null
  readonly now?: () => number
}

const SECTION = ['publishing', 'app_store_connect'] as const

/**
 * Codemagic reads merge keys (`<<: *defaults`), as YAML 1.1 readers do; codemagic.yaml files share settings
 * between workflows that way, so they are merged here too rather than read as a key named "<<".
 */
const YAML_OPTIONS = { prettyErrors: true, merge: true } as const

/** A file of junk (or a binary picked by mistake) has thousands of syntax errors: one message says it. */
function yamlSyntaxIssues(doc: Document): SettingsIssue[] {
  const first = doc.errors[0]
  if (!first) return []
  const pos = first.linePos?.[0]
  const where = pos ? `line ${pos.line}, column ${pos.col}` : 'somewhere in the file'
  const reason = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? first.message
  const more = doc.errors.length - 1
  const also = more > 0 ? ` (and ${more} more ${more === 1 ? 'error' : 'errors'})` : ''
  return [
    { path: WHOLE_FILE, message: `is not valid YAML at ${where}: ${printableExcerpt(reason, 160)}${also}` },
  ]
}

/**
 * The file as plain values. The yaml library refuses an alias bomb ("billion laughs") and an alias to an
 * anchor that does not exist by throwing: both are bad input, reported like any other syntax problem.
 */
function plainValue(doc: Document): { ok: true; value: unknown } | { ok: false; issue: SettingsIssue } {
  try {
    return { ok: true, value: doc.toJS() }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      issue: { path: WHOLE_FILE, message: `is not valid YAML: ${printableExcerpt(reason, 160)}` },
    }
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
}

/** The plain value at `path`, or undefined when some step is missing or not a mapping. */
function plainAt(root: unknown, path: readonly string[]): unknown {
  let current = root
  for (const key of path) {
    if (!isMapping(current) || !Object.hasOwn(current, key)) return undefined
    current = current[key]
  }
  return current
}

function plainWorkflowsWithSection(root: unknown): string[] {
  const workflows = plainAt(root, ['workflows'])
  if (!isMapping(workflows)) return []
  return Object.keys(workflows).filter((name) => plainAt(workflows, [name, ...SECTION]) !== undefined)
}

/** A bare Ascent release file: the settings mapping itself at the top level. */
function isBareReleaseFile(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return (
    keys.length > 0 &&
    keys.some((k) => (SETTINGS_KEYS as readonly string[]).includes(k)) &&
    !('workflows' in value)
  )
}

export function importCodemagicYaml(text: string, options: ImportOptions = {}): ConfigImport {
  const tooDeep = yamlNestingProblem(text)
  if (tooDeep !== null)
    return { workflows: [], workflow: null, settings: null, issues: [{ path: WHOLE_FILE, message: tooDeep }] }
  const doc = parseDocument(text, YAML_OPTIONS)
  const syntax = yamlSyntaxIssues(doc)
  if (syntax.length > 0) return { workflows: [], workflow: null, settings: null, issues: syntax }
  const plain = plainValue(doc)
  if (!plain.ok) return { workflows: [], workflow: null, settings: null, issues: [plain.issue] }
  const root = plain.value
  const validate = { now: options.now }
  if (typeof options.workflow === 'string' && options.workflow.trim() === '') {
    return {
      workflows: plainWorkflowsWithSection(root),
      workflow: null,
      settings: null,
      issues: [{ path: 'workflows', message: 'the workflow name is empty: give the name of a workflow' }],
    }
  }

  if (isBareReleaseFile(root)) {
    const result = parseReleaseSettings(root, { ...validate, basePath: 'app_store_connect' })
    return {
      workflows: [],
      workflow: null,
      settings: result.ok ? result.settings : null,
      issues: result.issues,
    }
  }

  const workflows = plainWorkflowsWithSection(root)
  let workflow: string
  if (options.workflow) {
    if (plainAt(root, ['workflows', options.workflow]) === undefined) {
      const known =
        workflows.length > 0 ? `; workflows with App Store Connect publishing: ${workflows.join(', ')}` : ''
      return {
        workflows,
        workflow: null,
        settings: null,
        issues: [
          {
            path: `workflows.${options.workflow}`,
            message: `no workflow named "${printableExcerpt(options.workflow)}"${known}`,
          },
        ],
      }
    }
    workflow = options.workflow
  } else if (workflows.length === 1) {
    workflow = workflows[0]!
  } else if (workflows.length === 0) {
    return {
      workflows,
      workflow: null,
      settings: null,
      issues: [
        {
          path: 'workflows',
          message: 'no workflow has publishing.app_store_connect: add that section to a workflow',
        },
      ],
    }
  } else {
    return {
      workflows,
      workflow: null,
      settings: null,
      issues: [
        {
          path: 'workflows',
          message: `several workflows publish to App Store Connect (${workflows.join(', ')}): choose one with --workflow NAME`,
        },
      ],
    }
  }

  const basePath = `workflows.${workflow}.publishing.app_store_connect`
  const section = plainAt(root, ['workflows', workflow, ...SECTION])
  const integration = plainAt(root, ['workflows', workflow, 'integrations', 'app_store_connect'])
  const integrationName = typeof integration === 'string' ? integration : null
  if (section === undefined) {
    return {
      workflows,
      workflow,
      settings: null,
      issues: [
        { path: basePath, message: `workflow "${workflow}" has no publishing.app_store_connect section` },
      ],
    }
  }
  const result = parseReleaseSettings(section, { ...validate, basePath, integrationName })
  return { workflows, workflow, settings: result.ok ? result.settings : null, issues: result.issues }
}

function sameValue(existing: unknown, wanted: unknown, key: string): boolean {
  if (
    key === 'earliest_release_date' &&
    (typeof existing === 'string' || existing instanceof Date) &&
    typeof wanted === 'string'
  ) {
    const a = parseReleaseDate(existing)
    const b = parseReleaseDate(wanted)
    return a.ok && b.ok && a.epochMs === b.epochMs
  }
  return JSON.stringify(existing) === JSON.stringify(wanted)
}

const MINIMAL_WORKFLOW = 'ascent-release'

export interface ExportOptions {
  readonly workflow?: string | null
}

/**
 * Writes settings into `text` (an existing codemagic.yaml or bare Ascent release file, or null for a new minimal file).
 * Keys the settings leave at their default are removed only if the file had them with another value.
 * Settings the workflow shares with others (an alias, a merge key) are overridden in the workflow's own mapping,
 * never edited where they are shared: the other workflows read what they read before.
 */
export function exportCodemagicYaml(
  text: string | null,
  settings: ReleaseSettings,
  options: ExportOptions = {},
): string {
  const wanted = settingsToYamlSection(settings)
  if (text === null || text.trim() === '') {
    const workflow = options.workflow ?? MINIMAL_WORKFLOW
    const body: Record<string, unknown> = { name: 'Ascent release' }
    if (settings.integrationName) body.integrations = { app_store_connect: settings.integrationName }
    body.publishing = { app_store_connect: wanted }
    return new Document({ workflows: { [workflow]: body } }).toString()
  }

  const tooDeep = yamlNestingProblem(text)
  if (tooDeep !== null) throw new Error(tooDeep)
  const doc = parseDocument(text, YAML_OPTIONS)
  if (doc.errors.length > 0) throw new Error(yamlSyntaxIssues(doc)[0]!.message)
  const plain = plainValue(doc)
  if (!plain.ok) throw new Error(plain.issue.message)
  const { section, workflowMap } = sectionToWrite(doc, plain.value, options.workflow ?? null)
  // `app_store_connect: {}` would otherwise grow into a one-line flow mapping.
  if (section.items.length === 0) section.flow = false
  // What the file says, merge keys included: a key can come from a mapping other workflows share.
  const says = (): Record<string, unknown> => section.toJS(doc) as Record<string, unknown>
  // Writing one key leaves what the others say as it was (a moved anchor keeps its value), so this is read once.
  const said = says()
  let changed = false
  for (const key of SETTINGS_KEYS) {
    if (key === 'api_key' || key === 'key_id' || key === 'issuer_id') continue
    const has = Object.hasOwn(said, key)
    if (key in wanted) {
      if (!has || !sameValue(said[key], wanted[key], key)) {
        replaceValue(doc, section, key, doc.createNode(wanted[key]))
        changed = true
      }
      continue
    }
    // Nothing said, or the default said already (`copyright:` left empty, a flag already false): nothing to write.
    if (!has || saysDefault(key, said[key])) continue
    if (section.has(key)) {
      // The file says something the settings no longer say: a flag turned off is written as false and a
      // release type back to MANUAL is written out, so the file keeps saying what it means; the rest is removed.
      const keep = (typeof said[key] === 'boolean' && key !== 'phased_release') || key === 'release_type'
      replaceValue(doc, section, key, keep ? doc.createNode(defaultYamlValue(key)) : undefined)
      changed = true
    }
    // Still said through a merge key: this workflow says the default over it; the shared mapping stays as it is.
    const inherited = says()
    if (Object.hasOwn(inherited, key) && !saysDefault(key, inherited[key])) {
      replaceValue(doc, section, key, doc.createNode(defaultYamlValue(key)))
      changed = true
    }
  }
  // A bare release file has no integrations: import reads no key name from it either.
  if (settings.integrationName && workflowMap) {
    const integrations = ownMapping(doc, workflowMap.map, 'integrations', `workflows.${workflowMap.name}`)
    const said = integrations.toJS(doc) as Record<string, unknown>
    if (said.app_store_connect !== settings.integrationName) {
      replaceValue(doc, integrations, 'app_store_connect', doc.createNode(settings.integrationName))
      changed = true
    }
  }
  return changed ? doc.toString() : text
}

/**
 * The mapping the settings go into: a bare Ascent release file's top level (import reads it that way), else the
 * workflow's `publishing.app_store_connect`, each step its own mapping (see ownMapping).
 */
function sectionToWrite(
  doc: Document,
  plain: unknown,
  chosen: string | null,
): { section: YAMLMap; workflowMap: { readonly name: string; readonly map: YAMLMap } | null } {
  if (chosen === null && isBareReleaseFile(plain) && isMap(doc.contents))
    return { section: doc.contents, workflowMap: null }
  // Read as import reads it: a workflow whose section comes through an alias or a merge key counts.
  const workflows = plainWorkflowsWithSection(plain)
  const workflow = chosen ?? (workflows.length === 1 ? workflows[0]! : null)
  if (!workflow) {
    throw new Error(
      workflows.length === 0
        ? 'no workflow has publishing.app_store_connect: choose the workflow to write into'
        : `several workflows publish to App Store Connect (${workflows.join(', ')}): choose one`,
    )
  }
  // A file of comments only has no mapping yet.
  if (doc.contents === null) doc.set('workflows', new YAMLMap())
  const map = ownMapping(doc, ownMapping(doc, doc.contents, 'workflows', ''), workflow, 'workflows')
  const section = ownMapping(
    doc,
    ownMapping(doc, map, 'publishing', `workflows.${workflow}`),
    'app_store_connect',
    `workflows.${workflow}.publishing`,
  )
  return { section, workflowMap: { name: workflow, map } }
}

/** Whether a value read from the file says the key's default (false, MANUAL, an empty list, nothing). */
function saysDefault(key: SettingsKey, value: unknown): boolean {
  if (key === 'release_type') return typeof value === 'string' && value.trim().toUpperCase() === 'MANUAL'
  return sameValue(value, defaultYamlValue(key), key)
}

/**
 * The mapping at `key` of `parent` that this workflow alone owns, made if there is none. The file's own structure is
 * kept: a mapping written there is edited in place; one the file shares (an alias, or a key that comes through a
 * merge key) becomes a mapping of its own that merges the shared one (`<<: *shared`), so edits override it for this
 * workflow and leave the others as they were.
 */
function ownMapping(doc: Document, parent: unknown, key: string, where: string): YAMLMap {
  if (!isMap(parent)) throw new Error(`${where || 'the file'} is not a mapping: Ascent cannot write into it`)
  const node: unknown = parent.get(key, true)
  if (isMap(node)) return node
  const path = where ? `${where}.${key}` : key
  const shared = isAlias(node)
    ? node.resolve(doc)
    : node === undefined
      ? inheritedNode(doc, parent, key)
      : node
  const own = new YAMLMap()
  if (isMap(shared)) {
    own.items.push(new Pair(new Scalar(Symbol('<<')), isAlias(node) ? node : doc.createAlias(shared, key)))
  } else if (shared !== undefined && !(isScalar(shared) && shared.value === null)) {
    throw new Error(
      `${path} is ${isSeq(shared) ? 'a list' : 'a value'}, not a mapping: Ascent cannot write its settings there`,
    )
  }
  replaceValue(doc, parent, key, own)
  return own
}

/**
 * Sets `key` of `map` to `value`, or deletes it when `value` is undefined. An anchor in what it replaces that an
 * alias elsewhere still names (`beta_groups: &groups [...]` here, `*groups` in another workflow) moves to that
 * alias's place, the first of them, which every later alias follows: the others read what they read before, and
 * the file stays valid YAML instead of naming an anchor it no longer has.
 */
function replaceValue(doc: Document, map: YAMLMap, key: string, value: Node | undefined): void {
  const old: unknown = map.get(key, true)
  if (isNode(old)) {
    const anchored: Node[] = []
    visit(old, (_, node) => {
      if (isNode(node) && node.anchor) anchored.push(node)
    })
    for (const node of anchored) {
      let moved = false
      visit(doc, (_, at) => {
        if (at === old) return visit.SKIP
        if (moved || !isAlias(at) || at.source !== node.anchor) return undefined
        moved = true
        return node
      })
    }
  }
  // A list or mapping written on one line (`beta_groups: [QA, Beta]`) stays on one line.
  if (isCollection(old) && isCollection(value) && old.flow) value.flow = true
  if (value === undefined) map.delete(key)
  else map.set(key, value)
}

/** The node `map` takes for `key` from its merge keys (`<<: *a` or `<<: [*a, *b]`; the first that has it wins). */
function inheritedNode(doc: Document, map: YAMLMap, key: string): unknown {
  for (const pair of map.items) {
    // Parsed with `merge: true`, a merge key is the symbol `<<` (a quoted '<<' is an ordinary key), as ownMapping writes it.
    if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol' || pair.key.value.description !== '<<')
      continue
    const value = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value
    const sources = isSeq(value)
      ? value.items.map((item) => (isAlias(item) ? item.resolve(doc) : item))
      : [value]
    for (const source of sources) {
      if (!isMap(source)) continue
      const found: unknown = source.get(key, true)
      if (found !== undefined) return isAlias(found) ? found.resolve(doc) : found
      const deeper = inheritedNode(doc, source, key)
      if (deeper !== undefined) return deeper
    }
  }
  return undefined
}
