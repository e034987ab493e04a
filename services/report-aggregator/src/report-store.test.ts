import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reportDirName, ReportStore } from './report-store';

describe('ReportStore', () => {
  it('writes the three files under the scenario directory, leaving no temporary file', async () => {
    const store = new ReportStore(mkdtempSync(path.join(tmpdir(), 'reports-')));
    const dir = await store.write('s-1', { json: '{}\n', html: '<p>hi</p>', md: '# hi\n' });
    expect(dir).toBe(path.join(store.root, 's-1'));
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toBe('<p>hi</p>');
    await store.write('s-1', { json: '{"a":1}\n', html: '', md: '' });
    expect((await store.read('s-1', 'json'))?.toString()).toBe('{"a":1}\n');
    expect(await store.read('nope', 'json')).toBeUndefined();
  });

  it('keeps any scenario id inside its directory', () => {
    expect(reportDirName('baseline-1.a_b')).toBe('baseline-1.a_b');
    for (const id of ['..', '.', '../../etc/passwd', 'a/b', 'x<script>', 'a\u0000b']) {
      const name = reportDirName(id);
      expect(name).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*-[0-9a-f]{10}$/);
    }
    expect(reportDirName('a/b')).not.toBe(reportDirName('a_b'));
  });
});
