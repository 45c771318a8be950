/**
 * The `code`s of errors `@poolkit/native` raises. Errors are plain `Error`/`TypeError`/
 * `RangeError` objects (the addon creates them) with a stable `code`; compare codes, not messages.
 */
export const NativeErrorCode = {
  /** TypeError: an argument or option has the wrong type. */
  InvalidArgType: 'ERR_INVALID_ARG_TYPE',
  /** RangeError: an argument or option is out of range (threads ≤ 0, bad params, wrong arity…). */
  InvalidArgValue: 'ERR_INVALID_ARG_VALUE',
  /** RangeError: no kernel has that name. */
  UnknownKernel: 'ERR_UNKNOWN_KERNEL',
  /** TypeError: an input's ArrayBuffer was detached (transferred). */
  DetachedBuffer: 'ERR_DETACHED_BUFFER',
  /** Error: the kernel panicked on this batch; the pool keeps working. */
  KernelPanic: 'ERR_KERNEL_PANIC',
  /** Error: the kernel returned an error for this batch (a library kernel's `Err(message)`: its message). */
  KernelError: 'ERR_KERNEL_ERROR',
  /** Error: no file at the `library` path (the message names it and the OS reason). */
  LibraryNotFound: 'ERR_LIBRARY_NOT_FOUND',
  /** Error: the `library` file is not a loadable shared object (the message holds dlerror's text). */
  LibraryLoad: 'ERR_LIBRARY_LOAD',
  /** Error: the library was built for another kernel ABI version (the message names both). */
  LibraryAbi: 'ERR_LIBRARY_ABI',
  /** Error: the library exports no kernel table, or a malformed one (null name, unknown kind…). */
  LibraryInvalid: 'ERR_LIBRARY_INVALID',
  /** Error: a library kernel has the name of a built-in or of another library's kernel; nothing of it is registered. */
  DuplicateKernel: 'ERR_DUPLICATE_KERNEL',
  /** Error: a kernel broke its output contract (wrong number or size of items). */
  KernelOutput: 'ERR_KERNEL_OUTPUT',
  /** Error: native code outside a kernel panicked (a bug); the call failed, the process lives. */
  NativePanic: 'ERR_NATIVE_PANIC',
  /** Error: a Node-API call failed unexpectedly. */
  Napi: 'ERR_NAPI',
  /** Error: the OS refused to start a pool thread. */
  ThreadStart: 'ERR_THREAD_START',
  /**
   * PoolkitError: no place had a loadable .node binary (built without Rust, or not for this
   * platform). The message names the platform triple, each place looked and the fix.
   */
  NativeLoad: 'ERR_NATIVE_LOAD',
  /**
   * PoolkitError: the runtime's Node-API is older than the addon needs (`process.versions.napi`
   * below `NODE_API_VERSION`), or it has none (no `process.dlopen`). The message names the version
   * needed and the one the runtime reports; the binary is never opened.
   */
  NodeApiVersion: 'ERR_NODE_API_VERSION',
} as const;
