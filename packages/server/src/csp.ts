/**
 * Content-Security-Policy for the pages the server hands out (the demos). Scripts and styles
 * come only from the server itself; Vite's build emits neither inline scripts nor inline style
 * elements, and React sets `style` props through the CSSOM, which CSP does not govern.
 */

/**
 * Where Tencent's SDKs connect, from `@tencentcloud/chat` 3.6 and `trtc-sdk-v5` 5.17 (their
 * hosts are picked at run time by region and by the scheduler, hence the wildcards).
 */
export const TENCENT_HOSTS: readonly string[] = [
  '*.qq.com',
  '*.qcloud.com',
  '*.tencent.cn',
  '*.tencent.com',
  '*.tencent-cloud.com',
  '*.tencentcs.com',
  '*.my-imcloud.com',
  '*.my-cpaas.com',
];

export interface DemoCspOptions {
  /** Lets the page reach Tencent Cloud Chat and TRTC (`TENCENT_HOSTS`, over https and wss). */
  readonly tencent?: boolean;
  /** More origins the page may fetch from or connect to, e.g. a UserSig endpoint elsewhere. */
  readonly connect?: readonly string[];
}

/**
 * The demos' policy: everything from the server itself ('self' covers its ws: and wss: too),
 * camera and screen streams as blob: URLs, no plugins, no framing, no `<base>`.
 *
 * @example
 * createBeckonServer({ staticDir, contentSecurityPolicy: demoContentSecurityPolicy({ tencent: true }) });
 */
export function demoContentSecurityPolicy(options: DemoCspOptions = {}): string {
  const tencent = options.tencent
    ? TENCENT_HOSTS.flatMap((host) => [`https://${host}`, `wss://${host}`])
    : [];
  const connect = ["'self'", ...tencent, ...(options.connect ?? [])];
  for (const source of connect) {
    if (/[\s;,]/.test(source))
      throw new TypeError(`demoContentSecurityPolicy: "${source}" is not one source`);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob: data:",
    "font-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
