import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { checkBoolean, checkFunction, checkObject, readOptions, type TaskTrace } from '@poolkit/core';

/**
 * Options of {@link PoolkitInstrumentation}. Every field is optional; the constructor and
 * `setConfig` validate them and throw a TypeError naming the field and the value received.
 *
 * @example
 * ```ts
 * new PoolkitInstrumentation({
 *   ignore: (trace) => trace.pool === 'health-checks',
 *   spanAttributes: (trace) => ({ 'app.image.id': (trace.input as { id: string }).id }),
 * });
 * ```
 */
export interface PoolkitInstrumentationConfig extends InstrumentationConfig {
  /**
   * Whether the instrumentation subscribes as soon as it is made. Default `true`. Either way,
   * `enable()` and `disable()` switch it on and off.
   */
  enabled?: boolean;
  /**
   * Tries for which it returns `true` get no span and no metric record. Called once per try, on its
   * `start`. Default: none ignored. A hook that throws counts as `false` (the error goes to `diag`).
   */
  ignore?: (trace: TaskTrace) => boolean;
  /**
   * Extra attributes for a try's span, read on its `start` (e.g. from `trace.input`; do not change
   * the input). Default: none. A hook that throws adds nothing (the error goes to `diag`).
   */
  spanAttributes?: (trace: TaskTrace) => Attributes;
}

/** `config` checked field by field: a copy with `enabled` defaulted to true. */
export function validateConfig(
  config: PoolkitInstrumentationConfig | undefined,
): PoolkitInstrumentationConfig {
  if (config === undefined) return { enabled: true };
  checkObject('config', config);
  return readOptions('config', () => {
    const { enabled, ignore, spanAttributes } = config;
    return {
      ...config,
      enabled: enabled === undefined ? true : checkBoolean('config.enabled', enabled),
      ignore: ignore === undefined ? undefined : checkFunction('config.ignore', ignore),
      spanAttributes:
        spanAttributes === undefined ? undefined : checkFunction('config.spanAttributes', spanAttributes),
    };
  });
}
