import fc from 'fast-check';
import { planReassignment } from './admin-faults';

test('every replica moves to the next broker: with RF = brokers only the order changes', () => {
  const plan = planReassignment(
    [
      { partition: 1, replicas: [2, 3, 1] },
      { partition: 0, replicas: [1, 2, 3] },
    ],
    [3, 1, 2],
    null,
  );
  expect(plan).toEqual([
    { partition: 0, replicas: [2, 3, 1] },
    { partition: 1, replicas: [3, 1, 2] },
  ]);
  expect(
    planReassignment(
      [
        { partition: 0, replicas: [1] },
        { partition: 1, replicas: [3] },
      ],
      [1, 2, 3, 4],
      1,
    ),
  ).toEqual([{ partition: 1, replicas: [4] }]);
});

test('a plan never repeats a broker in a partition and changes every partition it touches', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 8 }),
      fc.integer({ min: 1, max: 8 }),
      (brokers, rf) => {
        const replicas = brokers.slice(0, Math.min(rf, brokers.length));
        const [moved] = planReassignment([{ partition: 0, replicas }], brokers, null);
        return (
          new Set(moved.replicas).size === replicas.length &&
          moved.replicas.every((b) => brokers.includes(b)) &&
          moved.replicas.join() !== replicas.join()
        );
      },
    ),
  );
});
