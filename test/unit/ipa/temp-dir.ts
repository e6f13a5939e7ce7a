import { useTempDir as useSharedTempDir } from '../../support/temp-dir'

/** A fresh directory per test, removed afterwards. */
export function useTempDir(): () => Promise<string> {
  return useSharedTempDir('ascent-ipa-test-')
}
