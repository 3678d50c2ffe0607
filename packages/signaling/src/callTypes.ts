/**
 * The call types, one constant each; {@link CallType} (callData.ts) is the public table. As with
 * errorCodes.ts, the hooks' modules read them as `import * as CallTypes from './callTypes.js'`,
 * so the browser bundle carries the two numbers and not the table (about 30 B gzip).
 */
export const AUDIO = 1;
export const VIDEO = 2;
