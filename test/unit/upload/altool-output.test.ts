import { describe, expect, it } from 'vitest'
import {
  describeAltoolFailure,
  findTrailingJson,
  judgeAltoolOutput,
  parseAltoolProgress,
} from '../../../electron/upload/altool-output'

// Shapes of Xcode 26 / 16.4 altool output as recorded by codemagic cli-tools (tests/models/altool/mocks).
const SUCCESS_26 = `Running altool at path '/Applications/Xcode-26.0.app/Contents/SharedFrameworks/ContentDelivery.framework/Resources/altool'...

2025-10-16 09:35:13.129  INFO: [ContentDelivery.Uploader.600000DCC040]
==========================================
UPLOAD SUCCEEDED with no errors
Delivery UUID: 20d105d6-1244-4846-8813-6d7d2bac535d
Transferred 19244646 bytes in 4.831 seconds (4.0MB/s, 31.870Mbps)
==========================================
{
  "details" : {
    "delivery-uuid" : "20d105d6-1244-4846-8813-6d7d2bac535d",
    "transferred" : "19244646 bytes in 4.831 seconds (4.0MB/s, 31.870Mbps)"
  },
  "success-message" : "No errors uploading archive at '/tmp/a.ipa'.",
  "tool-version" : "26.0.18 (170018)"
}
`

const DUPLICATE_16 = `2025-10-16 08:10:38.568 ERROR: [altool.600000FBC180] altool: option '-' is unknown: ignored
2025-10-16 08:10:43.430 ERROR: [altool.600000FBC180] [ContentDelivery.Uploader.600000FBC180] The provided entity includes an attribute with a value that has already been used (-19232) The bundle version must be higher than the previously uploaded version: ‘2.0.53.731’.
{"tool-version":"8.303.16303","product-errors":[{"message":"The provided entity includes an attribute with a value that has already been used","userInfo":{"NSLocalizedFailureReason":"The bundle version must be higher than the previously uploaded version: ‘2.0.53.731’.","iris-code":"ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE"},"code":-19232}]}
`

const AUTH = `{"tool-version":"4.059.1219","product-errors":[{"message":"Unable to authenticate.","userInfo":{"NSLocalizedDescription":"Unable to authenticate.","NSLocalizedFailureReason":"Unable to authenticate."},"code":-19209}]}`

describe('judging altool output', () => {
  it('accepts the Xcode 26 success output and reads the delivery id', () => {
    const verdict = judgeAltoolOutput({ stdout: SUCCESS_26, stderr: '', exitCode: 0, signal: null })
    expect(verdict).toMatchObject({
      success: true,
      deliveryId: '20d105d6-1244-4846-8813-6d7d2bac535d',
      retryable: false,
    })
  })

  it("fails product-errors even with exit code 0, in Apple's words", () => {
    const verdict = judgeAltoolOutput({ stdout: DUPLICATE_16, stderr: '', exitCode: 0, signal: null })
    expect(verdict.success).toBe(false)
    expect(verdict.retryable).toBe(false)
    expect(describeAltoolFailure(verdict, 0)).toBe(
      'The provided entity includes an attribute with a value that has already been used — The bundle version must be higher than the previously uploaded version: ‘2.0.53.731’. (ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE, -19232)',
    )
  })

  it('fails ERROR: lines without a success line, and success text alone is not enough with a non-zero exit', () => {
    const errorOnly = judgeAltoolOutput({
      stdout: 'ERROR: [altool] Something broke\n',
      stderr: '',
      exitCode: 0,
      signal: null,
    })
    expect(errorOnly.success).toBe(false)
    expect(describeAltoolFailure(errorOnly, 0)).toBe('[altool] Something broke')
    expect(judgeAltoolOutput({ stdout: SUCCESS_26, stderr: '', exitCode: 1, signal: null }).success).toBe(
      false,
    )
    expect(judgeAltoolOutput({ stdout: '', stderr: '', exitCode: 0, signal: null }).success).toBe(false)
  })

  it('tolerates a harmless ERROR: line when altool said UPLOAD SUCCEEDED', () => {
    const stdout = `ERROR: [altool] altool: option '-' is unknown: ignored\n${SUCCESS_26}`
    expect(judgeAltoolOutput({ stdout, stderr: '', exitCode: 0, signal: null }).success).toBe(true)
  })

  it('marks authentication (-19209), timeouts and crashes as retryable', () => {
    const auth = judgeAltoolOutput({ stdout: AUTH, stderr: '', exitCode: 1, signal: null })
    expect(auth).toMatchObject({ success: false, retryable: true, authFailed: true })
    expect(
      judgeAltoolOutput({ stdout: 'ERROR: The request timed out.', stderr: '', exitCode: 1, signal: null })
        .retryable,
    ).toBe(true)
    expect(judgeAltoolOutput({ stdout: '', stderr: '', exitCode: null, signal: 'SIGSEGV' }).retryable).toBe(
      true,
    )
  })

  it('finds the trailing JSON object after log lines', () => {
    expect(findTrailingJson(SUCCESS_26)?.['success-message']).toContain('No errors uploading')
    expect(findTrailingJson('no json here')).toBeNull()
  })
})

describe('parsing altool progress lines', () => {
  it('reads "X MB of Y MB", percentages and part completions; ignores other lines', () => {
    expect(
      parseAltoolProgress('INFO: [ContentDelivery.Uploader] Upload progress: 12.50 MB of 50.00 MB (25%)'),
    ).toEqual({
      percent: 25,
      bytesDone: 12_500_000,
      bytesTotal: 50_000_000,
      partsDone: null,
    })
    expect(
      parseAltoolProgress('INFO: [ContentDelivery.Uploader] COMPLETED - PART 2 - X.pkg - eTag: "abc"'),
    ).toMatchObject({
      partsDone: 2,
    })
    expect(parseAltoolProgress('Uploading package: 40.5%')?.percent).toBe(40.5)
    expect(parseAltoolProgress('DEBUG: [altool] Found file Payload/App.app')).toBeNull()
    expect(parseAltoolProgress('Battery at 50%')).toBeNull()
  })
})
