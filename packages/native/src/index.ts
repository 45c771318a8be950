export { ADDON_EXPORTS, binaryName, type KernelInfo, loadAddon, type NativeAddon } from './addon.js';
export { NativeErrorCode } from './errors.js';
export {
  type ByteKernelName,
  type KernelName,
  kernelInfo,
  kernelInfos,
  kernels,
  type NumericKernelName,
} from './kernels.js';
export { NativeBackend, type NativeBackendOptions } from './native-backend.js';
export { poolThreads, setPoolThreads } from './pool-threads.js';
export { type BatchOptions, type BatchResult, type ByteItem, runBatch } from './run-batch.js';
