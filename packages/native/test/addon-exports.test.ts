import { describe, expect, it } from 'vitest';
import * as pkg from '../src/index.js';
import { ADDON_EXPORTS, binaryName, kernelInfos, kernels, loadAddon } from '../src/index.js';

describe('the addon matches its declared TypeScript surface', () => {
  it("the addon's exports are exactly the declared ones, each a function", () => {
    const addon = loadAddon() as unknown as Record<string, unknown>;
    expect(Object.keys(addon).sort()).toEqual([...ADDON_EXPORTS].sort());
    for (const name of ADDON_EXPORTS) expect(typeof addon[name]).toBe('function');
  });

  it('the public kernels list is what the addon registers, minus test aids', () => {
    const names = [...kernelInfos().keys()];
    expect(names.filter((n) => !n.startsWith('__'))).toEqual([...kernels]);
    expect(names).toContain('__panic');
  });

  it('kernel descriptions have the declared shape', () => {
    for (const info of kernelInfos().values()) {
      expect(Object.keys(info).sort()).toEqual([
        'input',
        'inputArity',
        'name',
        'output',
        'outputArity',
        'outputBytes',
      ]);
      expect(['numbers', 'bytes']).toContain(info.input);
      expect(['numbers', 'bytes']).toContain(info.output);
    }
    expect(kernelInfos().get('md5')).toMatchObject({ input: 'bytes', output: 'bytes', outputBytes: 16 });
    expect(kernelInfos().get('noop')).toMatchObject({
      input: 'numbers',
      inputArity: 1,
      output: 'numbers',
      outputArity: 1,
      outputBytes: -1,
    });
    expect(kernelInfos().get('spin')).toMatchObject({
      input: 'numbers',
      inputArity: 2,
      output: 'numbers',
      outputArity: 1,
    });
  });

  it('the package entry exports the documented public names', () => {
    expect(Object.keys(pkg).sort()).toEqual(
      [
        'ADDON_EXPORTS',
        'NODE_API_VERSION',
        'NativeBackend',
        'NativeErrorCode',
        'addonCandidates',
        'binaryName',
        'kernelInfo',
        'kernelInfos',
        'kernels',
        'libraryKernels',
        'loadAddon',
        'nativeKernels',
        'nativeAvailable',
        'nodeApiShortfall',
        'platformTriple',
        'poolThreads',
        'runBatch',
        'setPoolThreads',
      ].sort(),
    );
  });

  it('the binary name follows napi --platform naming', () => {
    expect(binaryName('linux', 'x64')).toMatch(/^poolkit-native\.linux-x64-(gnu|musl)\.node$/);
    expect(binaryName('darwin', 'arm64')).toBe('poolkit-native.darwin-arm64.node');
  });
});
