import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Integration and end-to-end tests run the apps as real child processes from `dist/`, the way `npm start`
 * and production run them; building first means a test never runs yesterday's code.
 */
export default function buildOnce(): void {
  if (process.env.SKIP_BUILD === '1') return;
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'node_modules', '@swc', 'cli', 'bin', 'swc.js'), 'apps', 'libs', 'scripts', 'bench', '-d', 'dist', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
}
