import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const REPORT_FORMATS = ['json', 'html', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type RenderedReport = Record<ReportFormat, string>;

/**
 * The report files of each scenario under one directory:
 * `<dir>/<scenario>/report.json|html|md`. Each file is written to a temporary
 * name and renamed, so a reader (or a crash) never sees half a report.
 */
export class ReportStore {
  readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
  }

  /** The scenario's directory. Scenario ids are free text: anything unsafe in a path is replaced, and a hash keeps names apart. */
  dirOf(scenarioId: string): string {
    return path.join(this.root, reportDirName(scenarioId));
  }

  async write(scenarioId: string, report: RenderedReport): Promise<string> {
    const dir = this.dirOf(scenarioId);
    await mkdir(dir, { recursive: true });
    for (const format of REPORT_FORMATS) {
      const file = path.join(dir, `report.${format}`);
      const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        await writeFile(tmp, report[format], 'utf8');
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    }
    return dir;
  }

  /** The file's bytes, or undefined when it has not been written. */
  async read(scenarioId: string, format: ReportFormat): Promise<Buffer | undefined> {
    try {
      return await readFile(path.join(this.dirOf(scenarioId), `report.${format}`));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}

export function reportDirName(scenarioId: string): string {
  const safe = scenarioId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
  if (safe === scenarioId && safe !== '.' && safe !== '..') return safe;
  return `${safe.replace(/^\.+/, '_')}-${createHash('sha256').update(scenarioId).digest('hex').slice(0, 10)}`;
}
