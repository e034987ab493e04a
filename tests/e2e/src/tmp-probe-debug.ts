import { ControlProbe } from './support/control-probe';
import { runningLab } from './support/lab-env';
async function main() {
  const lab = runningLab();
  const t0 = Date.now();
  const probe = await ControlProbe.start(lab.target.bootstrap);
  console.log('caught up', probe.events.length, Date.now() - t0);
  const pub = await ControlProbe.start(lab.target.bootstrap);
  for (let i = 0; i < 10; i++) {
    await pub.publish({ v: 1, type: 'scenario.stopping', scenarioId: `dbg-${i}`, atMs: Date.now(), source: 'dbg', reason: 'x' });
    await new Promise((r) => setTimeout(r, 2000));
    console.log(i, 'probe has', probe.events.length, 'last', probe.events.at(-1)?.scenarioId);
  }
  await probe.close(); await pub.close();
}
void main();
