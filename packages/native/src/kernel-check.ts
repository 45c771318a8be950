/**
 * The check that keeps the TypeScript list of built-in kernels ({@link builtinKernels} in
 * `kernels.ts`) equal to the Rust registry (`BUILTIN` in `rust/kernels/mod.rs`). The build
 * (`scripts/build.mjs`) runs it against the freshly built addon and fails on any difference;
 * `test/kernel-check.test.ts` runs it too, and shows a doctored list is caught.
 */

/** What the check compares for one kernel: its name and its input and output kinds. */
export interface KernelKinds {
  readonly name: string;
  readonly input: 'numbers' | 'bytes';
  readonly output: 'numbers' | 'bytes';
}

/**
 * The differences between the addon's kernels (`addon.kernels()`; names starting with `__` are
 * test aids and are skipped) and the TypeScript list, one readable line each, in order: kernels
 * only in Rust, only in TypeScript, with other kinds, then a different order. Empty = they agree.
 *
 * @example
 * kernelListDifferences([{ name: 'cube', input: 'numbers', output: 'numbers' }], []);
 * // ['kernel "cube" is in the Rust registry but not in src/kernels.ts (builtinKernels)']
 */
export function kernelListDifferences(
  addon: readonly KernelKinds[],
  typescript: readonly KernelKinds[],
): string[] {
  const rust = addon.filter((k) => !k.name.startsWith('__'));
  const ts = new Map(typescript.map((k) => [k.name, k]));
  const rs = new Map(rust.map((k) => [k.name, k]));
  const out: string[] = [];
  for (const k of rust)
    if (!ts.has(k.name))
      out.push(
        `kernel ${JSON.stringify(k.name)} is in the Rust registry but not in src/kernels.ts (builtinKernels)`,
      );
  for (const k of typescript)
    if (!rs.has(k.name))
      out.push(
        `kernel ${JSON.stringify(k.name)} is in src/kernels.ts (builtinKernels) but not in the Rust registry (rust/kernels/mod.rs BUILTIN)`,
      );
  for (const k of rust) {
    const t = ts.get(k.name);
    if (t !== undefined && (t.input !== k.input || t.output !== k.output))
      out.push(
        `kernel ${JSON.stringify(k.name)}: Rust says ${k.input} → ${k.output}, src/kernels.ts says ${t.input} → ${t.output}`,
      );
  }
  const common = (list: readonly KernelKinds[], other: Map<string, KernelKinds>) =>
    list.filter((k) => other.has(k.name)).map((k) => k.name);
  const rustOrder = common(rust, ts);
  const tsOrder = common(typescript, rs);
  if (rustOrder.join() !== tsOrder.join())
    out.push(
      `the order differs: Rust registers ${rustOrder.join(', ')}; src/kernels.ts lists ${tsOrder.join(', ')}`,
    );
  return out;
}
