export {
  ADDON_EXPORTS,
  type AddonCandidate,
  addonCandidates,
  binaryName,
  type KernelInfo,
  loadAddon,
  type NativeAddon,
  nativeAvailable,
  platformTriple,
} from './addon.js';
export { NativeErrorCode } from './errors.js';
export {
  type ByteKernelName,
  type KernelName,
  kernelInfo,
  kernelInfos,
  kernels,
  libraryKernels,
  type NativeKernelsOptions,
  type NumericKernelName,
  nativeKernels,
} from './kernels.js';
export { NativeBackend, type NativeBackendOptions } from './native-backend.js';
export { NODE_API_VERSION, type NodeApiReport, nodeApiShortfall } from './node-api.js';
export { poolThreads, setPoolThreads } from './pool-threads.js';
export { type BatchOptions, type BatchOutput, type ByteItem, runBatch } from './run-batch.js';
