import { formatLabelSelector, matchesLabels, parseLabelSelector, splitSelector } from './label-selector';

test('parses every operator and formats back to the same text', () => {
  const text = 'app.kubernetes.io/name=kafka,tier!=web,env in (prod,staging),zone notin (a,b),strimzi.io/broker-role,!canary';
  const selector = parseLabelSelector(text);
  expect(selector).toEqual([
    { key: 'app.kubernetes.io/name', operator: 'In', values: ['kafka'] },
    { key: 'tier', operator: 'NotIn', values: ['web'] },
    { key: 'env', operator: 'In', values: ['prod', 'staging'] },
    { key: 'zone', operator: 'NotIn', values: ['a', 'b'] },
    { key: 'strimzi.io/broker-role', operator: 'Exists' },
    { key: 'canary', operator: 'DoesNotExist' },
  ]);
  expect(formatLabelSelector(selector)).toBe(text);
  expect(parseLabelSelector('a==b')).toEqual([{ key: 'a', operator: 'In', values: ['b'] }]);
});

test('matches labels as the API server does', () => {
  const s = parseLabelSelector('app=kafka,env in (prod,staging),!canary,tier!=web');
  expect(matchesLabels(s, { app: 'kafka', env: 'prod' })).toBe(true);
  expect(matchesLabels(s, { app: 'kafka', env: 'prod', tier: 'db' })).toBe(true);
  expect(matchesLabels(s, { app: 'kafka', env: 'dev' })).toBe(false);
  expect(matchesLabels(s, { app: 'kafka', env: 'prod', canary: '' })).toBe(false);
  expect(matchesLabels(s, { app: 'kafka', env: 'prod', tier: 'web' })).toBe(false);
  expect(matchesLabels(parseLabelSelector(''), undefined)).toBe(true);
});

test('refuses malformed selectors, naming the term', () => {
  expect(() => parseLabelSelector('app=kafka,,x')).toThrow('an empty term');
  expect(() => parseLabelSelector('a b c')).toThrow('"a b c" is not a selector term');
  expect(() => parseLabelSelector('app=ka fka')).toThrow();
  expect(() => parseLabelSelector('-bad=x')).toThrow('"-bad" is not a label key');
  expect(() => parseLabelSelector('env in ()')).toThrow('a set needs at least one value');
});

test('splits into equality labels and expressions (Chaos Mesh selectors)', () => {
  expect(splitSelector(parseLabelSelector('a=1,b!=2,c in (x,y),d,!e'))).toEqual({
    labels: { a: '1' },
    expressions: [
      { key: 'b', operator: 'NotIn', values: ['2'] },
      { key: 'c', operator: 'In', values: ['x', 'y'] },
      { key: 'd', operator: 'Exists' },
      { key: 'e', operator: 'DoesNotExist' },
    ],
  });
});
