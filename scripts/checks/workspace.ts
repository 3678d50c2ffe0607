import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = new URL('../../', import.meta.url).pathname;

export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly manifest: {
    readonly name: string;
    readonly exports?: Record<string, unknown>;
    readonly dependencies?: Record<string, string>;
    readonly optionalDependencies?: Record<string, string>;
  };
}

/** The published packages (packages/*), read from their package.json files. */
export const PACKAGES: readonly WorkspacePackage[] = readdirSync(join(ROOT, 'packages'), {
  withFileTypes: true,
})
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    const dir = join(ROOT, 'packages', entry.name);
    const manifest = JSON.parse(
      readFileSync(join(dir, 'package.json'), 'utf8'),
    ) as WorkspacePackage['manifest'];
    return { name: manifest.name, dir, manifest };
  });
