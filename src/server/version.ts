/** The server's version, injected by the bundler from package.json (falls back in tests). */
declare const __TICKET_LENS_VERSION__: string | undefined;
export const VERSION: string = typeof __TICKET_LENS_VERSION__ === 'string' ? __TICKET_LENS_VERSION__ : '0.0.0-dev';
