// Runs one workload on a Node ASL engine, several times, and writes timings as JSON.
//   node bench/node_runner.cjs JOB.json RESULT.json
// JOB: {engine: "alsf"|"statebox", workload, definition, input, repeat,
//       task_handlers: {stateName: handlerName}, resource_handlers: {arn: handlerName},
//       virtual_waits: bool}
// RESULT: {engine, version, runs: [{setup_s, seconds}], output, error}
// Engines are loaded from $PEERS_NODE_DIR (default: ../.peers/node).
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const peersDir = process.env.PEERS_NODE_DIR || path.join(__dirname, '..', '.peers', 'node');
const req = createRequire(path.join(peersDir, 'package.json'));

// aws-local-stepfunctions 3.x declares node >=22 and calls Promise.withResolvers (Node 22+)
// in its Retry path; polyfill it so the peer runs on Node 20.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const now = () => Number(process.hrtime.bigint()) / 1e9;
const clone = (x) => (x === undefined ? x : JSON.parse(JSON.stringify(x)));

// JavaScript twin of the Flaky handler in bench/suite.py
const HANDLERS = {
  flaky: () => {
    const attempts = new Map();
    return async (event) => {
      const i = event.i;
      const a = (attempts.get(i) || 0) + 1;
      attempts.set(i, a);
      if (a <= 2) {
        const e = new Error(`transient failure ${a} for item ${i}`);
        e.name = 'TransientError';
        throw e;
      }
      return { i, attempt: a };
    };
  },
};

function pkgVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(peersDir, 'node_modules', name, 'package.json'))).version;
  } catch (e) {
    return null;
  }
}

async function runAlsf(job) {
  const { StateMachine } = req('aws-local-stepfunctions');
  const input = clone(job.input);
  const t0 = now();
  const sm = new StateMachine(job.definition);
  const t1 = now();
  const overrides = {};
  const th = job.task_handlers || {};
  if (Object.keys(th).length) {
    overrides.taskResourceLocalHandlers = {};
    for (const [state, h] of Object.entries(th)) overrides.taskResourceLocalHandlers[state] = HANDLERS[h]();
  }
  if (job.virtual_waits) {
    overrides.retryIntervalOverrides = {};
    for (const state of Object.keys(th)) overrides.retryIntervalOverrides[state] = 0;
  }
  const t2 = now();
  const execution = sm.run(input, { overrides });
  const output = await execution.result;
  const t3 = now();
  return { setup_s: t1 - t0, seconds: t3 - t2, output };
}

function rewriteResources(def, resourceHandlers) {
  // statebox resolves Task resources as "module:<name>"
  const walk = (states) => {
    for (const st of Object.values(states)) {
      if (st.Type === 'Task' && resourceHandlers[st.Resource]) st.Resource = 'module:' + resourceHandlers[st.Resource];
      for (const b of st.Branches || []) walk(b.States);
      if (st.Iterator) walk(st.Iterator.States);
      if (st.ItemProcessor) walk(st.ItemProcessor.States);
    }
  };
  walk(def.States);
  return def;
}

let sbCounter = 0;
async function runStatebox(job) {
  const Statebox = req('@wmfs/statebox');
  const input = clone(job.input);
  const quiet = { info: () => {}, warning: () => {}, error: () => {} };
  const sb = new Statebox({ messages: quiet });
  await sb.ready;
  const modules = {};
  for (const h of Object.values(job.resource_handlers || {})) {
    const fn = HANDLERS[h]();
    modules[h] = class {
      run(event, context) {
        fn(event).then(
          (r) => context.sendTaskSuccess(r),
          (e) => context.sendTaskFailure({ error: e.name, cause: e.message })
        );
      }
    };
  }
  sb.createModuleResources(modules);
  const name = `bench${sbCounter++}`;
  const def = rewriteResources(clone(job.definition), job.resource_handlers || {});
  const t0 = now();
  await sb.createStateMachines({ [name]: def }, {});
  const t1 = now();
  const desc = await sb.startExecution(input, name, { sendResponse: 'COMPLETE' });
  const t2 = now();
  if (desc.status !== 'SUCCEEDED') {
    throw new Error(`status=${desc.status} error=${desc.errorCode || ''} cause=${desc.errorMessage || ''}`);
  }
  return { setup_s: t1 - t0, seconds: t2 - t1, output: desc.ctx };
}

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const engines = { alsf: ['aws-local-stepfunctions', runAlsf], statebox: ['@wmfs/statebox', runStatebox] };
  const [pkg, fn] = engines[job.engine];
  const result = { engine: job.engine, version: `${pkg}@${pkgVersion(pkg)} node ${process.version}`, runs: [], output: null, error: null };
  try {
    if (job.warmup_input !== null && job.warmup_input !== undefined) {
      await fn({ ...job, input: job.warmup_input }); // untimed: JIT, module loading
    }
    for (let r = 0; r < (job.repeat || 1); r++) {
      const { setup_s, seconds, output } = await fn(job);
      result.runs.push({ setup_s, seconds });
      result.output = output;
    }
  } catch (e) {
    result.error = `${e && e.name}: ${e && e.message}`.slice(0, 500);
  }
  fs.writeFileSync(process.argv[3], JSON.stringify(result));
  process.exit(0);
}

main();
