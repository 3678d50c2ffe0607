import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves a built web app (the demos) from `root`: files as they are, other paths fall back to
 * `index.html`. Paths cannot climb out of `root`. HTML pages carry `contentSecurityPolicy`
 * unless it is false. Returns false when nothing was found.
 */
export async function serveStatic(
  root: string,
  pathname: string,
  res: ServerResponse,
  contentSecurityPolicy: string | false,
): Promise<boolean> {
  const base = resolve(root);
  let path = resolve(base, `.${normalize(decodeURIComponent(pathname))}`);
  if (path !== base && !path.startsWith(base + sep)) return false;
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) path = join(path, 'index.html');
  else if (info === undefined) {
    if (extname(pathname) !== '') return false;
    path = join(base, 'index.html');
  }
  const body = await readFile(path).catch(() => undefined);
  if (body === undefined) return false;
  const html = extname(path) === '.html';
  res.writeHead(200, {
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    'cache-control': path.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
    ...(html && contentSecurityPolicy !== false ? { 'content-security-policy': contentSecurityPolicy } : {}),
  });
  res.end(body);
  return true;
}
