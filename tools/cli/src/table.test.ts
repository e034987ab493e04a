import { renderTable } from './table';

test('columns are padded to the widest cell, the last column is not padded', () => {
  expect(
    renderTable(
      ['A', 'LONG HEADER'],
      [
        ['xyz', '1'],
        ['q', '22'],
      ],
    ),
  ).toBe('A    LONG HEADER\nxyz  1\nq    22');
});
