export {
  createUserSig,
  DEFAULT_USER_SIG_EXPIRE_SECONDS,
  decodeUserSig,
  type UserSigDocument,
  type UserSigOptions,
  type VerifyUserSigOptions,
  type VerifyUserSigResult,
  verifyUserSig,
} from './userSig.js';
