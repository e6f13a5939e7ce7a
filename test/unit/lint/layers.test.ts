import { ESLint } from 'eslint'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

// The layering rule as `npm run lint` applies it: the repository's own eslint.config.mjs, on probe files
// that exist only in memory (lintText with a path inside the layer), so nothing is written to the tree.
const root = fileURLToPath(new URL('../../../', import.meta.url))
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: root })
})

async function layerMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/imports').map((m) => m.message)
}

describe('the layering lint rule', () => {
  it('fails an import from shared/ into electron/asc/client and names the layer', async () => {
    const messages = await layerMessages(
      'shared/probe.ts',
      "import { createAscClient } from '../electron/asc/client'\nexport const probe = createAscClient\n",
    )
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatch(/^layer shared may import only shared\//)
    expect(messages[0]).toContain('electron/asc/client')
  })

  it('fails a type-only or re-exported upward import just the same', async () => {
    const messages = await layerMessages(
      'shared/probe.ts',
      "import type { AscClient } from '../electron/asc/client'\nexport type { RunJournal } from '../electron/publish/journal'\nexport type Probe = AscClient\n",
    )
    expect(messages).toHaveLength(2)
  })

  it('keeps Node built-ins out of shared/ and renderer/', async () => {
    expect(
      await layerMessages('shared/probe.ts', "import { readFile } from 'node:fs/promises'\nvoid readFile\n"),
    ).toEqual([expect.stringMatching(/^layer shared may not import Node built-ins/)])
    expect(await layerMessages('renderer/src/probe.ts', "import path from 'path'\nvoid path\n")).toEqual([
      expect.stringMatching(/^layer renderer may not import Node built-ins/),
    ])
  })

  it('lets the renderer import only shared/ and itself', async () => {
    const messages = await layerMessages(
      'renderer/src/stores/probe.ts',
      "import { callChannel } from '../../../electron/ipc/channels'\nimport { StepId } from '../../../shared/publish-events'\nimport { formatBytes } from '../format'\nvoid callChannel, StepId, formatBytes\n",
    )
    expect(messages).toEqual([expect.stringMatching(/^layer renderer may import only renderer\/, shared\//)])
  })

  it('keeps electron/net, electron/asc and electron/ipa leaves', async () => {
    expect(
      await layerMessages(
        'electron/asc/probe.ts',
        "import { createKeyService } from '../keys/key-service'\nvoid createKeyService\n",
      ),
    ).toEqual([
      expect.stringMatching(
        /^layer electron\/asc may import only electron\/asc\/, electron\/net\/, shared\//,
      ),
    ])
    expect(
      await layerMessages(
        'electron/net/probe.ts',
        "import { createAscClient } from '../asc/client'\nvoid createAscClient\n",
      ),
    ).toEqual([expect.stringMatching(/^layer electron\/net may import only electron\/net\/, shared\//)])
    expect(
      await layerMessages(
        'electron/ipa/probe.ts',
        "import { writeFileAtomic } from '../atomic-write'\nvoid writeFileAtomic\n",
      ),
    ).toEqual([expect.stringMatching(/^layer electron\/ipa may import only/)])
  })

  it('keeps the CLI and the composition root at the top', async () => {
    expect(
      await layerMessages(
        'electron/publish/probe.ts',
        "import { ExitCode } from '../cli/cli-output'\nvoid ExitCode\n",
      ),
    ).toEqual([expect.stringMatching(/^electron\/cli\/ is the top of the app/)])
  })

  it('allows downward imports', async () => {
    expect(
      await layerMessages(
        'electron/publish/probe.ts',
        "import { createAscClient } from '../asc/client'\nimport { inspectBuild } from '../ipa/inspect-build'\nimport { AscentError } from '../../shared/errors'\nvoid createAscClient, inspectBuild, AscentError\n",
      ),
    ).toEqual([])
    expect(
      await layerMessages(
        'electron/asc/probe.ts',
        "import { AscentError } from '../../shared/errors'\nimport { readFile } from 'node:fs/promises'\nvoid AscentError, readFile\n",
      ),
    ).toEqual([])
  })
})
