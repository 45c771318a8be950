/** Loads `@poolkit/native` for the native contenders, turning "no addon here" into a skip. */
import { SkipError } from '../contender.js';

type NativeModule = typeof import('@poolkit/native');

let loaded: Promise<NativeModule> | undefined;

/** The native package with its addon loaded; rejects with {@link SkipError} when the binary is missing. */
export function loadNative(): Promise<NativeModule> {
  loaded ??= import('@poolkit/native').then(
    (native) => {
      try {
        native.poolThreads(); // loads the .node binary
      } catch (error) {
        throw new SkipError(`native addon not loadable: ${(error as Error).message.split('\n')[0]}`);
      }
      return native;
    },
    (error: unknown) => {
      throw new SkipError(`@poolkit/native not importable: ${(error as Error).message.split('\n')[0]}`);
    },
  );
  return loaded;
}

/** Why a native contender sits out a workload with no native kernel. */
export function nativeUnsupported(workload: { native: unknown; name: string }): string | undefined {
  return workload.native === undefined ? `the native addon has no ${workload.name} kernel` : undefined;
}
