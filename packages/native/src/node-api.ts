/**
 * The Node-API version the addon needs, and the check the loader makes before it opens the
 * binary. Without it, a runtime with an older Node-API fails inside dlopen ("undefined symbol:
 * napi_is_detached_arraybuffer") or, with lazy binding, at the first call of a missing function.
 */

/**
 * The Node-API version the addon needs: the highest version among the functions rust/sys.rs
 * declares (`napi_is_detached_arraybuffer` is Node-API 7). scripts/check-headers.mjs compiles
 * those declarations against Node's headers at this version, and a test proves they do not
 * compile at the one below, so the number is exact.
 */
export const NODE_API_VERSION = 7;

/** What {@link nodeApiShortfall} reads: the runtime's own report of itself. */
export interface NodeApiReport {
  /** `process.versions.napi`: the highest Node-API version the runtime implements, as a string. */
  readonly napi?: string | undefined;
  /** `process.dlopen`: how a runtime with Node-API loads an addon. */
  readonly dlopen?: unknown;
}

/**
 * Why this runtime cannot load the addon, or undefined when it can (as far as it says). Feature
 * tests only — no runtime is recognised by name: the runtime must have `process.dlopen`, and
 * when it reports `process.versions.napi` that must be at least {@link NODE_API_VERSION}. A
 * runtime that reports no version, or one that is not a number, is given the benefit of the
 * doubt (loading then fails with the runtime's own error if the functions are missing).
 *
 * @example
 * nodeApiShortfall({ napi: '6', dlopen: () => {} });
 * // → '@poolkit/native needs Node-API 7 or later; this runtime reports Node-API 6 (process.versions.napi)'
 */
export function nodeApiShortfall(
  report: NodeApiReport = { napi: process.versions?.napi, dlopen: process.dlopen },
): string | undefined {
  if (typeof report.dlopen !== 'function') {
    return `@poolkit/native needs Node-API ${NODE_API_VERSION} or later; this runtime has no Node-API (process.dlopen is not a function)`;
  }
  const text = typeof report.napi === 'string' ? report.napi.trim() : '';
  const reported = text === '' ? Number.NaN : Number(text);
  if (Number.isInteger(reported) && reported < NODE_API_VERSION) {
    return `@poolkit/native needs Node-API ${NODE_API_VERSION} or later; this runtime reports Node-API ${text} (process.versions.napi)`;
  }
  return undefined;
}
