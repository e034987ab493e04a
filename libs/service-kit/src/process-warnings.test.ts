import { EventEmitter } from 'node:events';
import { routeProcessWarnings } from './service';

test("process warnings become log lines and Node's own printer is removed", () => {
  const proc = new EventEmitter();
  const printed: string[] = [];
  proc.on('warning', (w: Error) => printed.push(w.name));
  const logged: Array<[string, unknown]> = [];
  routeProcessWarnings({ warn: (event: string, fields?: unknown) => void logged.push([event, fields]) } as never, proc as never);
  const w = new Error('-1 is a negative number');
  w.name = 'TimeoutNegativeWarning';
  proc.emit('warning', w);
  expect(printed).toEqual([]);
  expect(logged).toEqual([['process_warning', { name: 'TimeoutNegativeWarning', message: '-1 is a negative number' }]]);
});
