/**
 * zod compiles object parsers with `new Function` when it may; to find out, it tries once, the moment
 * the first object schema is built, and the page's CSP (no 'unsafe-eval') reports that try as a
 * violation. Switched off here, in the module main.ts imports first, before any schema exists.
 */
import * as z from 'zod';

z.config({ jitless: true });
