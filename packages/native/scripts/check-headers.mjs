#!/usr/bin/env node
// Checks rust/sys.rs against Node's own C headers: every `pub fn` becomes a C prototype, every
// constant a _Static_assert of its value, every type alias a size or type-compatibility
// assertion; the file is compiled with `gcc -fsyntax-only` after node_api.h, so a declaration
// that disagrees with Node ("conflicting types", wrong value, unknown function) fails.
//
// The headers are read at NAPI_VERSION = the Node-API version the addon says it needs
// (NODE_API_VERSION in src/node-api.ts, which the loader checks at run time), so a function from a
// later Node-API fails the check until that number is raised.
//
//   node scripts/check-headers.mjs [--sys path/to/sys.rs] [--napi-version N] [--self-test] [--report file.json]
//
// --napi-version reads the headers at another Node-API version (the test proves the needed one is
// exact: one below must fail). --self-test also feeds deliberately wrong declarations (mutants of
// sys.rs) and requires each to fail. --report writes { passed, failed, skipped } (one per checked
// declaration and mutant).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const INCLUDE = process.env.NODE_INCLUDE_DIR ?? '/usr/include/node';

/** NODE_API_VERSION as src/node-api.ts declares it (one number, one place). */
export function neededNodeApi() {
  const source = readFileSync(join(here, '..', 'src', 'node-api.ts'), 'utf8');
  const m = source.match(/^export const NODE_API_VERSION = (\d+);$/m);
  if (!m) throw new Error('check-headers: no `export const NODE_API_VERSION = <n>;` in src/node-api.ts');
  return Number(m[1]);
}

const PRIMITIVES = {
  c_void: 'void',
  c_char: 'char',
  c_int: 'int',
  usize: 'size_t',
  isize: 'ptrdiff_t',
  u32: 'uint32_t',
  i32: 'int32_t',
  u64: 'uint64_t',
  i64: 'int64_t',
  f64: 'double',
  bool: 'bool',
};

/** Rust type (as written in sys.rs) → C type. */
export function cType(rust) {
  const t = rust.trim();
  if (t.startsWith('*mut ')) return `${cType(t.slice(5))}*`;
  if (t.startsWith('*const ')) {
    const inner = cType(t.slice(7));
    // `*const *mut T` is `T* const*`; `*const T` for a plain T is `const T*`.
    return inner.endsWith('*') ? `${inner} const*` : `const ${inner}*`;
  }
  if (PRIMITIVES[t]) return PRIMITIVES[t];
  if (/^[A-Za-z_]\w*$/.test(t)) return t;
  throw new Error(`check-headers: no C type for Rust type ${JSON.stringify(t)}`);
}

/** Splits "a: T, b: U" at top-level commas. */
function splitArgs(text) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

