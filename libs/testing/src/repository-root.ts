import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found upwards from this file, so helpers work from `src/` (jest) and from `dist/` (benchmarks). */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
