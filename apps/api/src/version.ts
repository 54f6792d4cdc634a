import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function packageVersion(): string {
  for (const up of ['..', '../..', '../../..', '../../../..']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      continue;
    }
  }
  return '0.0.0';
}

/** Reported by `/` and the `X-Kontena-Version` header (Kontena's VersionInjector). */
export const VERSION = packageVersion();