function cParams(argText) {
  const args = splitArgs(argText).map((a) => {
    const i = a.indexOf(':');
    return { name: a.slice(0, i).trim().replace(/^r#/, ''), type: a.slice(i + 1).trim() };
  });
  return args.length === 0 ? 'void' : args.map((a) => `${cType(a.type)} ${a.name}`).join(', ');
}

/** Parses sys.rs into the checks to emit: { kind, name, c } each one line of C. */
export function checksFromSys(source) {
  const text = source.replace(/\/\/.*$/gm, '');
  const checks = [];
  for (const m of text.matchAll(/pub type (\w+)\s*=\s*([^;]+);/g)) {
    const [, name, rhs] = m;
    const rust = rhs.replace(/\s+/g, ' ').trim();
    const fn = rust.match(/^Option<\s*unsafe extern "C" fn\((.*)\)(?:\s*->\s*(.+?))?\s*,?\s*>$/);
    let c;
    if (fn) {
      const ret = fn[2] ? cType(fn[2]) : 'void';
      c = `_Static_assert(__builtin_types_compatible_p(${name}, ${ret} (*)(${cParams(fn[1])})), "type ${name}");`;
    } else if (rust.startsWith('*mut ') && rust.endsWith('__')) {
      c = `_Static_assert(__builtin_types_compatible_p(${name}, struct ${rust.slice(5)}*), "type ${name}");`;
    } else {
      c = `_Static_assert(sizeof(${name}) == sizeof(${cType(rust)}), "size of ${name}");`;
    }
    checks.push({ kind: 'type', name, c });
  }
  for (const m of text.matchAll(/pub const (\w+)\s*:\s*\w+\s*=\s*(-?\d+)\s*;/g)) {
    checks.push({ kind: 'const', name: m[1], c: `_Static_assert(${m[1]} == ${m[2]}, "value of ${m[1]}");` });
  }
  const block = text.match(/extern "C" \{([\s\S]*?)\n\}/);
  if (!block) throw new Error('check-headers: no extern "C" block in sys.rs');
  for (const m of block[1].matchAll(/pub fn (\w+)\(([\s\S]*?)\)\s*(?:->\s*([^;]+))?;/g)) {
    const [, name, args, ret] = m;
    const proto = `${ret ? cType(ret) : 'void'} ${name}(${cParams(args.replace(/\s+/g, ' '))});`;
    // The sizeof first requires the header to declare it already; the prototype must then agree.
    checks.push({
      kind: 'fn',
      name,
      c: `_Static_assert(sizeof(&${name}) > 0, "${name} is declared"); ${proto}`,
    });
  }
  return checks;
}

/** Compiles the checks against the headers read at Node-API `napiVersion`; returns { ok, failedNames, output }. */
export function compile(checks, workDir, napiVersion = neededNodeApi()) {
  const header = [
    `#define NAPI_VERSION ${napiVersion}`,
    '#include <stdbool.h>',
    '#include <stddef.h>',
    '#include <stdint.h>',
    '#include <node_api.h>',
  ];
  const lines = [...header, ...checks.map((c) => c.c)];
  const file = join(workDir, 'sys_check.c');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const r = spawnSync('gcc', ['-fsyntax-only', '-std=c11', `-I${INCLUDE}`, file], { encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  const failed = new Set();
  for (const m of output.matchAll(/sys_check\.c:(\d+):\d+: error/g)) {
    const check = checks[Number(m[1]) - header.length - 1];
    if (check) failed.add(check.name);
  }
  if (r.status !== 0 && failed.size === 0) failed.add('<compile>');
  return { ok: r.status === 0, failedNames: failed, output };
}

/** Deliberately wrong declarations: each must make the check fail. */
export const MUTANTS = [
  {
    what: 'wrong pointee type (f64 → u32)',
    from: 'napi_get_value_double(env: napi_env, value: napi_value, result: *mut f64)',
    to: 'napi_get_value_double(env: napi_env, value: napi_value, result: *mut u32)',
  },
  {
    what: 'missing argument',
    from: 'napi_delete_reference(env: napi_env, reference: napi_ref)',
    to: 'napi_delete_reference(reference: napi_ref)',
  },
  { what: 'const-ness of argv dropped', from: 'argv: *const napi_value,', to: 'argv: *mut napi_value,' },
  {
    what: 'wrong enum value',
    from: 'napi_float64_array: napi_typedarray_type = 8;',
    to: 'napi_float64_array: napi_typedarray_type = 7;',
  },
  {
    what: 'a function Node does not have',
    from: '    pub fn napi_throw(',
    to: '    pub fn napi_made_up(env: napi_env) -> napi_status;\n    pub fn napi_throw(',
  },
];

function main() {
  const args = process.argv.slice(2);
  const opt = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sysPath = resolve(opt('--sys') ?? join(here, '..', 'rust', 'sys.rs'));
  const report = opt('--report');
  const selfTest = args.includes('--self-test');
  const napiVersion = Number(opt('--napi-version') ?? neededNodeApi());
  const source = readFileSync(sysPath, 'utf8');
  const work = mkdtempSync(join(tmpdir(), 'poolkit-headers-'));

  const checks = checksFromSys(source);
  const result = compile(checks, work, napiVersion);
  let passed = checks.filter((c) => !result.failedNames.has(c.name)).length;
  let failed = checks.length - passed + (result.failedNames.has('<compile>') ? 1 : 0);
  const counts = { fn: 0, const: 0, type: 0 };
  for (const c of checks) counts[c.kind]++;
  console.log(
    `headers: ${checks.length} declarations of ${sysPath} (${counts.fn} functions, ${counts.const} constants, ${counts.type} types) against ${INCLUDE} at Node-API ${napiVersion}`,
  );
  if (!result.ok) {
    console.log(result.output);
    console.log(`headers: FAILED: ${[...result.failedNames].join(', ')}`);
  }

  if (selfTest) {
    for (const m of MUTANTS) {
      if (!source.includes(m.from)) {
        console.log(`headers: mutant "${m.what}" no longer applies to sys.rs (update MUTANTS)`);
        failed++;
        continue;
      }
      const r = compile(checksFromSys(source.replace(m.from, m.to)), work, napiVersion);
      if (r.ok) {
        console.log(`headers: mutant "${m.what}" was NOT caught`);
        failed++;
      } else {
        console.log(`headers: mutant "${m.what}" caught (${[...r.failedNames].join(', ')})`);
        passed++;
      }
    }
  }
  if (report) {
    mkdirSync(dirname(resolve(report)), { recursive: true });
    writeFileSync(report, JSON.stringify({ passed, failed, skipped: 0 }));
  }
  console.log(`headers: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
