import { ErrorCode, SignalingError, type SignalingErrorInfo } from '@beckon/signaling';
import { errorInfo } from '@beckon/signaling/rules';

interface Mapping {
  readonly code: ErrorCode;
  readonly name: string;
}

const m = (code: ErrorCode, name: string): Mapping => ({ code, name });

/**
 * Tencent Cloud Chat error codes and the Beckon code each one becomes. Sources: the web SDK's
 * own error table (`@tencentcloud/chat` 3.6.6, codes 2000–3153, 8010–8020, 20002, 60022,
 * 70001), the IM SDK error-code page (6012–6208, 7xxx, 95xx) and the IM server's account,
 * message and group codes. A code not listed here becomes 9010 with the Tencent code in the
 * message.
 */
export const TENCENT_ERRORS: ReadonlyMap<number, Mapping> = new Map<number, Mapping>([
  // Signaling (web SDK and native SDKs agree on 8010–8012).
  [8010, m(ErrorCode.INVITATION_INVALID, 'SIGNALING_INVALID_INVITE_ID')],
  [8011, m(ErrorCode.NO_PERMISSION, 'SIGNALING_NO_PERMISSION')],
  [8012, m(ErrorCode.ALREADY_EXISTS, 'SIGNALING_ALREADY_EXISTS')],
  [8020, m(ErrorCode.INVITATION_INVALID, 'INVALID_CANCEL_MESSAGE')],
  // Parameters.
  [6017, m(ErrorCode.INVALID_PARAMETERS, 'ERR_INVALID_PARAMETERS')],
  [6027, m(ErrorCode.INVALID_PARAMETERS, 'ERR_INVALID_JSON')],
  [7002, m(ErrorCode.INVALID_PARAMETERS, 'ERR_SDK_COMM_TINYID_EMPTY (unknown userID)')],
  [7003, m(ErrorCode.INVALID_PARAMETERS, 'ERR_SDK_COMM_INVALID_IDENTIFIER')],
  [7014, m(ErrorCode.INVALID_PARAMETERS, 'ERR_SDK_INVALID_REQUEST')],
  [7015, m(ErrorCode.INVALID_PARAMETERS, 'ERR_SDK_CONTENT_MODERATION')],
  [2905, m(ErrorCode.INVALID_PARAMETERS, 'INVALID_OPERATION')],
  [3123, m(ErrorCode.INVALID_PARAMETERS, 'PROFANITY_FOUND')],
  [3153, m(ErrorCode.INVALID_PARAMETERS, 'OPTIONS_IS_EMPTY')],
  [2106, m(ErrorCode.INVALID_PARAMETERS, 'MSG_INVALID_CONV_TYPE')],
  [2501, m(ErrorCode.INVALID_PARAMETERS, 'USER_OR_GRP_NOT_FOUND')],
  [20003, m(ErrorCode.INVALID_PARAMETERS, 'invalid receiver userID')],
  [80001, m(ErrorCode.INVALID_PARAMETERS, 'message blocked by moderation')],
  [80002, m(ErrorCode.INVALID_PARAMETERS, 'message too long')],
  [10003, m(ErrorCode.INVALID_PARAMETERS, 'invalid group request')],
  [10004, m(ErrorCode.INVALID_PARAMETERS, 'invalid group parameters')],
  // Login, credentials and readiness.
  [2000, m(ErrorCode.UNAUTHORIZED, 'NO_SDKAPPID')],
  [2001, m(ErrorCode.UNAUTHORIZED, 'NO_ACCOUNT_TYPE')],
  [2002, m(ErrorCode.UNAUTHORIZED, 'NO_IDENTIFIER')],
  [2003, m(ErrorCode.UNAUTHORIZED, 'NO_USERSIG')],
  [2022, m(ErrorCode.UNAUTHORIZED, 'NO_TINYID')],
  [2023, m(ErrorCode.UNAUTHORIZED, 'NO_A2KEY')],
  [3001, m(ErrorCode.UNAUTHORIZED, 'LOGIN_FAILED')],
  [3004, m(ErrorCode.UNAUTHORIZED, 'KICKED_OUT_USERSIG_EXPIRED')],
  [6206, m(ErrorCode.UNAUTHORIZED, 'ERR_USER_SIG_EXPIRED')],
  [20002, m(ErrorCode.UNAUTHORIZED, 'MSG_A2KEY_EXPIRED')],
  [70001, m(ErrorCode.UNAUTHORIZED, 'userSig expired')],
  [70002, m(ErrorCode.UNAUTHORIZED, 'userSig empty')],
  [70003, m(ErrorCode.UNAUTHORIZED, 'userSig could not be parsed')],
  [70005, m(ErrorCode.UNAUTHORIZED, 'userSig could not be parsed')],
  [70009, m(ErrorCode.UNAUTHORIZED, 'userSig verification failed')],
  [70013, m(ErrorCode.UNAUTHORIZED, 'userID does not match the userSig')],
  [70014, m(ErrorCode.UNAUTHORIZED, 'SDKAppID does not match the userSig')],
  [70016, m(ErrorCode.UNAUTHORIZED, 'key not found for the userSig')],
  [70020, m(ErrorCode.UNAUTHORIZED, 'SDKAppID not found')],
  [70050, m(ErrorCode.UNAUTHORIZED, 'userSig verification failed too often')],
  [70051, m(ErrorCode.UNAUTHORIZED, 'account blocklisted')],
  [70107, m(ErrorCode.UNAUTHORIZED, 'userID not imported into Chat')],
  [2024, m(ErrorCode.NOT_CONNECTED, 'USER_NOT_LOGGED_IN')],
  [2999, m(ErrorCode.NOT_CONNECTED, 'SDK_IS_NOT_READY')],
  [3000, m(ErrorCode.NOT_CONNECTED, 'LOGGING_IN')],
  [3005, m(ErrorCode.NOT_CONNECTED, 'LOGGED_OUT')],
  [6013, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_NOT_INITIALIZED')],
  [6014, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_NOT_LOGGED_IN')],
  [6026, m(ErrorCode.NOT_CONNECTED, 'ERR_NO_PREVIOUS_LOGIN')],
  [7501, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_ACCOUNT_LOGIN_IN_PROCESS')],
  [7502, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_ACCOUNT_LOGOUT_IN_PROCESS')],
  // Kicked out: another login took the session over.
  [3002, m(ErrorCode.CLOSED, 'KICKED_OUT_MULT_DEVICE')],
  [3003, m(ErrorCode.CLOSED, 'KICKED_OUT_MULT_ACCOUNT')],
  [3006, m(ErrorCode.CLOSED, 'KICKED_OUT_REST_API')],
  [6208, m(ErrorCode.CLOSED, 'ERR_LOGIN_KICKED_OFF_BY_OTHER')],
  [1002, m(ErrorCode.CLOSED, 'HELLO_ANSWER_KICKED_OUT')],
  // Network.
  [2800, m(ErrorCode.NOT_CONNECTED, 'NETWORK_ERROR')],
  [2805, m(ErrorCode.NOT_CONNECTED, 'NO_NETWORK')],
  [9508, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_NET_DISCONNECT')],
  [9510, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_NET_CONN_TIMEOUT')],
  [9511, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_NET_CONN_REFUSE')],
  [9512, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_NET_NET_UNREACH')],
  [9523, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_NET_WAIT_SEND_TIMEOUT_NO_NETWORK')],
  [9524, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_NET_WAIT_ACK_TIMEOUT_NO_NETWORK')],
  [9525, m(ErrorCode.NOT_CONNECTED, 'ERR_SDK_NET_SEND_REMAINING_TIMEOUT_NO_NETWORK')],
  [2801, m(ErrorCode.REQUEST_TIMEOUT, 'NETWORK_TIMEOUT')],
  [6012, m(ErrorCode.REQUEST_TIMEOUT, 'ERR_REQUEST_TIMEOUT')],
  [9518, m(ErrorCode.REQUEST_TIMEOUT, 'ERR_SDK_NET_WAIT_INQUEUE_TIMEOUT')],
  [9519, m(ErrorCode.REQUEST_TIMEOUT, 'ERR_SDK_NET_WAIT_SEND_TIMEOUT')],
  [9520, m(ErrorCode.REQUEST_TIMEOUT, 'ERR_SDK_NET_WAIT_ACK_TIMEOUT')],
  [9521, m(ErrorCode.REQUEST_TIMEOUT, 'ERR_SDK_NET_WAIT_SEND_REMAINING_TIMEOUT')],
  [9522, m(ErrorCode.INVALID_PARAMETERS, 'ERR_SDK_NET_PKG_SIZE_LIMIT')],
  // Rate limits and capacity.
  [2996, m(ErrorCode.RATE_LIMITED, 'OVER_FREQUENCY_LIMIT')],
  [6015, m(ErrorCode.RATE_LIMITED, 'ERR_IN_PROGRESS')],
  [7008, m(ErrorCode.RATE_LIMITED, 'ERR_SDK_COMM_API_CALL_FREQUENCY_LIMIT')],
  [10023, m(ErrorCode.RATE_LIMITED, 'group message frequency limit')],
  [60022, m(ErrorCode.UNAVAILABLE, 'OPEN_SERVICE_OVERLOAD_ERROR')],
  [2100, m(ErrorCode.UNAVAILABLE, 'MSG_SEND_FAIL')],
  [7013, m(ErrorCode.UNAVAILABLE, 'ERR_SDK_PACKAGE_NOT_SUPPORTED')],
  // Permission to send.
  [20006, m(ErrorCode.NO_PERMISSION, 'blocked by a before-send callback')],
  [20007, m(ErrorCode.NO_PERMISSION, "sender is in the receiver's blocklist")],
  [20009, m(ErrorCode.NO_PERMISSION, 'not friends')],
  [20012, m(ErrorCode.NO_PERMISSION, 'sender is muted')],
  [10016, m(ErrorCode.NO_PERMISSION, 'blocked by a group callback')],
  [10017, m(ErrorCode.NO_PERMISSION, 'muted in the group')],
  // Groups.
  [2602, m(ErrorCode.GROUP_NOT_FOUND, 'ILLEGAL_GRP_ID')],
  [2603, m(ErrorCode.GROUP_NOT_FOUND, 'CANNOT_FIND_GRP')],
  [10010, m(ErrorCode.GROUP_NOT_FOUND, 'group dissolved')],
  [10015, m(ErrorCode.GROUP_NOT_FOUND, 'invalid group ID')],
  [2623, m(ErrorCode.NOT_GROUP_MEMBER, 'MEMBER_NOT_IN_GRP')],
  [10007, m(ErrorCode.NOT_GROUP_MEMBER, 'no permission in the group (not a member)')],
  // The SDK itself.
  [2903, m(ErrorCode.INTERNAL, 'UNCAUGHT_ERROR')],
  [2998, m(ErrorCode.INTERNAL, 'NO_MODULE (the signaling module is not loaded)')],
  [3122, m(ErrorCode.INTERNAL, 'NO_USE (the API is not available in this build)')],
  [10002, m(ErrorCode.INTERNAL, 'group service internal error')],
]);

/** Login errors after which retrying with the same credentials cannot help. */
export function isCredentialError(info: SignalingErrorInfo): boolean {
  return info.code === ErrorCode.UNAUTHORIZED;
}

function readCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && Number.isFinite(code)) return code;
  if (typeof code === 'string' && /^-?\d+$/.test(code)) return Number(code);
  return undefined;
}

function readMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return '';
}

/**
 * Turns whatever the SDK threw or rejected with (its `{ code, message }` errors, a plain
 * `Error` from its parameter checks, anything else) into a Beckon error. Never throws.
 */
export function mapTencentError(error: unknown, what = 'Tencent Cloud Chat'): SignalingErrorInfo {
  if (error instanceof SignalingError) return error.toJSON();
  const code = readCode(error);
  const message = readMessage(error);
  if (code === undefined) {
    // The SDK's parameter validation throws `new Error('Params validate failed.')`.
    if (/params? validate/i.test(message)) {
      return errorInfo(ErrorCode.INVALID_PARAMETERS, `${what}: ${message}`);
    }
    return errorInfo(ErrorCode.INTERNAL, `${what} failed: ${message || String(error)}`);
  }
  const known = TENCENT_ERRORS.get(code);
  if (known === undefined) {
    return errorInfo(
      ErrorCode.INTERNAL,
      `${what}: unknown Tencent error ${code}${message ? `: ${message}` : ''}`,
    );
  }
  return errorInfo(known.code, `${what}: Tencent ${code} ${known.name}${message ? `: ${message}` : ''}`);
}
