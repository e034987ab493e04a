// Preloaded into the service bundles of metrics.int.test.ts (NODE_OPTIONS=--require): a minor
// garbage collection (a scavenge, about a millisecond) every second, so prom-client's
// nodejs_gc_duration_seconds has a series in a service that idles too: it gets its first
// one at the first GC, which an idle process may not need for minutes. Nothing else changes.
const v8 = require('node:v8');
const vm = require('node:vm');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
setInterval(() => gc({ type: 'minor' }), 1000).unref();
