import { describe, expect, it } from 'vitest'
import { runSubprocess, SubprocessExitError } from '../../../electron/upload/subprocess'

const node = process.execPath

describe('subprocess wrapper', () => {
  it('streams lines split on \\n, \\r\\n and \\r', async () => {
    const lines: string[] = []
    const result = await runSubprocess({
      command: node,
      args: ['-e', 'process.stdout.write("a\\r\\nb\\rc\\nlast")'],
      onLine: (line) => lines.push(line),
    })
    expect(lines).toEqual(['a', 'b', 'c', 'last'])
    expect(result.exitCode).toBe(0)
  })

  it('rejects an exit code the caller did not declare, and accepts a declared one', async () => {
    await expect(runSubprocess({ command: node, args: ['-e', 'process.exit(3)'] })).rejects.toBeInstanceOf(
      SubprocessExitError,
    )
    const ok = await runSubprocess({
      command: node,
      args: ['-e', 'process.exit(3)'],
      expectedExitCodes: [0, 3],
    })
    expect(ok.exitCode).toBe(3)
  })

  it('refuses to put a PEM, a JWT or a declared secret in argv', async () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIG...\n-----END PRIVATE KEY-----'
    await expect(runSubprocess({ command: node, args: ['-e', '1', pem] })).rejects.toMatchObject({
      code: 'INTERNAL',
    })
    await expect(
      runSubprocess({ command: node, args: ['eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln'] }),
    ).rejects.toMatchObject({ code: 'INTERNAL' })
    await expect(
      runSubprocess({ command: node, args: ['--token=hunter2-secret'], secrets: ['hunter2-secret'] }),
    ).rejects.toThrow(/secret would be visible/)
  })

  it('says NOT_FOUND for a program that is not installed', async () => {
    await expect(runSubprocess({ command: 'ascent-no-such-program', args: [] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('cancels through the signal', async () => {
    const controller = new AbortController()
    const running = runSubprocess({
      command: node,
      args: ['-e', 'console.log("up"); setInterval(() => {}, 1000)'],
      signal: controller.signal,
      onLine: () => controller.abort(),
    })
    await expect(running).rejects.toMatchObject({ code: 'CANCELED' })
  })
})
