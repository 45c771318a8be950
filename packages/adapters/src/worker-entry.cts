/**
 * The file piscina loads in every thread: a CommonJS front for the ES module shim (worker.ts).
 *
 * Why not the shim itself: piscina loads its module with `require()` first, and on Node ≥ 20.19
 * `require()` of an ES module runs Node's synchronous ESM loader. A thread terminated while that
 * loader instantiates the module (a task aborted or timed out while its thread starts, a
 * force-stop) takes the whole process down — `FATAL ERROR: v8::Module::IsGraphAsync ... must be
 * used on an instantiated module`, SIGABRT, inside Node — seen in test/startup-stress.test.ts about
 * once in a few thousand rounds. A CommonJS file loads through the CommonJS loader, and the shim
 * then arrives by `import()`, whose asynchronous path a termination interrupts cleanly.
 */
type Shim = typeof import('./worker.js');

let shim: Shim | undefined;
const loading: Promise<Shim> = import('./worker.js').then((loaded) => {
  shim = loaded;
  return loaded;
});

function run(envelope: Parameters<Shim['run']>[0]): unknown {
  return shim !== undefined ? shim.run(envelope) : loading.then((loaded) => loaded.run(envelope));
}

function runBatch(envelope: Parameters<Shim['runBatch']>[0]): unknown {
  return shim !== undefined ? shim.runBatch(envelope) : loading.then((loaded) => loaded.runBatch(envelope));
}

export = { run, runBatch };
