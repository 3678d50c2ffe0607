/**
 * Test your Tencent-mode app without network: `FakeChat` is a stand-in for the
 * `@tencentcloud/chat` instance, typed from the SDK's own declarations (an SDK change breaks
 * the build, not your tests), and `FakeCloud` routes signaling between fake users the way
 * Tencent's service does: asynchronously and without arbitration.
 */
export { FakeCloud, flush } from './cloud.js';
export {
  type Call,
  FakeChat,
  fakeIsAChat,
  gate,
  type Method,
  type Script,
  signalingMessage,
  type TencentErrorLike,
  tencentError,
} from './fakeChat.js';
