import { describe, expect, test } from 'vitest'
import { appIdMatchesBundleId, parseProvisioningProfile, profileTypeOf } from '../../../electron/ipa'
import { DEMO_BUNDLE_ID, makeProfile, profileContent } from '../../fixtures/build-factory'
import { AscentError } from '../../../shared/errors'

describe('profile type rules', () => {
  test.each([
    ['app-store', 'app-store'],
    ['ad-hoc', 'ad-hoc'],
    ['development', 'development'],
    ['enterprise', 'enterprise'],
  ] as const)('a %s profile content is typed %s', (type, expected) => {
    expect(profileTypeOf(profileContent(DEMO_BUNDLE_ID, { type }))).toBe(expected)
  })

  test('ProvisionsAllDevices wins over a device list', () => {
    expect(
      profileTypeOf({
        ProvisionsAllDevices: true,
        ProvisionedDevices: ['x'],
        Entitlements: { 'get-task-allow': true },
      }),
    ).toBe('enterprise')
  })

  test('devices with get-task-allow false are ad-hoc, with it missing too', () => {
    expect(profileTypeOf({ ProvisionedDevices: ['x'], Entitlements: { 'get-task-allow': false } })).toBe(
      'ad-hoc',
    )
    expect(profileTypeOf({ ProvisionedDevices: ['x'] })).toBe('ad-hoc')
  })
})

describe('App ID matching', () => {
  test.each([
    ['com.example.app', 'com.example.app', true],
    ['com.example.app', 'com.example.app2', false],
    ['com.example.*', 'com.example.app', true],
    ['com.example.*', 'com.example.', false],
    ['com.example.*', 'com.other.app', false],
    ['*', 'anything.at.all', true],
  ])('%s covers %s: %s', (pattern, bundleId, expected) => {
    expect(appIdMatchesBundleId(pattern, bundleId)).toBe(expected)
  })
})

describe('parseProvisioningProfile (real CMS from openssl)', () => {
  test('reads name, team (Unicode), app id name, expiry and identifier from an XML content', async () => {
    const expiresAt = new Date('2031-05-06T07:08:09Z')
    const der = await makeProfile(DEMO_BUNDLE_ID, {
      name: 'Ascent App Store ✓',
      teamId: 'Z9Y8X7W6V5',
      teamName: 'Équipe Ünïcode 株式会社',
      appIdName: 'Ascent Démo',
      expiresAt,
    })
    const profile = parseProvisioningProfile(der, 'embedded.mobileprovision')
    expect(profile).toMatchObject({
      type: 'app-store',
      name: 'Ascent App Store ✓',
      teamId: 'Z9Y8X7W6V5',
      teamName: 'Équipe Ünïcode 株式会社',
      appIdName: 'Ascent Démo',
      applicationIdentifier: `Z9Y8X7W6V5.${DEMO_BUNDLE_ID}`,
      appIdPattern: DEMO_BUNDLE_ID,
      platforms: ['iOS'],
    })
    expect(profile.expiresAt.toISOString()).toBe(expiresAt.toISOString())
    expect(profile.signer?.namesApple).toBe(true)
  })

  test('reads a binary plist content and a wildcard App ID', async () => {
    const der = await makeProfile(DEMO_BUNDLE_ID, {
      format: 'binary',
      appId: 'com.example.*',
      type: 'development',
      teamName: 'Ünïcode',
    })
    expect(der.includes(Buffer.from('bplist00'))).toBe(true)
    const profile = parseProvisioningProfile(der, 'p')
    expect(profile).toMatchObject({ type: 'development', appIdPattern: 'com.example.*', teamName: 'Ünïcode' })
  })

  test('indefinite-length BER with a constructed (chunked) eContent reads the same', async () => {
    const der = await makeProfile(DEMO_BUNDLE_ID, { ber: true, teamName: 'Ünïcode' })
    expect(der.subarray(0, 2).toString('hex')).toBe('3080') // SEQUENCE, indefinite length
    expect(parseProvisioningProfile(der, 'p')).toMatchObject({
      type: 'app-store',
      teamName: 'Ünïcode',
      appIdPattern: DEMO_BUNDLE_ID,
    })
  })

  test('padding after the signed structure is not read (the profile reads the same)', async () => {
    const der = await makeProfile(DEMO_BUNDLE_ID, { teamName: 'Ünïcode' })
    const padded = Buffer.concat([der, Buffer.alloc(32)])
    expect(parseProvisioningProfile(padded, 'p')).toEqual(parseProvisioningProfile(der, 'p'))
  })

  test('a signer that does not name Apple is reported, not rejected', async () => {
    const profile = parseProvisioningProfile(await makeProfile(DEMO_BUNDLE_ID, { signer: 'other' }), 'p')
    expect(profile.signer).toMatchObject({ namesApple: false })
    expect(profile.signer?.subject).toContain('Example Corp')
  })

  test('a detached signature (no content) is BAD_BUILD', async () => {
    const der = await makeProfile(DEMO_BUNDLE_ID, { detached: true })
    expect(() => parseProvisioningProfile(der, 'embedded.mobileprovision')).toThrowError(
      /embedded.mobileprovision has no signed content/,
    )
  })

  test('bytes that are not CMS are BAD_BUILD, as are a PEM text and an XML plist without the envelope', async () => {
    for (const bytes of [
      Buffer.from('hello'),
      Buffer.from('-----BEGIN PKCS7-----\nMIIB\n-----END PKCS7-----\n'),
      Buffer.from('<?xml version="1.0"?><plist><dict/></plist>'),
    ]) {
      let thrown: unknown
      try {
        parseProvisioningProfile(bytes, 'x.mobileprovision')
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(AscentError)
      expect((thrown as AscentError).code).toBe('BAD_BUILD')
      expect((thrown as AscentError).message).toMatch(/^x.mobileprovision is not a provisioning profile/)
    }
  })

  test('a CMS whose content is not a plist names the content', async () => {
    const der = await makeProfile(DEMO_BUNDLE_ID)
    const text = der.toString('latin1')
    // Corrupt the plist inside the envelope without touching the DER lengths.
    const corrupted = Buffer.from(text.replace('<plist', '<plisX'), 'latin1')
    expect(() => parseProvisioningProfile(corrupted, 'p')).toThrowError(
      /the content of p is not a valid property list/,
    )
  })
})
