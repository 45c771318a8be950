import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonCandidates, binaryName, nativeAvailable, platformTriple } from '../src/index.js';

describe('the loader looks in a fixed order', () => {
  it('the override variable first, then the local build, then the platform package', () => {
    const candidates = addonCandidates({ POOLKIT_NATIVE_ADDON: 'some/addon.node' });
    expect(candidates.map((c) => c.source)).toEqual(['override', 'local', 'package']);
    expect(candidates[0].file).toBe(resolve('some/addon.node'));
    expect(candidates[1].file).toBe(join(resolve(import.meta.dirname, '..'), binaryName()));
    expect(candidates[2].label).toBe(`@poolkit/native-${platformTriple()} (platform package)`);
  });

  it('an unset override variable is listed as not set, with no file', () => {
    const [override] = addonCandidates({});
    expect(override.file).toBeUndefined();
    expect(override.label).toBe('POOLKIT_NATIVE_ADDON (not set)');
  });

  it('the binary name and platform package use napi-rs triples', () => {
    expect(platformTriple('darwin', 'arm64')).toBe('darwin-arm64');
    expect(platformTriple('win32', 'x64')).toBe('win32-x64');
    expect(platformTriple('linux', 'x64')).toMatch(/^linux-x64-(gnu|musl)$/);
    expect(binaryName('darwin', 'arm64')).toBe('poolkit-native.darwin-arm64.node');
  });

  it('nativeAvailable() is true where the addon is built', () => {
    expect(nativeAvailable()).toBe(true);
  });
});
